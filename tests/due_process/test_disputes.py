"""Issue 4, items 2 and 6: disputes over HTTP. A dispute filed in the notice window keeps
its record from counting until an officer decides it; one left undecided past the
catalog's ``dispute_deadline`` makes the record stop counting (docs/design.md section 4).
Officers work a queue ordered by deadline and decide with reasons; filing and deciding
are ledger events, and the record's source is told of both."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.due_process.conftest import (
    COURT,
    EARLY,
    LATE,
    QUEUE,
    TODAY,
    add_months,
    assert_problem,
    day,
    iso,
)

pytestmark = pytest.mark.e2e


def _file(api, who: str, record: str, grounds: str = "this is not mine") -> dict:
    return api.ok(who, "POST", "/v1/me/disputes", 201, json={"record": record, "grounds": grounds})


def _decide(api, dispute_id: int, outcome: str, reasons: str) -> dict:
    return api.ok(
        "officer", "POST", f"/v1/disputes/{dispute_id}/decision", json={"outcome": outcome, "reasons": reasons}
    )


# ----------------------------------------------------------- filed in the notice window


def test_a_dispute_filed_in_the_notice_window_keeps_the_record_from_counting_until_it_is_upheld(api):
    filed = _file(api, "early", "early-upheld")
    assert filed["suspended"] is True and filed["status"] == "open"
    # loan.arrears_cycle: decided today, in effect in 15 days.
    assert "early-upheld" not in api.counted("early", EARLY, day(20))

    decided = _decide(api, filed["id"], "upheld", "the bank's statement shows three cycles in arrears")

    assert decided["status"] == "decided" and decided["outcome"] == "upheld"
    # Upheld today, before its effective day: it counts from its effective day as usual.
    assert "early-upheld" not in api.counted("early", EARLY, day(14))
    assert api.counted("early", EARLY, day(15))["early-upheld"]["points"] == -10
    assert api.counted("early", EARLY, day(20))["early-upheld"]["disputed"] is False


def test_a_suspended_record_counts_from_the_day_its_dispute_is_upheld(api):
    # In effect since 10 days, disputed before that (filed 20 days ago, still open).
    assert "early-suspended" not in api.counted("early", EARLY, TODAY)
    dispute = next(d for d in api.ok("officer", "GET", "/v1/disputes") if d["record"] == "early-suspended")

    _decide(api, dispute["id"], "upheld", "the guarantee bears the subject's signature")

    assert "early-suspended" not in api.counted("early", EARLY, day(-1))
    counted = api.counted("early", EARLY, TODAY)["early-suspended"]
    assert counted["points"] == -20
    # Disputing never lengthens a penalty: it still ends a year after its effective day.
    assert counted["effective_on"] == iso(-10)
    assert counted["expires_on"] == add_months(day(-10), 12).isoformat()


def test_a_record_whose_dispute_is_annulled_never_counts(api):
    filed = _file(api, "early", "early-annulled")
    _decide(api, filed["id"], "annulled", "the contract was signed by someone else")

    for offset in (0, 15, 20, 100, 300):
        assert "early-annulled" not in api.counted("early", EARLY, day(offset))
    record = next(r for r in api.ok("early", "GET", "/v1/me/report")["records"] if r["record"] == "early-annulled")
    assert record["status"] == "annulled"


# ------------------------------------------------------------ filed after effect, deadline


def test_a_dispute_filed_on_a_record_in_effect_flags_it_and_it_stops_counting_at_the_dispute_deadline(api):
    # contract.financial_duty_breach decided 40 days ago: in effect since 25 days.
    assert api.counted("late", LATE, TODAY)["late-breach"]["disputed"] is False

    filed = _file(api, "late", "late-breach", "I paid the instalment on time")

    assert filed["suspended"] is False
    assert filed["decide_by"] == iso(30)  # rongcheng-personal: dispute_deadline = P30D
    today = api.counted("late", LATE, TODAY)["late-breach"]
    assert today["points"] == -20 and today["disputed"] is True
    assert api.counted("late", LATE, day(29))["late-breach"]["disputed"] is True
    # Not decided by filed_on + P30D: the authority loses the record from that day.
    assert "late-breach" not in api.counted("late", LATE, day(30))
    assert "late-breach" not in api.counted("late", LATE, day(60))
    assert api.score("late", LATE, day(30))["score"] == 1000


def test_a_second_dispute_on_a_record_with_an_open_dispute_is_refused(api):
    queue = api.ok("officer", "GET", "/v1/disputes")
    assert any(d["record"] == "queue-recent" for d in queue)
    before = api.ledger_events()

    assert_problem(api.post("queue", "/v1/me/disputes", json={"record": "queue-recent", "grounds": "again"}), 422)

    assert api.ledger_events() == before


# ------------------------------------------------------------------------ the queue


def test_the_dispute_queue_is_ordered_by_deadline_and_marks_overdue_disputes(api):
    queue = api.ok("officer", "GET", "/v1/disputes")

    deadlines = [d["decide_by"] for d in queue]
    assert deadlines == sorted(deadlines)
    assert all(d["status"] == "open" for d in queue)
    assert all(d["overdue"] == (dt.date.fromisoformat(d["decide_by"]) <= TODAY) for d in queue)
    by_record = {d["record"]: d for d in queue}
    overdue, recent = by_record["queue-overdue"], by_record["queue-recent"]
    # Imported with `xinyong import`: filed 50 days ago, 30 days to decide.
    assert (overdue["filed_on"], overdue["decide_by"], overdue["overdue"]) == (iso(-50), iso(-20), True)
    assert (recent["filed_on"], recent["decide_by"], recent["overdue"]) == (iso(-10), iso(20), False)
    assert deadlines.index(overdue["decide_by"]) < deadlines.index(recent["decide_by"])
    assert overdue["grounds"] == "paid long ago"
    assert overdue["subject"] == QUEUE and overdue["source"] == COURT


def test_an_overdue_dispute_has_stopped_its_record_counting(api):
    assert "queue-overdue" not in api.counted("queue", QUEUE, TODAY)
    assert api.counted("queue", QUEUE, day(-21))["queue-overdue"]["disputed"] is True


def test_filing_and_deciding_a_dispute_are_ledger_events_and_the_ledger_stays_intact(api):
    before = api.ledger_events()
    filed = _file(api, "queue", "queue-decided", "the loan was repaid in full")
    assert api.ledger_events() == before + 1

    decided = _decide(api, filed["id"], "annulled", "the lender confirms repayment before the due date")

    assert api.ledger_events() == before + 2
    assert decided["decided_on"] == iso(0)
    verified = api.ok("auditor", "GET", "/v1/ledger/verify")
    assert verified["intact"] is True and verified["events"] == before + 2
    events = next(r for r in api.ok("queue", "GET", "/v1/me/report")["records"] if r["record"] == "queue-decided")[
        "events"
    ]
    assert [(e["type"], e["on"]) for e in events] == [("dispute_filed", iso(0)), ("dispute_resolved", iso(0))]
    assert events[0]["grounds"] == "the loan was repaid in full"
    assert events[1]["reasons"] == "the lender confirms repayment before the due date"
    assert not any(d["record"] == "queue-decided" for d in api.ok("officer", "GET", "/v1/disputes"))
    decided_view = next(
        d
        for d in api.ok("officer", "GET", "/v1/disputes", params={"status": "decided"})
        if d["record"] == "queue-decided"
    )
    assert decided_view["outcome"] == "annulled"

    # The source is told of the filing and of the decision; the subject of the decision.
    told = [n for n in api.ok("court", "GET", "/v1/source/notices") if n["record"] == "queue-decided"]
    assert sorted(n["kind"] for n in told) == ["dispute_decided", "dispute_filed"]
    assert all(n["to"] == f"source {COURT}" for n in told)
    decision = next(n for n in api.inbox("queue") if n["kind"] == "dispute_decided" and n["record"] == "queue-decided")
    assert decision["fields"]["outcome"] == "annulled"
    assert "the lender confirms repayment" in decision["text"]


def test_a_source_sees_no_notices_about_records_of_another_source(api):
    told = api.ok("traffic-police", "GET", "/v1/source/notices")

    assert all(n["to"] == "source rc-traffic-police" for n in told)
    assert not any(n["record"] in ("queue-decided", "queue-overdue", "early-annulled") for n in told)


def test_a_dispute_is_decided_only_once(api):
    filed = _file(api, "queue", "queue-twice", "never signed it")
    _decide(api, filed["id"], "upheld", "the signature matches")
    before = api.ledger_events()

    answer = api.post(
        "officer", f"/v1/disputes/{filed['id']}/decision", json={"outcome": "annulled", "reasons": "second thoughts"}
    )

    assert_problem(answer, 422)
    assert api.ledger_events() == before
    assert "queue-twice" in api.counted("queue", QUEUE, day(20))


def test_a_decision_needs_a_known_outcome_and_reasons(api):
    queue = api.ok("officer", "GET", "/v1/disputes")
    target = queue[0]["id"]

    assert_problem(
        api.post("officer", f"/v1/disputes/{target}/decision", json={"outcome": "dismissed", "reasons": "no"}), 422
    )
    assert_problem(api.post("officer", f"/v1/disputes/{target}/decision", json={"outcome": "upheld"}), 422)
    assert_problem(
        api.post("officer", f"/v1/disputes/{target}/decision", json={"outcome": "upheld", "reasons": ""}), 422
    )
    assert_problem(
        api.post("officer", "/v1/disputes/999999/decision", json={"outcome": "upheld", "reasons": "no such dispute"}),
        404,
    )
    assert target in [d["id"] for d in api.ok("officer", "GET", "/v1/disputes")]
