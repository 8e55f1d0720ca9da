"""Turns at a SQLite database's write lock, handed from writer to writer by the kernel.

SQLite lets one writer in at a time; another that finds the lock taken sleeps and tries
again (1, 2, 5, 10 … up to 100 ms between tries, for up to the connection's timeout),
so under steady contention a writer can sleep through many turns that others took while
it slept. With two server processes each committing batches of checks, that made one
check in a hundred wait more than a second. Here every writer first waits for an
exclusive ``flock`` on a file beside the database: the kernel wakes the next waiter the
moment the lock is released, so writers take their turns in a queue and SQLite's own
lock is free when each one asks for it.

A thread that already holds a turn (a writing connection opened inside another one)
does not ask again; SQLite's timeout then decides as before, instead of a wait that
could never end.
"""

from __future__ import annotations

import fcntl
import os
import threading
from typing import Any

_held = threading.local()


class WriterTurns:
    """The turn file of one SQLite database, and which connections hold a turn."""

    def __init__(self, database: str):
        self.path = database + ".writers.lock"
        self._files: dict[int, int] = {}  # id of a DBAPI connection holding a turn: its descriptor
        self._guard = threading.Lock()

    def take(self, dbapi_connection: Any) -> None:
        """Wait for this connection's turn to write (before its ``BEGIN IMMEDIATE``)."""
        if getattr(_held, "count", 0):
            return
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        except BaseException:
            os.close(descriptor)
            raise
        with self._guard:
            self._files[id(dbapi_connection)] = descriptor
        _held.count = 1

    def give_back(self, dbapi_connection: Any) -> None:
        """End this connection's turn (after its transaction committed or rolled back)."""
        with self._guard:
            descriptor = self._files.pop(id(dbapi_connection), None)
        if descriptor is None:
            return
        _held.count = 0
        os.close(descriptor)  # closing the descriptor releases its flock
