"""The edges of the service and the command line (issue 9, items 3 and 10): officers
state a purpose for checks; dates and integers out of range are 4xx problems naming the
field; every answer carries a request id, and a server error is counted, logged with
it and answered with it (never with the exception's text); the public lookup is
rate-limited per client and its anonymous reads are counted, not logged; `xinyong
import` names the line of invalid UTF-8 or of a huge integer, never a traceback."""

from __future__ import annotations

import re
import subprocess

import httpx
import pytest

from tests.service.conftest import (
    ORGANISATION,
    SUBJECT,
    Api,
    assert_problem,
    running_server,
)
from tests.support.cli import XINYONG, environment

pytestmark = pytest.mark.e2e

CHECK = {"subject": SUBJECT, "action": "air_travel.ticket", "as_of": "2025-06-01"}
HUGE = "9" * 5000


def metric(api: Api, name: str, **labels: str) -> float:
    """The value of one sample of /metrics (0 when absent)."""
    text = api.http.get("/metrics").text
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split(" ")[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def access_log(api: Api, subject: str) -> list[dict]:
    answer = api.get("auditor", "/v1/access-log", params={"subject": subject, "limit": 1000})
    assert answer.status_code == 200, answer.text
    return answer.json()["entries"]


# ------------------------------------------------------------------ officers' checks


@pytest.mark.parametrize("purpose", [None, "", "   "], ids=["absent", "empty", "blank"])
def test_an_officer_checking_without_a_purpose_is_told_to_give_one(api, purpose):
    before = api.written()
    question = {**CHECK} if purpose is None else {**CHECK, "purpose": purpose}
    body = assert_problem(api.post("officer", "/v1/checks", json=question), 422, "purpose-required")
    assert [e["field"] for e in body["errors"]] == ["purpose"]
    assert api.written() == before


def test_an_officer_checking_a_list_states_a_purpose_for_each_question(api):
    manifest = [{**CHECK, "purpose": "case 2025-17"}, CHECK]
    body = assert_problem(api.post("officer", "/v1/checks", json=manifest), 422, "purpose-required")
    assert [e["field"] for e in body["errors"]] == ["1.purpose"]


def test_an_officers_check_is_logged_with_its_purpose(api):
    purpose = "complaint 2025-311: checking a travel ban"
    answer = api.post("officer", "/v1/checks", json={**CHECK, "purpose": purpose})
    assert answer.status_code == 200, answer.text
    logged = [e for e in access_log(api, SUBJECT) if e["what"] == "check" and e["role"] == "officer"]
    assert any(e["purpose"] == purpose for e in logged), logged


def test_a_service_point_checks_without_a_purpose(api):
    assert api.post("service-point", "/v1/checks", json=CHECK).status_code == 200


# ------------------------------------------------------------------ numbers and dates

OUT_OF_RANGE_DATES = [
    ("subject", "GET", "/v1/me/outlook", {"params": {"catalog": "city-personal", "as_of": "9999-12-31"}}, "as_of"),
    ("subject", "GET", "/v1/me/outlook", {"params": {"catalog": "city-personal", "as_of": "1899-12-31"}}, "as_of"),
    ("subject", "GET", "/v1/me/report", {"params": {"as_of": "3000-01-01"}}, "as_of"),
    (
        "officer",
        "GET",
        f"/v1/subjects/{SUBJECT}/score",
        {"params": {"catalog": "city-personal", "purpose": "x", "as_of": "9999-12-31"}},
        "as_of",
    ),
    ("officer", "GET", f"/v1/subjects/{SUBJECT}/report", {"params": {"purpose": "x", "as_of": "0001-01-01"}}, "as_of"),
    ("none", "GET", f"/v1/public/organisations/{ORGANISATION}", {"params": {"as_of": "9999-12-31"}}, "as_of"),
    ("none", "GET", "/v1/public/lists/serious-untrustworthy", {"params": {"as_of": "9999-12-31"}}, "as_of"),
    ("service-point", "POST", "/v1/checks", {"json": {**CHECK, "as_of": "9999-12-31"}}, "as_of"),
    ("service-point", "POST", "/v1/checks", {"json": [CHECK, {**CHECK, "as_of": "1000-01-01"}]}, "1.as_of"),
]


@pytest.mark.parametrize(
    ("who", "method", "path", "keywords", "field"),
    OUT_OF_RANGE_DATES,
    ids=[f"{m} {p[:30]} {k}" for _, m, p, k, _ in OUT_OF_RANGE_DATES],
)
def test_a_date_outside_the_calendar_is_a_422_naming_the_field(api, who, method, path, keywords, field):
    body = assert_problem(api.request(who, method, path, **keywords), 422, "out-of-range")
    assert [e["field"] for e in body["errors"]] == [field]
    assert "1900" in body["detail"] and "2999" in body["detail"]


def test_the_last_day_of_the_calendar_is_answered(api):
    answer = api.get("subject", "/v1/me/outlook", params={"catalog": "city-personal", "as_of": "2999-12-31"})
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize(
    "request_",
    [
        ("officer", "POST", f"/v1/disputes/{HUGE}/decision", {"json": {"outcome": "upheld", "reasons": "checked"}}),
        ("officer", "POST", f"/v1/disputes/{'9' * 30}/decision", {"json": {"outcome": "upheld", "reasons": "checked"}}),
        (
            "service-point",
            "POST",
            "/v1/checks",
            {"content": b'{"subject": "x", "action": "a", "purpose": ' + HUGE.encode() + b"}"},
        ),
        ("source", "POST", "/v1/events", {"content": b'[{"type": "subject", "subject": ' + HUGE.encode() + b"}]"}),
        ("subject", "POST", "/v1/me/disputes", {"content": b'{"record": ' + HUGE.encode() + b', "grounds": "x"}'}),
        ("auditor", "GET", "/v1/access-log", {"params": {"offset": HUGE}}),
        ("none", "GET", "/v1/public/lists/serious-untrustworthy", {"params": {"page": "9" * 25}}),
    ],
    ids=[
        "dispute-id-5000-digits",
        "dispute-id-30-digits",
        "checks-body",
        "events-body",
        "dispute-body",
        "access-log-offset",
        "list-page",
    ],
)
def test_a_huge_integer_anywhere_is_a_4xx_problem(api, request_):
    who, method, path, keywords = request_
    response = api.request(who, method, path, **keywords)
    assert 400 <= response.status_code < 500, response.text
    assert_problem(response, response.status_code)
    assert "set_int_max_str_digits" not in response.text


# ------------------------------------------------------------------ request ids


@pytest.mark.parametrize(
    "request_",
    [
        ("none", "GET", "/healthz", {}),
        ("none", "GET", "/v1/nowhere", {}),
        ("none", "GET", "/v1/me/report", {}),
        ("source", "POST", "/v1/events", {"content": b" " * (3 * 1024 * 1024)}),
        ("none", "GET", "/", {}),
    ],
    ids=["ok", "not-found", "unauthenticated", "too-large", "web-page"],
)
def test_every_answer_carries_a_request_id(api, request_):
    who, method, path, keywords = request_
    response = api.request(who, method, path, **keywords)
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers.get("x-request-id", "")), response.headers


def test_a_sane_request_id_from_the_client_is_kept_and_an_odd_one_replaced(api):
    kept = api.get("none", "/healthz", headers={"X-Request-Id": "gateway-7f3a.42"})
    assert kept.headers["x-request-id"] == "gateway-7f3a.42"
    for odd in ["x" * 500, "two words", "rid:11010519491231002X", "<script>"]:
        replaced = api.get("none", "/healthz", headers={"X-Request-Id": odd})
        assert re.fullmatch(r"[0-9a-f]{32}", replaced.headers["x-request-id"]), odd


@pytest.fixture(scope="module")
def damaged(template, tmp_path_factory):
    """A server whose database lost a table: its public search fails inside the server."""
    from sqlalchemy import create_engine, text

    def drop_organisations(db) -> None:
        engine = create_engine(db.url if not db.is_sqlite else f"sqlite:///{db.url}")
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE organisations" + ("" if db.is_sqlite else " CASCADE")))
        engine.dispose()

    with running_server(template, tmp_path_factory.mktemp("damaged"), prepare=drop_organisations) as running:
        client = Api(running, template.tokens)
        yield client
        client.close()


def test_a_server_error_is_counted_logged_and_answered_with_its_request_id(damaged):
    before = metric(damaged, "xinyong_http_server_errors_total", route="/v1/public/search", status="500")
    response = damaged.get(
        "none", "/v1/public/search", params={"q": "Shandong"}, headers={"X-Request-Id": "test-failure-1"}
    )
    body = assert_problem(response, 500, "internal-error")
    assert response.headers["x-request-id"] == body["request_id"] == "test-failure-1"
    assert "organisations" not in response.text.lower()  # no exception text
    after = metric(damaged, "xinyong_http_server_errors_total", route="/v1/public/search", status="500")
    assert after == before + 1
    assert metric(damaged, "xinyong_http_requests_total", route="/v1/public/search", status="500") >= 1
    logged = [line for line in damaged.server.log().splitlines() if "test-failure-1" in line]
    assert logged and "/v1/public/search" in logged[0] and "500" in logged[0], damaged.server.log()[-2000:]


# ------------------------------------------------------------------ the public lookup


def test_anonymous_lookups_of_an_organisation_are_counted_not_logged(api):
    logged = len(access_log(api, ORGANISATION))
    counted = metric(api, "xinyong_public_lookups_total", what="organisation")
    for _ in range(2):
        assert api.get("none", f"/v1/public/organisations/{ORGANISATION}").status_code == 200
    assert api.http.get(f"/org/{ORGANISATION.removeprefix('uscc:')}").status_code == 200
    assert len(access_log(api, ORGANISATION)) == logged
    assert metric(api, "xinyong_public_lookups_total", what="organisation") == counted + 3


def test_a_known_readers_read_is_still_logged(api):
    logged = len(access_log(api, SUBJECT))
    params = {"catalog": "city-personal", "purpose": "still logged"}
    assert api.get("officer", f"/v1/subjects/{SUBJECT}/score", params=params).status_code == 200
    assert len(access_log(api, SUBJECT)) == logged + 1


BURST = 4


@pytest.fixture(scope="module")
def limited(template, tmp_path_factory):
    """A server whose public lookup allows each client BURST requests and then about one
    every 1000 s: the limit is reached by count, never by timing."""
    env = {"XINYONG_PUBLIC_RATE": f"0.001/{BURST}"}
    with running_server(template, tmp_path_factory.mktemp("limited"), env=env) as running:
        client = Api(running, template.tokens)
        yield client
        client.close()


def test_the_public_lookup_is_rate_limited_per_client(limited):
    answers = [limited.get("none", "/v1/public/search", params={"q": "a"}) for _ in range(BURST)]
    assert [a.status_code for a in answers] == [200] * BURST
    # Each answer says the client's quota (draft-ietf-httpapi-ratelimit-headers).
    assert {a.headers["ratelimit-policy"] for a in answers} == {f'"public";q={BURST};w={BURST * 1000}'}
    assert [a.headers["ratelimit"].split(";")[:2] for a in answers] == [
        ['"public"', f"r={left}"] for left in range(BURST - 1, -1, -1)
    ]
    refused = limited.get("none", f"/v1/public/organisations/{ORGANISATION}")
    body = assert_problem(refused, 429, "too-many-requests")
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.headers["ratelimit"].startswith('"public";r=0;t=')
    assert body["retry_after"] == int(refused.headers["retry-after"])
    # The web pages share the client's budget, and say so in a page.
    page = limited.http.get("/", headers={"Accept-Language": "en"})
    assert page.status_code == 429 and "text/html" in page.headers["content-type"]
    assert "Too many requests" in page.text and int(page.headers["retry-after"]) >= 1
    # Another client (another loopback address) has its own bucket; tokens are not limited.
    with httpx.Client(base_url=limited.server.url, transport=httpx.HTTPTransport(local_address="127.0.0.2")) as other:
        assert other.get("/v1/public/search", params={"q": "a"}).status_code == 200
    assert limited.get("officer", f"/v1/subjects/{SUBJECT}/report", params={"purpose": "x"}).status_code == 200


# ------------------------------------------------------------------ xinyong import


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            b'{"type": "subject", "subject": "rid:11010519491231002X", "jurisdiction": "CN"}\n'
            b'{"type": "subject", "subject": "rid:11010519491231002X", "name": "\xff\xfe"}\n',
            "not valid UTF-8",
        ),
        (
            b'{"type": "subject", "subject": "rid:11010519491231002X", "jurisdiction": "CN"}\n'
            b'{"type": "subject", "subject": ' + HUGE.encode() + b"}\n",
            "digits",
        ),
    ],
    ids=["invalid-utf8", "huge-integer"],
)
@pytest.mark.parametrize("via", ["file", "stdin"])
def test_import_names_the_bad_line_without_a_traceback(tmp_path, content, expected, via):
    events = tmp_path / "events.jsonl"
    events.write_bytes(content)
    db = tmp_path / "x.db"
    env = environment()
    args = [XINYONG, "--db", str(db), "import", str(events) if via == "file" else "-"]
    result = subprocess.run(
        args, input=content if via == "stdin" else None, capture_output=True, cwd=tmp_path, env=env, timeout=120
    )
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode != 0
    assert "Traceback" not in stderr, stderr
    assert ":2:" in stderr and expected in stderr, stderr
    assert "nothing was written" in stderr, stderr
