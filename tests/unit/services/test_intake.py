"""Intake against the fake unit of work: events accepted, replayed, refused, and a batch
applied all or nothing in one unit of work."""

from __future__ import annotations

import json

import pytest

from tests.support.identifiers import rid
from tests.unit.services.conftest import RESIDENT, TICKET, TODAY, ticket
from xinyong.domain.identifiers import SubjectRef
from xinyong.services.intake import ImportForbidden, ImportRefused

pytestmark = pytest.mark.unit

NEWCOMER = SubjectRef.parse(rid("37108219910303002"))
FACTS = {"type": "subject", "subject": str(NEWCOMER), "jurisdiction": "CN-SD-RC"}


def fulfilled(event_id: str = "paid-1", on: str = "2026-07-01") -> dict:
    return {"type": "fulfilled", "id": event_id, "record": TICKET, "on": on}


def ledger_size(world) -> int:
    with world.units(read_only=True) as uow:
        return uow.ledger.event_count()


def test_a_batch_is_accepted_with_its_notices_in_one_unit_of_work(empty):
    intake = empty.services.intake
    commits = empty.units.commits
    result = intake.submit([FACTS, ticket("n1", NEWCOMER)])
    assert (result.read, result.written, result.unchanged, result.rejected_count) == (2, 2, 0, 0)
    assert [(e.type, e.id, e.outcome) for e in result.events] == [
        ("subject", None, "written"),
        ("record", "n1", "written"),
    ]
    assert result.notices >= 1 and empty.units.commits == commits + 1
    with empty.units(read_only=True) as uow:
        assert uow.ledger.records(["n1"])["n1"].file.subject == NEWCOMER
        assert uow.notices.count() == result.notices


def test_the_same_event_sent_again_is_a_replay_that_writes_nothing(world):
    intake = world.services.intake
    intake.submit([fulfilled()])
    before = ledger_size(world)
    again = intake.submit([fulfilled(), ticket()])
    assert (again.written, again.unchanged) == (0, 2)
    assert [e.outcome for e in again.events] == ["replayed", "replayed"]
    assert ledger_size(world) == before


def test_an_event_without_an_id_is_identified_by_its_content_and_its_place(world):
    intake = world.services.intake
    lines = [json.dumps({"type": "fulfilled", "record": TICKET, "on": "2026-07-01"})]
    assert intake.import_lines(lines).written == 1
    assert intake.import_lines(lines).unchanged == 1


def test_an_id_taken_by_other_content_is_refused_as_a_conflict_and_nothing_is_written(world):
    intake = world.services.intake
    intake.submit([fulfilled("paid-1", "2026-07-01")])
    before = ledger_size(world)
    with pytest.raises(ImportRefused) as refused:
        intake.submit([FACTS, fulfilled("paid-1", "2026-07-02")])
    assert refused.value.rejections[0].conflict and refused.value.rejections[0].line == 2
    assert "already taken" in refused.value.rejections[0].reason
    assert ledger_size(world) == before


def test_a_record_id_with_other_content_is_refused(world):
    with pytest.raises(ImportRefused, match="already exists with different content"):
        world.services.intake.submit([ticket(occurred_on="2026-06-02")])


def test_an_event_dated_after_today_is_refused(world):
    tomorrow = TODAY.replace(day=TODAY.day + 1).isoformat()
    with pytest.raises(ImportRefused, match="after today"):
        world.services.intake.submit([fulfilled(on=tomorrow)])
    with pytest.raises(ImportRefused, match="after today"):
        world.services.intake.submit([ticket("later", occurred_on=tomorrow, decided_on=tomorrow)])


def test_an_event_that_does_not_fit_the_records_state_is_refused_with_the_reason(world):
    decision = {"type": "dispute_resolved", "id": "d", "record": TICKET, "on": "2026-07-01", "outcome": "upheld"}
    with pytest.raises(ImportRefused, match="no open dispute"):
        world.services.intake.submit([decision])
    with pytest.raises(ImportRefused, match="unknown record"):
        world.services.intake.submit([{**fulfilled(), "record": "nothing"}])


def test_a_batch_with_one_bad_event_writes_nothing_of_it(world):
    before = world.store.state.copy()
    with pytest.raises(ImportRefused) as refused:
        world.services.intake.submit([FACTS, ticket("n1", NEWCOMER), {**fulfilled(), "record": "nothing"}])
    assert refused.value.count == 1 and refused.value.rejections[0].line == 3
    after = world.store.state
    assert (len(after.rows), len(after.notices)) == (len(before.rows), len(before.notices))


def test_skip_invalid_writes_the_good_events_and_returns_the_bad(world):
    result = world.services.intake.submit([FACTS, {**fulfilled(), "record": "nothing"}], skip_invalid=True)
    assert (result.written, result.rejected_count) == (1, 1)
    assert result.rejected[0].line == 2


def test_a_source_cannot_file_a_subjects_facts_and_nothing_of_its_batch_is_written(world):
    class Source:
        name = "traffic-police"
        role = "source"
        subject = None
        named = True

        def may_record(self, rule: str) -> bool:
            return rule.startswith("city-personal/traffic.")

    before = ledger_size(world)
    with pytest.raises(ImportForbidden, match="subject events"):
        world.services.intake.submit([ticket("n1", NEWCOMER), FACTS], submitter=Source())
    assert ledger_size(world) == before


def test_a_new_address_is_announced_to_the_subject(world):
    contact = {"type": "contact", "subject": str(RESIDENT), "email": "li.si@example.org", "on": "2026-07-01"}
    assert world.services.intake.submit([contact]).notices == 1
    with world.units(read_only=True) as uow:
        assert uow.ledger.contact_histories([RESIDENT])[RESIDENT] == ["li.si@example.org"]
        assert uow.notices.inbox(RESIDENT)[0].kind == "contact_changed"
