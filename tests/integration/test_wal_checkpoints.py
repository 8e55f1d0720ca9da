"""SQLite's write-ahead log is copied back into the database file beside the writers
(adapters/storage/wal.py): a commit leaves the copying to the server's checkpoints, up to
a backstop past which a commit does it itself (a command run with no server), and a
checkpoint leaves in the log what a reader still reads."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from xinyong.adapters.storage.store import make_engine
from xinyong.adapters.storage.wal import BACKSTOP_PAGES, WalCheckpointer

pytestmark = [pytest.mark.integration, pytest.mark.backend_independent]

PAGE = 4096
ROW = 3000  # bytes of a row: one page each, on pages of 4 KiB


@pytest.fixture
def path(tmp_path) -> str:
    return str(tmp_path / "wal.db")


@pytest.fixture
def engine(path):
    engine = make_engine(path)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x BLOB)"))
    yield engine
    engine.dispose()


def _write(engine, pages: int, per_commit: int = 100) -> None:
    for _ in range(0, pages, per_commit):
        with engine.begin() as connection:
            connection.execute(
                text(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :rows) "
                    f"INSERT INTO t SELECT randomblob({ROW}) FROM n"
                ),
                {"rows": per_commit},
            )


def _count(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM t")).scalar_one()


def test_a_connection_leaves_the_log_to_the_checkpoints_up_to_the_backstop(engine):
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == BACKSTOP_PAGES


def test_commits_past_sqlites_own_threshold_leave_the_log_uncopied_until_a_checkpoint(engine, path):
    before = os.path.getsize(path)
    _write(engine, 3000)  # three times SQLite's default threshold of 1000 pages
    assert os.path.getsize(path) == before  # nothing copied back by a commit
    assert os.path.getsize(path + "-wal") > 3000 * PAGE

    done = WalCheckpointer(path).checkpoint()

    assert done.logged > 3000
    assert done.complete
    assert os.path.getsize(path) > 3000 * PAGE
    assert _count(engine) == 3000


def test_past_the_backstop_a_commit_copies_the_log_itself(engine, path):
    before = os.path.getsize(path)
    _write(engine, BACKSTOP_PAGES + 500, per_commit=500)
    assert os.path.getsize(path) > before + BACKSTOP_PAGES * PAGE


def test_a_checkpoint_leaves_in_the_log_what_a_reader_still_reads(engine, path):
    _write(engine, 200)
    checkpointer = WalCheckpointer(path)
    assert checkpointer.checkpoint().complete
    with engine.connect() as reader:
        reader = reader.execution_options(read_only=True)
        with reader.begin():
            seen = reader.execute(text("SELECT count(*) FROM t")).scalar_one()
            _write(engine, 200)
            held = checkpointer.checkpoint()
            assert not held.complete  # the pages written after the reader began stay in the log
            assert reader.execute(text("SELECT count(*) FROM t")).scalar_one() == seen
    assert checkpointer.checkpoint().complete
    assert _count(engine) == 400
    checkpointer.close()


def test_a_checkpoint_of_a_database_not_in_wal_mode_copies_nothing(tmp_path):
    import sqlite3

    path = str(tmp_path / "journal.db")
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (x)")
    done = WalCheckpointer(path).checkpoint()
    assert (done.logged, done.copied) == (0, 0)


def test_a_checkpoint_of_a_file_gone_is_an_error_and_makes_no_database(tmp_path):
    import sqlite3

    path = tmp_path / "gone.db"
    with pytest.raises(sqlite3.OperationalError):
        WalCheckpointer(str(path)).checkpoint()
    assert not path.exists()


def test_a_checkpoint_that_finds_the_database_held_leaves_the_copying_for_later(engine, path):
    import sqlite3

    _write(engine, 50)
    engine.dispose()  # the pool's connections closed: the holder alone has the file
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        done = WalCheckpointer(path).checkpoint()
        assert (done.logged, done.copied) == (0, 0)
    finally:
        holder.execute("COMMIT")
        holder.close()


def test_a_checkpoint_of_a_file_that_is_no_database_is_an_error(tmp_path):
    import sqlite3

    path = tmp_path / "garbage.db"
    path.write_bytes(b"not a database at all, " * 200)
    with pytest.raises(sqlite3.DatabaseError):
        WalCheckpointer(str(path)).checkpoint()
