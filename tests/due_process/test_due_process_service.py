"""The due-process service objects against a real database: the cases that need a
day other than today (an application made weeks ago), or many small variations."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from functools import partial

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.due_process.conftest import (
    JD,
    RC,
    TODAY,
    add_months,
    copy_database,
    day,
    iso,
    opened,
    record,
    rid,
)
from xinyong.domain.access import Reader
from xinyong.domain.identifiers import SubjectRef
from xinyong.services.due_process import DueProcessError, ReviewView, TooEarly
from xinyong.services.intake import ImportRefused

pytestmark = pytest.mark.integration

_numbers = itertools.count(1)


def person() -> str:
    """A new adult subject for each test (born in 1975)."""
    n = next(_numbers)
    born = dt.date(1975, 1, 1) + dt.timedelta(days=n // 900)
    return rid(f"371082{born:%Y%m%d}{n % 900 + 100:03d}")


@pytest.fixture(scope="module")
def d(catalogs_db, tmp_path_factory):
    db = copy_database(catalogs_db, tmp_path_factory.mktemp("service"))
    with opened(db) as deployment:
        yield deployment


def _officer() -> Reader:
    return Reader(name="officer-sun", role="officer")


def _ref(subject: str) -> SubjectRef:
    return SubjectRef.parse(subject)


def _submit(d, *events: dict) -> None:
    d.intake.submit([*events])


# ---------------------------------------------------------------------------- disputes


def test_a_dispute_is_overdue_from_its_deadline_day_on(d):
    s = person()
    _submit(d, record("svc-deadline", s, f"{RC}/traffic.ticket", -5, "tp"))
    filed = d.due_process.file_dispute(_ref(s), "svc-deadline", "not my car", day(-5))

    assert filed.decide_by == day(25)
    on = {v.id: v for v in d.due_process.disputes(day(24))}
    assert on[filed.id].overdue is False
    assert {v.id: v for v in d.due_process.disputes(day(25))}[filed.id].overdue is True


def test_every_dispute_of_a_record_disputed_twice_is_kept_in_the_queue(d):
    s = person()
    _submit(d, record("svc-twice", s, f"{RC}/traffic.ticket", -30, "tp"))
    first = d.due_process.file_dispute(_ref(s), "svc-twice", "first grounds", TODAY)
    d.due_process.decide_dispute(first.id, "upheld", "the photo shows the car", _officer(), TODAY)
    second = d.due_process.file_dispute(_ref(s), "svc-twice", "second grounds", TODAY)

    everything = [v for v in d.due_process.disputes(TODAY, "all") if v.record == "svc-twice"]

    assert [(v.id, v.status, v.grounds, v.outcome, v.reasons) for v in everything] == [
        (first.id, "decided", "first grounds", "upheld", "the photo shows the car"),
        (second.id, "open", "second grounds", None, None),
    ]
    assert [v.id for v in d.due_process.disputes(TODAY) if v.record == "svc-twice"] == [second.id]


def test_an_open_dispute_on_a_record_its_authority_annulled_leaves_the_queue(d):
    s = person()
    _submit(
        d,
        record("svc-annulled", s, f"{RC}/traffic.ticket", -40, "tp"),
        {"type": "dispute_filed", "record": "svc-annulled", "on": iso(-39)},
        {"type": "annulled", "record": "svc-annulled", "on": iso(-38)},
    )

    assert not [v for v in d.due_process.disputes(TODAY) if v.record == "svc-annulled"]
    [closed] = [v for v in d.due_process.disputes(TODAY, "all") if v.record == "svc-annulled"]
    assert (closed.status, closed.overdue) == ("closed", False)
    with pytest.raises(DueProcessError, match="not open"):
        d.due_process.decide_dispute(closed.id, "upheld", "too late", _officer(), TODAY)


def test_grounds_longer_than_the_ledger_keeps_are_refused_before_anything_is_written(d):
    s = person()
    _submit(d, record("svc-long", s, f"{RC}/traffic.ticket", -30, "tp"))
    before = len(d.due_process.disputes(TODAY, "all"))

    with pytest.raises(DueProcessError, match="grounds"):
        d.due_process.file_dispute(_ref(s), "svc-long", "x" * 2001, TODAY)

    assert len(d.due_process.disputes(TODAY, "all")) == before


def test_a_dispute_on_an_annulled_record_is_refused(d):
    s = person()
    _submit(
        d,
        record("svc-void", s, f"{RC}/traffic.ticket", -30, "tp"),
        {"type": "annulled", "record": "svc-void", "on": iso(-1)},
    )

    with pytest.raises(DueProcessError, match="annul"):
        d.due_process.file_dispute(_ref(s), "svc-void", "it is void anyway", TODAY)


# ------------------------------------------------------------------------------ repair


def test_a_repair_application_not_decided_by_the_repair_deadline_is_overdue(d):
    s = person()
    _submit(d, record("svc-late-repair", s, f"{RC}/traffic.ticket", -60, "tp"))
    applied = d.due_process.apply_for_repair(_ref(s), "svc-late-repair", "paid", "I will", day(-30))

    assert applied.decide_by == day(-10)  # rongcheng-personal: repair_deadline = P20D
    mine = next(v for v in d.due_process.repairs(TODAY) if v.id == applied.id)
    assert mine.overdue is True
    assert next(v for v in d.due_process.repairs(day(-11)) if v.id == applied.id).overdue is False


def test_repair_is_refused_for_a_rule_that_allows_none(d):
    s = person()
    _submit(d, record("svc-volunteer", s, f"{RC}/volunteer.service_day", -30, "volunteers"))

    with pytest.raises(DueProcessError, match="does not allow credit repair"):
        d.due_process.apply_for_repair(_ref(s), "svc-volunteer", "-", "-", TODAY)


def test_repair_is_refused_for_a_record_that_no_longer_counts(d):
    s = person()
    _submit(d, record("svc-expired", s, f"{RC}/traffic.ticket", -200, "tp"))  # counted 3 months

    with pytest.raises(DueProcessError, match="nothing to repair"):
        d.due_process.apply_for_repair(_ref(s), "svc-expired", "paid", "I will", TODAY)


def test_an_early_application_names_the_first_day_in_the_error(d):
    s = person()
    _submit(d, record("svc-early", s, f"{JD}/court.judgment_default", -30))

    with pytest.raises(TooEarly) as refused:
        d.due_process.apply_for_repair(_ref(s), "svc-early", "paid", "I will", TODAY)

    # In effect 10 days after the decision, repairable 6 months later.
    assert refused.value.fields == {"first_day": add_months(day(-20), 6).isoformat()}


def test_a_granted_repair_is_told_and_the_next_notice_round_tells_the_list_entry_ended(d):
    s = person()
    _submit(d, record("svc-listed", s, f"{JD}/court.judgment_default", -300))
    applied = d.due_process.apply_for_repair(_ref(s), "svc-listed", "paid in full", "I will", TODAY)
    d.due_process.decide_repair(applied.id, "granted", "receipt checked", _officer(), TODAY)

    d.due_process.send_due_notices(TODAY)

    inbox = d.outbox.inbox(_ref(s))
    ended = [n for n in inbox if n.kind == "list_entry_ended"]
    assert [n.fields["until"] for n in ended] == [iso(0)]
    assert "repair_granted" in [n.kind for n in inbox]


def test_fulfilment_of_a_judgment_ends_the_list_entry_and_tells_the_subject(d):
    s = person()
    _submit(
        d,
        record("svc-fulfil", s, f"{JD}/court.judgment_default", -100),
        {"type": "fulfilled", "record": "svc-fulfil", "on": iso(-2)},
    )

    notice = next(n for n in d.outbox.inbox(_ref(s)) if n.kind == "fulfilled")

    assert f"Your entry on the list 'judgment-defaulters' ends on {iso(-2)}" in notice.rendered("en")[1]
    assert d.inquiries.check(_ref(s), "air_travel.ticket", TODAY).decision == "allow"


# ------------------------------------------------------------------------------ review


def test_an_overturned_review_tells_the_subject_with_the_reasons(d):
    s = person()
    _submit(d, record("svc-review", s, f"{JD}/court.judgment_default", -100))
    d.inquiries.check(_ref(s), "rail.high_speed.ticket", TODAY, Reader(name="rail", role="service-point"))
    notice = next(n for n in d.outbox.inbox(_ref(s)) if n.kind == "adverse_action")
    case = d.due_process.request_review(_ref(s), notice.id, "I must travel for medical care", TODAY)

    decided = d.due_process.decide_review(case.id, "overturned", "a medical exception applies", _officer(), TODAY)

    assert decided.status == "overturned"
    told = next(n for n in d.outbox.inbox(_ref(s)) if n.kind == "review_decided")
    assert told.fields["action"] == "rail.high_speed.ticket"
    assert "a medical exception applies" in told.rendered("en")[1]


# ----------------------------------------------------------------------------- notices


def test_an_import_refused_as_a_whole_writes_no_notice(d):
    s = person()
    before = d.outbox.count()

    with pytest.raises(ImportRefused):
        _submit(
            d,
            record("svc-good", s, f"{RC}/traffic.ticket", -1, "tp"),
            record("svc-bad", s, f"{RC}/no.such_rule", -1, "tp"),
        )

    assert d.outbox.count() == before


def test_a_dispute_notice_tells_the_subject_whether_the_record_is_suspended(d):
    s = person()
    _submit(
        d,
        record("svc-window", s, f"{RC}/traffic.ticket", 0, "tp"),
        record("svc-counting", s, f"{RC}/traffic.ticket", -30, "tp"),
    )
    d.due_process.file_dispute(_ref(s), "svc-window", "a", TODAY)
    d.due_process.file_dispute(_ref(s), "svc-counting", "b", TODAY)

    told = {n.record: n for n in d.outbox.inbox(_ref(s)) if n.kind == "dispute_filed"}

    assert told["svc-window"].fields["suspended"] is True
    assert "does not count until it is decided" in told["svc-window"].rendered("en")[1]
    assert told["svc-counting"].fields["suspended"] is False
    assert told["svc-counting"].fields["decide_by"] == iso(30)
    assert f"If it is not decided by {iso(30)}" in told["svc-counting"].rendered("en")[1]


# ----------------------------------------------------------------------------- outlook

RULES = [
    f"{RC}/traffic.ticket",
    f"{RC}/loan.arrears_cycle",
    f"{RC}/court.contract_breach",
    f"{RC}/utility.equipment_damage",
    f"{RC}/charity.donation",
    f"{JD}/court.judgment_default",
]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    records=st.lists(st.tuples(st.sampled_from(RULES), st.integers(-1200, 0)), min_size=1, max_size=6),
    disputed=st.lists(st.integers(-60, 0), max_size=2),
)
def test_every_day_the_outlook_names_agrees_with_the_standing_on_that_day(d, records, disputed):
    s = person()
    events = [{"type": "subject", "subject": s, "jurisdiction": "CN-SD-RC"}]
    events += [record(f"svc-o-{s[-8:]}-{i}", s, rule, decided) for i, (rule, decided) in enumerate(records)]
    # Some records disputed (inside or after their notice window) and left open.
    for i, filed in enumerate(disputed[: len(records)]):
        decided = records[i][1]
        events.append({"type": "dispute_filed", "record": f"svc-o-{s[-8:]}-{i}", "on": iso(max(filed, decided))})
    _submit(d, *events)

    for catalog in (RC, JD):
        view = d.due_process.outlook(_ref(s), catalog, TODAY)
        previous = (view.score, view.grade, view.lists)
        for change in view.changes:
            assert change.day > TODAY
            asked = d.inquiries.standing(_ref(s), catalog, change.day)
            assert (asked.score, asked.grade, asked.lists) == (change.score, change.grade, change.lists)
            before = d.inquiries.standing(_ref(s), catalog, change.day - dt.timedelta(days=1))
            assert (before.score, before.grade, before.lists) == previous
            previous = (change.score, change.grade, change.lists)
        # After the last change nothing changes any more (every record expires).
        far = d.inquiries.standing(_ref(s), catalog, day(3700))
        assert (far.score, far.grade) == previous[:2]


# ------------------------------------------------------------------------- two at once


def _at_once(*calls) -> list:
    """Run the calls in threads started together; each answer or the error it raised."""
    answers: list = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(i, call):
        start.wait()
        try:
            answers[i] = call()
        except Exception as error:  # noqa: BLE001 - the refusal is the answer
            answers[i] = error

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def test_two_officers_granting_one_repair_at_once_grant_it_once(d):
    s = person()
    ids = [f"svc-race-{s[-6:]}-{i}" for i in range(6)]
    _submit(d, *(record(i, s, f"{RC}/traffic.ticket", -30, "tp") for i in ids))
    for record_id in ids:
        case = d.due_process.apply_for_repair(_ref(s), record_id, "paid", "I will", TODAY)

        answers = _at_once(
            partial(d.due_process.decide_repair, case.id, "granted", "officer one's reasons", _officer(), TODAY),
            partial(d.due_process.decide_repair, case.id, "granted", "officer two's reasons", _officer(), TODAY),
        )

        assert sorted(type(a).__name__ for a in answers) == sorted(["RepairView", DueProcessError.__name__]), answers
        with d.units(read_only=True) as uow:
            changes = uow.ledger.records([record_id])[record_id].file.changes
        repaired = [c for c in changes if c.type == "repaired"]
        assert len(repaired) == 1


def test_two_officers_deciding_one_review_at_once_decide_it_once(d):
    s = person()
    _submit(d, record("svc-race-review", s, f"{JD}/court.judgment_default", -100))
    for _ in range(4):
        d.inquiries.check(_ref(s), "air_travel.ticket", TODAY, Reader(name="air", role="service-point"))
    for notice in [n for n in d.outbox.inbox(_ref(s)) if n.kind == "adverse_action"]:
        case = d.due_process.request_review(_ref(s), notice.id, "please", TODAY)

        answers = _at_once(
            partial(d.due_process.decide_review, case.id, "confirmed", "one", _officer(), TODAY),
            partial(d.due_process.decide_review, case.id, "overturned", "two", _officer(), TODAY),
        )

        assert len([a for a in answers if isinstance(a, ReviewView)]) == 1, answers
    told = [n for n in d.outbox.inbox(_ref(s)) if n.kind == "review_decided"]
    assert len(told) == 4
