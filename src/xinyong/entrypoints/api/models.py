"""Request and response models of the HTTP service: the OpenAPI schema is made of these."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, RootModel, field_validator

from xinyong.domain.access import MAX_PURPOSE
from xinyong.domain.events import EMAIL_PATTERN, MAX_EMAIL, MAX_ID
from xinyong.domain.free_text import MAX_CASE_TEXT, MAX_EVENT_TEXT
from xinyong.entrypoints.api import examples
from xinyong.services import audit, due_process, export, publication, reports
from xinyong.services.intake import ImportResult
from xinyong.services.unit_of_work import Notice


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CheckQuestion(_In):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"subject": "rid:11010519491231002X", "action": "air_travel.ticket", "as_of": "2024-06-01"}]
        },
    )

    subject: str = Field(description="rid:NUMBER or uscc:CODE", examples=["rid:11010519491231002X"])
    action: str = Field(min_length=1, max_length=200, examples=["air_travel.ticket"])
    as_of: dt.date | None = Field(default=None, description="default: today")
    purpose: str | None = Field(default=None, max_length=MAX_PURPOSE)


class CheckManifest(_In):
    """Many questions at once (a passenger manifest): answered in their order."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "questions": [
                        {"subject": "rid:11010519491231002X", "action": "rail.high_speed.ticket"},
                        {"subject": "rid:110105194912310003", "action": "rail.high_speed.ticket"},
                    ]
                }
            ]
        },
    )

    questions: list[CheckQuestion] = Field(max_length=1000, description="at most 1000")


class Contribution(BaseModel):
    record: str
    rule: str
    points: int
    effective_on: dt.date
    expires_on: dt.date | None
    disputed: bool
    capped: bool


def _from() -> Any:
    """The first day of a list entry, read from ``from`` (JSON) or ``start`` (the
    services' values), written as ``from``."""
    return Field(validation_alias=AliasChoices("from", "start"), serialization_alias="from")


class ListEntry(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    list: str
    record: str
    from_: dt.date = _from()
    until: dt.date | None


class ScoreAnswer(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "subject": "rid:11010519491231002X",
                    "catalog": "rongcheng-personal",
                    "as_of": "2024-06-01",
                    "score": 995,
                    "grade": "A",
                    "contributions": [
                        {
                            "record": "tp-2024-000017",
                            "rule": "rongcheng-personal/traffic.red_light",
                            "points": -5,
                            "effective_on": "2024-03-20",
                            "expires_on": "2025-03-20",
                            "disputed": False,
                            "capped": False,
                        }
                    ],
                    "lists": [],
                }
            ]
        }
    )

    subject: str
    catalog: str
    as_of: dt.date
    score: int
    grade: str
    contributions: list[Contribution]
    lists: list[ListEntry]


class Reason(BaseModel):
    catalog: str
    measure: str
    effect: Literal["deny", "review", "allow", "benefit"]
    trigger: dict[str, Any]
    legal_basis: str | None


class CheckAnswer(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "subject": "rid:11010519491231002X",
                    "action": "air_travel.ticket",
                    "as_of": "2024-06-01",
                    "decision": "deny",
                    "reasons": [
                        {
                            "catalog": "national-judgment-defaulters",
                            "measure": "0",
                            "effect": "deny",
                            "trigger": {
                                "list": "judgment-defaulters",
                                "record": "court-2024-0091",
                                "from": "2024-05-15",
                            },
                            "legal_basis": "SPC Provisions on Restricting High Consumption, art. 3",
                        }
                    ],
                    "benefits": [],
                    "how_to_dispute": "Dispute record court-2024-0091 in the portal, or ask the court that decided it.",
                }
            ]
        }
    )

    subject: str
    action: str
    as_of: dt.date
    decision: Literal["allow", "review", "deny"]
    reasons: list[Reason]
    benefits: list[str]
    how_to_dispute: str


class CheckAnswers(BaseModel):
    """The answers to a manifest, one a question, in the questions' order."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"answers": CheckAnswer.model_config["json_schema_extra"]["examples"]}]}
    )

    answers: list[CheckAnswer]


class Rejected(BaseModel):
    index: int
    reason: str


class EventOutcome(BaseModel):
    index: int = Field(description="the event's position in the batch, from 1")
    type: str
    id: str | None = Field(
        description="the record's id, or the later event's id: given, or derived from its "
        "content and place; none for subject events"
    )
    outcome: Literal["written", "replayed"] = Field(
        description="replayed: the same event was filed before; nothing was written"
    )


class EventsAnswer(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "received": 2,
                    "written": 2,
                    "unchanged": 0,
                    "written_by_type": {"record": 1, "dispute_filed": 1},
                    "events": [
                        {"index": 1, "type": "record", "id": "tp-2024-000017", "outcome": "written"},
                        {"index": 2, "type": "dispute_filed", "id": "ev-5d41402abc4b2a76", "outcome": "written"},
                    ],
                }
            ]
        }
    )

    received: int
    written: int
    unchanged: int
    written_by_type: dict[str, int]
    events: list[EventOutcome] = []

    @classmethod
    def of(cls, result: ImportResult) -> EventsAnswer:
        """The answer for an applied batch."""
        return cls(
            received=result.read,
            written=result.written,
            unchanged=result.unchanged,
            written_by_type=dict(result.written_by_type),
            events=[EventOutcome(index=e.line, type=e.type, id=e.id, outcome=e.outcome) for e in result.events],
        )


class ContactChange(_In):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"email": "wang.wu@example.org", "language": "zh-CN"}]}
    )

    email: str = Field(
        max_length=MAX_EMAIL,
        pattern=EMAIL_PATTERN,
        description="where notices are emailed to",
        examples=["wang.wu@example.org"],
    )
    language: Literal["zh-CN", "en"] | None = Field(
        default=None, description="the language the email is written in; left out: as it was (Chinese if never set)"
    )


class ContactAnswer(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"email": "wang.wu@example.org", "language": "zh-CN", "changed": True}]}
    )

    email: str | None = Field(description="the address notices are emailed to; null when none was given")
    language: str | None = Field(
        default=None, description="the language the email is written in; null: never chosen (Chinese)"
    )
    changed: bool | None = Field(
        default=None,
        description="on a change: whether the address changed "
        "(false: it was already this one, and nothing was written)",
    )


class AccessEntry(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    at: str
    reader: str
    role: str
    what: str
    purpose: str | None
    detail: str | None


class AccessLogPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.ACCESS_LOG]})

    total: int
    limit: int
    offset: int
    entries: list[AccessEntry]

    @classmethod
    def of(cls, page: audit.AccessLogPage) -> AccessLogPage:
        return cls.model_validate(page, from_attributes=True)


class Grade(BaseModel):
    name: str
    min: int | None = Field(description="the lowest score of the grade (none for the lowest grade)")


class ExplainedContribution(Contribution):
    model_config = ConfigDict(from_attributes=True)
    title: str | None
    legal_basis: str | None
    occurred_on: dt.date
    source: str
    reference: str | None
    cap_per_year: int | None


class CatalogStanding(BaseModel):
    """A standing under one catalog, each contribution explained."""

    model_config = ConfigDict(from_attributes=True)
    subject: str
    catalog: str
    as_of: dt.date
    score: int
    grade: str
    contributions: list[ExplainedContribution]
    lists: list[ListEntry]
    version: str
    title: str | None
    base: int
    covered: bool = Field(description="whether the catalog covers the subject's jurisdiction")
    grades: list[Grade]


class Placement(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    list: str
    from_: dt.date = _from()
    until: dt.date | None


def _event_json(change: object) -> object:
    """A later event as the ledger files it, without the fields it does not have."""
    return change.model_dump(mode="json", exclude_none=True) if isinstance(change, BaseModel) else change


class RecordView(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    record: str
    rule: str
    title: str | None
    category: str
    points: int
    legal_basis: str | None
    catalog_version: str
    occurred_on: dt.date
    decided_on: dt.date
    source: str
    reference: str | None
    effective_on: dt.date
    expires_on: dt.date
    ends_on: dt.date | None = Field(description="null for an annulled record")
    status: str
    disputed: bool
    list: Placement | None
    repairable_from: dt.date | None
    events: list[dict[str, Any]] = Field(description="the record's later events, as filed")

    @field_validator("events", mode="before")
    @classmethod
    def _events(cls, value: Any) -> Any:
        return [_event_json(c) for c in value]


class ReportListEntry(ListEntry):
    catalog: str
    rule: str


def _notice_json(notice: object) -> object:
    """A stored notice as the API gives it (rendered in English, and as keys)."""
    return notice.as_json() if isinstance(notice, Notice) else notice


class ForeignListEntry(BaseModel):
    """An entry on a partner node's list (docs/design.md section 10), with the node that
    keeps its record and the bundle it came from."""

    model_config = ConfigDict(from_attributes=True, populate_by_name=True)
    list: str = Field(description="NODE/LIST")
    node: str
    title: str
    record: str
    start: dt.date = Field(serialization_alias="from")
    until: dt.date | None
    legal_basis: str | None
    bundle_as_of: dt.date
    stale: bool


class Report(BaseModel):
    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [examples.REPORT]})
    subject: str
    kind: str
    name: str | None
    jurisdiction: str | None
    as_of: dt.date
    standings: list[CatalogStanding]
    records: list[RecordView]
    lists: list[ReportListEntry]
    notices: list[NoticeView]
    access_log: list[AccessEntry]
    foreign_lists: list[ForeignListEntry] = Field(
        default_factory=list, validation_alias="foreign", description="entries on partner nodes' lists"
    )

    @field_validator("notices", mode="before")
    @classmethod
    def _notices(cls, value: Any) -> Any:
        return [_notice_json(n) for n in value]

    @classmethod
    def of(cls, report: reports.Report) -> Report:
        return cls.model_validate(report, from_attributes=True)


class OrganisationHit(BaseModel):
    subject: str
    code: str
    name: str | None
    jurisdiction: str | None


class SearchAnswer(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.SEARCH]})

    query: str
    results: list[OrganisationHit]


class PublicStanding(BaseModel):
    catalog: str
    title: str | None
    version: str
    score: int
    grade: str


class PublicRecord(BaseModel):
    record: str
    rule: str
    title: str | None
    legal_basis: str | None
    occurred_on: dt.date
    decided_on: dt.date
    source: str
    reference: str | None
    effective_on: dt.date
    until: dt.date
    disputed: bool


class PublicListing(BaseModel):
    list: str
    title: str | None
    record: str
    from_: dt.date = _from()
    until: dt.date | None
    legal_basis: str | None


class OrganisationPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.ORGANISATION]})

    subject: str
    code: str
    name: str | None
    jurisdiction: str | None
    as_of: dt.date
    standings: list[PublicStanding]
    records: list[PublicRecord]
    lists: list[PublicListing]

    @classmethod
    def of(cls, page: publication.OrganisationPage) -> OrganisationPage:
        return cls.model_validate(page, from_attributes=True)


class PublishedEntry(BaseModel):
    subject: str = Field(description="uscc:CODE, or a person's masked rid:NUMBER")
    name: str | None
    record: str
    rule: str
    from_: dt.date = _from()
    until: dt.date | None


class ListPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.LIST_PAGE]})

    list: str
    title: str | None
    kind: str
    catalog: str
    publishes: str
    removal: list[str]
    as_of: dt.date
    total: int
    persons_not_published: int
    page: int
    per_page: int
    entries: list[PublishedEntry]

    @classmethod
    def of(cls, page: publication.ListPage) -> ListPage:
        return cls.model_validate(page, from_attributes=True)


class ListBundleEntry(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    subject: str
    record: str
    from_: str = Field(alias="from", description="The first day in effect, YYYY-MM-DD.")
    until: str | None = Field(description="The day it ends (not included), or null while open.")
    legal_basis: str | None


class ListBundle(BaseModel):
    """A signed list bundle (docs/design.md section 10): ``signature`` is Ed25519, in
    base64, over the bundle without it as JSON with sorted keys, no spaces, UTF-8."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "format": "xinyong-list/1",
                    "node": "rongcheng",
                    "public_key": "9k8Qw3J1mN2bV7cX5zL4pR6tY0uI8oA1sD3fG5hJ7kE=",
                    "list": "judgment-defaulters",
                    "title": "Judgment defaulters",
                    "as_of": "2024-06-01",
                    "entries": [
                        {
                            "subject": "uscc:91350100M000100Y43",
                            "record": "court-2024-0091",
                            "from": "2024-05-15",
                            "until": None,
                            "legal_basis": "SPC Provisions on Restricting High Consumption, art. 3",
                        }
                    ],
                    "signature": "mQ2v0yKf3xZ8c1Lr6pN4sT7wB9dE2gH5jA0kU3iO6qR8tV1xY4zC7bF0eG3hJ6l"
                    "M9nP2sR5uW8yA1dD4gG7jJ==",
                }
            ]
        }
    )

    format: str
    node: str
    public_key: str
    list: str
    title: str
    as_of: str
    entries: list[ListBundleEntry]
    signature: str


class ChainVerification(BaseModel):
    table: str
    intact: bool
    rows: int
    head: str
    broken_at: int | None
    problem: str | None


class LedgerVerification(BaseModel):
    """The ledger's own chain first (``events``, ``head``), then every chained table."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.LEDGER]})

    intact: bool
    events: int
    head: str
    broken_at: int | None
    problem: str | None
    tables: list[ChainVerification] = []

    @classmethod
    def of(cls, verification: audit.Verification) -> LedgerVerification:
        """The answer for the chain reports of every table, the ledger's first."""
        tables = [ChainVerification.model_validate(r, from_attributes=True) for r in verification.tables]
        ledger = tables[0]
        return cls(
            intact=all(t.intact for t in tables),
            events=ledger.rows,
            head=ledger.head,
            broken_at=ledger.broken_at,
            problem=ledger.problem,
            tables=tables,
        )


class Liveness(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ok"}]})
    status: Literal["ok"]


class Health(BaseModel):
    status: Literal["ok"]
    ledger_events: int
    catalogs: int


class DisputeFiling(_In):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "record": "tp-2024-000017",
                    "grounds": "The car was sold on 2024-02-20; the plate was not mine that day.",
                }
            ]
        },
    )

    record: str = Field(min_length=1, max_length=MAX_ID)
    grounds: str = Field(min_length=1, max_length=MAX_EVENT_TEXT)


class Decision(_In):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"outcome": "annulled", "reasons": "The registry confirms the sale before the date of the act."}
            ]
        },
    )

    outcome: str = Field(
        description="disputes: upheld | annulled; repairs: granted | refused; reviews: confirmed | overturned"
    )
    reasons: str = Field(min_length=1, max_length=MAX_EVENT_TEXT)


class RepairApplication(_In):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "record": "tp-2024-000017",
                    "proof": "Fine paid on 2024-05-02, receipt 4471.",
                    "commitment": "I will keep to the traffic rules.",
                }
            ]
        },
    )

    record: str = Field(min_length=1, max_length=MAX_ID)
    proof: str = Field(min_length=1, max_length=MAX_CASE_TEXT, description="proof that the obligation was met")
    commitment: str = Field(min_length=1, max_length=MAX_CASE_TEXT, description="a written credit commitment")


class ReviewRequest(_In):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"notice": "3f9a0c1b2d4e", "grounds": "The debt on the list was paid in full."}]
        },
    )

    notice: str = Field(min_length=1, max_length=40, description="the id of the adverse-action notice")
    grounds: str = Field(min_length=1, max_length=MAX_CASE_TEXT)


class AttachmentView(BaseModel):
    """A file attached to a dispute or a repair application, without its bytes."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.ATTACHMENT]})

    id: str
    case_kind: Literal["dispute", "repair"]
    case_id: str
    created_at: str
    media_type: str = Field(description="found in the file's content: application/pdf, image/jpeg or image/png")
    size: int = Field(description="bytes")
    sha256: str
    filename: str | None = Field(description="the name it downloads under; null once the subject's key was erased")


class DisputeView(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.DISPUTE]})

    id: int
    record: str
    rule: str
    rule_title: str | None
    source: str
    reference: str | None
    subject: str
    filed_on: dt.date
    grounds: str | None
    suspended: bool
    decide_by: dt.date | None
    overdue: bool
    status: str
    decided_on: dt.date | None
    outcome: str | None
    reasons: str | None = None
    filing_id: str | None = Field(default=None, description="the id of the dispute_filed event")
    decision_id: str | None = Field(default=None, description="the id of the dispute_resolved event, once decided")
    attachments: list[AttachmentView] = Field(default_factory=list, description="the files attached")


class RepairView(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.REPAIR]})

    id: str
    record: str | None
    subject: str
    rule: str | None
    applied_on: dt.date | None
    proof: str | None
    commitment: str | None
    decide_by: dt.date | None
    overdue: bool
    status: str
    decided_on: dt.date | None
    reasons: str | None
    repair_event: str | None = Field(default=None, description="the id of the repaired event of a granted repair")
    attachments: list[AttachmentView] = Field(default_factory=list, description="the files attached")


class ReviewView(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.REVIEW]})

    id: str
    subject: str
    requested_on: dt.date | None
    notice: str | None
    grounds: str | None
    decision: dict[str, Any] | None
    status: str
    reasons: str | None
    decided_on: dt.date | None


class MessageView(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    key: str
    fields: dict[str, Any]


class RepairOption(BaseModel):
    record: str
    rule: str
    possible_from: dt.date


class OutlookChange(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    day: dt.date
    score: int
    grade: str
    lists: list[ListEntry]
    what: list[str] = Field(description="what changes, rendered in the language asked by Accept-Language (en default)")
    messages: list[MessageView] = Field(description="what changes, as message keys with fields")


class Outlook(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.OUTLOOK]})

    subject: str
    catalog: str
    as_of: dt.date
    score: int
    grade: str
    lists: list[ListEntry]
    changes: list[OutlookChange]
    repairs: list[RepairOption]

    @classmethod
    def of(cls, outlook: due_process.Outlook) -> Outlook:
        return cls.model_validate(outlook, from_attributes=True)


class NoticeView(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.NOTICE]})

    id: str
    created_at: str
    kind: str
    record: str | None
    to: str
    title: str = Field(description="rendered in `language`")
    text: str = Field(description="rendered in `language`")
    language: str = Field(description="the language of title and text: en, or zh-CN when asked by Accept-Language")
    key: str | None = Field(description="the message key of the notice (null for notices stored as prose)")
    lines: list[MessageView] = Field(description="the further sentences of the text, as message keys with fields")
    fields: dict[str, Any]
    read_at: str | None = Field(
        None, description="when the subject first marked it read (null: unread, or a notice to a source)"
    )


class MarkRead(BaseModel):
    """Which of my notices to mark read: the listed ids, or every one when left out."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"notices": ["3f9a0c1b2d4e"]}]})

    notices: list[Annotated[str, Field(min_length=1, max_length=32)]] | None = Field(None, max_length=500)


class Marked(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"marked": 2}]})

    marked: int = Field(description="how many of them were unread")


class WholeFile(Report):
    """The report, with the subject's disputes, repairs and reviews."""

    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [examples.WHOLE_FILE]})

    disputes: list[DisputeView]
    repairs: list[RepairView]
    reviews: list[ReviewView]

    @classmethod
    def of(cls, file: export.WholeFile) -> WholeFile:  # type: ignore[override]
        return cls.model_validate(file, from_attributes=True)


# ------------------------------------------------------------------- opt-in scores


class ConsentRequest(BaseModel):
    """A subject's consent to an opt-in scorecard (docs/design.md section 9)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"scorecard": "civic-optin", "sources": ["water-co"], "purposes": ["lending"]}]
        },
    )

    scorecard: str = Field(min_length=1, max_length=100, description="the scorecard's id, e.g. civic-optin")
    sources: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        min_length=1, max_length=50, description="the scorecard's sources it may read bills from"
    )
    purposes: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        min_length=1, max_length=50, description="what lenders may read the score for"
    )


_CONSENT_EXAMPLE = {
    "id": "consent-3f9a0c1b2d4e",
    "scorecard": "civic-optin",
    "sources": ["water-co"],
    "purposes": ["lending"],
    "on": "2024-06-01",
}


class ConsentAnswer(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_CONSENT_EXAMPLE]})

    id: str = Field(description="the consent's id: DELETE /v1/me/consents/{id} withdraws it")
    scorecard: str
    sources: list[str]
    purposes: list[str]
    on: dt.date = Field(description="in force from this day until withdrawn")


class ConsentsAnswer(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"consents": [_CONSENT_EXAMPLE]}]})

    consents: list[ConsentAnswer] = Field(description="the consents in force today, one per scorecard at most")


class WithdrawalAnswer(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "withdrawal-7c2e9d4a1b0f",
                    "consent": "consent-3f9a0c1b2d4e",
                    "scorecard": "civic-optin",
                    "on": "2024-09-01",
                }
            ]
        }
    )

    id: str = Field(description="the withdrawal's id")
    consent: str
    scorecard: str
    on: dt.date


class OptinRaise(BaseModel):
    points: int | float = Field(description="the points of the nearest bin that gives more")
    at_least: int | float | None = Field(description="the least value that bin holds (null: no lower bound)")
    below: int | float | None = Field(description="the bin holds values below this (null: no upper bound)")


class OptinReason(BaseModel):
    feature: str
    points: int | float
    possible: int | float = Field(description="the most points the feature gives")
    text: str = Field(description="why it costs points, in the language asked for")
    raise_: OptinRaise | None = Field(
        alias="raise", serialization_alias="raise", description="what would raise it; null when nothing would"
    )

    model_config = ConfigDict(populate_by_name=True)


class OptinScoreAnswer(BaseModel):
    """An opt-in score, as ``optin score --json`` prints it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "subject": "rid:11010519491231002X",
                    "scorecard": "civic-optin",
                    "as_of": "2024-06-01",
                    "score": 655,
                    "band": "good",
                    "features": {
                        "on_time_share_24m": 0.92,
                        "late_count_12m": 1,
                        "open_overdue": 0,
                        "history_months": 30,
                        "obligations_24m": 24,
                    },
                    "reasons": [
                        {
                            "feature": "late_count_12m",
                            "points": 20,
                            "possible": 40,
                            "text": "1 bill paid late in the last 12 months",
                            "raise": {"points": 40, "at_least": None, "below": 1},
                        }
                    ],
                }
            ]
        }
    )

    subject: str
    scorecard: str
    as_of: dt.date
    score: int | float
    band: str | None
    features: dict[str, int | float | None] = Field(description="each feature's value; null when missing")
    reasons: list[OptinReason] = Field(description="largest shortfall first, at most four")


class LenderRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"subject": "rid:11010519491231002X", "scorecard": "civic-optin", "purpose": "lending"}]
        },
    )

    subject: str = Field(min_length=1, max_length=40, description="rid:NUMBER or uscc:CODE")
    scorecard: str = Field(min_length=1, max_length=100)
    purpose: str = Field(
        min_length=1, max_length=100, description="one of the token's scopes, which the subject consented to"
    )
    as_of: dt.date | None = Field(default=None, description="the day asked about (default: today)")


# ------------------------------------------------------------------ webhooks

_ENDPOINT_EXAMPLE = {
    "id": "ep_5f0c9a3e1b7d42a8c6e0",
    "url": "https://intake.traffic-police.example/xinyong",
    "types": ["record.dispute_decided", "record.dispute_filed"],
    "created_at": "2026-12-01T09:30:00+00:00",
    "disabled_at": None,
    "secret_rotated_at": None,
}


class WebhookEndpointNew(_In):
    """A receiver for the events the caller's role may get (all of them when ``types``
    is left out)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"url": "https://intake.traffic-police.example/xinyong", "types": ["record.dispute_filed"]}]
        },
    )

    url: str = Field(min_length=1, max_length=2000, description="https:// address of the receiver, without credentials")
    types: list[Annotated[str, Field(min_length=1, max_length=64)]] | None = Field(
        None, max_length=20, description="event types to receive; default: every one the role may receive"
    )


class WebhookEndpointView(BaseModel):
    """A registered receiver, without its secret."""

    model_config = ConfigDict(json_schema_extra={"examples": [_ENDPOINT_EXAMPLE]})

    id: str
    url: str
    types: list[str]
    created_at: str
    disabled_at: str | None = Field(description="when it was disabled: nothing is sent to it since")
    secret_rotated_at: str | None = Field(description="when its secret was last rotated (null: never)")

    @classmethod
    def of(cls, endpoint: Any) -> WebhookEndpointView:
        return cls(
            id=endpoint.id,
            url=endpoint.url,
            types=list(endpoint.types),
            created_at=endpoint.created_at,
            disabled_at=endpoint.disabled_at,
            secret_rotated_at=endpoint.secret_rotated_at,
        )


class WebhookEndpointCreated(WebhookEndpointView):
    """A new receiver and its signing secret: shown this once, keep it."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{**_ENDPOINT_EXAMPLE, "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}]}
    )

    secret: str = Field(description="whsec_ and the base64 of the HMAC-SHA256 key; shown once")


class WebhookSecret(BaseModel):
    """The endpoint's new secret, shown this once. The one before it keeps signing
    beside it (a second signature in ``webhook-signature``) until ``previous_valid_until``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "endpoint": "ep_5f0c9a3e1b7d42a8c6e0",
                    "secret": "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
                    "previous_valid_until": "2026-12-03T09:30:00+00:00",
                }
            ]
        }
    )

    endpoint: str
    secret: str
    previous_valid_until: str


class WebhookAttemptView(BaseModel):
    """One attempt to deliver a message to one of the caller's endpoints."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "message": "msg_2b1f7c0d9e8a4b3c5d6e7f80",
                    "type": "record.dispute_filed",
                    "attempt": 1,
                    "at": "2026-12-01T09:31:02+00:00",
                    "status": 500,
                    "outcome": "failed",
                    "error": "the receiver answered HTTP 500",
                    "next_attempt_at": "2026-12-01T09:31:07+00:00",
                }
            ]
        }
    )

    message: str = Field(description="the message id (webhook-id), the same on every attempt of it")
    type: str
    attempt: int = Field(description="1 for the first attempt of the message")
    at: str
    status: int | None = Field(description="the receiver's HTTP status; null when it did not answer")
    outcome: Literal["delivered", "failed", "given_up"]
    error: str | None
    next_attempt_at: str | None = Field(description="when it is tried again (null: delivered or given up)")

    @classmethod
    def of(cls, attempt: Any) -> WebhookAttemptView:
        return cls(
            message=attempt.message,
            type=attempt.type,
            attempt=attempt.attempt,
            at=attempt.at,
            status=attempt.status,
            outcome=attempt.outcome,
            error=attempt.error,
            next_attempt_at=attempt.next_attempt_at,
        )


# ------------------------------------------------------------------ lists
# Answers that are JSON arrays, named, so that every answer is a component (a generator
# makes each a list of its items): the same arrays as before on the wire.


class DisputeQueue(RootModel[list[DisputeView]]):
    """Disputes, the ones to decide first first."""


class RepairQueue(RootModel[list[RepairView]]):
    """Applications for credit repair, the ones to decide first first."""


class ReviewQueue(RootModel[list[ReviewView]]):
    """Requests for review."""


class AttachmentList(RootModel[list[AttachmentView]]):
    """The files attached to a case."""


class NoticeList(RootModel[list[NoticeView]]):
    """Notices, newest first."""


class WebhookEndpointList(RootModel[list[WebhookEndpointView]]):
    """The caller's webhook endpoints, never their secrets."""


class WebhookAttemptList(RootModel[list[WebhookAttemptView]]):
    """Every attempt to deliver to an endpoint, newest first."""
