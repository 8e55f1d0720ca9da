"""A big import on SQLite takes the database alone, when nothing else has it open: it
writes through a rollback journal instead of the write-ahead log, whose index SQLite
searches for every page read again, at a cost that grows with the transaction
(adapters/storage/wal.py, decision record 0018). It gives the log back when its
transaction ends, whether committed or rolled back; with anything else connected it
keeps the log; and a process killed in the middle of one leaves the database as it was.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from tests.support.samples import sample_catalogs
from xinyong.bootstrap import open_deployment
from xinyong.domain.events import parse_lines
from xinyong.services.intake import ImportRefused
from xinyong.settings import Settings

pytestmark = [pytest.mark.integration, pytest.mark.backend_independent]

ROOT = Path(__file__).resolve().parents[2]


def _settings(folder: Path) -> Settings:
    return Settings(db=str(folder / "x.db"), key_file=str(folder / "secret.key"), notice_interval=0)


def _population(persons: int, seed: int = 7) -> list[str]:
    from benchmarks.common import population_lines

    return population_lines(persons, persons // 10, seed=seed)


@pytest.fixture
def deployment(tmp_path):
    settings = _settings(tmp_path)
    d = open_deployment(settings.db, settings)
    d.catalogs.load(sample_catalogs())
    yield d
    d.close()


def _mode(path: str) -> str:
    with closing(sqlite3.connect(path)) as connection:  # closed: an open one keeps the log
        return connection.execute("PRAGMA journal_mode").fetchone()[0]


def _ledger_rows(path: str) -> int:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute("SELECT count(*) FROM ledger").fetchone()[0]


class Watching:
    """Called at each batch of an import: which journal is beside the file."""

    def __init__(self, path: str):
        self.path = path
        self.journals: list[bool] = []  # a rollback journal
        self.logs: list[bool] = []  # a write-ahead log

    def __call__(self, _done: int) -> None:
        self.journals.append(os.path.exists(self.path + "-journal"))
        self.logs.append(os.path.exists(self.path + "-wal"))


def test_a_bulk_import_alone_writes_through_a_rollback_journal_and_gives_the_log_back(deployment, tmp_path):
    path = str(tmp_path / "x.db")
    deployment.store.engine.dispose()  # the import's connection is the only one
    watching = Watching(path)
    result = deployment.intake.apply(parse_lines(_population(300)), progress=watching, bulk=True)
    assert result.written_by_type["record"] > 0
    assert _ledger_rows(path) >= result.read
    # While it ran: a rollback journal beside the file, and no write-ahead log.
    assert watching.journals and all(watching.journals), watching.journals
    assert not any(watching.logs), watching.logs
    assert _mode(path) == "wal"


def test_an_import_that_does_not_ask_keeps_the_log(deployment, tmp_path):
    path = str(tmp_path / "x.db")
    deployment.store.engine.dispose()
    watching = Watching(path)
    deployment.intake.apply(parse_lines(_population(100)), progress=watching)
    assert not any(watching.journals)
    assert all(watching.logs)


def test_a_bulk_import_keeps_the_log_when_another_connection_has_the_file_open(deployment, tmp_path):
    path = str(tmp_path / "x.db")
    deployment.store.engine.dispose()
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("SELECT count(*) FROM ledger").fetchone()  # open, as a server's reader is
    try:
        watching = Watching(path)
        started = time.monotonic()
        deployment.intake.apply(parse_lines(_population(100)), progress=watching, bulk=True)
        # Refused at once, not after the 30 seconds a connection waits for a lock.
        assert time.monotonic() - started < 20
        assert not any(watching.journals)
        assert all(watching.logs)
        assert reader.execute("SELECT count(*) FROM ledger").fetchone()[0] > 0  # the reader reads on
    finally:
        reader.close()
    assert _mode(path) == "wal"


def test_a_refused_bulk_import_leaves_nothing_and_gives_the_log_back(deployment, tmp_path):
    path = str(tmp_path / "x.db")
    before = _ledger_rows(path)
    deployment.store.engine.dispose()
    lines = [*_population(100), '{"type": "record", "id": "broken"}']
    watching = Watching(path)
    with pytest.raises(ImportRefused):
        deployment.intake.apply(parse_lines(lines), progress=watching, bulk=True)
    assert all(watching.journals)  # it had taken the file alone
    assert _ledger_rows(path) == before
    assert _mode(path) == "wal"
    assert not os.path.exists(path + "-journal")


_CHILD = textwrap.dedent(
    """
    import os, signal, sys
    sys.path.insert(0, sys.argv[3])
    from benchmarks.common import population_lines
    import xinyong.adapters.storage.store as store
    from xinyong.bootstrap import open_deployment
    from xinyong.domain.events import parse_lines
    from xinyong.settings import Settings

    # A page cache of 1 MiB instead of 64: the import's pages go into the file early.
    store._BULK_CACHE_KIB = 1024
    settings = Settings(db=sys.argv[1], key_file=sys.argv[2], notice_interval=0)
    deployment = open_deployment(settings.db, settings)
    deployment.store.engine.dispose()
    lines = population_lines(4000, 400, seed=11)
    path = settings.db

    def progress(done):
        # Once the import has written pages of its own into the database file, under
        # its rollback journal: killed, as a power cut would stop it.
        if os.path.exists(path + "-journal") and os.path.getsize(path) > int(sys.argv[4]) * 2:
            os.kill(os.getpid(), signal.SIGKILL)

    deployment.intake.apply(parse_lines(lines), progress=progress, bulk=True)
    print("finished without being killed")
    """
)


def test_a_bulk_import_killed_midway_leaves_the_database_as_it_was(tmp_path):
    settings = _settings(tmp_path)
    first = open_deployment(settings.db, settings)
    first.catalogs.load(sample_catalogs())
    earlier = _population(4000, seed=11)[:500]  # the child's file begins with these lines
    first.intake.import_lines(earlier)
    first.close()
    path = settings.db
    rows, size = _ledger_rows(path), os.path.getsize(path)
    child = subprocess.run(
        [sys.executable, "-c", _CHILD, path, settings.key_file, str(ROOT), str(size)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert child.returncode == -signal.SIGKILL, (child.returncode, child.stdout, child.stderr[-2000:])
    # Killed with the import's own pages in the file, its journal hot beside it.
    assert os.path.exists(path + "-journal")
    assert os.path.getsize(path) > 2 * size

    again = open_deployment(settings.db, settings)  # rolls the journal back
    try:
        assert _ledger_rows(path) == rows
        assert _mode(path) == "wal"
        assert again.audit.verify().intact
        # And the next import finds the ledger as the first one left it: a replay.
        assert again.intake.import_lines(earlier).written_by_type == {}
    finally:
        again.close()


@contextmanager
def _held_alone(path: str) -> Iterator[None]:
    """The file held as a bulk import holds it (rollback journal, exclusive lock), and
    let go at the end."""
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        assert holder.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "delete"
        holder.execute("BEGIN EXCLUSIVE")
        yield
        holder.execute("ROLLBACK")
    finally:
        holder.close()


def test_a_connection_to_a_file_held_alone_says_why_it_cannot_open_it(deployment, tmp_path):
    from xinyong.adapters.storage.store import make_engine
    from xinyong.adapters.storage.wal import DatabaseHeld

    path = str(tmp_path / "x.db")
    deployment.close()
    engine = make_engine(path)
    with _held_alone(path), pytest.raises(DatabaseHeld, match=r"locked by another process.*xinyong import --shared"):
        engine.connect()
    engine.dispose()
    engine = make_engine(path)  # and once it is let go, the file is in WAL mode again
    with engine.connect():
        pass
    engine.dispose()
    assert _mode(path) == "wal"


def test_a_command_on_a_file_held_alone_fails_with_the_reason_and_writes_nothing(deployment, tmp_path):
    path = str(tmp_path / "x.db")
    deployment.close()
    rows = _ledger_rows(path)
    env = {**os.environ, "XINYONG_KEY_FILE": str(tmp_path / "secret.key"), "XINYONG_NOTICE_INTERVAL": "0"}
    command = [str(Path(sys.executable).parent / "xinyong"), "--db", path, "catalog", "show"]
    with _held_alone(path):
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 4, (done.returncode, done.stdout, done.stderr[-2000:])
    assert "locked by another process" in done.stderr
    assert "Traceback" not in done.stderr
    assert _ledger_rows(path) == rows
