"""schemathesis against the live server's OpenAPI schema: generated requests, valid and
invalid, never get a server error, and every answer fits the schema.

The schema is loaded from the running server, so the operations are known only at run
time; each test walks every operation (new endpoints are fuzzed without a change here)
with Hypothesis driving schemathesis' strategies. (schemathesis' lazy pytest loader,
``schemathesis.pytest.from_fixture``, does not run under pytest 9.)"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.e2e

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 25  # per operation and role: enough to find a crash, small enough to stay fast


@pytest.fixture(scope="module")
def live_schema(scratch):
    return schemathesis.openapi.from_url(scratch.server.url + "/openapi.json")


def fuzz(live_schema, headers: dict[str, str], paths: set[str] | None = None) -> list[str]:
    """Run every operation (under ``paths``, if given); the failures found, one per operation."""
    failures, fuzzed = [], 0
    for result in live_schema.get_all_operations():
        operation = result.ok()
        if paths is not None and operation.path not in paths:
            continue
        fuzzed += 1
        cases = st.one_of(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        )

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=cases)
        def run(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Exception as error:  # noqa: BLE001 - collected and reported below
            failures.append(f"{operation.label}: {error}")
    assert fuzzed, f"no operation under {paths}"
    return failures


def test_no_request_gets_a_server_error_or_an_answer_outside_the_schema_as_an_officer(live_schema, scratch):
    failures = fuzz(live_schema, scratch.headers("officer"))
    assert not failures, "\n\n".join(failures)


def test_no_check_gets_a_server_error_or_an_answer_outside_the_schema_as_a_service_point(live_schema, scratch):
    failures = fuzz(live_schema, scratch.headers("service-point"), {"/v1/checks", "/v1/checks/batch"})
    assert not failures, "\n\n".join(failures)


def test_no_batch_gets_a_server_error_or_an_answer_outside_the_schema_as_a_source(live_schema, scratch):
    failures = fuzz(live_schema, scratch.headers("source"), {"/v1/events"})
    assert not failures, "\n\n".join(failures)


def test_no_request_of_a_subject_gets_a_server_error_or_an_answer_outside_the_schema(live_schema, scratch):
    paths = {op.ok().path for op in live_schema.get_all_operations() if op.ok().path.startswith("/v1/me/")}
    failures = fuzz(live_schema, scratch.headers("subject"), paths)
    assert not failures, "\n\n".join(failures)


def test_no_request_of_an_auditor_gets_a_server_error_or_an_answer_outside_the_schema(live_schema, scratch):
    failures = fuzz(live_schema, scratch.headers("auditor"), {"/v1/access-log", "/v1/ledger/verify"})
    assert not failures, "\n\n".join(failures)


def test_no_public_request_gets_a_server_error_or_an_answer_outside_the_schema(live_schema, scratch):
    paths = {op.ok().path for op in live_schema.get_all_operations() if op.ok().path.startswith("/v1/public/")}
    failures = fuzz(live_schema, {}, paths)
    assert not failures, "\n\n".join(failures)
