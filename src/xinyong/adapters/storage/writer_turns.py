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
an import: ``units(wait=...)``) queues as every writer does, from a thread of its own
(a blocking ``flock`` takes no time limit), and waits for that thread at most its time:
if the time is up first, it has no turn, :meth:`take` says so, and the turn, when the
queue gives it to that thread, is handed on at once. (Asking again and again without
queueing, a few milliseconds apart, let it sleep through the turns of a busy queue: the
checks of two server processes ran at 501 requests a second instead of 700.)
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

    def take(self, dbapi_connection: Any, timeout: float | None = None) -> bool:
        """Wait for this connection's turn to write (before its ``BEGIN IMMEDIATE``): as
        long as it takes, or at most ``timeout`` seconds. Whether the turn was had."""
        if getattr(_held, "count", 0):
            return True
        descriptor = _opened(self.path)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX if timeout is None else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            # Taken, and this writer may wait only so long (a blocking flock never raises this).
            assert timeout is not None
            os.close(descriptor)
            queued = _Queued(self.path).within(timeout)
            if queued is None:
                return False
            descriptor = queued
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


def _opened(path: str) -> int:
    return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)


class _Queued:
    """A place in the queue for the turn, held by a thread of its own, for a writer that
    waits for it only so long."""

    def __init__(self, path: str):
        self._path = path
        self._had = threading.Event()
        self._guard = threading.Lock()
        self._descriptor: int | None = None
        self._error: BaseException | None = None
        self._given_up = False
        threading.Thread(target=self._wait, name="writer-turn", daemon=True).start()

    def _wait(self) -> None:
        try:
            descriptor = _opened(self._path)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX)
            except BaseException:
                os.close(descriptor)
                raise
        except BaseException as error:  # noqa: BLE001 - told to the writer in within()
            self._error = error
            self._had.set()
            return
        with self._guard:
            if self._given_up:
                os.close(descriptor)  # too late: the turn goes on to the next writer
                return
            self._descriptor = descriptor
        self._had.set()

    def within(self, timeout: float) -> int | None:
        """The descriptor holding the turn, once had within ``timeout`` seconds; else
        None, and the turn is handed on as soon as it comes."""
        self._had.wait(max(timeout, 0.0))
        with self._guard:
            if self._error is not None:
                raise self._error
            if self._descriptor is None:
                self._given_up = True
            return self._descriptor
