"""The ports of the service layer: the repositories the services read and write through,
and the unit of work that holds them.

A use case opens one unit of work, reads and writes through its repositories and calls
``commit()``: everything it wrote is kept together, or (on any error, or without
``commit()``) nothing is. Reads that write nothing use a read-only unit, which refuses
writes. No method takes a connection: the storage adapter implements these protocols
over SQLAlchemy (``xinyong.adapters.storage.unit_of_work``), and the first ring of tests
over lists in memory (``tests/support/fakes.py``); one contract test holds both to the
same behaviour."""

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol, Self

from xinyong import messages
from xinyong.domain.access import Reader
from xinyong.domain.attachments import Accepted
from xinyong.domain.catalog.model import Catalog
from xinyong.domain.catalog.registry import CatalogRegistry
from xinyong.domain.events import ContactEvent, RecordChange, RecordEvent, SubjectEvent
from xinyong.domain.federation import Bundle, BundleEntry
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.notices import NoticeDraft, quoted_in
from xinyong.domain.optin import ConsentEvent, Obligation
from xinyong.domain.read_model import ReadModel, Span
from xinyong.domain.scorecard import Scorecard
from xinyong.domain.standing import ListEntry, RecordFile

Event = SubjectEvent | ContactEvent | RecordEvent | RecordChange


class Collision(Exception):
    """Another unit of work wrote the same thing at the same moment (a second decision of
    one case, a second event with one id, a second case in one place), and the store kept
    the first: nothing of this unit was written."""


class ReadOnly(RuntimeError):
    """A write asked of a read-only unit of work."""


class WriteLockBusy(Exception):
    """Another writer (an import, say) held the write lock for longer than a unit of
    work opened with ``wait`` would wait for it: the unit did not begin, and nothing of
    it was written."""

    def __init__(self, waited: float):
        self.waited = waited
        super().__init__(
            f"the database's write lock was held by another writer for more than {waited:g} s (an import, say)"
        )


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class StoredRecord:
    """A record's file as stored, with its provenance."""

    file: RecordFile
    fingerprint: str  # the keyed digest of the record event: idempotency by content
    submitted_by: str | None


@dataclass(frozen=True)
class SubjectLedger:
    """Everything filed under one subject: its record files in ledger order and its
    latest ``subject`` event (its jurisdiction and name)."""

    files: list[RecordFile]
    facts: SubjectEvent | None

    @property
    def jurisdiction(self) -> str | None:
        return self.facts.jurisdiction if self.facts is not None else None


@dataclass(frozen=True)
class SubjectHistory:
    """Everything a subject's read model is computed from: who it is, its record files
    (without free text), its latest jurisdiction, and the number of the latest ledger
    event filed under it (the read model is current while that stays the latest)."""

    key: str
    subject: SubjectRef
    files: list[RecordFile]
    jurisdiction: str | None
    head: int


@dataclass(frozen=True)
class SubjectOutline:
    """What the ledger says of a subject without opening an event: the ids of its
    records in ledger order, its latest jurisdiction and the number of the latest ledger
    event filed under it (a :class:`SubjectHistory` once the record files are in hand)."""

    key: str
    records: list[str]
    jurisdiction: str | None
    head: int


@dataclass(frozen=True)
class StoredModel:
    """A subject's stored read model and what it was computed from: the latest ledger
    event filed under the subject and the catalog versions loaded (their fingerprint)."""

    model: ReadModel
    head: int
    catalogs: str
    latest: int  # the latest ledger event filed under the subject now (current: == head)
    # How many catalog versions are loaded now, when the store reads it with the row (a
    # check then knows whether its catalog registry is current without another read).
    loaded: int | None = None


@dataclass(frozen=True)
class ListedPiece:
    """A stored list entry's stretch of days in effect, with whom it is about (lookup
    key and kind; the identity itself is read only for what is published)."""

    subject_key: str
    kind: str
    entry: ListEntry
    active_from: dt.date
    active_until: dt.date | None


@dataclass(frozen=True)
class SubjectSummary:
    """One subject as an aggregate sees it: its lookup key, kind, jurisdiction (None when
    it never had a ``subject`` event: ``known`` is then False) and record files, read
    without free text."""

    key: str
    kind: str
    jurisdiction: str | None
    known: bool
    files: list[RecordFile]


@dataclass(frozen=True)
class Organisation:
    """An organisation in the public directory."""

    code: str
    name: str | None
    jurisdiction: str | None

    @property
    def subject(self) -> str:
        return f"uscc:{self.code}"


@dataclass(frozen=True)
class DisputeActivity:
    """Disputes filed and decided in one calendar month."""

    month: dt.date  # the first day of the month
    opened: int
    decided: int


@dataclass(frozen=True)
class Case:
    """A case an officer decides that is not a ledger event itself: a repair application
    or a request for human review. Opened, then decided once."""

    id: str
    kind: str
    subject: SubjectRef
    record: str | None
    opened_at: str
    opened: dict[str, Any]
    decided_at: str | None
    decided: dict[str, Any] | None

    @property
    def is_open(self) -> bool:
        return self.decided is None


@dataclass(frozen=True)
class Attachment:
    """A file attached to a dispute or a repair application, without its bytes: the
    case it belongs to, whose it is (lookup key), its type by content, size and SHA-256,
    and the name it is downloaded under (None once the subject's key was erased)."""

    id: str
    case_kind: str  # dispute | repair
    case_id: str
    subject_key: str
    created_at: str
    media_type: str
    size: int
    sha256: str
    filename: str | None


# Fields that hold a jurisdiction code: a notice names the place, with its code.
_PLACES = ("jurisdiction", "previous_jurisdiction")
_BRACKETS = {"zh-CN": "（{}）"}


@dataclass(frozen=True)
class NoticeRounds:
    """Where the notice rounds stand: the last round was made on ``day`` under the
    catalog versions ``catalogs``, and every record changed up to ledger event ``seq``
    has been read on that day or before it, under those catalogs; the last round that
    read every record (a whole round) was made on ``whole_on``."""

    day: dt.date
    seq: int
    catalogs: str
    whole_on: dt.date


@dataclass(frozen=True)
class Notice:
    """A notice as stored: its message key, the lines of its text and its fields.
    A notice written before notices were stored as keys (``key`` None) has its title
    and text as written, in English, and renders as them in every language."""

    seq: int
    id: str
    created_at: str
    kind: str
    subject: str
    source: str | None
    record: str | None
    key: str | None
    fields: dict[str, Any]
    lines: tuple[tuple[str, dict[str, Any]], ...] = ()
    written: tuple[str, str] | None = None  # (title, text) of a notice stored as prose
    read_at: str | None = None  # when the subject first marked it read (its inbox's read receipt)

    def rendered(
        self,
        language: str,
        channel: str | None = None,
        catalogs: CatalogRegistry | None = None,
        mark: Callable[[str, Any], Any] | None = None,
    ) -> tuple[str, str]:
        """The notice's title and text in ``language`` (for ``channel``, such as
        ``api``, where the catalog has a variant for it). With ``catalogs``, the rule
        titles and legal bases it quotes are given in ``language`` too (as stored, in the
        catalog's own words, without). A jurisdiction it names reads as the place, with
        its code. ``mark(name, value)``, when given, is what each field reads as, last
        (a page marks identifiers as code)."""
        if self.key is None:
            return self.written or ("", "")
        fields = {k: said_in(v, language) for k, v in self.fields.items()}
        lines = tuple((key, {k: said_in(v, language) for k, v in own.items()}) for key, own in self.lines)
        places = {
            k: f"{messages.place(v, language)}{_BRACKETS.get(language, ' ({})').format(v)}"
            for k in _PLACES
            if isinstance(v := fields.get(k), str) and messages.place(v, language) != v
        }
        if places:
            fields = {**fields, **places}
        if catalogs is not None:
            day = fields.get("as_of")
            fields = quoted_in(fields, catalogs, language)
            lines = tuple((key, quoted_in(own, catalogs, language, day)) for key, own in lines)
        if mark is not None:
            fields = {k: mark(k, v) for k, v in fields.items()}
            lines = tuple((key, {k: mark(k, v) for k, v in own.items()}) for key, own in lines)
        return messages.render_notice(self.key, fields, lines, language, channel)

    def as_json(
        self, language: str = "en", channel: str | None = "api", catalogs: CatalogRegistry | None = None
    ) -> dict[str, Any]:
        """The notice as the API gives it: rendered in ``language`` (title, text), and
        as its message key, lines and fields, for a client that renders itself."""
        title, text = self.rendered(language, channel, catalogs)
        return {
            "id": self.id,
            "created_at": self.created_at,
            "kind": self.kind,
            "record": self.record,
            "to": f"source {self.source}" if self.source else "subject",
            "title": title,
            "text": text,
            "language": language if self.key is not None else "en",
            "key": self.key,
            "lines": [{"key": k, "fields": f} for k, f in self.lines],
            "fields": self.fields,
            "read_at": self.read_at,
        }


def said_in(value: Any, language: str) -> Any:
    """A notice field as a reader of ``language`` reads it: a field given in each
    language (``{"@": {"en": ..., "zh-CN": ...}}``) in that one (else one with the same
    primary tag, else English, else any); any other value as it is."""
    if not (isinstance(value, dict) and set(value) == {"@"} and isinstance(value["@"], dict)):
        return value
    table: dict[str, Any] = value["@"]
    primary = language.split("-")[0]
    for tag in (language, *(t for t in table if t.split("-")[0] == primary), messages.FALLBACK):
        if tag in table:
            return table[tag]
    return next(iter(table.values()), None)


@dataclass(frozen=True)
class Access:
    """One read of a subject's data, as the access log keeps it."""

    seq: int
    at: str
    reader: str
    role: str
    what: str
    purpose: str | None
    detail: str | None
    subject_key: str


@dataclass(frozen=True)
class ChainReport:
    """One chained table as verification found it: its rows up to the first break, the
    keyed hash of its last good row, and the first row that does not verify."""

    table: str
    rows: int
    head: str
    broken_at: int | None  # seq of the first row that does not verify
    problem: str | None

    @property
    def intact(self) -> bool:
        return self.broken_at is None

    marked: str | None = None  # the keyed hash of the row asked for with ``marks``


# --------------------------------------------------------------------- repositories


class LedgerRepository(Protocol):
    """The append-only ledger of events, and the read models derived from it."""

    def subject_key(self, subject: SubjectRef) -> str:
        """The keyed lookup key under which ``subject`` is filed (identities are never
        stored in the clear)."""
        ...

    def fingerprint(self, canonical: str) -> str:
        """The keyed digest of an event's canonical form, for idempotency comparisons."""
        ...

    def append(
        self,
        events: Sequence[Event],
        submitted_by: str | None = None,
        record_subjects: dict[str, SubjectRef] | None = None,
    ) -> int:
        """Append ``events`` at the head of the ledger; a later event on a record is filed
        under the record's subject (``record_subjects``). Returns how many were written.
        A later event whose id is already stored is a :class:`Collision`."""
        ...

    def appended_subjects(self) -> set[str]:
        """The lookup keys of the subjects that this unit's appends were filed under, but
        those :meth:`settled` since their last append."""
        ...

    def settled(self, keys: Iterable[str]) -> None:
        """The read models of the subjects filed under ``keys`` were stored in this unit
        from the ledger as it stands: :meth:`appended_subjects` leaves them out until an
        event is filed under them again. What the unit holds for its commit is so bounded
        by the subjects of the appends since, whatever the number of appends."""
        ...

    def subject_histories(self, keys: Iterable[str]) -> dict[str, SubjectHistory]:
        """What the read models of the subjects filed under ``keys`` are computed from
        (keys with nothing filed are left out)."""
        ...

    def subject_outlines(self, keys: Iterable[str]) -> dict[str, SubjectOutline]:
        """The outline of each subject filed under ``keys`` (keys with nothing filed are
        left out), read without opening a sealed value."""
        ...

    def subject_key_pages(self, size: int) -> Iterator[list[str]]:
        """The lookup key of every subject filed in the ledger, in key order, ``size`` at a time."""
        ...

    def subject_sizes(self, keys: Iterable[str]) -> dict[str, int]:
        """How many ledger events are filed under each of ``keys`` (keys with none are
        left out), counted from the ledger's index without reading an event."""
        ...

    def records(self, record_ids: Iterable[str], *, text: bool = True) -> dict[str, StoredRecord]:
        """The stored files of those of ``record_ids`` that exist (with the free text of
        their events with ``text``, else without it)."""
        ...

    def subject_ledger(self, subject: SubjectRef | str, *, text: bool = True) -> SubjectLedger:
        """Everything filed under ``subject`` (a reference, or its lookup key)."""
        ...

    def latest_subject_events(self, subjects: Iterable[SubjectRef]) -> dict[SubjectRef, SubjectEvent]:
        """The latest ``subject`` event of each of ``subjects`` that has one."""
        ...

    def contact_histories(self, subjects: Iterable[SubjectRef]) -> dict[SubjectRef, list[str]]:
        """Each subject's email addresses in the order they took over
        (:func:`xinyong.domain.history.contact_history`)."""
        ...

    def contact_languages(self, subjects: Iterable[SubjectRef]) -> dict[SubjectRef, str | None]:
        """The language each subject reads its email in, None when it never said
        (:func:`xinyong.domain.history.contact_language`)."""
        ...

    def later_events_by_id(self, event_ids: Iterable[str]) -> dict[str, str]:
        """The fingerprints of the stored later events (not records, subject or contact
        events) that carry one of ``event_ids``, by id."""
        ...

    def filed_catalogs(self, keys: Iterable[str]) -> dict[str, set[str]]:
        """For each subject lookup key, the catalogs it has records under (keys without
        records left out)."""
        ...

    def head(self) -> int:
        """The number of the latest ledger event (0 for an empty ledger)."""
        ...

    def event_count(self) -> int:
        """How many events the ledger holds."""
        ...

    def record_count(self) -> int:
        """How many records the ledger holds."""
        ...

    def latest_act(self, catalog_id: str, today: dt.date) -> dt.date | None:
        """The latest ``occurred_on`` of a record under ``catalog_id`` that stands (not
        annulled) and is not dated after ``today``."""
        ...

    def dispute_filings(self) -> dict[str, list[int]]:
        """For every record ever disputed, the ledger number of each dispute filing, in
        order: a dispute is known by the number of its filing."""
        ...

    def record_ids(self) -> list[str]:
        """Every record's id, in ledger order."""
        ...

    def record_ids_for_rules(self, rules: Iterable[str]) -> list[str]:
        """The ids of the records under any of ``rules`` (``CATALOG/RULE``), in ledger order."""
        ...

    def record_ids_changed_after(self, seq: int) -> list[str]:
        """The ids of the records that ledger events after ``seq`` were filed on (the
        records themselves and their later events), each once, in ledger order."""
        ...

    def record_pages(self, size: int) -> Iterator[list[RecordFile]]:
        """Every record file without free text, in ledger order, ``size`` at a time."""
        ...

    def subject_pages(self, size: int) -> Iterator[list[SubjectSummary]]:
        """Every subject (with a ``subject`` event, or records, or both), ``size`` at a
        time: what aggregates need, without holding the whole ledger at once."""
        ...

    def latest_subject_event_pages(self, size: int) -> Iterator[list[SubjectEvent]]:
        """The latest ``subject`` event of every subject, ``size`` at a time."""
        ...

    def dispute_activity(self, since: dt.date) -> list[DisputeActivity]:
        """Disputes filed and decided per calendar month, from the month of ``since`` on;
        months with neither are left out."""
        ...


class FreeTextKeys(Protocol):
    """Each subject's own key, under which its free text is sealed: erasing the key
    erases the text wherever it is stored."""

    def holders(self) -> list[str]:
        """The lookup keys of the subjects whose key still exists."""
        ...

    def erase(self, subject_key: str) -> bool:
        """Erase the subject's key: every free text sealed under it so far is gone for
        good. False when there was nothing to erase."""
        ...


class CatalogRepository(Protocol):
    """The catalog versions loaded into the deployment."""

    def all(self) -> list[Catalog]:
        """Every stored version, by catalog id and ``effective_from``."""
        ...

    def count(self) -> int: ...

    def add(self, catalog: Catalog, source: str) -> None:
        """Store a new version with the TOML text it was read from."""
        ...

    def added(self) -> bool:
        """Whether this unit added a version."""
        ...


@dataclass(frozen=True)
class FiledObligation:
    """An obligation as stored: whose it is, from which source, when it was filed, and
    whether it can still be read (False once a withdrawal erased it) and was paid."""

    id: str
    subject_key: str
    source: str
    filed_on: dt.date
    kept: bool
    paid: bool


class OptinRepository(Protocol):
    """Opt-in scores (docs/design.md section 9), walled off from the ledger: scorecard
    versions, consents, obligations and payments. Obligations and their payments are
    sealed under the subject's own key for their source; :meth:`erase` destroys it."""

    def scorecards(self) -> list[Scorecard]:
        """Every stored scorecard version, by id and ``effective_from``."""
        ...

    def scorecard_count(self) -> int: ...

    def add_scorecard(self, scorecard: Scorecard, source: str) -> None:
        """Store a new scorecard version with the TOML text it was read from."""
        ...

    def fingerprints(self, event_ids: Iterable[str]) -> dict[str, str]:
        """The keyed fingerprint of each stored opt-in event among ``event_ids``."""
        ...

    def consents(self, subject: SubjectRef) -> dict[str, list[ConsentEvent]]:
        """The subject's consent events by scorecard, in the order they were filed."""
        ...

    def obligations(self, subject: SubjectRef) -> list[tuple[Obligation, dt.date]]:
        """The subject's obligations that can still be read, each with the day it was
        filed and its payment (``paid_on``), in the order they were filed."""
        ...

    def obligation(self, obligation_id: str) -> FiledObligation | None: ...

    def file(
        self,
        event_id: str,
        kind: str,
        subject: SubjectRef | None,
        body: dict[str, Any],
        fingerprint: str,
        filed_on: dt.date,
        submitted_by: str | None,
        *,
        scorecard: str | None = None,
        source: str | None = None,
        obligation: FiledObligation | None = None,
    ) -> None:
        """Append one opt-in event: a consent sealed under the deployment's key, an
        obligation (``source``) or a payment (``obligation``) under the subject's key
        for the source."""
        ...

    def erase(self, subject: SubjectRef, sources: Iterable[str]) -> int:
        """Destroy the subject's keys for ``sources``: every obligation and payment sealed
        under them so far is gone for good. Returns how many keys were destroyed."""
        ...


class ReadModelRepository(Protocol):
    """Each subject's read model (docs/design.md section 4 as a function of the day,
    :mod:`xinyong.domain.read_model`), kept in the same transaction as the events that
    change it, and every list entry's pieces for the public lists. A projection of the
    ledger: rebuilt from it at any time, never the source of an answer it contradicts."""

    def stored(self, subject: SubjectRef) -> StoredModel | None:
        """The subject's stored read model with what it was computed from and the latest
        ledger event filed under the subject now, if one is stored and is intact (a row
        altered outside the service is treated as absent)."""
        ...

    def put(self, models: Iterable[tuple[str, int, ReadModel]], catalogs: str) -> None:
        """Store ``(lookup key, head, read model)`` for each subject, replacing what was
        stored for it (its list pieces too), as computed under ``catalogs``."""
        ...

    def count(self) -> int:
        """How many subjects have a stored read model."""
        ...

    def listed(self, list_id: str, day: dt.date) -> list[ListedPiece]:
        """The pieces of ``list_id``'s entries in effect on ``day``."""
        ...

    def pieces_of(self, keys: Iterable[str]) -> dict[str, list[ListedPiece]]:
        """The stored list pieces of the subjects filed under ``keys`` (intact rows only)."""
        ...

    def span_pages(self, size: int) -> Iterator[list[Mapping[str, tuple[Span, ...]]]]:
        """Every stored read model's spans by catalog (intact rows only), ``size``
        subjects at a time: what aggregates over everyone need, without identities."""
        ...

    def list_sizes(self, days: Sequence[dt.date]) -> dict[str, list[int]]:
        """For each list, how many of its entries were in effect on each of ``days``
        (intact rows only); lists with none on any day are left out."""
        ...


class DirectoryRepository(Protocol):
    """The public directory of organisations: a projection of the subject events."""

    def organisation(self, subject: SubjectRef) -> Organisation | None: ...

    def search(self, query: str, limit: int = 50, offset: int = 0) -> list[Organisation]:
        """Organisations matching ``query`` (:func:`xinyong.domain.lookup.lookup_query`:
        the folded name contains its name, or the code starts with its code), by folded
        name (unnamed last) then code: ``limit`` of them, from the ``offset``-th."""
        ...

    def count(self, query: str) -> int:
        """How many organisations :meth:`search` finds for ``query`` in all."""
        ...

    def names(self, codes: Iterable[str]) -> dict[str, str | None]:
        """The names of the organisations of ``codes`` that are in the directory, by code."""
        ...


class CaseRepository(Protocol):
    """Repair applications and requests for review."""

    def open(
        self, kind: str, subject: SubjectRef, record: str | None, body: dict[str, Any], slot: str | None = None
    ) -> str:
        """Open a case and return its id. ``slot`` is the place it takes: a second case
        in one place is a :class:`Collision`."""
        ...

    def decide(self, case: Case, body: dict[str, Any]) -> None:
        """Decide an open case; a second decision of one case is a :class:`Collision`."""
        ...

    def get(self, case_id: str) -> Case | None: ...

    def all(self, kind: str | None = None, subject: SubjectRef | None = None) -> list[Case]:
        """Cases in the order they were opened."""
        ...

    def opened_for_record(self, kind: str, record: str) -> int:
        """How many cases of ``kind`` were ever opened on ``record``."""
        ...


class AttachmentRepository(Protocol):
    """Files attached to cases: appended, never changed; their names and bytes sealed
    under the subject's own key."""

    def add(self, case_kind: str, case_id: str, subject: SubjectRef, file: Accepted) -> Attachment:
        """Attach ``file`` to the case, filed under ``subject``."""
        ...

    def of_cases(self, case_kind: str, case_ids: Iterable[str]) -> dict[str, list[Attachment]]:
        """The attachments of each of the cases of ``case_kind`` (without their bytes),
        in the order they were attached; cases without any are left out."""
        ...

    def get(self, attachment_id: str) -> Attachment | None:
        """One attachment, without its bytes."""
        ...

    def content(self, attachment_id: str) -> bytes | None:
        """The bytes of one attachment: None when there is none, or its subject's key
        was erased."""
        ...


class NoticeRepository(Protocol):
    """The outbox of notices, the inbox read from it, and the log of deliveries."""

    def write(self, drafts: Iterable[NoticeDraft]) -> int:
        """Write notices; one whose dedupe key was already written is skipped."""
        ...

    def written(self, keys: Iterable[str]) -> set[str]:
        """The dedupe keys among ``keys`` that notices were written under (a read:
        ``write`` still skips what another writer wrote meanwhile)."""
        ...

    def inbox(self, subject: SubjectRef, limit: int = 500) -> list[Notice]:
        """The subject's notices, newest first (not those addressed to sources)."""
        ...

    def for_source(self, source: str, limit: int = 500) -> list[Notice]: ...

    def mark_read(self, subject: SubjectRef, notice_ids: Iterable[str] | None = None) -> int:
        """Mark the subject's notices (those of ``notice_ids``, or all) read now, each once:
        a read receipt on the ``inbox`` channel of the delivery log. Returns how many
        were unread; ids of other subjects' notices are ignored."""
        ...

    def count(self) -> int: ...

    def rounds(self) -> NoticeRounds | None:
        """Where the notice rounds stand (None before the first whole round)."""
        ...

    def due_between(self, after: dt.date, upto: dt.date) -> list[str]:
        """The ids of the records whose next due day (:meth:`keep_due`) is after ``after``
        and not after ``upto``."""
        ...

    def keep_due(self, days: Mapping[str, dt.date | None]) -> None:
        """Keep each record's next due day (``domain.notices.next_due_day``) in place of
        what was kept for it; None: nothing more comes due for it."""
        ...

    def note_rounds(self, standing: NoticeRounds) -> None:
        """Keep where the notice rounds stand, in place of what was kept."""
        ...

    def due_for_delivery(self, channel: str, now: dt.datetime, limit: int = 200) -> list[tuple[Notice, int]]:
        """Notices to subjects not yet delivered on ``channel`` whose next attempt is due,
        with the number of attempts so far."""
        ...

    def log_attempt(
        self,
        notice: Notice,
        channel: str,
        attempt: int,
        outcome: str,
        error: str | None = None,
        retry_in: dt.timedelta | None = None,
    ) -> None: ...


class AccessLogRepository(Protocol):
    """Every read of a subject's data, with who read it and why."""

    def write(
        self,
        subjects: list[SubjectRef],
        reader: Reader,
        what: str,
        purpose: str | None,
        details: list[str | None] | None = None,
    ) -> None: ...

    def entries(
        self, subject: SubjectRef | None = None, limit: int = 100, offset: int = 0, *, own: bool | None = None
    ) -> tuple[int, list[Access]]:
        """Entries newest first, for one subject or all; with the total count. With
        ``own``, only the subjects' reads of their own data (True: a subject reads only
        itself) or only everyone else's (False)."""
        ...

    def readers(self, subject: SubjectRef, role: str, what: str) -> set[str]:
        """The names of every reader of ``role`` that read ``what`` of ``subject``."""
        ...


class WebhookOutboxRepository(Protocol):
    """Webhook messages (docs/api.md), written in the transaction of the event that causes
    them and sent later by the rounds."""

    def publish(self, owner_role: str, owner_name: str | None, event_type: str, items: list[dict[str, Any]]) -> int:
        """A message with each of ``items`` as its data, to every enabled endpoint of the
        owner (of every owner of ``owner_role`` when ``owner_name`` is None) that takes
        ``event_type``; how many were written."""
        ...


@dataclass(frozen=True)
class BundleReceived:
    """A bundle this node imported, with its provenance (docs/design.md section 10)."""

    seq: int  # the order it was imported in
    node: str
    list: str
    title: str
    as_of: dt.date
    public_key: str
    signature: str
    digest: str
    entries: int
    received_at: str
    received_from: str
    imported_by: str

    @property
    def name(self) -> str:
        return f"{self.node}/{self.list}"


@dataclass(frozen=True)
class Partner:
    """A node trusted to sign lists: its name, public key and where its lists are pulled."""

    name: str
    public_key: str
    url: str | None
    since: str
    by: str


@dataclass(frozen=True)
class ForeignRow:
    """One stored entry of a foreign list about one subject, with its bundle's ``as_of``."""

    node: str
    list: str
    as_of: dt.date
    bundle: int  # the seq of the bundle that holds it
    entry: BundleEntry


class PullFailed(RuntimeError):
    """A partner's bundle could not be fetched (the port a bundle fetcher raises); the
    message says from where and why."""


class FederationRepository(Protocol):
    """Bundles received from partner nodes, their entries, and the trusted partners;
    all appended, never changed."""

    def add(self, bundle: Bundle, digest: str, received_from: str, imported_by: str) -> None:
        """Keep ``bundle`` (already admitted) and its entries, each subject sealed."""
        ...

    def bundles(self, node: str | None = None, list_id: str | None = None) -> list[BundleReceived]:
        """The bundles imported, by ``as_of`` and then in the order imported (of one node
        and list when named)."""
        ...

    def held(self, node: str, list_id: str, bundle: int | None = None) -> set[tuple[str, str]]:
        """Every (subject lookup key, record) that a bundle of ``node``'s list held (the
        bundle numbered ``bundle`` only, when given)."""
        ...

    def of_subjects(
        self, subjects: Iterable[SubjectRef], names: Iterable[str] | None = None
    ) -> dict[SubjectRef, list[ForeignRow]]:
        """The stored entries about each of ``subjects`` (of the lists ``NODE/LIST`` in
        ``names``, or of every list)."""
        ...

    def trust(self, name: str, public_key: str, url: str | None, by: str) -> None: ...

    def distrust(self, name: str, by: str) -> None: ...

    def partners(self) -> list[Partner]:
        """The partners trusted now (the latest event of each name), by name."""
        ...


class AuditRepository(Protocol):
    """What an auditor checks: the keyed chains of the append-only tables, and the public
    directory against the ledger it is projected from."""

    def verify(self, marks: dict[str, int] | None = None) -> list[ChainReport]:
        """Recompute the chain of every append-only table from its first row, the
        ledger's first (then catalog versions, notices, deliveries, cases, attachments, the access
        log); each report with the keyed hash of the row ``marks`` names for its table."""
        ...

    def directory_drift(self) -> list[str]:
        """Where the directory of organisations differs from the ledger's latest
        ``subject`` events (empty when it agrees)."""
        ...


# --------------------------------------------------------------------- unit of work


class UnitOfWork(abc.ABC):
    """One use case's view of the store: its repositories, read and written in one
    transaction that ``commit()`` keeps and anything else rolls back.

    ``with units() as uow: ...; uow.commit()``: leaving the block without ``commit()``,
    or by an exception, keeps nothing."""

    ledger: LedgerRepository
    texts: FreeTextKeys
    catalogs: CatalogRepository
    directory: DirectoryRepository
    cases: CaseRepository
    attachments: AttachmentRepository
    notices: NoticeRepository
    access_log: AccessLogRepository
    audit: AuditRepository
    read_models: ReadModelRepository
    optin: OptinRepository
    federation: FederationRepository
    webhooks: WebhookOutboxRepository
    read_only: bool
    # Run by commit() before the transaction is kept, in order (the read models are
    # brought up to date here, in the same transaction as the events that changed them).
    before_commit: list[Callable[[UnitOfWork], None]]

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.rollback()

    @abc.abstractmethod
    def commit(self) -> None:
        """Keep everything written in this unit."""

    @abc.abstractmethod
    def rollback(self) -> None:
        """Drop everything written in this unit and not committed (nothing after commit)."""


class UnitsOfWork(Protocol):
    """Opens units of work: ``units()`` for a use case that writes, ``units(read_only=True)``
    for one that only reads (and takes no write lock), ``units(bulk=True)`` for a big
    import, which may hold other processes off until it commits (on SQLite, when nothing
    else has the file open: see ``xinyong.adapters.storage.wal``). A writing unit opened
    with ``wait`` (seconds) waits at most that long for the write lock, and raises
    :class:`WriteLockBusy` on entering when another writer holds it longer; without it,
    a unit waits as long as the lock is held."""

    def __call__(self, *, read_only: bool = False, bulk: bool = False, wait: float | None = None) -> UnitOfWork: ...
