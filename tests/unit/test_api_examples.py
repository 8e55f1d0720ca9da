"""First ring, issue 15: every example in the API's schema is an answer (or a request)
its model accepts, and writes back as it is: no field the model lacks, none left out."""

from __future__ import annotations

import inspect

import pytest
from pydantic import BaseModel

from xinyong.entrypoints.api import event_models, models, problems

EXAMPLED = sorted(
    (
        (name, cls, example)
        for module in (models, event_models, problems)
        for name, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, BaseModel) and cls.__module__ == module.__name__
        for example in (cls.model_config.get("json_schema_extra") or {}).get("examples", [])  # type: ignore[union-attr]
    ),
    key=lambda item: item[0],
)


def test_the_answers_integrators_read_most_have_examples():
    named = {name for name, _, _ in EXAMPLED}

    assert named >= {
        "CheckAnswer",
        "CheckAnswers",
        "CheckManifest",
        "CheckQuestion",
        "EventBatch",
        "ProblemDetail",
        "RecordEvent",
        "DisputeView",
        "EventsAnswer",
        "LedgerVerification",
        "NoticeView",
        "OrganisationPage",
        "Report",
        "ScoreAnswer",
        "WebhookAttemptView",
        "WebhookEndpointCreated",
        "WholeFile",
    }


@pytest.mark.parametrize(("name", "model", "example"), EXAMPLED, ids=[name for name, _, _ in EXAMPLED])
def test_an_example_is_what_its_model_reads_and_writes(name, model, example):
    written = model.model_validate(example).model_dump(mode="json", by_alias=True, exclude_unset=True)

    assert written == example
