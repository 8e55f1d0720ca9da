"""Which server process does the rounds that time brings (notices written, email sent,
checkpoints signed): the one that holds the rounds lock of the database.

Several processes may serve one database (``xinyong serve --workers N``, or several
servers). Notices are written once whoever writes them (each has its dedupe key, written
under the write lock), but an email sent cannot be taken back: two processes delivering
the same notice would send it twice. So one process at a time does the rounds. The lock
belongs to the operating system (a file lock beside a SQLite file) or to the database
(a PostgreSQL session advisory lock): it goes with its holder when that process dies,
however it dies, and another process takes it at its next try."""

from __future__ import annotations

import logging
import os
from typing import IO

from sqlalchemy import Connection, Engine

log = logging.getLogger("xinyong.rounds")

# PostgreSQL advisory lock key of the rounds (the writers' is store.WRITERS_LOCK).
ROUNDS_LOCK = 7437


class RoundsLock:
    """A lock taken without waiting and held until :meth:`release` or the end of the
    process."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._file: IO[bytes] | None = None
        self._connection: Connection | None = None

    def take(self) -> bool:
        """Hold the lock if no other process does; True while this process holds it."""
        url = self.engine.url
        if url.get_backend_name() == "sqlite":
            return self._take_file(url.database)
        return self._take_advisory()

    def _take_file(self, database: str | None) -> bool:
        if not database or database == ":memory:":
            return True
        if self._file is not None:
            return True
        import fcntl

        handle = open(database + ".rounds.lock", "ab")  # noqa: SIM115 - held open while the lock is held
        try:  # LOCK_NB: never wait; another process holds it
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        log.info("process %d does the rounds (notices, email, checkpoints)", os.getpid())
        return True

    def _take_advisory(self) -> bool:
        if self._connection is not None:
            try:  # still connected, and so still holding it?
                self._connection.exec_driver_sql("SELECT 1")
                self._connection.commit()  # no transaction left open between rounds
                return True
            except Exception:  # noqa: BLE001 - the connection is gone, and the lock with it
                self._drop_connection()
        connection = self.engine.connect()
        try:
            held = connection.exec_driver_sql(f"SELECT pg_try_advisory_lock({ROUNDS_LOCK})").scalar()
            connection.commit()
        except BaseException:
            connection.close()
            raise
        if not held:
            connection.close()
            return False
        self._connection = connection
        log.info("process %d does the rounds (notices, email, checkpoints)", os.getpid())
        return True

    def _drop_connection(self) -> None:
        if self._connection is not None:
            try:
                self._connection.invalidate()
                self._connection.close()
            except Exception:  # noqa: BLE001 - closing what is already broken
                pass
            self._connection = None

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing the file lets go of the lock
            self._file = None
        if self._connection is not None:
            try:
                self._connection.exec_driver_sql(f"SELECT pg_advisory_unlock({ROUNDS_LOCK})")
                self._connection.commit()
                self._connection.close()
                self._connection = None
            except Exception:  # noqa: BLE001 - a lost connection has let go of it already
                self._drop_connection()
