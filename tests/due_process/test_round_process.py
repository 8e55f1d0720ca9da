"""A served database's notice rounds are made by a child process of lower priority, so
that a round (the first of a day reads every record) does not hold the interpreter's
lock of the process serving checks (xinyong.entrypoints.api.round_process). The child
writes what comes due, is started again when it dies, and ends with its server."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import time
from pathlib import Path

import pytest

from tests.due_process.conftest import RC, RESTART, TRAFFIC, Api, copy_database, opened, record, start_server

pytestmark = pytest.mark.e2e

STARTED = re.compile(r"notice rounds are made by process (\d+) \(nice \+10\)")


def _stat(pid: int) -> list[str]:
    """Fields of /proc/PID/stat after the command name: [0] is the state, [1] the parent,
    [16] the nice value (proc(5) numbers them from 1, the pid and the name first)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2 :].split()


def _alive(pid: int) -> bool:
    try:
        return _stat(pid)[0] not in ("Z", "X")
    except FileNotFoundError:
        return False


def _wait(condition, seconds: float = 60.0, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {what}")
        time.sleep(0.1)


def _children(log: str) -> list[int]:
    return [int(pid) for pid in STARTED.findall(log)]


def _kinds(api: Api) -> list[str]:
    return sorted(n["kind"] for n in api.inbox("restart"))


def test_the_rounds_are_made_by_a_child_of_lower_priority_that_is_started_again_and_ends_with_the_server(
    template, tmp_path
):
    db = copy_database(template.db, tmp_path)
    running = start_server(db, tmp_path, process=True, XINYONG_NOTICE_INTERVAL="0.5")
    api = Api(running.url, template.tokens)
    assert running.process is not None
    server = running.process.pid
    try:
        # restart-default has been in effect, and on the list, for 190 days: the first
        # round tells both.
        _wait(lambda: {"record_effective", "list_entry_started"} <= set(_kinds(api)), what="the first round's notices")
        (child,) = _children(running.served.output())
        fields, ours = _stat(child), _stat(server)
        assert int(fields[1]) == server
        assert int(fields[16]) == int(ours[16]) + 10

        # A child killed outright is replaced at the next round, and what came due
        # meanwhile is written: a ticket decided 20 days ago has been in effect 5 days.
        os.kill(child, signal.SIGKILL)
        _wait(lambda: len(_children(running.served.output())) == 2, what="a second child")
        api.ok(
            "traffic-police",
            "POST",
            "/v1/events",
            json=[record("late-ticket", RESTART, f"{RC}/traffic.ticket", -20, TRAFFIC)],
        )
        _wait(lambda: _kinds(api).count("record_effective") == 2, what="the second child's round")
        second = _children(running.served.output())[1]
        assert second != child and _alive(second)
    finally:
        api.close()
        running.stop()
    # The server ended its child on its way out.
    _wait(lambda: not _alive(second), seconds=10, what="the child's end")
    assert running.process.returncode is not None


def _a_long_round(connection, database, settings) -> None:
    """A child whose round outlasts the test (a whole round at a million records takes
    a minute and a half)."""
    connection.recv()
    time.sleep(120)


def test_a_server_shutting_down_ends_its_round_process_without_waiting_for_the_round(tmp_path):
    import threading

    from xinyong.entrypoints.api.round_process import RoundFailed, RoundProcess
    from xinyong.settings import Settings

    database = str(tmp_path / "x.db")
    rounds = RoundProcess(database, Settings(db=database), child=_a_long_round)
    failed: list[BaseException] = []

    def round_of_today() -> None:
        try:
            rounds.send_due_notices(dt.date.today())
        except RoundFailed as error:
            failed.append(error)

    waiting = threading.Thread(target=round_of_today)
    waiting.start()
    _wait(lambda: rounds._process is not None and rounds._busy, what="the round under way")
    child = rounds._process.pid
    started = time.monotonic()
    rounds.close()
    waiting.join(10)
    assert time.monotonic() - started < 10
    assert not waiting.is_alive() and len(failed) == 1
    assert not _alive(child)
    with pytest.raises(RoundFailed, match="shutting down"):
        rounds.send_due_notices(dt.date.today())


def test_after_its_round_the_child_puts_the_rows_between_blocks_in_one(template, tmp_path):
    """Rows of appends too small for a block of the ledger's columns (the template's
    events, a few at a time) that now lie before an import's block are put in one by the
    round process, so that batch jobs read them from blocks too."""
    import multiprocessing
    import threading

    from sqlalchemy import func, select

    from tests.conftest import Cli
    from xinyong.adapters.storage import ledger_columns
    from xinyong.entrypoints.api.round_process import _make_rounds
    from xinyong.settings import Settings

    db = copy_database(template.db, tmp_path)
    bulk = tmp_path / "bulk.jsonl"
    bulk.write_text(
        "".join(
            json.dumps(record(f"bulk-{i}", RESTART, f"{RC}/traffic.ticket", -30, TRAFFIC)) + "\n"
            for i in range(ledger_columns.BLOCK_MIN_ROWS)
        )
    )
    Cli(db.url, tmp_path)("import", str(bulk))

    def gaps() -> list[tuple[int, int]]:
        with opened(db) as deployment, ledger_columns.snapshot(deployment.store.engine) as connection:
            last = ledger_columns.last_seq(connection)
            return ledger_columns.uncovered(ledger_columns.blocks(connection, last), last)

    before = gaps()
    assert len(before) == 1 and before[0][0] == 0  # the template's rows, before the import's block

    ours, theirs = multiprocessing.Pipe()
    child = threading.Thread(
        target=_make_rounds, args=(theirs, db.url, Settings(db=db.url, key_file=str(db.key), notice_interval=0))
    )
    child.start()
    ours.send(dt.date.today())
    assert ours.recv()[0] == "written"
    ours.close()
    child.join(30)
    assert not child.is_alive()
    assert gaps() == []
    with opened(db) as deployment:
        assert deployment.store.block_differences() == []
        with deployment.store.reading() as connection:
            assert connection.execute(select(func.count()).select_from(ledger_columns.ledger_blocks)).scalar_one() == 2
