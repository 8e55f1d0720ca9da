"""Ledger events of docs/design.md section 6: what sources, officers and subjects append.

Every event is a frozen value with a canonical form; a line of JSON becomes one event or
a clear error naming the field at fault."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from typing import Annotated, Any, Literal, Self

import msgspec
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    TypeAdapter,
    ValidationError,
    field_validator,
)

from xinyong.domain import validation
from xinyong.domain.calendar import in_range, parse_date
from xinyong.domain.free_text import MAX_EVENT_TEXT, mask_identity_numbers
from xinyong.domain.identifiers import InvalidIdentifier, SubjectRef

# Subjects already parsed, by their text: a subject comes back in event after event, and
# a SubjectRef is an immutable value. Bounded: memory stays flat whatever the file's size.
_PARSED_SUBJECTS: dict[str, SubjectRef] = {}
_PARSED_SUBJECTS_KEPT = 65_536


def _subject(value: Any) -> SubjectRef:
    if isinstance(value, SubjectRef):
        return value
    if type(value) is str:
        found = _PARSED_SUBJECTS.get(value)
        if found is None:
            found = SubjectRef.parse(value)  # raises for an invalid one, which is never kept
            if len(_PARSED_SUBJECTS) >= _PARSED_SUBJECTS_KEPT:
                _PARSED_SUBJECTS.clear()
            _PARSED_SUBJECTS[value] = found
        return found
    return SubjectRef.parse(value)


# Days already parsed, by their text: a file names the same few thousand days again and
# again. Only valid days are kept; bounded like the subjects.
_PARSED_DAYS: dict[str, dt.date] = {}


def _day(value: Any) -> dt.date:
    if type(value) is str:
        found = _PARSED_DAYS.get(value)
        if found is None:
            found = in_range(parse_date(value))  # raises for a bad one, which is never kept
            if len(_PARSED_DAYS) >= _PARSED_SUBJECTS_KEPT:
                _PARSED_DAYS.clear()
            _PARSED_DAYS[value] = found
        return found
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return in_range(value)
    return in_range(parse_date(value))


Subject = Annotated[SubjectRef, BeforeValidator(_subject), PlainSerializer(str)]
Day = Annotated[dt.date, BeforeValidator(_day), PlainSerializer(lambda d: d.isoformat())]
# The longest id of a record or an event, and the form of an email address notices go to.
MAX_ID = 200
MAX_EMAIL = 320
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+$"
Email = Annotated[str, Field(max_length=MAX_EMAIL, pattern=EMAIL_PATTERN)]
Text = Annotated[str, Field(min_length=1, max_length=MAX_EVENT_TEXT)]
# What people type (grounds, reasons, notes, summaries) can name other people: resident
# identity numbers in it are masked when the event is made, so that a replay of the same
# text compares equal to what was stored.
FreeText = Annotated[str, Field(min_length=1, max_length=MAX_EVENT_TEXT), AfterValidator(mask_identity_numbers)]
# An event's identity: a record's id, or the id of a later event (given by whoever files
# it, assigned by the service, or derived from the event's content and place).
EventId = Annotated[str, Field(min_length=1, max_length=MAX_ID, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$")]


# The same bytes as json.dumps(..., sort_keys=True, ensure_ascii=False, separators=(",", ":"))
# encoded as UTF-8, for the JSON values of an event (str, int, bool, None, lists, dicts):
# fingerprints of canonical forms stored before still match. Ten times faster than json's.
_CANONICAL = msgspec.json.Encoder(order="sorted")


def canonical_json(data: Any) -> bytes:
    """``data`` as compact JSON with sorted keys, UTF-8 (see ``_CANONICAL``)."""
    return _CANONICAL.encode(data)


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def canonical(self) -> str:
        """The event as compact JSON with sorted keys and no unset optional fields:
        identical events have identical canonical forms."""
        return _CANONICAL.encode(self.model_dump(mode="json", exclude_none=True)).decode()


class SubjectEvent(_Event):
    """Gives a subject its jurisdiction and name; the latest such event wins."""

    type: Literal["subject"]
    subject: Subject
    jurisdiction: str = Field(pattern=r"^[A-Z]{2}(-[A-Z0-9]+)*$")
    name: Text | None = None
    email: Email | None = None


class ContactEvent(_Event):
    """Sets the address a subject's notices are emailed to, from ``on``: written by the
    subject itself or by the registry, never by a source. Sealed at rest like a name.
    ``language``, when given, is the language the subject reads its email in (it stays
    until a later contact event names another)."""

    type: Literal["contact"]
    subject: Subject
    email: Email
    on: Day
    language: Literal["zh-CN", "en"] | None = None


class RecordEvent(_Event):
    """One fact about one subject under one rule, with the decision that established it."""

    type: Literal["record"]
    id: EventId
    subject: Subject
    rule: str
    occurred_on: Day
    decided_on: Day
    source: Text
    reference: Text | None = None
    summary: FreeText | None = None

    @field_validator("rule")
    @classmethod
    def _rule(cls, value: str) -> str:
        catalog, sep, rule = value.partition("/")
        if not sep or not catalog or not rule:
            raise ValueError(f"rule {value!r} must be written CATALOG/RULE")
        return value

    @property
    def catalog_id(self) -> str:
        return self.rule.partition("/")[0]

    @property
    def rule_name(self) -> str:
        return self.rule.partition("/")[2]


class _RecordChange(_Event):
    # Optional in event files and batches: an event without one is identified by its
    # content and its place (see ``xinyong.services.intake``), and is stored with that id.
    id: EventId | None = None
    record: Annotated[str, Field(min_length=1, max_length=MAX_ID)]
    on: Day
    note: FreeText | None = None

    def identified(self, event_id: str) -> Self:
        """The same event carrying ``event_id``."""
        return self.model_copy(update={"id": event_id})

    def content(self) -> str:
        """The canonical form without the id: what the event says."""
        data = self.model_dump(mode="json", exclude_none=True)
        data.pop("id", None)
        return _CANONICAL.encode(data).decode()


class DisputeFiled(_RecordChange):
    type: Literal["dispute_filed"]
    grounds: FreeText | None = None


class DisputeResolved(_RecordChange):
    type: Literal["dispute_resolved"]
    outcome: Literal["upheld", "annulled"]
    reasons: FreeText | None = None


class Fulfilled(_RecordChange):
    type: Literal["fulfilled"]


class Repaired(_RecordChange):
    type: Literal["repaired"]


class Annulled(_RecordChange):
    type: Literal["annulled"]


RecordChange = DisputeFiled | DisputeResolved | Fulfilled | Repaired | Annulled

# Opt-in scores (docs/design.md section 9): a subject's consent to a scorecard, its
# withdrawal, a bill filed by a source the subject consented to, and its payment. They
# are kept apart from the ledger (walled off from public credit) and carry their ids.
OptinId = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[a-z0-9][a-z0-9_-]*$")]


def _finite_amount(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("must be a number")
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError("must be a finite number")
    return value


Amount = Annotated[int | float, BeforeValidator(_finite_amount), Field(ge=0, le=10**12)]


class ConsentGiven(_Event):
    type: Literal["consent_given"]
    id: EventId
    subject: Subject
    scorecard: OptinId
    sources: tuple[OptinId, ...] = Field(min_length=1, max_length=50)
    purposes: tuple[OptinId, ...] = Field(min_length=1, max_length=50)
    on: Day


class ConsentWithdrawn(_Event):
    type: Literal["consent_withdrawn"]
    id: EventId
    subject: Subject
    scorecard: OptinId
    on: Day


class ObligationFiled(_Event):
    type: Literal["obligation"]
    id: EventId
    subject: Subject
    source: OptinId
    due_on: Day
    amount: Amount


class Paid(_Event):
    type: Literal["paid"]
    id: EventId
    obligation: EventId
    on: Day


OptinEvent = ConsentGiven | ConsentWithdrawn | ObligationFiled | Paid
OPTIN = (ConsentGiven, ConsentWithdrawn, ObligationFiled, Paid)

Event = Annotated[
    SubjectEvent
    | ContactEvent
    | RecordEvent
    | DisputeFiled
    | DisputeResolved
    | Fulfilled
    | Repaired
    | Annulled
    | ConsentGiven
    | ConsentWithdrawn
    | ObligationFiled
    | Paid,
    Field(discriminator="type"),
]
EVENT_TYPES = (
    "subject",
    "contact",
    "record",
    "dispute_filed",
    "dispute_resolved",
    "fulfilled",
    "repaired",
    "annulled",
    "consent_given",
    "consent_withdrawn",
    "obligation",
    "paid",
)

_EVENT = TypeAdapter(Event)


class InvalidEvent(ValueError):
    """An event that is not well formed; the message names the field and value."""


def describe_validation_error(error: ValidationError) -> str:
    """One line per problem: ``field: message (got value)``."""
    return validation.describe_validation_error(error, skip=EVENT_TYPES, whole="event")


def dates_of(event: SubjectEvent | RecordEvent | RecordChange | OptinEvent) -> list[tuple[str, dt.date]]:
    """The dated fields of an event, by name: none of them may lie after the day the event
    is filed (an obligation's ``due_on`` may: a bill falls due after it is filed)."""
    if isinstance(event, RecordEvent):
        return [("occurred_on", event.occurred_on), ("decided_on", event.decided_on)]
    if isinstance(event, (_RecordChange, ContactEvent, ConsentGiven, ConsentWithdrawn, Paid)):
        return [("on", event.on)]
    return []


AnyEvent = SubjectEvent | ContactEvent | RecordEvent | RecordChange | OptinEvent


def parse_event(data: Any) -> AnyEvent:
    """Validate one decoded JSON object as an event."""
    if not isinstance(data, dict):
        raise InvalidEvent(f"an event must be a JSON object, got {type(data).__name__}")
    kind = data.get("type")
    if kind not in EVENT_TYPES:
        raise InvalidEvent(f"type: {kind!r} is not an event type; expected one of {', '.join(EVENT_TYPES)}")
    try:
        return _EVENT.validate_python(data)
    except ValidationError as error:
        raise InvalidEvent(describe_validation_error(error)) from None


_NOT_UTF8 = re.compile("[\udc80-\udcff]")


def parse_event_line(line: str) -> AnyEvent:
    """Decode and validate one line of JSON Lines.

    A line read with ``errors="surrogateescape"`` carries the bytes that were not UTF-8
    as lone surrogates: such a line is refused as not UTF-8, naming the column."""
    import sys

    if _NOT_UTF8.search(line):  # one pass in C; the column is looked for only when there is one
        for column, character in enumerate(line, start=1):
            if "\udc80" <= character <= "\udcff":
                byte = ord(character) - 0xDC00
                raise InvalidEvent(f"not valid UTF-8: byte 0x{byte:02x} at column {column}")
    # A good line is decoded and validated in one pass in pydantic's core; a line it
    # refuses takes the path below, which names what is wrong as it always has.
    try:
        return _EVENT.validate_json(line)
    except (ValidationError, InvalidIdentifier, ValueError, RecursionError):
        pass
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise InvalidEvent(f"not valid JSON: {error.msg} at column {error.colno}") from None
    except ValueError:
        # Python converts integers of at most sys.get_int_max_str_digits() digits.
        raise InvalidEvent(
            f"a number has more than {sys.get_int_max_str_digits()} digits; no field takes one that long"
        ) from None
    except RecursionError:
        raise InvalidEvent("not valid JSON: nested too deeply") from None
    return parse_event(data)


# line, text, event, parse error
Parsed = tuple[int, str, AnyEvent | None, str | None]


def parse_lines(lines: Iterable[str]) -> Iterator[Parsed]:
    """Number and parse JSON Lines; blank lines are skipped, bad ones carry their error."""
    for number, raw in enumerate(lines, start=1):
        text = raw.rstrip("\r\n")
        if not text.strip():
            continue
        try:
            yield (number, text, parse_event_line(text), None)
        except (InvalidEvent, InvalidIdentifier) as error:
            yield (number, text, None, str(error))


def parse_objects(objects: Iterable[object], first: int = 1) -> Iterator[Parsed]:
    """Number and parse decoded event objects (from a JSON array, CSV or Parquet rows)."""
    for number, data in enumerate(objects, start=first):
        text = json.dumps(data, ensure_ascii=False, default=str)
        try:
            yield (number, text, parse_event(data), None)
        except (InvalidEvent, InvalidIdentifier) as error:
            yield (number, text, None, str(error))
