"""Issue 12, item 2: read and unread notices. A subject marks its notices read (some or
all) over the API; each keeps the time it was first marked read; nobody marks another
subject's notices, and only a subject marks its own."""

from __future__ import annotations

import pytest

from tests.due_process.conftest import assert_problem

pytestmark = pytest.mark.e2e


def test_a_subject_marks_its_notices_read_one_or_all_and_each_keeps_its_first_read(api):
    inbox = api.ok("outlook", "GET", "/v1/me/notices")
    assert len(inbox) >= 2 and all(n["read_at"] is None for n in inbox)
    first, *rest = inbox
    assert api.ok("outlook", "POST", "/v1/me/notices/read", json={"notices": [first["id"]]}) == {"marked": 1}
    after = {n["id"]: n for n in api.ok("outlook", "GET", "/v1/me/notices")}
    assert after[first["id"]]["read_at"] is not None
    assert all(after[n["id"]]["read_at"] is None for n in rest)
    assert api.ok("outlook", "POST", "/v1/me/notices/read", json={}) == {"marked": len(rest)}
    again = {n["id"]: n for n in api.ok("outlook", "GET", "/v1/me/notices")}
    assert all(n["read_at"] is not None for n in again.values())
    assert again[first["id"]]["read_at"] == after[first["id"]]["read_at"]
    assert api.ok("outlook", "POST", "/v1/me/notices/read", json={}) == {"marked": 0}


def test_nobody_marks_another_subjects_notices_read(api):
    theirs = api.ok("notice-cli", "GET", "/v1/me/notices")
    unread = [n["id"] for n in theirs if n["read_at"] is None]
    assert unread
    assert api.ok("other", "POST", "/v1/me/notices/read", json={"notices": unread}) == {"marked": 0}
    assert [n["id"] for n in api.ok("notice-cli", "GET", "/v1/me/notices") if n["read_at"] is None] == unread
    # Only a subject marks notices: an officer or a source is refused, and so is no token.
    assert_problem(api.post("officer", "/v1/me/notices/read", json={}), 403)
    assert_problem(api.post(None, "/v1/me/notices/read", json={}), 401)


def test_a_malformed_request_names_the_field_and_marks_nothing(api):
    answer = api.post("export", "/v1/me/notices/read", json={"notices": "all"})
    assert_problem(answer, 422)
    assert "notices" in answer.text
    answer = api.post("export", "/v1/me/notices/read", json={"notices": [], "everything": True})
    assert_problem(answer, 422)
    assert all(n["read_at"] is None for n in api.ok("export", "GET", "/v1/me/notices"))
