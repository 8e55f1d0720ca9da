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

A writer that may wait only so long (a check's log, which must not wait for the end of
an import: ``units(wait=...)``) asks again and again without queueing, a few
milliseconds apart, until its time is up; it then has no turn, and :meth:`take` says so.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from typing import Any

_held = threading.local()


class WriterTurns:
    """The turn file of one SQLite database, and which connections hold a turn."""

    def __init__(self, database: str):
        self.path = database + ".writers.lock"
        self._files: dict[int, int] = {}  # id of a DBAPI connection holding a turn: its descriptor
        self._guard = threading.Lock()

    def take(self, dbapi_connection: Any, timeout: float | None = None) -> bool:
        """Wait for this connection's turn to write (before its ``BEGIN IMMEDIATE``): as
        long as it takes, or at most ``timeout`` seconds. Whether the turn was had."""
        if getattr(_held, "count", 0):
            return True
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            if timeout is None:
                fcntl.flock(descriptor, fcntl.LOCK_EX)
            elif not _flock_within(descriptor, timeout):
                os.close(descriptor)
                return False
        except BaseException:
            os.close(descriptor)
            raise
        with self._guard:
            self._files[id(dbapi_connection)] = descriptor
        _held.count = 1
        return True

    def give_back(self, dbapi_connection: Any) -> None:
        """End this connection's turn (after its transaction committed or rolled back)."""
        with self._guard:
            descriptor = self._files.pop(id(dbapi_connection), None)
        if descriptor is None:
            return
        _held.count = 0
        os.close(descriptor)  # closing the descriptor releases its flock


# Between two tries of a writer that may wait only so long: short at first (most turns
# are a group commit's few milliseconds), then no longer than this.
_RETRY_AT_MOST = 0.02


def _flock_within(descriptor: int, timeout: float) -> bool:
    """Take the exclusive lock on ``descriptor`` within ``timeout`` seconds, trying
    without blocking (a blocking ``flock`` cannot be given a time limit)."""
    deadline = time.monotonic() + timeout
    pause = 0.001
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(pause, left))
            pause = min(pause * 2, _RETRY_AT_MOST)
