"""Due process against the fake unit of work: disputes filed and decided, repair applied
for and granted (its ``repaired`` event and the case's decision in one unit of work, or
neither), and human review of an adverse decision."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support.fakes import FakeCases
from tests.unit.services.conftest import RESIDENT, TICKET, TODAY, ticket
from xinyong.domain.access import Reader
from xinyong.domain.identifiers import SubjectRef
from xinyong.services.due_process import Conflict, DueProcessError, NotFound, TooEarly
from xinyong.services.unit_of_work import Collision

pytestmark = pytest.mark.unit

OFFICER = Reader("officer-zhou", "officer", "t1")
APPLICATION = ("the receipt of the fine", "I will stop at red lights")


def changes(world, record_id: str = TICKET) -> list[str]:
    with world.units(read_only=True) as uow:
        return [c.type for c in uow.ledger.records([record_id])[record_id].file.changes]


def inbox_kinds(world, subject: SubjectRef = RESIDENT) -> list[str]:
    with world.units(read_only=True) as uow:
        return [n.kind for n in uow.notices.inbox(subject)]


# ------------------------------------------------------------------------- disputes


def test_a_subject_files_a_dispute_on_its_own_record_and_it_is_queued(world):
    due = world.services.due_process
    filed = due.file_dispute(RESIDENT, TICKET, "the light was green", dt.date(2026, 6, 10))
    assert (filed.record, filed.status, filed.grounds) == (TICKET, "open", "the light was green")
    assert filed.suspended is True and filed.filing_id and filed.decision_id is None
    assert changes(world) == ["dispute_filed"]
    assert any(v.id == filed.id for v in due.disputes(TODAY))


def test_a_dispute_on_someone_elses_record_is_answered_as_not_found_and_writes_nothing(world):
    stranger = SubjectRef.parse("rid:176172196602167796")
    with pytest.raises(NotFound):
        world.services.due_process.file_dispute(stranger, TICKET, "not mine", TODAY)
    assert changes(world) == []


def test_a_second_open_dispute_is_refused_with_the_reason(world):
    due = world.services.due_process
    due.file_dispute(RESIDENT, TICKET, "the light was green", TODAY)
    with pytest.raises(DueProcessError, match="open dispute"):
        due.file_dispute(RESIDENT, TICKET, "and the car was not mine", TODAY)
    assert changes(world) == ["dispute_filed"]


def test_an_officer_decides_a_dispute_once(world):
    due = world.services.due_process
    filed = due.file_dispute(RESIDENT, TICKET, "the light was green", TODAY)
    decided = due.decide_dispute(filed.id, "annulled", "the camera was faulty", OFFICER, TODAY)
    assert (decided.status, decided.outcome, decided.reasons) == (
        "decided",
        "annulled",
        "the camera was faulty",
    )
    assert decided.decision_id and changes(world) == ["dispute_filed", "dispute_resolved"]
    with pytest.raises(DueProcessError, match=r"decided already|not open"):
        due.decide_dispute(filed.id, "upheld", "on second thought", OFFICER, TODAY)
    with pytest.raises(NotFound):
        due.decide_dispute(10**9, "upheld", "no such dispute", OFFICER, TODAY)


def test_identity_numbers_in_grounds_are_masked_before_they_are_kept(world):
    filed = world.services.due_process.file_dispute(RESIDENT, TICKET, "I am not 11010519491231002X", TODAY)
    assert filed.grounds == "I am not **************002X"


# --------------------------------------------------------------------------- repair


def test_an_early_repair_application_is_refused_with_the_first_day_it_can_succeed(world):
    with pytest.raises(TooEarly) as early:
        world.services.due_process.apply_for_repair(RESIDENT, TICKET, *APPLICATION, dt.date(2026, 9, 19))
    assert early.value.fields == {"first_day": "2026-09-20"}
    with world.units(read_only=True) as uow:
        assert uow.cases.all("repair") == []


def test_a_repair_application_opens_a_case_and_tells_the_subject(world):
    applied = world.services.due_process.apply_for_repair(RESIDENT, TICKET, *APPLICATION, TODAY)
    assert (applied.status, applied.record, applied.applied_on) == ("open", TICKET, TODAY)
    assert (applied.proof, applied.commitment) == APPLICATION
    assert inbox_kinds(world)[0] == "repair_applied"
    with pytest.raises(DueProcessError, match="already open"):
        world.services.due_process.apply_for_repair(RESIDENT, TICKET, *APPLICATION, TODAY)


def test_a_granted_repair_writes_its_event_and_the_decision_in_one_unit_of_work(world):
    due = world.services.due_process
    applied = due.apply_for_repair(RESIDENT, TICKET, *APPLICATION, TODAY)
    commits = world.units.commits
    decided = due.decide_repair(applied.id, "granted", "the fine was paid", OFFICER, TODAY)
    assert world.units.commits == commits + 1
    assert (decided.status, decided.reasons, decided.decided_on) == (
        "granted",
        "the fine was paid",
        TODAY,
    )
    assert decided.repair_event and changes(world) == ["repaired"]
    with pytest.raises(DueProcessError, match="decided already"):
        due.decide_repair(applied.id, "refused", "no", OFFICER, TODAY)
    assert changes(world) == ["repaired"]


def test_a_grant_whose_decision_cannot_be_written_leaves_no_repaired_event(world, monkeypatch):
    due = world.services.due_process
    applied = due.apply_for_repair(RESIDENT, TICKET, *APPLICATION, TODAY)

    def decided_elsewhere(self, case, body):
        raise Collision("another officer decided this case at the same moment")

    monkeypatch.setattr(FakeCases, "decide", decided_elsewhere)
    with pytest.raises(Conflict):
        due.decide_repair(applied.id, "granted", "the fine was paid", OFFICER, TODAY)
    assert changes(world) == []
    assert [r.status for r in due.repairs(TODAY, "all")] == ["open"]


def test_a_refused_repair_writes_no_event_and_tells_the_subject_why(world):
    due = world.services.due_process
    applied = due.apply_for_repair(RESIDENT, TICKET, *APPLICATION, TODAY)
    decided = due.decide_repair(applied.id, "refused", "no receipt was attached", OFFICER, TODAY)
    assert decided.status == "refused" and decided.repair_event is None
    assert changes(world) == [] and inbox_kinds(world)[0] == "repair_refused"
    assert due.repairs(TODAY) == [] and [r.id for r in due.repairs(TODAY, "all")] == [applied.id]


# --------------------------------------------------------------------------- review


def adverse_notice(world) -> str:
    """A judgment default puts the resident on the defaulters' list; an airline's denial
    sends the resident an adverse-action notice."""
    airline = Reader("sky-airline", "service-point", "t9", ("air_travel",))
    default = ticket(
        "uow-default", rule="city-personal/court.judgment_default", occurred_on="2026-01-05", decided_on="2026-01-10"
    )
    world.services.intake.submit([default])
    decision = world.services.inquiries.check(RESIDENT, "air_travel.ticket", TODAY, airline, "boarding")
    assert decision.decision == "deny"
    with world.units(read_only=True) as uow:
        return next(n.id for n in uow.notices.inbox(RESIDENT) if n.kind == "adverse_action")


def test_a_subject_asks_for_a_human_review_of_a_denial_once_and_an_officer_decides_it(world):
    due = world.services.due_process
    notice = adverse_notice(world)
    requested = due.request_review(RESIDENT, notice, "I paid the judgment", TODAY)
    assert (requested.status, requested.notice, requested.grounds) == ("open", notice, "I paid the judgment")
    assert requested.decision["action"] == "air_travel.ticket"
    with pytest.raises(DueProcessError, match="already requested"):
        due.request_review(RESIDENT, notice, "again", TODAY)
    assert [r.id for r in due.reviews()] == [requested.id]
    decided = due.decide_review(requested.id, "upheld", "the list entry stands", OFFICER, TODAY)
    assert (decided.status, decided.reasons) == ("upheld", "the list entry stands")
    assert inbox_kinds(world)[0] == "review_decided" and due.reviews() == []


def test_a_review_needs_an_adverse_action_notice_of_ones_own(world):
    with pytest.raises(NotFound):
        world.services.due_process.request_review(RESIDENT, "no-such-notice", "why", TODAY)


def test_the_outlook_is_the_standing_modules_with_each_change_rendered_and_as_keys(world):
    from xinyong import messages
    from xinyong.domain.standing import outlook

    view = world.services.due_process.outlook(RESIDENT, "city-personal", TODAY, "zh-CN")
    registry = world.services.catalogs.registry()
    with world.units(read_only=True) as uow:
        filed = uow.ledger.subject_ledger(RESIDENT)
    now, steps, options = outlook(RESIDENT, "city-personal", TODAY, filed.files, registry, filed.jurisdiction)
    assert (view.subject, view.catalog, view.as_of, view.score, view.grade) == (
        str(RESIDENT),
        "city-personal",
        TODAY,
        now.score,
        now.grade,
    )
    assert [(c.day, c.score, c.grade) for c in view.changes] == [(s.day, s.score, s.grade) for s in steps]
    assert view.changes and all(c.messages and len(c.what) == len(c.messages) for c in view.changes)
    first = view.changes[0]
    assert first.what[0] == messages.render(first.messages[0].key, first.messages[0].fields, "zh-CN")
    assert [(o.record, o.possible_from) for o in view.repairs] == [(TICKET, TODAY)]  # repairable since 2026-09-20
    assert list(view.repairs) == options


def test_a_subjects_own_cases_are_its_disputes_repairs_and_reviews_and_nobody_elses(world):
    due = world.services.due_process
    filed = due.file_dispute(RESIDENT, TICKET, "the light was green", TODAY)
    due.decide_dispute(filed.id, "upheld", "the photo shows red", OFFICER, TODAY)
    applied = due.apply_for_repair(RESIDENT, TICKET, *APPLICATION, TODAY)
    everyone = due.disputes(TODAY, "all")
    assert any(v.subject != str(RESIDENT) for v in everyone)  # others' disputes are there to leave out

    mine = due.cases_of(RESIDENT, TODAY)
    assert [v.id for v in mine.disputes] == [v.id for v in everyone if v.subject == str(RESIDENT)] == [filed.id]
    assert [v.id for v in mine.repairs] == [applied.id]
    assert mine.reviews == [v for v in due.reviews("all") if v.subject == str(RESIDENT)]
