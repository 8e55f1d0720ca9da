"""Every role against every endpoint: allowed (200), no usable token (401), a known token
outside its role or scope (403); and a refused request writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.service.conftest import ORGANISATION, OTHER_SUBJECT, SUBJECT, assert_problem, rid

pytestmark = pytest.mark.e2e

ROLES = [
    "none",
    "unknown",
    "revoked",
    "source",
    "registry",
    "service-point",
    "subject",
    "other-subject",
    "officer",
    "auditor",
    "node",
]
UNAUTHENTICATED = {"none", "unknown", "revoked"}

# A subject event on a person nobody else uses: the first time it writes, then it is
# unchanged; either way no other test's answer moves.
MATRIX_PERSON = f"rid:{rid('44030519900101123')}"
MATRIX_EVENTS = [{"type": "subject", "subject": MATRIX_PERSON, "jurisdiction": "CN-GD"}]
MATRIX_RECORDS = [
    {
        "type": "record",
        "id": "matrix-cell-red",
        "subject": MATRIX_PERSON,
        "rule": "city-personal/traffic.red_light",
        "occurred_on": "2025-01-02",
        "decided_on": "2025-01-03",
        "source": "test-source",
    }
]
# A subject sets its own contact address; the same address again changes nothing.
MATRIX_CONTACT = {"email": "matrix.cell@example.org"}

# endpoint: (method, path, request keywords, roles allowed; None = public)
ENDPOINTS: dict[str, tuple[str, str, dict[str, Any], set[str] | None]] = {
    # A subject's facts are the registry's; records are the sources'.
    "POST /v1/events (subject)": ("POST", "/v1/events", {"json": MATRIX_EVENTS}, {"registry"}),
    "POST /v1/events (record)": ("POST", "/v1/events", {"json": MATRIX_RECORDS}, {"source"}),
    "PUT /v1/me/contact": ("PUT", "/v1/me/contact", {"json": MATRIX_CONTACT}, {"subject", "other-subject"}),
    "GET /v1/me/contact": ("GET", "/v1/me/contact", {}, {"subject", "other-subject"}),
    "GET /v1/subjects/{s}/score": (
        "GET",
        f"/v1/subjects/{SUBJECT}/score",
        {"params": {"catalog": "city-personal", "as_of": "2025-06-01", "purpose": "role matrix"}},
        {"subject", "officer"},
    ),
    "GET /v1/subjects/{s}/report": (
        "GET",
        f"/v1/subjects/{SUBJECT}/report",
        {"params": {"purpose": "role matrix"}},
        {"officer"},
    ),
    "POST /v1/checks": (
        "POST",
        "/v1/checks",
        {"json": {"subject": SUBJECT, "action": "air_travel.ticket", "as_of": "2025-06-01", "purpose": "role matrix"}},
        {"service-point", "officer"},
    ),
    "GET /v1/me/report": ("GET", "/v1/me/report", {}, {"subject", "other-subject"}),
    "GET /v1/access-log": ("GET", "/v1/access-log", {"params": {"limit": 5}}, {"auditor"}),
    "GET /v1/ledger/verify": ("GET", "/v1/ledger/verify", {}, {"auditor"}),
    "GET /v1/public/organisations/{uscc}": (
        "GET",
        f"/v1/public/organisations/{ORGANISATION.removeprefix('uscc:')}",
        {},
        None,
    ),
    "GET /v1/public/search": ("GET", "/v1/public/search", {"params": {"q": "9114"}}, None),
    "GET /v1/public/lists/{list}": ("GET", "/v1/public/lists/serious-untrustworthy", {}, None),
    # Webhook receivers are registered by the roles that have events to receive.
    "GET /v1/webhooks": ("GET", "/v1/webhooks", {}, {"source", "lender", "node"}),
    # A partner node pulls this node's signed lists (and registers a webhook receiver to
    # hear of new ones), and does nothing else.
    "GET /v1/federation/lists/{list}": (
        "GET",
        "/v1/federation/lists/serious-untrustworthy",
        {"params": {"as_of": "2025-06-01"}},
        {"node"},
    ),
}
# Reads of one subject's data: each allowed one is written to the access log.
SUBJECT_READS = {"GET /v1/subjects/{s}/score", "GET /v1/subjects/{s}/report", "POST /v1/checks", "GET /v1/me/report"}


# Cells where the role may post events, but not these: refused by what the events are.
OUTSIDE_AUTHORITY = {("POST /v1/events (subject)", "source"), ("POST /v1/events (record)", "registry")}


def expected_status(endpoint: str, role: str) -> int:
    allowed = ENDPOINTS[endpoint][3]
    if allowed is None or role in allowed:
        return 200
    return 401 if role in UNAUTHENTICATED else 403


CELLS = [(endpoint, role) for endpoint in ENDPOINTS for role in ROLES]
REFUSED = [(e, r) for e, r in CELLS if expected_status(e, r) != 200]
ALLOWED_READS = [(e, r) for e, r in CELLS if expected_status(e, r) == 200 and e in SUBJECT_READS]


def ask(api, endpoint: str, role: str):
    method, path, keywords, _ = ENDPOINTS[endpoint]
    return api.request(role, method, path, **keywords)


def test_every_role_is_covered_by_the_matrix():
    assert len(CELLS) == len(ENDPOINTS) * len(ROLES)
    assert {expected_status(e, r) for e, r in CELLS} == {200, 401, 403}


@pytest.mark.parametrize(("endpoint", "role"), CELLS)
def test_a_role_gets_the_expected_status_from_an_endpoint(api, endpoint, role):
    response = ask(api, endpoint, role)
    status = expected_status(endpoint, role)
    if status == 200:
        assert response.status_code == 200, response.text
    else:
        slug = (
            "unauthenticated"
            if status == 401
            else "outside-scope"
            if (endpoint, role) in OUTSIDE_AUTHORITY
            else "forbidden"
        )
        assert_problem(response, status, slug)


@pytest.mark.parametrize(("endpoint", "role"), REFUSED)
def test_a_refused_request_writes_nothing(api, endpoint, role):
    before = api.written()
    assert ask(api, endpoint, role).status_code in (401, 403)
    assert api.written() == before


@pytest.mark.parametrize(("endpoint", "role"), ALLOWED_READS)
def test_an_allowed_read_of_a_subject_is_written_to_the_access_log(api, endpoint, role):
    before = api.access_log_total()
    assert ask(api, endpoint, role).status_code == 200
    assert api.access_log_total() == before + 1


def test_a_401_asks_for_a_bearer_token(api):
    response = api.get("none", "/v1/me/report")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].lower().startswith("bearer")


def test_a_token_sent_with_another_scheme_is_refused(api):
    response = api.get("none", "/v1/me/report", headers={"Authorization": f"Basic {api.tokens['subject']}"})
    assert_problem(response, 401)


# ---------------------------------------------------------------------------- sources


def test_a_source_cannot_submit_a_record_under_a_rule_outside_its_scope(api):
    before = api.written()
    record = {
        "type": "record",
        "id": "matrix-court-1",
        "subject": MATRIX_PERSON,
        "rule": "city-personal/court.judgment_default",
        "occurred_on": "2025-01-02",
        "decided_on": "2025-01-03",
        "source": "test-source",
    }
    body = assert_problem(api.post("source", "/v1/events", json=[record]), 403, "outside-scope")
    assert [e["index"] for e in body["errors"]] == [1]
    assert api.written() == before


def test_a_batch_with_one_event_outside_the_sources_scope_writes_none_of_it(api):
    before = api.written()
    allowed = {
        "type": "record",
        "id": "matrix-red-1",
        "subject": MATRIX_PERSON,
        "rule": "city-personal/traffic.red_light",
        "occurred_on": "2025-01-02",
        "decided_on": "2025-01-03",
        "source": "test-source",
    }
    outside = {**allowed, "id": "matrix-tax-1", "rule": "city-personal/tax.late_payment"}
    body = assert_problem(api.post("source", "/v1/events", json=[allowed, outside]), 403, "outside-scope")
    assert [e["index"] for e in body["errors"]] == [2]
    assert api.written() == before


def test_a_source_cannot_post_an_event_on_a_record_another_source_submitted(api):
    # r1-00004 is a red light of the conformance data, submitted by test-source.
    before = api.written()
    event = {"type": "fulfilled", "record": "r1-00004", "on": "2025-01-05"}
    assert_problem(api.post("other-source", "/v1/events", json=[event]), 403, "outside-scope")
    assert api.written() == before


def test_a_source_cannot_post_an_event_on_a_record_another_source_submitted_over_http(api):
    record = {
        "type": "record",
        "id": "matrix-red-owned",
        "subject": MATRIX_PERSON,
        "rule": "city-personal/traffic.red_light",
        "occurred_on": "2025-02-01",
        "decided_on": "2025-02-03",
        "source": "test-source",
    }
    assert api.post("source", "/v1/events", json=[record]).status_code == 200
    before = api.written()
    dispute = {"type": "dispute_filed", "record": "matrix-red-owned", "on": "2025-02-05"}
    assert_problem(api.post("other-source", "/v1/events", json=[dispute]), 403, "outside-scope")
    assert api.written() == before


def test_a_source_may_post_an_event_on_its_own_record(api):
    record = {
        "type": "record",
        "id": "matrix-red-mine",
        "subject": MATRIX_PERSON,
        "rule": "city-personal/traffic.red_light",
        "occurred_on": "2025-02-01",
        "decided_on": "2025-02-03",
        "source": "test-source",
    }
    fulfilled = {"type": "fulfilled", "record": "matrix-red-mine", "on": "2025-03-01"}
    answer = api.post("source", "/v1/events", json=[record, fulfilled])
    assert answer.status_code == 200, answer.text
    assert answer.json()["received"] == 2


def test_a_source_cannot_submit_a_record_in_another_sources_name(api):
    before = api.written()
    forged = {
        "type": "record",
        "id": "matrix-forged",
        "subject": MATRIX_PERSON,
        "rule": "city-personal/traffic.red_light",
        "occurred_on": "2025-02-01",
        "decided_on": "2025-02-03",
        "source": "traffic-police-of-another-city",
    }
    response = api.post("source", "/v1/events", json=[forged])
    assert response.status_code in (403, 422), response.text
    assert api.written() == before


def test_a_source_cannot_set_a_subjects_contact_address(api):
    before = api.written()
    event = {"type": "contact", "subject": SUBJECT, "email": "redirect@example.net", "on": "2025-01-05"}
    body = assert_problem(api.post("source", "/v1/events", json=[event]), 403, "outside-scope")
    assert "registry" in body["errors"][0]["reason"]
    assert api.written() == before


def test_the_registry_cannot_file_records_or_events_on_them(api):
    before = api.written()
    fulfilled = {"type": "fulfilled", "record": "r1-00004", "on": "2025-01-05"}
    for event in (MATRIX_RECORDS[0], fulfilled):
        assert_problem(api.post("registry", "/v1/events", json=[event]), 403, "outside-scope")
    assert api.written() == before


# ---------------------------------------------------------------------------- subjects


def test_a_refusal_names_the_role_refused_and_the_roles_taken(api):
    body = assert_problem(
        api.post("auditor", "/v1/checks", json={"subject": OTHER_SUBJECT, "action": "loan.apply"}), 403, "forbidden"
    )
    assert body["detail"].startswith("an auditor token cannot do this; it takes a ")
    body = assert_problem(
        api.post("source", "/v1/checks", json={"subject": OTHER_SUBJECT, "action": "loan.apply"}), 403, "forbidden"
    )
    assert body["detail"].startswith("a source token cannot do this")


def test_a_subject_cannot_read_another_subjects_score(api):
    before = api.written()
    response = api.get("subject", f"/v1/subjects/{OTHER_SUBJECT}/score", params={"catalog": "city-personal"})
    assert_problem(response, 403, "forbidden")
    assert api.written() == before


def test_a_subject_reads_its_own_score(api):
    response = api.get(
        "subject", f"/v1/subjects/{SUBJECT}/score", params={"catalog": "city-personal", "as_of": "2025-06-01"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["subject"] == SUBJECT


def test_a_subjects_own_report_is_its_own(api):
    assert api.get("other-subject", "/v1/me/report").json()["subject"] == OTHER_SUBJECT


# ---------------------------------------------------------------------- service points


def test_a_service_point_cannot_ask_an_action_outside_its_scopes(api):
    before = api.written()
    response = api.post("service-point", "/v1/checks", json={"subject": SUBJECT, "action": "loan.apply"})
    assert_problem(response, 403, "forbidden")
    assert api.written() == before


def test_a_service_point_scope_is_a_dotted_prefix_not_a_string_prefix(api):
    response = api.post("service-point", "/v1/checks", json={"subject": SUBJECT, "action": "rail.high_speedboat"})
    assert_problem(response, 403, "forbidden")


def test_a_service_point_scope_covers_the_actions_under_it(api):
    response = api.post(
        "service-point",
        "/v1/checks",
        json={"subject": SUBJECT, "action": "rail.high_speed.ticket", "as_of": "2025-06-01"},
    )
    assert response.status_code == 200, response.text


def test_a_manifest_with_one_action_outside_the_scopes_is_refused_whole(api):
    before = api.written()
    manifest = [
        {"subject": SUBJECT, "action": "air_travel.ticket"},
        {"subject": OTHER_SUBJECT, "action": "hotel.booking"},
    ]
    assert_problem(api.post("service-point", "/v1/checks", json=manifest), 403, "forbidden")
    assert api.written() == before


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


# rid:112208199408097388 has grade D on 2025-08-19, and grade D denies loan.apply.
GRADE_CHECK = {"subject": "rid:112208199408097388", "action": "loan.apply", "as_of": "2025-08-19"}


def test_an_officers_check_shows_the_score_behind_a_grade(api):
    answer = api.post("officer", "/v1/checks", json={**GRADE_CHECK, "purpose": "loan complaint"}).json()
    assert answer["decision"] == "deny"
    assert "score" in answer["reasons"][0]["trigger"]


def test_a_service_points_check_never_contains_a_score(api):
    response = api.post("bank", "/v1/checks", json=GRADE_CHECK)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["decision"] == "deny"
    assert answer["reasons"][0]["trigger"]["grade"] == "D"
    assert "score" not in _keys(answer)


def test_a_service_points_manifest_never_contains_a_score(api):
    response = api.post("bank", "/v1/checks", json=[GRADE_CHECK, {**GRADE_CHECK, "subject": SUBJECT}])
    assert response.status_code == 200, response.text
    assert "score" not in _keys(response.json())
