"""The events a batch of ``POST /v1/events`` may hold, one model per ``type``, as the
OpenAPI document describes them: a discriminated union on ``type``, each with its
fields, a description and an example, so that a generated client knows them.

These models document; they do not decide. The body is still read as JSON and given to
the intake, which validates each event with the domain's models
(:mod:`xinyong.domain.events`) and names every bad one by its index and field. A test
holds these fields to the domain's (tests/unit/test_event_models.py)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from xinyong.domain.events import EMAIL_PATTERN, MAX_EMAIL, MAX_ID
from xinyong.domain.free_text import MAX_EVENT_TEXT
from xinyong.entrypoints.api import examples

MAX_EVENTS = 1000
SUBJECT = Field(description="rid:NUMBER (a person) or uscc:CODE (an organisation)", examples=[examples.SUBJECT])
_ID = r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$"
_OPTIN_ID = r"^[a-z0-9][a-z0-9_-]*$"
Id = Annotated[str, Field(min_length=1, max_length=MAX_ID, pattern=_ID)]
OptinId = Annotated[str, Field(min_length=1, max_length=100, pattern=_OPTIN_ID)]
Text = Annotated[str, Field(min_length=1, max_length=MAX_EVENT_TEXT)]
Email = Annotated[str, Field(max_length=MAX_EMAIL, pattern=EMAIL_PATTERN)]


def _documented(description: str, example: dict) -> ConfigDict:
    return ConfigDict(extra="forbid", json_schema_extra={"description": description, "examples": [example]})


class SubjectEvent(BaseModel):
    model_config = _documented(
        "A subject's facts: its jurisdiction, and its name (sealed at rest). Filed by the registry only; "
        "the latest one wins.",
        {"type": "subject", "subject": examples.SUBJECT, "jurisdiction": "CN-SD-RC", "name": "Wang Wu"},
    )
    type: Literal["subject"]
    subject: str = SUBJECT
    jurisdiction: str = Field(pattern=r"^[A-Z]{2}(-[A-Z0-9]+)*$", examples=["CN-SD-RC"])
    name: Text | None = None
    email: Email | None = None


class ContactEvent(BaseModel):
    model_config = _documented(
        "The address a subject's notices are emailed to, from `on`, and the language it reads them in. "
        "Filed by the registry (or the subject itself, through its portal); never by a source.",
        {"type": "contact", "subject": examples.SUBJECT, "email": "wang.wu@example.org", "on": "2024-03-01"},
    )
    type: Literal["contact"]
    subject: str = SUBJECT
    email: Email
    on: dt.date
    language: Literal["zh-CN", "en"] | None = None


class RecordEvent(BaseModel):
    model_config = _documented(
        "One fact about one subject under one catalog rule, with the decision that established it. "
        "Filed by a source whose token's scopes cover the rule.",
        {
            "type": "record",
            "id": examples.RECORD,
            "subject": examples.SUBJECT,
            "rule": examples.RULE,
            "occurred_on": "2024-03-01",
            "decided_on": "2024-03-05",
            "source": "traffic-police",
            "reference": "RC-TP-2024-17",
        },
    )
    type: Literal["record"]
    id: Id = Field(description="the record's id, unique in the ledger")
    subject: str = SUBJECT
    rule: str = Field(description="CATALOG/RULE", examples=[examples.RULE])
    occurred_on: dt.date
    decided_on: dt.date
    source: Text
    reference: Text | None = None
    summary: Text | None = Field(default=None, description="resident identity numbers in it are masked")


class _RecordChange(BaseModel):
    id: Id | None = Field(
        default=None, description="optional: without one, an id is derived from the event's content and place"
    )
    record: str = Field(min_length=1, max_length=MAX_ID, description="the id of the source's record")
    on: dt.date
    note: Text | None = None


class DisputeFiledEvent(_RecordChange):
    model_config = _documented(
        "A dispute of a record. Filed before the record takes effect, it suspends the record until it is "
        "decided; filed later, the record keeps counting, marked as disputed.",
        {"type": "dispute_filed", "record": examples.RECORD, "on": "2024-03-10", "grounds": "I was not driving"},
    )
    type: Literal["dispute_filed"]
    grounds: Text | None = None


class DisputeResolvedEvent(_RecordChange):
    model_config = _documented(
        "The decision of a dispute: `upheld` (a suspended record counts from the decision; its expiry is "
        "unchanged) or `annulled` (the record never counted, on any day).",
        {"type": "dispute_resolved", "record": examples.RECORD, "on": "2024-04-01", "outcome": "upheld"},
    )
    type: Literal["dispute_resolved"]
    outcome: Literal["upheld", "annulled"]
    reasons: Text | None = None


class FulfilledEvent(_RecordChange):
    model_config = _documented(
        "The obligation behind the record was fulfilled (the fine paid, the judgment performed): list entries "
        "removed on fulfilment end that day, and the points too where the rule restores on fulfilment.",
        {"type": "fulfilled", "record": examples.RECORD, "on": "2024-05-01"},
    )
    type: Literal["fulfilled"]


class RepairedEvent(_RecordChange):
    model_config = _documented(
        "Credit repair granted: allowed only once the rule's repairable_after has passed since the record took "
        "effect; the record and its list entries end that day.",
        {"type": "repaired", "record": examples.RECORD, "on": "2024-06-01"},
    )
    type: Literal["repaired"]


class AnnulledEvent(_RecordChange):
    model_config = _documented(
        "The deciding authority revoked the decision: the record never counted, on any day (as a dispute "
        "decided `annulled`).",
        {"type": "annulled", "record": examples.RECORD, "on": "2024-06-01", "note": "quashed on appeal"},
    )
    type: Literal["annulled"]


class ConsentGivenEvent(BaseModel):
    model_config = _documented(
        "A subject's consent to an opt-in scorecard, naming the sources that may file for it and the "
        "purposes it may be read for (docs/design.md section 9).",
        {
            "type": "consent_given",
            "id": "consent-0001",
            "subject": examples.SUBJECT,
            "scorecard": "civic-optin",
            "sources": ["water-co"],
            "purposes": ["lending"],
            "on": "2024-03-01",
        },
    )
    type: Literal["consent_given"]
    id: Id
    subject: str = SUBJECT
    scorecard: OptinId
    sources: list[OptinId] = Field(min_length=1, max_length=50)
    purposes: list[OptinId] = Field(min_length=1, max_length=50)
    on: dt.date


class ConsentWithdrawnEvent(BaseModel):
    model_config = _documented(
        "A subject withdraws its consent to an opt-in scorecard: nothing more is read or filed under it.",
        {
            "type": "consent_withdrawn",
            "id": "withdrawal-0001",
            "subject": examples.SUBJECT,
            "scorecard": "civic-optin",
            "on": "2024-09-01",
        },
    )
    type: Literal["consent_withdrawn"]
    id: Id
    subject: str = SUBJECT
    scorecard: OptinId
    on: dt.date


class ObligationEvent(BaseModel):
    model_config = _documented(
        "A bill an opt-in source files, due on a day; refused unless a consent of the subject naming the "
        "source is in force. Needs the scope optin:SOURCE.",
        {
            "type": "obligation",
            "id": "bill-2024-03",
            "subject": examples.SUBJECT,
            "source": "water-co",
            "due_on": "2024-04-15",
            "amount": 86.5,
        },
    )
    type: Literal["obligation"]
    id: Id
    subject: str = SUBJECT
    source: OptinId
    due_on: dt.date
    amount: float = Field(ge=0, le=10**12)


class PaidEvent(BaseModel):
    model_config = _documented(
        "The payment of an obligation, on a day.",
        {"type": "paid", "id": "payment-2024-03", "obligation": "bill-2024-03", "on": "2024-04-10"},
    )
    type: Literal["paid"]
    id: Id
    obligation: Id
    on: dt.date


EVENT_MODELS: tuple[type[BaseModel], ...] = (
    SubjectEvent,
    ContactEvent,
    RecordEvent,
    DisputeFiledEvent,
    DisputeResolvedEvent,
    FulfilledEvent,
    RepairedEvent,
    AnnulledEvent,
    ConsentGivenEvent,
    ConsentWithdrawnEvent,
    ObligationEvent,
    PaidEvent,
)

AnyEvent = Annotated[
    SubjectEvent
    | ContactEvent
    | RecordEvent
    | DisputeFiledEvent
    | DisputeResolvedEvent
    | FulfilledEvent
    | RepairedEvent
    | AnnulledEvent
    | ConsentGivenEvent
    | ConsentWithdrawnEvent
    | ObligationEvent
    | PaidEvent,
    Field(discriminator="type"),
]


class Event(RootModel[AnyEvent]):
    """One event of a batch: its ``type`` says which."""


class EventBatch(RootModel[Annotated[list[Event], Field(max_length=MAX_EVENTS)]]):
    """A source's batch: applied in order and in one transaction (all or nothing)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                [
                    RecordEvent.model_config["json_schema_extra"]["examples"][0],  # type: ignore[index]
                    {"type": "fulfilled", "record": examples.RECORD, "on": "2024-05-01"},
                ]
            ]
        }
    )
