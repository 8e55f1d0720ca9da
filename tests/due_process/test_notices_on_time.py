"""Issue 4, item 1 of the build list, the notices that time brings: ``xinyong notices run
--as-of DAY`` writes the notices of records taking effect and of list entries starting
and ending by that day, each once, however often it runs."""

from __future__ import annotations

import re

import pytest

from tests.due_process.conftest import (
    JD,
    RC,
    TRAFFIC,
    Cli,
    copy_database,
    day,
    iso,
    opened,
    record,
    rid,
)

pytestmark = pytest.mark.e2e

PERSON = rid("37108219850505005")
MINOR = rid("37108220150505006")  # born 2015: under 18 when the act happened
QUIET = rid("37108219850505007")  # a record disputed in its notice window

EVENTS = [
    {"type": "subject", "subject": PERSON, "jurisdiction": "CN-SD-RC", "name": "Time Passes"},
    record("t-new", PERSON, f"{RC}/traffic.ticket", 0, TRAFFIC),  # in effect in 15 days
    record("t-listed", PERSON, f"{JD}/court.judgment_default", -30),  # listed 20 days ago
    record("t-ended", PERSON, f"{JD}/court.judgment_default", -760),  # list entry over 20 days ago
    record("t-minor", MINOR, f"{JD}/court.judgment_default", -30),
    record("t-disputed", QUIET, f"{RC}/traffic.ticket", -5, TRAFFIC),
    {"type": "dispute_filed", "record": "t-disputed", "on": iso(-4)},
]


def _written(result) -> int:
    found = re.search(r"(\d+) notice\(s\) written", result.stdout)
    assert found, result.stdout
    return int(found.group(1))


@pytest.fixture(scope="module")
def runs(catalogs_db, tmp_path_factory) -> dict:
    """Run ``notices run`` today, today again, then 15 days on; read the inboxes."""
    folder = tmp_path_factory.mktemp("notices-run")
    db = copy_database(catalogs_db, folder)
    with opened(db) as d:
        d.intake.submit(EVENTS)
    cli = Cli(db, folder)
    written = [
        _written(cli("notices", "run", "--as-of", iso(0))),
        _written(cli("notices", "run", "--as-of", iso(0))),
        _written(cli("notices", "run", "--as-of", iso(15))),
    ]
    inbox = cli.json("notices", "list", PERSON, "--json")
    from xinyong.domain.identifiers import SubjectRef

    with opened(db) as d:
        minor = [n.as_json() for n in d.outbox.inbox(SubjectRef.parse(MINOR))]
        quiet = [n.as_json() for n in d.outbox.inbox(SubjectRef.parse(QUIET))]
        later = d.due_process.send_due_notices(day(15))
    return {"written": written, "inbox": inbox, "minor": minor, "quiet": quiet, "later": later}


def _kinds(inbox: list[dict], record_id: str) -> list[str]:
    return sorted(n["kind"] for n in inbox if n["record"] == record_id)


def test_notices_run_writes_the_notices_of_records_in_effect_and_of_list_entries_started_and_ended(runs):
    inbox = runs["inbox"]

    assert _kinds(inbox, "t-listed") == ["list_entry_started", "record", "record_effective"]
    assert _kinds(inbox, "t-ended") == ["list_entry_ended", "list_entry_started", "record", "record_effective"]
    ended = next(n for n in inbox if n["kind"] == "list_entry_ended")
    assert ended["fields"]["list"] == "judgment-defaulters"
    assert ended["fields"]["until"] == ended["fields"]["expires_on"]
    assert ended["fields"]["until"] in ended["text"]
    started = next(n for n in inbox if n["kind"] == "list_entry_started" and n["record"] == "t-listed")
    assert started["fields"]["from"] == iso(-20)
    assert "fulfilment, repair and annulment" in started["text"]


def test_running_notices_again_on_the_same_day_writes_nothing_new(runs):
    first, again, _ = runs["written"]

    assert first == 6  # three records in effect, two list entries started, one ended
    assert again == 0


def test_a_record_is_told_in_effect_only_once_the_day_has_come(runs):
    assert runs["written"][2] == 1
    [effective] = [n for n in runs["inbox"] if n["kind"] == "record_effective" and n["record"] == "t-new"]
    assert effective["fields"]["counting_from"] == iso(15)
    assert runs["later"] == 0  # and once told, never again


def test_a_minor_is_told_of_a_record_but_never_of_a_list_entry(runs):
    kinds = _kinds(runs["minor"], "t-minor")

    assert "list_entry_started" not in kinds
    assert kinds == ["record", "record_effective"]
    record_notice = next(n for n in runs["minor"] if n["kind"] == "record")
    assert "list_withheld" in record_notice["fields"]


def test_a_record_suspended_by_a_dispute_is_not_told_in_effect(runs):
    assert _kinds(runs["quiet"], "t-disputed") == ["dispute_filed", "record"]
