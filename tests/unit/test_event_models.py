"""The events the OpenAPI document describes are the events the intake accepts: one
model per type, with the domain's fields, and examples the domain takes (issue 15)."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from xinyong.domain import events as domain
from xinyong.entrypoints.api import event_models as documented

pytestmark = pytest.mark.unit

DOMAIN_MODELS = {
    model.model_fields["type"].annotation.__args__[0]: model  # the Literal's one value
    for model in (
        domain.SubjectEvent,
        domain.ContactEvent,
        domain.RecordEvent,
        domain.DisputeFiled,
        domain.DisputeResolved,
        domain.Fulfilled,
        domain.Repaired,
        domain.Annulled,
        *domain.OPTIN,
    )
}
DOCUMENTED = {model.model_fields["type"].annotation.__args__[0]: model for model in documented.EVENT_MODELS}


def test_every_event_type_the_intake_accepts_is_documented():
    assert set(DOMAIN_MODELS) == set(domain.EVENT_TYPES)
    assert set(DOCUMENTED) == set(domain.EVENT_TYPES)


def _fields(model: type[BaseModel]) -> dict[str, bool]:
    return {name: field.is_required() for name, field in model.model_fields.items()}


@pytest.mark.parametrize("kind", domain.EVENT_TYPES)
def test_each_documented_event_has_the_domains_fields(kind):
    assert _fields(DOCUMENTED[kind]) == _fields(DOMAIN_MODELS[kind])


@pytest.mark.parametrize("kind", domain.EVENT_TYPES)
def test_each_documented_event_has_a_description_and_an_example_the_domain_takes(kind):
    schema = DOCUMENTED[kind].model_json_schema()
    assert schema["description"]
    (example,) = schema["examples"]
    assert example["type"] == kind
    assert domain.parse_event(example).type == kind


def test_the_batch_example_is_a_batch_the_domain_takes():
    (batch,) = documented.EventBatch.model_json_schema()["examples"]
    assert [domain.parse_event(event).type for event in batch] == ["record", "fulfilled"]


def test_the_event_union_is_discriminated_on_type():
    schema = documented.Event.model_json_schema()
    assert schema["discriminator"]["propertyName"] == "type"
    assert set(schema["discriminator"]["mapping"]) == set(domain.EVENT_TYPES)
