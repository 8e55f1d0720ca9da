"""Issue 4, wrong-subject safety: a subject acts only on its own records, and the
officers' queues and decisions take an officer's token. Someone else's record is
answered as not found (its existence is not the asker's to learn), and nothing is
written."""

from __future__ import annotations

import pytest

from tests.due_process.conftest import ADVERSE, assert_problem

pytestmark = pytest.mark.e2e


@pytest.fixture
def unchanged(api):
    """Asserts after the test that no ledger event, dispute, repair or review appeared."""

    def state():
        return (
            api.ledger_events(),
            api.ok("officer", "GET", "/v1/disputes", params={"status": "all"}),
            api.ok("officer", "GET", "/v1/repairs", params={"status": "all"}),
            api.ok("officer", "GET", "/v1/reviews", params={"status": "all"}),
        )

    before = state()
    yield
    assert state() == before


def test_a_subject_cannot_dispute_another_subjects_record(api, unchanged):
    answer = api.post("other", "/v1/me/disputes", json={"record": "repair-default", "grounds": "not theirs"})

    body = assert_problem(answer, 404, "not-found")
    assert "repair-default" in body["detail"]


def test_another_subjects_record_is_answered_like_a_record_that_does_not_exist(api, unchanged):
    theirs = assert_problem(api.post("other", "/v1/me/disputes", json={"record": "late-breach", "grounds": "x"}), 404)
    missing = assert_problem(
        api.post("other", "/v1/me/disputes", json={"record": "no-such-record", "grounds": "x"}), 404
    )

    assert theirs["detail"].replace("late-breach", "R") == missing["detail"].replace("no-such-record", "R")


def test_a_subject_cannot_apply_to_repair_another_subjects_record(api, unchanged):
    answer = api.post(
        "other", "/v1/me/repairs", json={"record": "export-ticket", "proof": "paid", "commitment": "I will"}
    )

    assert_problem(answer, 404, "not-found")


def test_a_subject_cannot_ask_a_review_of_another_subjects_notice(api, unchanged):
    api.check(ADVERSE)
    theirs = next(n for n in api.inbox("adverse") if n["kind"] == "adverse_action")
    # The check above wrote an access-log entry and a notice, not a ledger event or a case.

    answer = api.post("other", "/v1/me/reviews", json={"notice": theirs["id"], "grounds": "not theirs"})

    assert_problem(answer, 404, "not-found")


@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", "/v1/disputes"),
        ("POST", "/v1/disputes/1/decision"),
        ("GET", "/v1/repairs"),
        ("POST", "/v1/repairs/abc/decision"),
        ("GET", "/v1/reviews"),
        ("POST", "/v1/reviews/abc/decision"),
    ],
)
def test_a_subject_token_cannot_use_the_officers_endpoints(api, unchanged, method, path):
    body = {"outcome": "upheld", "reasons": "I decide my own case"} if method == "POST" else None

    answer = api.request("late", method, path, json=body)

    assert_problem(answer, 403, "forbidden")


@pytest.mark.parametrize("who", ["traffic-police", "airline", "auditor"])
def test_only_officers_see_the_dispute_queue(api, who):
    assert_problem(api.get(who, "/v1/disputes"), 403, "forbidden")


@pytest.mark.parametrize("path", ["/v1/me/disputes", "/v1/me/repairs", "/v1/me/reviews"])
def test_an_officer_does_not_file_as_a_subject(api, unchanged, path):
    answer = api.post("officer", path, json={"record": "late-breach", "grounds": "x"})

    assert_problem(answer, 403, "forbidden")


def test_the_subject_endpoints_need_a_token(api, unchanged):
    assert_problem(api.post(None, "/v1/me/disputes", json={"record": "late-breach", "grounds": "x"}), 401)
    assert_problem(api.get(None, "/v1/me/notices"), 401)
    assert_problem(api.get(None, "/v1/me/export"), 401)


def test_only_sources_read_source_notices(api):
    assert_problem(api.get("late", "/v1/source/notices"), 403, "forbidden")
    assert_problem(api.get("officer", "/v1/source/notices"), 403, "forbidden")
