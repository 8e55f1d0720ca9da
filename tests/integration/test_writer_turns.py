"""Writers of a SQLite database queue for their turn at a file lock beside it
(adapters/storage/writer_turns.py): a writing transaction holds the turn from its BEGIN
to after its COMMIT or ROLLBACK, a reading one never takes it, and the next writer is
let in as soon as the turn is given back."""

from __future__ import annotations

import fcntl
import os
import threading
import time

import pytest
from sqlalchemy import text

from xinyong.adapters.storage.store import make_engine
from xinyong.services.unit_of_work import WriteLockBusy

pytestmark = [pytest.mark.integration, pytest.mark.backend_independent]


def _turn_is_free(path: str) -> bool:
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(descriptor)
    return True


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(str(tmp_path / "turns.db"))
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
    yield engine
    engine.dispose()


@pytest.fixture
def turn_file(tmp_path) -> str:
    return str(tmp_path / "turns.db") + ".writers.lock"


def test_a_writing_transaction_holds_the_turn_until_it_commits(engine, turn_file):
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO t VALUES (1)"))
        assert not _turn_is_free(turn_file)
    assert _turn_is_free(turn_file)


def test_a_rolled_back_transaction_gives_the_turn_back(engine, turn_file):
    with pytest.raises(RuntimeError), engine.begin() as connection:
        connection.execute(text("INSERT INTO t VALUES (1)"))
        raise RuntimeError("abandoned")
    assert _turn_is_free(turn_file)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM t")).scalar() == 0


def test_a_reading_transaction_never_takes_the_turn(engine, turn_file):
    reading = engine.execution_options(read_only=True)
    with reading.begin() as connection:
        connection.execute(text("SELECT count(*) FROM t")).scalar()
        assert _turn_is_free(turn_file)


def test_the_next_writer_waits_for_the_turn_and_then_writes(engine, turn_file):
    order: list[str] = []
    started = threading.Event()

    def second_writer() -> None:
        started.set()
        with engine.begin() as connection:
            order.append("second")
            connection.execute(text("INSERT INTO t VALUES (2)"))

    with engine.begin() as connection:
        connection.execute(text("INSERT INTO t VALUES (1)"))
        other = threading.Thread(target=second_writer)
        other.start()
        started.wait()
        other.join(timeout=0.5)
        assert other.is_alive(), "the second writer went in while the first held its turn"
        order.append("first")
    other.join(timeout=30)
    assert order == ["first", "second"]
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM t")).scalar() == 2


def test_a_writer_that_may_wait_only_so_long_leaves_the_queue_without_a_turn(engine, turn_file):
    # A check's log (units(wait=...)): while another writer holds the turn, it gives up
    # within its time, holds nothing after, and the holder commits as it would have.
    limited = engine.execution_options(lock_wait=0.2)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO t VALUES (1)"))
        refused: list[BaseException] = []

        def limited_writer() -> None:
            try:
                with limited.begin() as other:
                    other.execute(text("INSERT INTO t VALUES (2)"))
            except WriteLockBusy as error:
                refused.append(error)

        other = threading.Thread(target=limited_writer)
        other.start()
        other.join(timeout=30)
        assert not other.is_alive() and len(refused) == 1
    # Its place in the queue, reached once this transaction ended, is handed on at once.
    deadline = time.monotonic() + 10
    while not _turn_is_free(turn_file) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _turn_is_free(turn_file)
    with limited.begin() as connection:  # the turn free: had at once
        connection.execute(text("INSERT INTO t VALUES (3)"))
    with engine.connect() as connection:
        assert [r[0] for r in connection.execute(text("SELECT x FROM t ORDER BY x"))] == [1, 3]
