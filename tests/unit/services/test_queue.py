"""The officers' queue against the fake unit of work: each open case with whose it is
(a read of the subject, logged for the officer with the case as its purpose), its record
and rule, its deadline and the days left, overdue cases first; and who looked at a
subject's file, its own views apart from everyone else's reads."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import scenario_files
from tests.support.fakes import FakeStore
from tests.unit.services.conftest import RESIDENT, TICKET, TODAY, World, ticket, world_over
from tests.unit.services.test_due_process import adverse_notice
from xinyong.domain.access import AccessDenied, Reader
from xinyong.services.due_process import DueProcessError, NotFound

pytestmark = pytest.mark.unit

OFFICER = Reader("officer-zhou", "officer", "t1")
APPLICATION = ("the receipt of the fine", "I will stop at red lights")


def queue_reads(world: World) -> list[tuple[str, str, str | None, str | None]]:
    with world.units(read_only=True) as uow:
        _, entries = uow.access_log.entries(RESIDENT, limit=1000)
    return [(e.reader, e.what, e.purpose, e.detail) for e in entries if e.what == "queue"]


@pytest.fixture
def deadlines() -> World:
    """The deadlines scenario's catalogs (disputes decided within 45 days), the resident
    and two red-light tickets of its own."""
    built = world_over(FakeStore())
    built.services.catalogs.load(scenario_files("deadlines")["catalogs"])
    built.services.intake.submit(
        [
            {"type": "subject", "subject": str(RESIDENT), "jurisdiction": "CN-SD-RC", "name": "Li Si"},
            ticket("old-ticket"),
            ticket("new-ticket"),
        ]
    )
    return built


def test_a_queued_dispute_names_its_subject_record_rule_and_deadline(deadlines):
    due = deadlines.services.due_process
    due.file_dispute(RESIDENT, "new-ticket", "the light was green", dt.date(2026, 11, 20))
    (item,) = due.queue(TODAY, OFFICER).disputes
    assert (item.kind, item.subject, item.name, item.jurisdiction) == ("dispute", str(RESIDENT), "Li Si", "CN-SD-RC")
    assert (item.record, item.rule, item.rule_title) == (
        "new-ticket",
        "city-personal/traffic.red_light",
        "Running a red light",
    )
    assert item.filed_on == dt.date(2026, 11, 20)
    assert item.decide_by == dt.date(2027, 1, 4) and item.days_left == 34 and not item.overdue


def test_overdue_cases_come_first_and_count_the_days_since_their_deadline(deadlines):
    due = deadlines.services.due_process
    due.file_dispute(RESIDENT, "new-ticket", "the light was green", dt.date(2026, 11, 20))
    due.file_dispute(RESIDENT, "old-ticket", "it was not my car", dt.date(2026, 9, 1))
    first, second = due.queue(TODAY, OFFICER).disputes
    assert (first.record, first.overdue, first.decide_by, first.days_left) == (
        "old-ticket",
        True,
        dt.date(2026, 10, 16),
        -46,
    )
    assert (second.record, second.overdue) == ("new-ticket", False)


def test_naming_the_subjects_of_the_queue_is_logged_for_the_officer_with_the_case(world):
    due = world.services.due_process
    filed = due.file_dispute(RESIDENT, TICKET, "the light was green", TODAY)
    assert queue_reads(world) == []
    due.queue(TODAY, OFFICER)
    assert queue_reads(world) == [("officer-zhou", "queue", f"to decide dispute {filed.id}", TICKET)]


def test_repairs_and_reviews_are_queued_with_their_record_and_rule(world):
    due = world.services.due_process
    applied = due.apply_for_repair(RESIDENT, TICKET, *APPLICATION, TODAY)
    requested = due.request_review(RESIDENT, adverse_notice(world), "I paid the judgment", TODAY)
    queue = due.queue(TODAY, OFFICER)
    (repair,) = queue.repairs
    assert (repair.id, repair.subject, repair.name, repair.record) == (applied.id, str(RESIDENT), "Li Si", TICKET)
    assert repair.rule == "city-personal/traffic.red_light" and repair.rule_title
    (review,) = queue.reviews
    # The denial reviewed was triggered by the judgment default's list entry.
    assert (review.id, review.record, review.rule) == (
        requested.id,
        "uow-default",
        "city-personal/court.judgment_default",
    )
    assert review.decide_by is None and review.days_left is None and not review.overdue


def test_a_decided_case_leaves_the_queue_and_cannot_be_restated_for_a_decision(world):
    due = world.services.due_process
    filed = due.file_dispute(RESIDENT, TICKET, "the light was green", TODAY)
    assert due.queued("dispute", str(filed.id), TODAY, OFFICER).record == TICKET
    due.decide_dispute(filed.id, "upheld", "the photo is clear", OFFICER, TODAY)
    assert str(filed.id) not in [item.id for item in due.queue(TODAY, OFFICER).disputes]
    with pytest.raises(DueProcessError, match=r"decided already|not open"):
        due.queued("dispute", str(filed.id), TODAY, OFFICER)
    with pytest.raises(NotFound):
        due.queued("repair", "no-such-case", TODAY, OFFICER)
    # Whose case it was is still known, for the file.
    whose = due.subject_of("dispute", str(filed.id))
    assert (whose.subject, whose.record) == (RESIDENT, TICKET)


def test_who_looked_keeps_the_subjects_own_views_apart_from_everyone_elses_reads(world):
    me = Reader("resident", "subject", "t2", subject=RESIDENT)
    for _ in range(5):
        world.services.reports.report(RESIDENT, TODAY, me, "my own file")
    world.services.reports.report(RESIDENT, TODAY, OFFICER, "checking a complaint")
    for _ in range(3):
        world.services.reports.report(RESIDENT, TODAY, me, "my own file")
    looked = world.services.audit.who_looked(RESIDENT, limit=2)
    assert looked.others.total == 1 and [e.purpose for e in looked.others.entries] == ["checking a complaint"]
    assert looked.own.total == 8 and len(looked.own.entries) == 2
    assert {e.role for e in looked.own.entries} == {"subject"}


def test_only_a_reader_who_may_read_the_subjects_sees_the_queue_and_nothing_is_logged(world):
    due = world.services.due_process
    due.file_dispute(RESIDENT, TICKET, "the light was green", TODAY)
    airline = Reader("sky-airline", "service-point", "t9", ("air_travel",))
    with pytest.raises(AccessDenied):
        due.queue(TODAY, airline)
    assert queue_reads(world) == []
