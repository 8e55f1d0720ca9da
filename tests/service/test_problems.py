"""Errors are RFC 9457 problem details with a stable type; malformed input is a 400 or
422 naming the field, oversize input a 413, and no bad input gets a 500."""

from __future__ import annotations

import json

import pytest

from tests.service.conftest import SUBJECT, assert_problem, rid

pytestmark = pytest.mark.e2e

MIB = 1024 * 1024
CHECK = {"subject": SUBJECT, "action": "air_travel.ticket", "as_of": "2025-06-01"}
PERSON = f"rid:{rid('44030519900101123')}"
SUBJECT_EVENT = {"type": "subject", "subject": PERSON, "jurisdiction": "CN-GD"}

# (who, method, path, request keywords, status)
BAD_REQUESTS = {
    "unknown path": ("none", "GET", "/v1/nowhere", {}, 404),
    "wrong method": ("none", "DELETE", "/healthz", {}, 405),
    "no token": ("none", "GET", "/v1/me/report", {}, 401),
    "wrong role": ("auditor", "GET", "/v1/me/report", {}, 403),
    "malformed JSON": ("source", "POST", "/v1/events", {"content": b"[{"}, 400),
    "unknown field": ("service-point", "POST", "/v1/checks", {"json": {**CHECK, "colour": "red"}}, 422),
    "bad identifier": (
        "officer",
        "GET",
        "/v1/subjects/rid:123/score",
        {"params": {"catalog": "city-personal", "purpose": "x"}},
        422,
    ),
    "unknown catalog": (
        "officer",
        "GET",
        f"/v1/subjects/{SUBJECT}/score",
        {"params": {"catalog": "nope", "purpose": "x"}},
        404,
    ),
    "oversize body": ("source", "POST", "/v1/events", {"content": b" " * (3 * MIB)}, 413),
    "events refused": (
        "source",
        "POST",
        "/v1/events",
        {"json": [{"type": "fulfilled", "record": "no-such-record", "on": "2025-01-01"}]},
        422,
    ),
    "unknown list": ("none", "GET", "/v1/public/lists/no-such-list", {}, 404),
}


@pytest.mark.parametrize("case", BAD_REQUESTS, ids=list(BAD_REQUESTS))
def test_every_error_is_a_problem_document(api, case):
    who, method, path, keywords, status = BAD_REQUESTS[case]
    body = assert_problem(api.request(who, method, path, **keywords), status)
    assert body["type"].startswith("https://")
    assert body["title"]


# ------------------------------------------------------------------------------ 400


@pytest.mark.parametrize("path", ["/v1/events", "/v1/checks"])
@pytest.mark.parametrize(
    "content",
    [b"[{", b"{'subject': 1}", b"\xff\xfe\x00", b"", b"   "],
    ids=["truncated", "single-quotes", "not-utf8", "empty", "blank"],
)
def test_a_malformed_json_body_is_a_400(api, path, content):
    who = "source" if path == "/v1/events" else "service-point"
    response = api.post(who, path, content=content, headers={"content-type": "application/json"})
    assert_problem(response, 400, "malformed-json")


def test_a_body_that_is_not_utf8_is_malformed_json_on_every_route_with_a_body(api):
    """Whether a route reads its body itself or lets FastAPI parse it, the problem is the same."""
    answers = {}
    for path, operations in api.http.get("/openapi.json").json()["paths"].items():
        for method, operation in operations.items():
            if "application/json" not in operation.get("requestBody", {}).get("content", {}):
                continue  # no body, or files only (multipart): not JSON
            url = path.replace("{", "").replace("}", "")  # any value will do for a path parameter
            for who in ("source", "service-point", "subject", "officer"):
                response = api.request(
                    who, method.upper(), url, content=b"[\xf6]", headers={"content-type": "application/json"}
                )
                if response.status_code == 400:
                    answers[f"{method.upper()} {path}"] = response.json()["type"].rsplit("/", 1)[-1]
                    break
            else:
                answers[f"{method.upper()} {path}"] = "no 400 for any role"
    assert answers and set(answers.values()) == {"malformed-json"}, answers


# ------------------------------------------------------------------------------ 422


def test_an_unknown_field_in_a_check_is_named(api):
    body = assert_problem(api.post("service-point", "/v1/checks", json={**CHECK, "colour": "red"}), 422)
    assert [e["field"] for e in body["errors"]] == ["colour"]


def test_an_unknown_field_in_a_manifest_is_named_with_its_position(api):
    manifest = [CHECK, {**CHECK, "colour": "red"}]
    body = assert_problem(api.post("service-point", "/v1/checks", json=manifest), 422)
    assert [e["field"] for e in body["errors"]] == ["1.colour"]


def test_an_unknown_field_in_a_batch_manifest_is_named_with_its_position(api):
    manifest = {"questions": [CHECK, {**CHECK, "colour": "red"}]}
    body = assert_problem(api.post("service-point", "/v1/checks/batch", json=manifest), 422, "invalid-request")
    assert [e["field"] for e in body["errors"]] == ["questions.1.colour"]


def test_a_bad_identifier_in_a_batch_manifest_is_named_with_its_position(api):
    manifest = {"questions": [CHECK, {**CHECK, "subject": "uscc:91350100M000100Y44"}]}
    body = assert_problem(api.post("service-point", "/v1/checks/batch", json=manifest), 422, "invalid-identifier")
    assert [e["field"] for e in body["errors"]] == ["questions.1.subject"]


@pytest.mark.parametrize(
    "manifest",
    [[CHECK], CHECK, {"questions": CHECK}, {"questions": [CHECK], "colour": "red"}, "air_travel"],
    ids=["a list", "one question", "questions not a list", "an unknown field", "a string"],
)
def test_a_batch_body_that_is_not_a_manifest_is_a_422_naming_questions(api, manifest):
    body = assert_problem(api.post("service-point", "/v1/checks/batch", json=manifest), 422, "invalid-request")
    assert [e["field"] for e in body["errors"]] == ["questions"]


def test_a_batch_answers_in_the_questions_order_as_the_list_form_does(api):
    questions = [CHECK, {**CHECK, "action": "rail.high_speed.ticket"}]
    batch = api.post("service-point", "/v1/checks/batch", json={"questions": questions})
    listed = api.post("service-point", "/v1/checks", json=questions)
    assert batch.status_code == listed.status_code == 200, batch.text + listed.text
    assert batch.json() == {"answers": listed.json()}


def test_an_empty_manifest_has_no_answers(api):
    response = api.post("service-point", "/v1/checks/batch", json={"questions": []})
    assert response.status_code == 200, response.text
    assert response.json() == {"answers": []}


def test_a_missing_field_in_a_check_is_named(api):
    body = assert_problem(api.post("service-point", "/v1/checks", json={"subject": SUBJECT}), 422)
    assert [e["field"] for e in body["errors"]] == ["action"]


def test_a_bad_identifier_in_a_check_is_named(api):
    body = assert_problem(
        api.post("service-point", "/v1/checks", json={**CHECK, "subject": "rid:110105194912310021"}),
        422,
        "invalid-identifier",
    )
    assert [e["field"] for e in body["errors"]] == ["subject"]


def test_a_bad_identifier_in_a_manifest_is_named_with_its_position(api):
    manifest = [CHECK, {**CHECK, "subject": "uscc:91350100M000100Y44"}]
    body = assert_problem(api.post("service-point", "/v1/checks", json=manifest), 422, "invalid-identifier")
    assert [e["field"] for e in body["errors"]] == ["1.subject"]


def test_a_bad_identifier_in_a_path_is_named(api):
    response = api.get(
        "officer", "/v1/subjects/rid:11010519491231002Y/score", params={"catalog": "city-personal", "purpose": "x"}
    )
    body = assert_problem(response, 422, "invalid-identifier")
    assert [e["field"] for e in body["errors"]] == ["subject"]


def test_a_bad_identifier_in_a_query_is_named(api):
    body = assert_problem(api.get("auditor", "/v1/access-log", params={"subject": "rid:1"}), 422)
    assert [e["field"] for e in body["errors"]] == ["subject"]


def test_a_bad_date_is_named(api):
    response = api.get(
        "subject", f"/v1/subjects/{SUBJECT}/score", params={"catalog": "city-personal", "as_of": "2025-02-30"}
    )
    body = assert_problem(response, 422)
    assert [e["field"] for e in body["errors"]] == ["as_of"]


def test_an_officer_reading_a_score_without_a_purpose_is_told_to_give_one(api):
    response = api.get("officer", f"/v1/subjects/{SUBJECT}/score", params={"catalog": "city-personal"})
    body = assert_problem(response, 422, "purpose-required")
    assert [e["field"] for e in body["errors"]] == ["purpose"]


def test_a_check_body_that_is_neither_object_nor_list_is_a_422(api):
    assert_problem(api.post("service-point", "/v1/checks", json="air_travel"), 422)


def test_an_events_body_that_is_not_a_list_is_a_422(api):
    assert_problem(api.post("source", "/v1/events", json=SUBJECT_EVENT), 422)


def test_an_unknown_field_in_an_event_is_named_with_the_events_position(api):
    batch = [SUBJECT_EVENT, {**SUBJECT_EVENT, "favourite_colour": "red"}]
    body = assert_problem(api.post("registry", "/v1/events", json=batch), 422, "events-refused")
    assert [e["index"] for e in body["errors"]] == [2]
    assert body["errors"][0]["reason"].startswith("favourite_colour:")


def test_a_bad_identifier_in_an_event_is_named_with_the_events_position(api):
    batch = [{**SUBJECT_EVENT, "subject": "rid:11010519491231002Y"}]
    body = assert_problem(api.post("registry", "/v1/events", json=batch), 422, "events-refused")
    assert [e["index"] for e in body["errors"]] == [1]
    assert body["errors"][0]["reason"].startswith("subject:")


def test_a_refused_batch_writes_nothing(api):
    before = api.written()
    record = {
        "type": "record",
        "id": "problems-red-1",
        "subject": PERSON,
        "rule": "city-personal/traffic.red_light",
        "occurred_on": "2025-01-02",
        "decided_on": "2025-01-03",
        "source": "test-source",
    }
    batch = [record, {"type": "fulfilled", "record": "no-such-record", "on": "2025-01-01"}]
    assert_problem(api.post("source", "/v1/events", json=batch), 422, "events-refused")
    assert api.written() == before


# ------------------------------------------------------------------------------ 413


@pytest.mark.parametrize(("who", "path"), [("source", "/v1/events"), ("service-point", "/v1/checks")])
def test_a_body_over_two_mebibytes_is_a_413(api, who, path):
    before = api.written()
    body = json.dumps([SUBJECT_EVENT] * 50_000).encode()
    assert len(body) > 3 * MIB
    assert_problem(api.post(who, path, content=body), 413, "too-large")
    assert api.written() == before


@pytest.mark.parametrize(("who", "path"), [("source", "/v1/events"), ("service-point", "/v1/checks")])
def test_a_body_over_two_mebibytes_sent_without_a_length_is_a_413(api, who, path):
    def chunks():
        for _ in range(48):
            yield b" " * (64 * 1024)

    before = api.written()
    assert_problem(api.post(who, path, content=chunks()), 413, "too-large")
    assert api.written() == before


def test_more_than_a_thousand_events_is_a_413(api):
    before = api.written()
    assert_problem(api.post("source", "/v1/events", json=[SUBJECT_EVENT] * 1001), 413, "batch-too-large")
    assert api.written() == before


def test_a_thousand_events_are_accepted(api):
    response = api.post("registry", "/v1/events", json=[SUBJECT_EVENT] * 1000)
    assert response.status_code == 200, response.text
    assert response.json()["received"] == 1000


def test_more_than_a_thousand_checks_is_a_413(api):
    before = api.written()
    assert_problem(api.post("service-point", "/v1/checks", json=[CHECK] * 1001), 413, "batch-too-large")
    assert_problem(
        api.post("service-point", "/v1/checks/batch", json={"questions": [CHECK] * 1001}), 413, "batch-too-large"
    )
    assert api.written() == before


# ------------------------------------------------------------------------ never a 500

ODD_REQUESTS = [
    ("officer", "GET", "/v1/subjects/%00/score", {"params": {"catalog": "city-personal", "purpose": "x"}}),
    ("officer", "GET", "/v1/subjects/" + "9" * 5000 + "/score", {"params": {"catalog": "c", "purpose": "x"}}),
    ("officer", "GET", "/v1/subjects/rid:%E4%B8%AD/report", {"params": {"purpose": "x"}}),
    (
        "officer",
        "GET",
        f"/v1/subjects/{SUBJECT}/score",
        {"params": {"catalog": "city-personal", "purpose": "x", "as_of": "9999-12-31"}},
    ),
    (
        "officer",
        "GET",
        f"/v1/subjects/{SUBJECT}/score",
        {"params": {"catalog": "city-personal", "purpose": "x", "as_of": "0001-01-01"}},
    ),
    (
        "officer",
        "GET",
        f"/v1/subjects/{SUBJECT}/score",
        {"params": {"catalog": "city-personal", "purpose": "x", "as_of": "2025-06-01T00:00:00"}},
    ),
    (
        "officer",
        "GET",
        "/v1/subjects/uscc:91144035TYM22U0E0G/score",
        {"params": {"catalog": "city-personal", "purpose": "x"}},
    ),
    ("subject", "GET", "/v1/me/report", {"params": {"as_of": "9999-12-31"}}),
    ("subject", "GET", "/v1/me/report", {"params": {"as_of": "-1"}}),
    ("service-point", "POST", "/v1/checks", {"json": {**CHECK, "as_of": "9999-12-31"}}),
    ("service-point", "POST", "/v1/checks", {"json": {**CHECK, "as_of": "0001-01-01"}}),
    ("service-point", "POST", "/v1/checks", {"json": {**CHECK, "subject": None}}),
    ("service-point", "POST", "/v1/checks", {"json": {**CHECK, "action": "a" * 10_000}}),
    ("service-point", "POST", "/v1/checks", {"json": []}),
    ("service-point", "POST", "/v1/checks", {"json": [[]]}),
    ("service-point", "POST", "/v1/checks", {"json": [None, 1, "x"]}),
    ("service-point", "POST", "/v1/checks", {"content": b"1e999999"}),
    ("service-point", "POST", "/v1/checks", {"content": b"[" * 100_000 + b"]" * 100_000}),
    ("service-point", "POST", "/v1/checks", {"content": b"[" * 990 + b"]" * 990}),
    ("source", "POST", "/v1/events", {"json": []}),
    ("source", "POST", "/v1/events", {"json": [None, 1, "x", [], {}]}),
    ("source", "POST", "/v1/events", {"json": [{"type": "record"}]}),
    (
        "source",
        "POST",
        "/v1/events",
        {
            "json": [
                {
                    "type": "record",
                    "id": "x",
                    "subject": SUBJECT,
                    "rule": "nope",
                    "occurred_on": "2025-01-01",
                    "decided_on": "2025-01-01",
                    "source": "test-source",
                }
            ]
        },
    ),
    ("source", "POST", "/v1/events", {"json": [{**SUBJECT_EVENT, "jurisdiction": "x" * 100_000}]}),
    ("source", "POST", "/v1/events", {"content": b"[" * 100_000 + b"]" * 100_000}),
    ("source", "POST", "/v1/events", {"content": b"[" * 990 + b"]" * 990}),
    ("source", "POST", "/v1/events", {"content": b"[" + b'{"a":' * 990 + b"1" + b"}" * 990 + b"]"}),
    ("source", "POST", "/v1/events", {"content": b'[{"type": "subject", "subject": "\\ud800"}]'}),
    ("auditor", "GET", "/v1/access-log", {"params": {"limit": 0}}),
    ("auditor", "GET", "/v1/access-log", {"params": {"limit": 10**30, "offset": -1}}),
    ("none", "GET", "/v1/public/search", {"params": {"q": "%_\\'\"\x00"}}),
    ("none", "GET", "/v1/public/search", {"params": {"q": ""}}),
    ("none", "GET", "/v1/public/organisations/%00", {}),
    ("none", "GET", "/v1/public/organisations/rid:11010519491231002X", {}),
    ("none", "GET", "/v1/public/lists/serious-untrustworthy", {"params": {"page": 10**9, "per_page": 500}}),
    ("none", "GET", "/v1/public/lists/serious-untrustworthy", {"params": {"as_of": "0001-01-01"}}),
    ("none", "GET", "/v1/me/report", {"headers": {"Authorization": "Bearer " + "x" * 10_000}}),
    ("none", "GET", "/v1/me/report", {"headers": {"Authorization": "Bearer xy_\u00e9".encode("latin-1")}}),
    ("none", "GET", "/v1/me/report", {"headers": {"Authorization": "Bearer"}}),
]


ODD_IDS = [f"{n}-{who}-{method} {path[:40]}" for n, (who, method, path, _) in enumerate(ODD_REQUESTS)]


@pytest.mark.parametrize(("who", "method", "path", "keywords"), ODD_REQUESTS, ids=ODD_IDS)
def test_odd_input_never_gets_a_server_error(api, who, method, path, keywords):
    response = api.request(who, method, path, **keywords)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert_problem(response, response.status_code)


# Records whose window runs past the last day the calendar has (9999-12-31): the notice
# window overflows (9999-12-20 + P15D) or the validity does (9999-01-20 + P15D + P1Y).
FAR_FUTURE = {
    "type": "record",
    "id": "far-future-1",
    "subject": PERSON,
    "rule": "city-personal/traffic.red_light",
    "occurred_on": "9999-12-20",
    "decided_on": "9999-12-20",
    "source": "test-source",
}
NEXT_YEAR_OVERFLOWS = {**FAR_FUTURE, "id": "far-future-2", "occurred_on": "9999-01-20", "decided_on": "9999-01-20"}
OVERFLOW = (
    "intake does not refuse a record whose window (decided_on + notice + valid_for) passes 9999-12-31: "
    "calendar.Duration.after raises OverflowError or ValueError (via standing.effective_window), "
    "which the service answers with a 500 and `xinyong import` with a traceback"
)


@pytest.mark.parametrize("record", [FAR_FUTURE, NEXT_YEAR_OVERFLOWS], ids=["notice-overflows", "validity-overflows"])
def test_a_record_at_the_end_of_the_calendar_is_not_a_server_error(scratch, record):
    scratch.post("registry", "/v1/events", json=[SUBJECT_EVENT])  # the registry's, not the source's
    response = scratch.post("source", "/v1/events", json=[record])
    assert response.status_code < 500, response.text


def test_a_record_at_the_end_of_the_calendar_never_breaks_reads_of_its_subject(scratch):
    scratch.post("registry", "/v1/events", json=[SUBJECT_EVENT])
    written = scratch.post("source", "/v1/events", json=[FAR_FUTURE])
    read = scratch.post(
        "officer", "/v1/checks", json={"subject": PERSON, "action": "air_travel.ticket", "purpose": "calendar edge"}
    )
    assert (written.status_code < 500, read.status_code < 500) == (True, True), (written.text, read.text)
