"""One rule for an officer's stated purpose, in the API and in the console alike: a
blank purpose is refused before anything is read or logged, and any other is kept with
the read (``Reader.stated_purpose``)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from tests.service.conftest import SUBJECT, assert_problem

pytestmark = pytest.mark.e2e

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
REFUSAL = "State the purpose of this read: it is written to the access log with your name."


def officer_reads(api) -> list[dict]:
    """Officers' reads of the subject's file (not the console's queue naming its cases)."""
    answer = api.ok("auditor", "GET", "/v1/access-log", params={"subject": SUBJECT, "limit": 1000})
    return [e for e in answer["entries"] if e["role"] == "officer" and e["what"] == "report"]


@pytest.fixture
def console(scratch) -> Iterator[httpx.Client]:
    """A browser-like client signed in to the console with the officer's token."""
    with httpx.Client(base_url=scratch.url, headers={"Accept-Language": "en"}, timeout=60) as client:
        signin = client.get("/console")
        form = {"csrf": CSRF.search(signin.text).group(1), "token": scratch.tokens["officer"], "next": ""}
        assert client.post("/console/sign-in", data=form).status_code == 303
        yield client


def look_up(console: httpx.Client, purpose: str) -> httpx.Response:
    csrf = CSRF.search(console.get("/console").text).group(1)
    return console.post("/console/subject", data={"csrf": csrf, "subject": SUBJECT, "purpose": purpose})


def test_the_api_refuses_an_officers_read_with_a_blank_purpose(scratch):
    before = officer_reads(scratch)
    response = scratch.get("officer", f"/v1/subjects/{SUBJECT}/report", params={"purpose": "   "})
    body = assert_problem(response, 422, "purpose-required")
    assert [e["field"] for e in body["errors"]] == ["purpose"]
    assert officer_reads(scratch) == before


def test_the_console_refuses_a_look_up_with_a_blank_purpose_next_to_the_field(scratch, console):
    before = officer_reads(scratch)
    response = look_up(console, "   ")
    assert response.status_code == 422
    error = re.search(r'id="lookup-purpose-error">(.*?)</p>', response.text, re.S)
    assert error is not None and REFUSAL in error.group(1)
    assert officer_reads(scratch) == before


@pytest.mark.parametrize("purpose", ["x", "case 2025-17"])
def test_a_purpose_the_api_accepts_the_console_accepts_and_logs(scratch, console, purpose):
    answer = look_up(console, purpose)
    assert answer.status_code == 200, answer.text
    assert officer_reads(scratch)[0]["purpose"] == purpose
    scratch.ok("officer", "GET", f"/v1/subjects/{SUBJECT}/report", params={"purpose": purpose})
    assert officer_reads(scratch)[0]["purpose"] == purpose
