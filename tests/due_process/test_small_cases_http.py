"""Small cases of the due-process endpoints, over HTTP in process (FastAPI's TestClient)
against a real SQLite database."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.due_process.conftest import (
    RC,
    TRAFFIC,
    assert_problem,
    copy_database,
    opened,
    record,
    rid,
)

pytestmark = pytest.mark.e2e

PERSON = rid("37108219700707007")
NAME = 'Li <b>Si</b> & "Co"'


@pytest.fixture(scope="module")
def client(catalogs_db, tmp_path_factory):
    from xinyong.domain.identifiers import SubjectRef
    from xinyong.entrypoints.api.app import create_app
    from xinyong.settings import Settings

    db = copy_database(catalogs_db, tmp_path_factory.mktemp("small"))
    with opened(db) as d:
        d.intake.submit(
            [
                {"type": "subject", "subject": PERSON, "jurisdiction": "CN-SD-RC", "name": NAME},
                record("small-1", PERSON, f"{RC}/traffic.ticket", -30, TRAFFIC),
                record("small-2", PERSON, f"{RC}/traffic.ticket", -30, TRAFFIC),
                record("small-3", PERSON, f"{RC}/traffic.ticket", -30, TRAFFIC),
            ]
        )
        tokens = {
            "subject": d.tokens.create("subject", subject=SubjectRef.parse(PERSON))[1],
            "officer": d.tokens.create("officer", "officer-wu")[1],
        }
        with TestClient(create_app(d, settings=Settings(notice_interval=0))) as http:
            http.tokens = tokens  # type: ignore[attr-defined]
            yield http


def _as(client, who: str) -> dict:
    return {"Authorization": f"Bearer {client.tokens[who]}"}


def _events(client) -> int:
    return client.get("/healthz").json()["ledger_events"]


def test_grounds_longer_than_the_ledger_keeps_are_refused_as_a_problem_not_a_server_error(client):
    before = _events(client)

    answer = client.post(
        "/v1/me/disputes", headers=_as(client, "subject"), json={"record": "small-1", "grounds": "x" * 3000}
    )

    body = assert_problem(answer, 422)
    assert "grounds" in body["detail"]
    assert _events(client) == before


def test_decision_reasons_longer_than_the_ledger_keeps_are_refused_as_a_problem_not_a_server_error(client):
    filed = client.post("/v1/me/disputes", headers=_as(client, "subject"), json={"record": "small-2", "grounds": "no"})
    assert filed.status_code == 201, filed.text
    before = _events(client)

    answer = client.post(
        f"/v1/disputes/{filed.json()['id']}/decision",
        headers=_as(client, "officer"),
        json={"outcome": "upheld", "reasons": "y" * 3000},
    )

    body = assert_problem(answer, 422)
    assert "reasons" in body["detail"]
    assert _events(client) == before
    queue = client.get("/v1/disputes", headers=_as(client, "officer")).json()
    assert [d["status"] for d in queue if d["record"] == "small-2"] == ["open"]


def test_the_request_schema_allows_no_longer_grounds_and_reasons_than_the_ledger_keeps(client):
    schemas = client.get("/openapi.json").json()["components"]["schemas"]

    assert schemas["DisputeFiling"]["properties"]["grounds"]["maxLength"] == 2000
    assert schemas["Decision"]["properties"]["reasons"]["maxLength"] == 2000


def test_a_decided_dispute_in_the_queue_shows_the_officers_reasons(client):
    filed = client.post("/v1/me/disputes", headers=_as(client, "subject"), json={"record": "small-3", "grounds": "no"})
    decided = client.post(
        f"/v1/disputes/{filed.json()['id']}/decision",
        headers=_as(client, "officer"),
        json={"outcome": "upheld", "reasons": "the camera image is clear"},
    )
    assert decided.status_code == 200, decided.text

    queue = client.get("/v1/disputes", headers=_as(client, "officer"), params={"status": "decided"}).json()

    assert [d.get("reasons") for d in queue if d["record"] == "small-3"] == ["the camera image is clear"]


def test_the_printable_export_escapes_what_it_shows(client):
    page = client.get("/v1/me/export.html", headers=_as(client, "subject"))

    assert page.status_code == 200
    assert "<b>Si</b>" not in page.text
    assert "Li &lt;b&gt;Si&lt;/b&gt; &amp; " in page.text


def test_the_notices_endpoint_is_the_inbox_of_the_report(client):
    notices = client.get("/v1/me/notices", headers=_as(client, "subject")).json()
    report = client.get("/v1/me/report", headers=_as(client, "subject")).json()

    assert notices == report["notices"]
    assert {n["record"] for n in notices if n["kind"] == "record"} == {"small-1", "small-2", "small-3"}


def test_the_outlook_of_a_catalog_for_organisations_is_not_found_for_a_person(client):
    answer = client.get("/v1/me/outlook", headers=_as(client, "subject"), params={"catalog": "enterprise-tax-credit"})

    assert_problem(answer, 404)
