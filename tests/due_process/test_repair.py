"""Issue 4, item 3: credit repair over HTTP. An early application is refused with the
first day it can succeed; a later one, granted by an officer, is a ``repaired`` event
that ends the list entry that day, and a service point's check is allowed again."""

from __future__ import annotations

import pytest

from tests.due_process.conftest import REPAIR, TODAY, add_months, assert_problem, day, iso

pytestmark = pytest.mark.e2e

APPLICATION = {"proof": "the court's receipt for the full judgment sum", "commitment": "I will honour judgments"}


def test_an_early_repair_application_is_refused_with_the_first_day_it_can_succeed(api):
    before = api.ledger_events()

    answer = api.post("repair", "/v1/me/repairs", json={"record": "repair-early", **APPLICATION})

    body = assert_problem(answer, 422, "repair-too-early")
    # loan.arrears_cycle: in effect 15 days after its decision today, repairable 3 months later.
    first = add_months(day(15), 3).isoformat()
    assert body["first_day"] == first
    assert first in body["detail"]
    assert api.ledger_events() == before
    assert not any(r["record"] == "repair-early" for r in api.ok("officer", "GET", "/v1/repairs"))


def test_a_granted_repair_ends_the_list_entry_and_the_check_is_allowed_again_the_same_day(api):
    assert api.check(REPAIR)["decision"] == "deny"
    listed = api.ok("repair", "GET", "/v1/me/report")["lists"]
    assert [(e["list"], e["record"]) for e in listed] == [("judgment-defaulters", "repair-default")]

    applied = api.ok("repair", "POST", "/v1/me/repairs", 201, json={"record": "repair-default", **APPLICATION})
    assert applied["status"] == "open" and applied["applied_on"] == iso(0)
    # national-judgment-defaulters: repair_deadline = P15D
    assert applied["decide_by"] == iso(15) and applied["overdue"] is False
    queued = next(r for r in api.ok("officer", "GET", "/v1/repairs") if r["id"] == applied["id"])
    assert (queued["proof"], queued["commitment"]) == (APPLICATION["proof"], APPLICATION["commitment"])
    before = api.ledger_events()

    decided = api.ok(
        "officer",
        "POST",
        f"/v1/repairs/{applied['id']}/decision",
        json={"outcome": "granted", "reasons": "the judgment sum was paid in full"},
    )

    assert (decided["status"], decided["decided_on"]) == ("granted", iso(0))
    assert decided["reasons"] == "the judgment sum was paid in full"
    assert api.ledger_events() == before + 1  # the `repaired` event
    assert api.check(REPAIR)["decision"] == "allow"
    assert api.ok("repair", "GET", "/v1/me/report")["lists"] == []
    # Yesterday the entry was still there: the repair ends it today, not before.
    yesterday = api.ok(
        "airline", "POST", "/v1/checks", json={"subject": REPAIR, "action": "air_travel.ticket", "as_of": iso(-1)}
    )
    assert yesterday["decision"] == "deny"
    record = next(r for r in api.ok("repair", "GET", "/v1/me/report")["records"] if r["record"] == "repair-default")
    assert record["events"][-1]["type"] == "repaired" and record["events"][-1]["on"] == iso(0)
    assert record["ends_on"] == iso(0)
    granted = [n for n in api.inbox("repair") if n["kind"] == "repair_granted"]
    assert len(granted) == 1 and granted[0]["record"] == "repair-default"
    assert not any(r["id"] == applied["id"] for r in api.ok("officer", "GET", "/v1/repairs"))
    assert api.ok("auditor", "GET", "/v1/ledger/verify")["intact"] is True


def _apply(api, record: str) -> dict:
    return api.ok("repair", "POST", "/v1/me/repairs", 201, json={"record": record, **APPLICATION})


def test_the_repair_queue_gives_the_day_each_application_must_be_decided_by(api):
    applied = _apply(api, "repair-queued")

    queue = api.ok("officer", "GET", "/v1/repairs")

    mine = next(r for r in queue if r["id"] == applied["id"])
    # rongcheng-personal: repair_deadline = P20D
    assert (mine["record"], mine["decide_by"], mine["overdue"]) == ("repair-queued", iso(20), False)
    deadlines = [r["decide_by"] for r in queue]
    assert deadlines == sorted(deadlines)
    assert all(r["overdue"] == (r["decide_by"] <= TODAY.isoformat()) for r in queue)


def test_a_refused_repair_tells_the_subject_why_and_leaves_the_record_counting(api):
    applied = _apply(api, "repair-refused")
    before = api.ledger_events()

    decided = api.ok(
        "officer",
        "POST",
        f"/v1/repairs/{applied['id']}/decision",
        json={"outcome": "refused", "reasons": "the fine is still unpaid"},
    )

    assert (decided["status"], decided["reasons"]) == ("refused", "the fine is still unpaid")
    assert api.ledger_events() == before
    assert "repair-refused" in api.counted("repair", REPAIR, TODAY)
    refused = [n for n in api.inbox("repair") if n["kind"] == "repair_refused" and n["record"] == "repair-refused"]
    assert len(refused) == 1 and "the fine is still unpaid" in refused[0]["text"]


def test_a_repair_is_decided_only_once(api):
    applied = _apply(api, "repair-twice")
    api.ok(
        "officer", "POST", f"/v1/repairs/{applied['id']}/decision", json={"outcome": "refused", "reasons": "no proof"}
    )

    again = api.post(
        "officer", f"/v1/repairs/{applied['id']}/decision", json={"outcome": "granted", "reasons": "changed my mind"}
    )

    assert_problem(again, 422)
    assert "repair-twice" in api.counted("repair", REPAIR, TODAY)


def test_a_second_open_application_for_the_same_record_is_refused(api):
    _apply(api, "repair-duplicate")

    assert_problem(api.post("repair", "/v1/me/repairs", json={"record": "repair-duplicate", **APPLICATION}), 422)
    assert len([r for r in api.ok("officer", "GET", "/v1/repairs") if r["record"] == "repair-duplicate"]) == 1
