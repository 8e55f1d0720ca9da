"""The notice rounds of a server, made in a process of their own at a lower priority.

A round reads records and works out what the passing of time brings them (the first of
a day reads every record: some 90 s at a million). Made in a thread of a server process,
it holds the interpreter's lock for most of that time, and the checks that process
serves wait for it between every two steps of their own: at a million records they ran
at a third of their speed while it lasted (BENCHMARKS.md, "notice rounds on"). Made in a
child process, it shares only the cores; and at a lower priority (``nice``) the
operating system gives them to the checks first, and to the round when they are idle.

The child opens the same database with the same settings, so the same key and the
same rules decide every notice; it writes each page of notices in a short transaction
of its own, as the round always did. Email is still sent by the server process that
holds the rounds lock, after the round. A child that dies is started again at the next
round, and a page it left unwritten is written by that round (each notice has its
dedupe key). A child whose server process died ends when its round does."""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from xinyong.settings import Settings

log = logging.getLogger("xinyong.notices")

# How much lower the round's process runs than the server's (the nice increment): at 10
# the scheduler weighs it about a tenth of a server process when both want a core.
NICENESS = 10


class RoundFailed(RuntimeError):
    """The round's process could not make the round (its log says why)."""


class RoundProcess:
    """Notice rounds made by a child process, started at the first round. Used by one
    caller at a time (the server's loop of rounds); :meth:`close` ends the child, from
    any thread, without waiting for a round in progress."""

    def __init__(self, database: str, settings: Settings, *, child: Callable[..., None] | None = None):
        """``child`` is what the child process runs, given its end of the pipe, the
        database and the settings (default: :func:`_make_rounds`)."""
        self.database = database
        self.settings = settings
        self._child = child or _make_rounds
        self._context = multiprocessing.get_context("spawn")  # never a fork of the server's connections
        self._process: BaseProcess | None = None
        self._connection: Connection | None = None
        self._guard = threading.Lock()  # held only to change the fields, never during a round
        self._busy = False
        self._closed = False

    def send_due_notices(self, day: dt.date) -> int:
        """Make the round of ``day`` in the child and answer how many notices came due
        (``DueProcess.send_due_notices``). Blocks until the round ends."""
        with self._guard:
            if self._closed:
                raise RoundFailed("the server is shutting down")
            process, connection = self._started()
            self._busy = True
        try:
            connection.send(day)
            outcome, written = connection.recv()
        except (EOFError, OSError) as gone:  # the child died, or was ended by close()
            with self._guard:
                self._busy = False
                self._forget(process, connection)
            raise RoundFailed("the round's process ended during the round; the next round starts another") from gone
        with self._guard:
            self._busy = False
            if self._closed:  # closed while the round ended: the connection is this thread's to close
                connection.close()
        if outcome != "written":
            raise RoundFailed("the notice round failed in its process (see its log)")
        return int(written)

    def close(self) -> None:
        """End the child, in the middle of a round if need be (the thread waiting for
        that round is then told it failed): a page cut short is written by the next
        round, whichever process makes it."""
        with self._guard:
            self._closed = True
            process, connection, busy = self._process, self._connection, self._busy
            self._process = self._connection = None
        if connection is not None and not busy:
            connection.close()
        if process is not None:
            _end(process)

    def _started(self) -> tuple[BaseProcess, Connection]:
        if self._process is not None and self._process.is_alive() and self._connection is not None:
            return self._process, self._connection
        if self._process is not None and self._connection is not None:
            self._forget(self._process, self._connection)
        ours, theirs = self._context.Pipe()
        process = self._context.Process(
            target=self._child,
            args=(theirs, self.database, self.settings),
            name="xinyong-notice-rounds",
            daemon=True,
        )
        process.start()
        theirs.close()  # the child's end: a child that dies is then an end of file here
        self._process, self._connection = process, ours
        log.info("notice rounds are made by process %d (nice +%d)", process.pid, NICENESS)
        return process, ours

    def _forget(self, process: BaseProcess, connection: Connection) -> None:
        """Close ``connection`` and end ``process`` (under the guard)."""
        connection.close()
        if self._process is process:
            self._process = self._connection = None
            _end(process)


def _end(process: BaseProcess) -> None:
    process.terminate()
    process.join(5)
    if process.is_alive():
        process.kill()
        process.join()


def _make_rounds(connection: Connection, database: str, settings: Settings) -> None:
    """The child: open the deployment once, then make a round for each day asked, until
    the server's end of the pipe closes."""
    from xinyong.bootstrap import open_deployment

    os.nice(NICENESS)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    deployment = open_deployment(database, settings)
    try:
        while True:
            try:
                day = connection.recv()
            except EOFError:  # the server process closed its end, or died
                return
            try:
                written = deployment.due_process.send_due_notices(day)
            except Exception:  # the server keeps serving and asks again at the next round
                log.exception("notice round failed")
                connection.send(("failed", 0))
            else:
                connection.send(("written", written))
            try:
                deployment.store.fill_blocks()
            except Exception:  # batch jobs read those rows from the ledger meanwhile
                log.exception("putting the ledger's rows in blocks failed")
    finally:
        deployment.close()
