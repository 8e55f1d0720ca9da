"""Issue 4, items 4 and 5 of the build list: a service point's denial is an adverse
action the subject is told of, naming the measure, the trigger and how to contest; the
subject may ask for a human review, which an officer decides with the decision's reasons
in front of them, and the subject is told of the outcome."""

from __future__ import annotations

import pytest

from tests.due_process.conftest import ADVERSE, JD, OUTLOOK, assert_problem, iso

pytestmark = pytest.mark.e2e


def _deny(api) -> dict:
    """A denied check of the subject on the judgment-defaulters list, and the notice it left."""
    before = {n["id"] for n in api.inbox("adverse")}
    assert api.check(ADVERSE)["decision"] == "deny"
    new = [n for n in api.inbox("adverse") if n["id"] not in before]
    assert [n["kind"] for n in new] == ["adverse_action"]
    return new[0]


@pytest.fixture(scope="module")
def denial(api) -> dict:
    return _deny(api)


def test_a_denied_check_leaves_an_adverse_action_notice_naming_the_measure_the_trigger_and_how_to_contest(denial):
    fields = denial["fields"]
    assert (fields["action"], fields["decision"], fields["asked_by"], fields["as_of"]) == (
        "air_travel.ticket",
        "deny",
        "sky-airline",
        iso(0),
    )
    [reason] = [r for r in fields["reasons"] if r["effect"] == "deny"]
    assert (reason["catalog"], reason["measure"]) == (JD, "jd-air-travel")
    assert reason["trigger"]["list"] == "judgment-defaulters"
    assert reason["trigger"]["record"] == "adverse-default"
    assert "art. 3(1)" in reason["legal_basis"]
    for said in ("jd-air-travel", "judgment-defaulters", "adverse-default", "/v1/me/disputes", "/v1/me/reviews"):
        assert said in denial["text"]


def test_an_allowed_check_leaves_no_notice(api):
    before = len(api.inbox("outlook"))

    assert api.check(OUTLOOK)["decision"] == "allow"

    assert len(api.inbox("outlook")) == before


def test_a_check_sent_to_review_leaves_an_adverse_action_notice(api):
    # Grade C under rongcheng-personal: a loan application goes to human review.
    answer = api.check(OUTLOOK, "loan.apply", who="bank")
    assert answer["decision"] == "review"

    notice = next(n for n in api.inbox("outlook") if n["kind"] == "adverse_action")

    assert notice["fields"]["decision"] == "review"
    reason = next(r for r in notice["fields"]["reasons"] if r["effect"] == "review")
    assert reason["measure"] == "cd-loan-review" and reason["trigger"]["grade"] == "C"
    # A service point never sees scores; neither does the notice it causes repeat one.
    assert "score" not in reason["trigger"]


def test_an_officers_own_check_is_no_adverse_action(api):
    before = len(api.inbox("adverse"))

    assert api.check(ADVERSE, who="officer")["decision"] == "deny"

    assert len(api.inbox("adverse")) == before


def test_a_human_review_of_a_denial_goes_to_an_officer_with_the_reasons_and_its_decision_notifies_the_subject(
    api, denial
):
    requested = api.ok(
        "adverse",
        "POST",
        "/v1/me/reviews",
        201,
        json={"notice": denial["id"], "grounds": "I paid the judgment last week"},
    )
    assert requested["status"] == "open" and requested["requested_on"] == iso(0)

    queue = api.ok("officer", "GET", "/v1/reviews")
    case = next(c for c in queue if c["id"] == requested["id"])
    assert case["subject"] == ADVERSE and case["grounds"] == "I paid the judgment last week"
    assert case["decision"]["action"] == "air_travel.ticket" and case["decision"]["decision"] == "deny"
    assert case["decision"]["reasons"] == denial["fields"]["reasons"]

    decided = api.ok(
        "officer",
        "POST",
        f"/v1/reviews/{requested['id']}/decision",
        json={"outcome": "confirmed", "reasons": "the court has not registered any payment"},
    )

    assert (decided["status"], decided["decided_on"]) == ("confirmed", iso(0))
    told = [n for n in api.inbox("adverse") if n["kind"] == "review_decided"]
    assert len(told) == 1
    assert told[0]["fields"]["outcome"] == "confirmed"
    assert "the court has not registered any payment" in told[0]["text"]
    assert not any(c["id"] == requested["id"] for c in api.ok("officer", "GET", "/v1/reviews"))
    assert any(c["id"] == requested["id"] for c in api.ok("officer", "GET", "/v1/reviews", params={"status": "all"}))


def test_a_review_is_requested_once_per_decision(api):
    notice = _deny(api)
    api.ok("adverse", "POST", "/v1/me/reviews", 201, json={"notice": notice["id"], "grounds": "once"})

    assert_problem(api.post("adverse", "/v1/me/reviews", json={"notice": notice["id"], "grounds": "twice"}), 422)
    assert len([c for c in api.ok("officer", "GET", "/v1/reviews") if c["notice"] == notice["id"]]) == 1


def test_a_review_can_only_be_asked_of_an_adverse_action_notice(api):
    record_notice = next(n for n in api.inbox("adverse") if n["kind"] == "record")

    answer = api.post("adverse", "/v1/me/reviews", json={"notice": record_notice["id"], "grounds": "review this"})

    assert_problem(answer, 404)
