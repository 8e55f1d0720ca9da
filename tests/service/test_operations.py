"""What operators and client authors rely on: the OpenAPI schema, the interactive docs,
liveness and Prometheus metrics."""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.e2e

DOCUMENTED = [
    ("/v1/events", "post"),
    ("/v1/subjects/{subject}/score", "get"),
    ("/v1/subjects/{subject}/report", "get"),
    ("/v1/checks", "post"),
    ("/v1/me/report", "get"),
    ("/v1/public/organisations/{uscc}", "get"),
    ("/v1/public/search", "get"),
    ("/v1/public/lists/{list_id}", "get"),
    ("/v1/access-log", "get"),
    ("/v1/ledger/verify", "get"),
]


def test_the_openapi_schema_is_served(api):
    response = api.http.get("/openapi.json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


@pytest.mark.parametrize(("path", "method"), DOCUMENTED)
def test_the_openapi_schema_documents_each_endpoint(api, path, method):
    assert method in api.http.get("/openapi.json").json()["paths"][path]


def test_the_openapi_schema_declares_bearer_tokens(api):
    schemes = api.http.get("/openapi.json").json()["components"]["securitySchemes"]
    assert any(s.get("scheme", "").lower() == "bearer" for s in schemes.values())


def test_the_interactive_docs_are_served(api):
    response = api.http.get("/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")


def test_healthz_counts_the_ledger_and_the_catalogs(api):
    response = api.http.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["ledger_events"] >= 2699  # the basic scenario's events
    assert body["catalogs"] == 2


def test_metrics_are_prometheus_text_counting_requests(api):
    api.http.get("/healthz")
    response = api.http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "xinyong_http_requests" in response.text
    assert 'route="/healthz"' in response.text


def test_metrics_count_refusals_by_status(api):
    api.get("none", "/v1/me/report")
    assert 'status="401"' in api.http.get("/metrics").text


def _metric(text: str, line_start: str) -> float | None:
    found = [line for line in text.splitlines() if line.startswith(line_start + " ")]
    return float(found[0].split()[-1]) if found else None


def test_a_server_on_a_sqlite_file_copies_its_write_ahead_log_beside_the_writers(api, backend):
    """Every half second (adapters/storage/wal.py): a commit of a check's log no longer
    copies the log back itself. PostgreSQL has no such log to copy."""
    api.http.get("/healthz")
    deadline = time.monotonic() + 10
    while True:
        text = api.http.get("/metrics").text
        made = _metric(text, "xinyong_wal_checkpoints_total")
        if backend != "sqlite" or (made or 0) >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    if backend == "sqlite":
        assert made is not None and made >= 2
        logged = _metric(text, 'xinyong_wal_pages{state="logged"}')
        copied = _metric(text, 'xinyong_wal_pages{state="copied"}')
        assert logged is not None and copied is not None and copied <= logged
    else:
        assert made == 0


def _operations(api):
    for path, operations in api.http.get("/openapi.json").json()["paths"].items():
        for method, operation in operations.items():
            yield f"{method.upper()} {path}", operation


def test_the_openapi_schema_declares_every_error_answer_a_problem_document(api):
    undeclared = [
        f"{label} {status}"
        for label, operation in _operations(api)
        for status, answer in operation["responses"].items()
        if status[0] in "45" and "application/problem+json" not in answer.get("content", {})
    ]
    assert undeclared == []


def test_the_openapi_schema_declares_400_and_413_on_every_operation_with_a_body(api):
    undeclared = [
        label
        for label, operation in _operations(api)
        if "requestBody" in operation and not {"400", "413"} <= operation["responses"].keys()
    ]
    assert undeclared == []


def _resolved(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].split("/")[-1]]
    return schema


def test_every_json_request_body_has_an_example_shown_in_the_docs(api):
    document = api.http.get("/openapi.json").json()
    missing = [
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for media, content in operation.get("requestBody", {}).get("content", {}).items()
        if media == "application/json" and not _resolved(document, content["schema"]).get("examples")
    ]
    assert missing == []


def _exemplified(document: dict, schema: dict) -> bool:
    """Whether ``schema`` (an answer's) shows an example: its own, its items', or each
    of its alternatives'."""
    schema = _resolved(document, schema)
    if schema.get("examples"):
        return True
    if schema.get("type") == "array":
        return _exemplified(document, schema.get("items", {}))
    alternatives = schema.get("anyOf") or schema.get("oneOf")
    return bool(alternatives) and all(_exemplified(document, s) for s in alternatives)


def test_every_json_answer_of_v1_has_an_example_shown_in_the_docs(api):
    document = api.http.get("/openapi.json").json()
    missing = [
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        if path.startswith("/v1/")
        for method, operation in operations.items()
        for status, answer in operation["responses"].items()
        if status.startswith("2")
        for media, content in answer.get("content", {}).items()
        if media == "application/json" and not _exemplified(document, content.get("schema", {}))
    ]
    assert missing == []
