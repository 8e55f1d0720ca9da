"""``xinyong import`` and event ids (issue 9): a file imported again is a no-op, an id
taken by other content and an event dated after today are refused naming the line, and
nothing of the file is written."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.conftest import scenario_files

pytestmark = pytest.mark.e2e

PERSON = "rid:11010519491231002X"
TOMORROW = (dt.date.today() + dt.timedelta(days=1)).isoformat()
RECORD = {
    "type": "record",
    "id": "tp-1",
    "subject": PERSON,
    "rule": "city-personal/traffic.red_light",
    "occurred_on": "2024-03-01",
    "decided_on": "2024-03-05",
    "source": "traffic-police",
}
FILED = {"type": "dispute_filed", "record": "tp-1", "on": "2024-03-10", "grounds": "not me"}
RESOLVED = {"type": "dispute_resolved", "record": "tp-1", "on": "2024-03-20", "outcome": "upheld"}


def write(path, *events: dict):
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    return str(path)


@pytest.fixture
def loaded(cli):
    cli("catalog", "load", *map(str, scenario_files("basic")["catalogs"]))
    return cli


def test_a_file_with_repeats_is_filed_whole_once(loaded, tmp_path):
    events = write(tmp_path / "events.jsonl", RECORD, FILED, RESOLVED, FILED, RESOLVED)
    assert "5 written" in loaded("import", events).stdout
    assert "0 written" in loaded("import", events).stdout


def test_an_id_taken_by_other_content_is_refused_naming_the_line(loaded, tmp_path):
    loaded("import", write(tmp_path / "first.jsonl", RECORD, {**FILED, "id": "d-1"}))

    answer = loaded(
        "import",
        write(tmp_path / "second.jsonl", {**RECORD, "id": "tp-2"}, {**FILED, "id": "d-1", "grounds": "changed"}),
        ok=False,
    )

    assert answer.returncode != 0
    assert "second.jsonl:2:" in answer.stderr and "'d-1'" in answer.stderr and "nothing was written" in answer.stderr
    assert "Traceback" not in answer.stderr


@pytest.mark.parametrize("field", ["occurred_on", "decided_on"])
def test_a_record_dated_after_today_is_refused_naming_the_line(loaded, tmp_path, field):
    answer = loaded(
        "import", write(tmp_path / "future.jsonl", {**RECORD, "occurred_on": "2024-03-01", field: TOMORROW}), ok=False
    )

    assert answer.returncode != 0
    assert f"future.jsonl:1: {field} {TOMORROW} is after today" in answer.stderr


def test_an_import_closes_the_database_and_leaves_no_write_ahead_log_beside_it(cli, database, tmp_path):
    """The command closes its connections when it ends: SQLite then folds its write-ahead
    log into the database and removes it, so that the import does not hold the disk
    twice (a million records' import left a log of 1.5 GB beside a database of 1.5 GB)."""
    if "://" in database:
        pytest.skip("PostgreSQL keeps no write-ahead log beside a file")
    installed = cli.as_process()
    installed("catalog", "load", *map(str, scenario_files("basic")["catalogs"]))
    assert "3 written" in installed("import", write(tmp_path / "events.jsonl", RECORD, FILED, RESOLVED)).stdout
    assert not Path(database + "-wal").exists()
