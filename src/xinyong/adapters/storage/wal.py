"""Checkpoints of a SQLite database's write-ahead log, made beside the writers rather
than by them.

SQLite copies the log back into the database file (a checkpoint) by itself once the log
passes ``wal_autocheckpoint`` pages, in the connection whose commit passed it, before
that commit returns. A writer's commit then pays for copying every page that others
wrote too, while the writers queued behind it wait (adapters/storage/writer_turns.py),
the checks' log of who looked among them: a notice round's writes of 200 notices took
24.3 ms on average with the copying and 18.9 ms without it at 100,000 records
(benchmarks/round_writes.py; decision record 0017 has the figures at 1 M).

So the server copies the log from a connection of its own, on a thread of its own (in
each of its processes: of two checkpoints at once, one leaves the copying to the other),
and every connection's own threshold (:data:`BACKSTOP_PAGES`) is raised to where it is reached
only when no server copies the log: a command run on its own, or a server that fell
behind. What a commit makes durable is unchanged: the log is on disk before a commit
returns (``synchronous=FULL``), and a checkpoint only moves what is already durable."""

from __future__ import annotations

import os
import sqlite3
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

# Pages (4 KiB each) the log may reach before a connection's own commit copies it back
# (SQLite's default is 1000). The server's checkpoints keep the log below it.
BACKSTOP_PAGES = 10_000
# SQLITE_BUSY and SQLITE_LOCKED: another connection holds what a checkpoint (or a lock
# asked for) needs.
BUSY = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


@dataclass(frozen=True)
class Checkpoint:
    """What one checkpoint found and did: the pages in the log, and those of them now
    in the database file (fewer while a reader still reads an older state)."""

    logged: int
    copied: int

    @property
    def complete(self) -> bool:
        return self.copied >= self.logged


class WalCheckpointer:
    """Passive checkpoints of one SQLite file: each copies what no reader still needs,
    never waits for a lock, and never holds a writer back."""

    def __init__(self, path: str):
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()  # one checkpoint at a time on this connection

    def checkpoint(self) -> Checkpoint:
        with self._lock:
            try:
                busy, logged, copied = self._opened().execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            except sqlite3.OperationalError as error:
                # Another connection holds what the checkpoint needs (another checkpoint
                # under way, say): the next one copies what this one would have.
                if getattr(error, "sqlite_errorcode", None) in BUSY:
                    return Checkpoint(0, 0)
                raise
            if busy:
                return Checkpoint(0, 0)
            # -1, -1: the database is not in WAL mode (nothing to copy).
            return Checkpoint(max(logged, 0), max(copied, 0))

    def _opened(self) -> sqlite3.Connection:
        if self._connection is None:
            # Read-write, never create: a file gone is an error, not a new database.
            uri = "file:" + urllib.parse.quote(os.path.abspath(self.path)) + "?mode=rw"
            connection = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=0, check_same_thread=False)
            try:
                # A checkpoint's copy is synced to disk before the log is reused.
                connection.execute("PRAGMA synchronous=FULL")
            except BaseException:
                connection.close()
                raise
            self._connection = connection
        return self._connection

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None


# ------------------------------------------------------------------ a big import alone
#
# One import is one transaction (a bad line leaves nothing of its file). Under the
# write-ahead log, every page such a transaction writes waits in the log until it
# commits, and SQLite finds a page again by looking through the log's index from its
# newest part to its oldest, 4,096 pages a part: each page read from a log of a whole
# import costs more the bigger the import, and the indexes with random keys (the
# subjects' lookup keys, record and notice ids) are read back all the time. Inserting 3
# million rows in one transaction into a table with three such indexes, the rate fell
# from 63,000 to 17,000 rows a second as the log grew; through a rollback journal,
# which keeps only the pages the transaction changed that were there before, it levelled
# at 24,000–31,000 (``python -m benchmarks.pieces bulk_journal``). `xinyong import` of
# 10 M records cost ×1.49 a record what 1 M cost through the log, and ×0.90 through a
# journal (BENCHMARKS.md; decision record 0018).
#
# A rollback journal holds other processes off while the import writes: a reader waits
# for the commit (and gives up after its busy timeout). So a connection takes one only
# when nothing else has the database open, and gives the log back after its commit.


class DatabaseHeld(RuntimeError):
    """The file is held by another process that writes it alone: a new connection cannot
    return it to the write-ahead log, nor read it, until that process is done."""


def wal_on_connect(dbapi_connection: sqlite3.Connection, path: str | None) -> None:
    """Put a new connection's file in WAL mode, as every connection of ours has it; a
    file that another process holds alone (:func:`take_alone`) raises
    :class:`DatabaseHeld`, saying so."""
    if _journal(dbapi_connection, "WAL") is None:
        raise DatabaseHeld(
            f"{path or 'the database'} is locked by another process: a big `xinyong import` holds a "
            "SQLite database alone until it ends (`xinyong import --shared` leaves it open to others); "
            "try again when it is done. Nothing was read or written."
        )


def take_alone(dbapi_connection: sqlite3.Connection) -> bool:
    """Leave the write-ahead log for a rollback journal, if nothing else has the database
    open (another connection's shared hold on the log refuses it at once); whether it
    did. Outside a transaction only."""
    with busy_timeout(dbapi_connection, 0):
        return _journal(dbapi_connection, "DELETE") == "delete"


@contextmanager
def busy_timeout(dbapi_connection: sqlite3.Connection, seconds: float) -> Iterator[None]:
    """The connection's busy timeout at ``seconds`` for the block, and as it was after."""
    (timeout,) = dbapi_connection.execute("PRAGMA busy_timeout").fetchone()
    dbapi_connection.execute(f"PRAGMA busy_timeout={int(seconds * 1000)}")
    try:
        yield
    finally:
        dbapi_connection.execute(f"PRAGMA busy_timeout={int(timeout)}")


def give_back_log(dbapi_connection: sqlite3.Connection) -> bool:
    """Return to the write-ahead log after :func:`take_alone`'s transaction ended (a
    reader that waited may have done so first); whether it did. The transaction has
    ended as it did whatever happens here: a file still held by others past the busy
    timeout goes back to the log at the next connection to it (``make_engine``)."""
    return _journal(dbapi_connection, "WAL") == "wal"


def _journal(dbapi_connection: sqlite3.Connection, mode: str) -> str | None:
    """Set the file's journal mode; the mode it is in after, or None when another
    connection's hold on the file refused the change."""
    try:
        (found,) = dbapi_connection.execute(f"PRAGMA journal_mode={mode}").fetchone()
    except sqlite3.OperationalError as error:
        if getattr(error, "sqlite_errorcode", None) in BUSY:
            return None
        raise
    return str(found).lower()
