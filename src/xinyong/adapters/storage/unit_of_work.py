"""The unit of work over SQLAlchemy: one connection and one transaction per use case,
with the repositories of ``xinyong.services.unit_of_work`` bound to it.

A writing unit takes the write lock when it begins (SQLite's ``BEGIN IMMEDIATE``, set up
by ``make_engine``; a transaction-scoped advisory lock on PostgreSQL), so that reading
the state and appending after it cannot interleave with another writer, in this process
or any other. A read-only unit takes no lock and reads one consistent snapshot (WAL on
SQLite). A write the database refuses as a duplicate (a unique index: one decision per
case, one event per id, one case per place) leaves the unit as a
:class:`~xinyong.services.unit_of_work.Collision`, with nothing written.

A read-only unit opened on the thread of an event loop (the server's, where every check
reads its subject's read model) uses a connection held for that thread (:class:`_Held`)
rather than one taken from the pool and given back: each unit is still its own
transaction and snapshot, without the pool's work, which cost a check more than its
reads."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any, Generic, TypeVar, overload

from sqlalchemy import Connection, Engine, RootTransaction
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.exc import DBAPIError, IntegrityError

from xinyong.adapters.storage.access_log import AccessLog
from xinyong.adapters.storage.attachments import AttachmentFiles
from xinyong.adapters.storage.cases import CaseBook
from xinyong.adapters.storage.federation import FederationTables
from xinyong.adapters.storage.optin import OptinBook
from xinyong.adapters.storage.outbox import Outbox
from xinyong.adapters.storage.read_models import SqlReadModels
from xinyong.adapters.storage.store import LedgerStore, take_write_lock
from xinyong.adapters.storage.webhooks import WebhookBook
from xinyong.domain.access import Reader
from xinyong.domain.attachments import Accepted
from xinyong.domain.catalog.model import Catalog
from xinyong.domain.events import SubjectEvent
from xinyong.domain.federation import Bundle
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.notices import NoticeDraft
from xinyong.domain.optin import ConsentEvent, Obligation
from xinyong.domain.read_model import ReadModel, Span
from xinyong.domain.scorecard import Scorecard
from xinyong.domain.standing import RecordFile
from xinyong.services.unit_of_work import (
    Access,
    Attachment,
    BundleReceived,
    Case,
    ChainReport,
    Collision,
    DisputeActivity,
    Event,
    FiledObligation,
    ForeignRow,
    ListedPiece,
    Notice,
    NoticeRounds,
    Organisation,
    Partner,
    ReadOnly,
    StoredModel,
    StoredRecord,
    SubjectHistory,
    SubjectLedger,
    SubjectOutline,
    SubjectSummary,
    UnitOfWork,
)


class _Bound:
    """Where a unit's repositories find their connection, and whether they may write."""

    def __init__(self, read_only: bool):
        self.read_only = read_only
        self._connection: Connection | None = None

    @property
    def connection(self) -> Connection:
        if self._connection is None:
            raise RuntimeError("the unit of work is not open: use it in a `with` block, before commit()")
        return self._connection

    def attach(self, connection: Connection | None) -> None:
        """Bind the repositories to ``connection`` (None: to nothing)."""
        self._connection = connection

    def writing(self) -> Connection:
        if self.read_only:
            raise ReadOnly("a read-only unit of work writes nothing")
        return self.connection


class SqlLedger:
    def __init__(self, store: LedgerStore, bound: _Bound):
        self._store = store
        self._bound = bound
        # The subjects appended under and not settled since, by lookup key.
        self._appended: set[str] = set()

    def subject_key(self, subject: SubjectRef) -> str:
        return self._store.subject_key(subject)

    def fingerprint(self, canonical: str) -> str:
        return self._store.sealer.fingerprint(canonical)

    def append(
        self,
        events: Sequence[Event],
        submitted_by: str | None = None,
        record_subjects: dict[str, SubjectRef] | None = None,
    ) -> int:
        written = self._store.append(self._bound.writing(), events, submitted_by, record_subjects)
        filed_under = record_subjects or {}
        subjects: set[SubjectRef] = set()
        for event in events:
            subject = getattr(event, "subject", None) or filed_under.get(getattr(event, "record", None) or "")
            if isinstance(subject, SubjectRef):
                subjects.add(subject)
        self._appended.update(self._store.subject_key(s) for s in subjects)
        return written

    def appended_subjects(self) -> set[str]:
        return set(self._appended)

    def settled(self, keys: Iterable[str]) -> None:
        self._appended.difference_update(keys)

    def subject_histories(self, keys: Iterable[str]) -> dict[str, SubjectHistory]:
        return self._store.subject_histories(self._bound.connection, keys)

    def subject_outlines(self, keys: Iterable[str]) -> dict[str, SubjectOutline]:
        return self._store.subject_outlines(self._bound.connection, keys)

    def subject_key_pages(self, size: int) -> Iterator[list[str]]:
        return self._store.subject_key_pages(self._bound.connection, size)

    def subject_sizes(self, keys: Iterable[str]) -> dict[str, int]:
        return self._store.subject_sizes(self._bound.connection, keys)

    def filed_catalogs(self, keys: Iterable[str]) -> dict[str, set[str]]:
        return self._store.filed_catalogs(self._bound.connection, keys)

    def records(self, record_ids: Iterable[str], *, text: bool = True) -> dict[str, StoredRecord]:
        return self._store.records(self._bound.connection, record_ids, text)

    def subject_ledger(self, subject: SubjectRef | str, *, text: bool = True) -> SubjectLedger:
        files, facts = self._store.subject_ledger(self._bound.connection, subject, text)
        return SubjectLedger(files, facts)

    def latest_subject_events(self, subjects: Iterable[SubjectRef]) -> dict[SubjectRef, SubjectEvent]:
        return self._store.latest_subject_events(self._bound.connection, subjects)

    def contact_histories(self, subjects: Iterable[SubjectRef]) -> dict[SubjectRef, list[str]]:
        return self._store.contact_histories(self._bound.connection, subjects)

    def contact_languages(self, subjects: Iterable[SubjectRef]) -> dict[SubjectRef, str | None]:
        return self._store.contact_languages(self._bound.connection, subjects)

    def later_events_by_id(self, event_ids: Iterable[str]) -> dict[str, str]:
        return self._store.later_events_by_id(self._bound.connection, event_ids)

    def head(self) -> int:
        return self._store.head(self._bound.connection)

    def event_count(self) -> int:
        return self._store.event_count(self._bound.connection)

    def record_count(self) -> int:
        return self._store.record_count(self._bound.connection)

    def latest_act(self, catalog_id: str, today: dt.date) -> dt.date | None:
        return self._store.latest_act(self._bound.connection, catalog_id, today)

    def dispute_filings(self) -> dict[str, list[int]]:
        return self._store.dispute_filings(self._bound.connection)

    def record_ids(self) -> list[str]:
        return self._store.all_record_ids(self._bound.connection)

    def record_ids_for_rules(self, rules: Iterable[str]) -> list[str]:
        return self._store.record_ids_for_rules(self._bound.connection, rules)

    def record_ids_changed_after(self, seq: int) -> list[str]:
        return self._store.record_ids_changed_after(self._bound.connection, seq)

    def record_pages(self, size: int) -> Iterator[list[RecordFile]]:
        return self._store.record_pages(self._bound.connection, size)

    def subject_pages(self, size: int) -> Iterator[list[SubjectSummary]]:
        return self._store.subject_pages(self._bound.connection, size)

    def latest_subject_event_pages(self, size: int) -> Iterator[list[SubjectEvent]]:
        return self._store.latest_subject_event_pages(self._bound.connection, size)

    def dispute_activity(self, since: dt.date) -> list[DisputeActivity]:
        return self._store.dispute_activity(self._bound.connection, since)


class SqlFreeTextKeys:
    def __init__(self, store: LedgerStore, bound: _Bound):
        self._store = store
        self._bound = bound

    def holders(self) -> list[str]:
        return self._store.text_key_holders(self._bound.connection)

    def erase(self, subject_key: str) -> bool:
        return self._store.erase_key(self._bound.writing(), subject_key)


class SqlCatalogs:
    def __init__(self, store: LedgerStore, bound: _Bound):
        self._store = store
        self._bound = bound

    def all(self) -> list[Catalog]:
        return self._store.catalogs(self._bound.connection)

    def count(self) -> int:
        return self._store.catalog_count(self._bound.connection)

    def add(self, catalog: Catalog, source: str) -> None:
        self._store.add_catalog(self._bound.writing(), catalog, source)
        self._added = True

    def added(self) -> bool:
        return getattr(self, "_added", False)


class SqlReadModelRepository:
    def __init__(self, read_models: SqlReadModels, bound: _Bound):
        self._read_models = read_models
        self._bound = bound

    def stored(self, subject: SubjectRef) -> StoredModel | None:
        return self._read_models.stored(self._bound.connection, subject)

    def put(self, models: Iterable[tuple[str, int, ReadModel]], catalogs: str) -> None:
        self._read_models.put(self._bound.writing(), models, catalogs)

    def count(self) -> int:
        return self._read_models.count(self._bound.connection)

    def listed(self, list_id: str, day: dt.date) -> list[ListedPiece]:
        return self._read_models.listed(self._bound.connection, list_id, day)

    def pieces_of(self, keys: Iterable[str]) -> dict[str, list[ListedPiece]]:
        return self._read_models.pieces_of(self._bound.connection, keys)

    def span_pages(self, size: int) -> Iterator[list[Mapping[str, tuple[Span, ...]]]]:
        return self._read_models.span_pages(self._bound.connection, size)

    def list_sizes(self, days: Sequence[dt.date]) -> dict[str, list[int]]:
        return self._read_models.list_sizes(self._bound.connection, days)


class SqlDirectory:
    def __init__(self, store: LedgerStore, bound: _Bound):
        self._store = store
        self._bound = bound

    def organisation(self, subject: SubjectRef) -> Organisation | None:
        return self._store.organisation(self._bound.connection, subject)

    def search(self, query: str, limit: int = 50, offset: int = 0) -> list[Organisation]:
        return self._store.search_organisations(self._bound.connection, query, limit, offset)

    def count(self, query: str) -> int:
        return self._store.count_organisations(self._bound.connection, query)

    def names(self, codes: Iterable[str]) -> dict[str, str | None]:
        return self._store.organisation_names(self._bound.connection, codes)


class SqlCases:
    def __init__(self, book: CaseBook, bound: _Bound):
        self._book = book
        self._bound = bound

    def open(
        self, kind: str, subject: SubjectRef, record: str | None, body: dict[str, Any], slot: str | None = None
    ) -> str:
        return self._book.open(kind, subject, record, body, self._bound.writing(), slot=slot)

    def decide(self, case: Case, body: dict[str, Any]) -> None:
        self._book.decide(case, body, self._bound.writing())

    def get(self, case_id: str) -> Case | None:
        return self._book.get(case_id, self._bound.connection)

    def all(self, kind: str | None = None, subject: SubjectRef | None = None) -> list[Case]:
        return self._book.all(kind, subject, self._bound.connection)

    def opened_for_record(self, kind: str, record: str) -> int:
        return self._book.opened_for_record(kind, record, self._bound.connection)


class SqlAttachments:
    def __init__(self, files: AttachmentFiles, bound: _Bound):
        self._files = files
        self._bound = bound

    def add(self, case_kind: str, case_id: str, subject: SubjectRef, file: Accepted) -> Attachment:
        return self._files.add(self._bound.writing(), case_kind, case_id, subject, file)

    def of_cases(self, case_kind: str, case_ids: Iterable[str]) -> dict[str, list[Attachment]]:
        return self._files.of_cases(self._bound.connection, case_kind, case_ids)

    def get(self, attachment_id: str) -> Attachment | None:
        return self._files.get(self._bound.connection, attachment_id)

    def content(self, attachment_id: str) -> bytes | None:
        return self._files.content(self._bound.connection, attachment_id)


class SqlNotices:
    def __init__(self, outbox: Outbox, bound: _Bound):
        self._outbox = outbox
        self._bound = bound

    def write(self, drafts: Iterable[NoticeDraft]) -> int:
        return self._outbox.write(self._bound.writing(), drafts)

    def inbox(self, subject: SubjectRef, limit: int = 500) -> list[Notice]:
        return self._outbox.inbox(subject, limit, self._bound.connection)

    def for_source(self, source: str, limit: int = 500) -> list[Notice]:
        return self._outbox.for_source(source, limit, self._bound.connection)

    def mark_read(self, subject: SubjectRef, notice_ids: Iterable[str] | None = None) -> int:
        return self._outbox.mark_read(self._bound.writing(), subject, notice_ids)

    def count(self) -> int:
        return self._outbox.count(self._bound.connection)

    def written(self, keys: Iterable[str]) -> set[str]:
        return self._outbox.written(self._bound.connection, list(keys))

    def rounds(self) -> NoticeRounds | None:
        return self._outbox.rounds(self._bound.connection)

    def note_rounds(self, standing: NoticeRounds) -> None:
        self._outbox.note_rounds(self._bound.writing(), standing)

    def due_between(self, after: dt.date, upto: dt.date) -> list[str]:
        return self._outbox.due_between(self._bound.connection, after, upto)

    def keep_due(self, days: Mapping[str, dt.date | None]) -> None:
        self._outbox.keep_due(self._bound.writing(), days)

    def due_for_delivery(self, channel: str, now: dt.datetime, limit: int = 200) -> list[tuple[Notice, int]]:
        return self._outbox.due_for_delivery(channel, now, limit, self._bound.connection)

    def log_attempt(
        self,
        notice: Notice,
        channel: str,
        attempt: int,
        outcome: str,
        error: str | None = None,
        retry_in: dt.timedelta | None = None,
    ) -> None:
        self._outbox.log_attempt(notice, channel, attempt, outcome, error, retry_in, self._bound.writing())


class SqlWebhookOutbox:
    def __init__(self, book: WebhookBook, bound: _Bound):
        self._book = book
        self._bound = bound

    def publish(self, owner_role: str, owner_name: str | None, event_type: str, items: list[dict[str, Any]]) -> int:
        return self._book.publish(self._bound.writing(), owner_role, owner_name, event_type, items)


class SqlAccessLog:
    def __init__(self, log: AccessLog, bound: _Bound):
        self._log = log
        self._bound = bound

    def write(
        self,
        subjects: list[SubjectRef],
        reader: Reader,
        what: str,
        purpose: str | None,
        details: list[str | None] | None = None,
    ) -> None:
        self._log.write(self._bound.writing(), subjects, reader, what, purpose, details)

    def entries(
        self, subject: SubjectRef | None = None, limit: int = 100, offset: int = 0, *, own: bool | None = None
    ) -> tuple[int, list[Access]]:
        return self._log.entries(subject, limit, offset, self._bound.connection, own=own)

    def readers(self, subject: SubjectRef, role: str, what: str) -> set[str]:
        return self._log.readers(self._bound.connection, subject, role, what)


class SqlOptin:
    def __init__(self, book: OptinBook, bound: _Bound):
        self._book = book
        self._bound = bound
        self.scorecard_added = False

    def scorecards(self) -> list[Scorecard]:
        return self._book.scorecards(self._bound.connection)

    def scorecard_count(self) -> int:
        return self._book.scorecard_count(self._bound.connection)

    def add_scorecard(self, scorecard: Scorecard, source: str) -> None:
        self._book.add_scorecard(self._bound.writing(), scorecard, source)
        self.scorecard_added = True

    def fingerprints(self, event_ids: Iterable[str]) -> dict[str, str]:
        return self._book.fingerprints(self._bound.connection, event_ids)

    def consents(self, subject: SubjectRef) -> dict[str, list[ConsentEvent]]:
        return self._book.consents(self._bound.connection, subject)

    def obligations(self, subject: SubjectRef) -> list[tuple[Obligation, dt.date]]:
        return self._book.obligations(self._bound.connection, subject)

    def obligation(self, obligation_id: str) -> FiledObligation | None:
        return self._book.obligation(self._bound.connection, obligation_id)

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
        self._book.file(
            self._bound.writing(),
            event_id,
            kind,
            subject,
            body,
            fingerprint,
            filed_on,
            submitted_by,
            scorecard=scorecard,
            source=source,
            obligation=obligation,
        )

    def erase(self, subject: SubjectRef, sources: Iterable[str]) -> int:
        return self._book.erase(self._bound.writing(), subject, sources)


class SqlAudit:
    def __init__(self, store: LedgerStore, bound: _Bound):
        self._store = store
        self._bound = bound

    def verify(self, marks: dict[str, int] | None = None) -> list[ChainReport]:
        return self._store.verify(self._bound.connection, marks)

    def directory_drift(self) -> list[str]:
        return self._store.directory_drift(self._bound.connection)


class SqlFederation:
    def __init__(self, tables: FederationTables, bound: _Bound):
        self._tables = tables
        self._bound = bound

    def add(self, bundle: Bundle, digest: str, received_from: str, imported_by: str) -> None:
        self._tables.add(self._bound.writing(), bundle, digest, received_from, imported_by)

    def bundles(self, node: str | None = None, list_id: str | None = None) -> list[BundleReceived]:
        return self._tables.bundles(self._bound.connection, node, list_id)

    def held(self, node: str, list_id: str, bundle: int | None = None) -> set[tuple[str, str]]:
        return self._tables.held(self._bound.connection, node, list_id, bundle)

    def of_subjects(
        self, subjects: Iterable[SubjectRef], names: Iterable[str] | None = None
    ) -> dict[SubjectRef, list[ForeignRow]]:
        return self._tables.of_subjects(self._bound.connection, subjects, names)

    def trust(self, name: str, public_key: str, url: str | None, by: str) -> None:
        self._tables.partner_event(self._bound.writing(), name, "trusted", public_key, url, by)

    def distrust(self, name: str, by: str) -> None:
        self._tables.partner_event(self._bound.writing(), name, "removed", None, None, by)

    def partners(self) -> list[Partner]:
        return self._tables.partners(self._bound.connection)


class _Held(threading.local):
    """The reading connection held for one thread, and whether a unit is using it (a
    read-only unit opened inside another on the same thread takes one from the pool)."""

    connection: Connection | None = None
    busy: bool = False


class _HeldConnections:
    """Reading connections held per event-loop thread, closed with the engine."""

    def __init__(self, engine: Engine):
        self.here = _Held()
        self._all: list[Connection] = []
        self._lock = threading.Lock()
        sqlalchemy_event.listen(engine, "engine_disposed", lambda _engine: self.close())

    def take(self, reading_engine: Engine) -> Connection | None:
        """This thread's held connection, if this thread runs an event loop and its
        connection is free; None otherwise (take one from the pool)."""
        here = self.here
        if here.busy or asyncio._get_running_loop() is None:  # noqa: SLF001 - the public get_running_loop raises
            return None
        if here.connection is None or here.connection.closed:
            here.connection = reading_engine.connect()
            with self._lock:
                self._all.append(here.connection)
        here.busy = True
        return here.connection

    def give_back(self, connection: Connection, broken: bool) -> None:
        """End a unit's use of this thread's connection; a connection that failed is
        closed, and the next unit opens another."""
        here = self.here
        here.busy = False
        if broken:
            here.connection = None
            with self._lock:
                if connection in self._all:
                    self._all.remove(connection)
            connection.invalidate()
            connection.close()

    def close(self) -> None:
        with self._lock:
            held, self._all = self._all, []
        for connection in held:
            # Called once the engine has disposed of its pool: a connection merely closed
            # would go back to that old pool and stay open in the driver (a PostgreSQL
            # session that keeps its database in use). Invalidated, it is closed for good.
            connection.invalidate()
            connection.close()


_Made = TypeVar("_Made")


class _Repository(Generic[_Made]):
    """A repository of :class:`SqlUnitOfWork`, made from the unit's store and binding
    when the unit first uses it, and kept by the unit from then on."""

    def __init__(self, make: Callable[[LedgerStore, _Bound], _Made]):
        self._make = make
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, unit: None, owner: type | None = None) -> _Repository[_Made]: ...
    @overload
    def __get__(self, unit: SqlUnitOfWork, owner: type | None = None) -> _Made: ...
    def __get__(self, unit: SqlUnitOfWork | None, owner: type | None = None) -> _Made | _Repository[_Made]:
        if unit is None:
            return self
        made = self._make(unit._store, unit._bound)  # noqa: SLF001 - the unit's own parts
        unit.__dict__[self._name] = made  # found before this descriptor from now on
        return made


class SqlUnitOfWork(UnitOfWork):
    """One connection and one transaction, opened when the ``with`` block is entered."""

    def __init__(
        self,
        store: LedgerStore,
        read_only: bool = False,
        held: _HeldConnections | None = None,
        bulk: bool = False,
        wait: float | None = None,
    ):
        self._store = store
        self.read_only = read_only
        self.bulk = bulk and not read_only
        self.wait = None if read_only else wait
        self._held = held if read_only else None
        self._holding = False  # whether this unit uses its thread's held connection
        self._bound = _Bound(read_only)
        self._connection: Connection | None = None
        self._transaction: RootTransaction | None = None
        self.before_commit = []

    # Each repository is made the first time the unit uses it: a check's unit uses two
    # of them, and making all thirteen cost every check more than its read.
    ledger = _Repository(SqlLedger)
    texts = _Repository(SqlFreeTextKeys)
    catalogs = _Repository(SqlCatalogs)
    directory = _Repository(SqlDirectory)
    cases = _Repository(lambda store, bound: SqlCases(CaseBook(store), bound))
    attachments = _Repository(lambda store, bound: SqlAttachments(AttachmentFiles(store), bound))
    notices = _Repository(lambda store, bound: SqlNotices(Outbox(store), bound))
    access_log = _Repository(lambda store, bound: SqlAccessLog(AccessLog(store), bound))
    audit = _Repository(SqlAudit)
    read_models = _Repository(lambda store, bound: SqlReadModelRepository(SqlReadModels(store), bound))
    optin = _Repository(lambda store, bound: SqlOptin(OptinBook(store), bound))
    federation = _Repository(lambda store, bound: SqlFederation(FederationTables(store), bound))
    webhooks = _Repository(lambda store, bound: SqlWebhookOutbox(WebhookBook(store), bound))

    def __enter__(self) -> SqlUnitOfWork:
        # make_engine's SQLite listener begins a reading transaction without the write
        # lock for a connection marked read-only; WAL gives it a snapshot. PostgreSQL
        # gives a snapshot to a REPEATABLE READ transaction.
        held = self._held.take(self._store.reading_engine) if self._held is not None else None
        self._holding = held is not None
        connection = held or (self._store.reading_engine if self.read_only else self._store.engine).connect()
        try:
            if self.bulk:
                # make_engine's SQLite listener: the file alone, when nothing else has it open.
                connection.execution_options(bulk=True)
            if self.wait is not None and connection.dialect.name == "sqlite":
                # make_engine's SQLite listener: the write lock within this time, or WriteLockBusy.
                connection.execution_options(lock_wait=self.wait)
            self._transaction = connection.begin()
            if not self.read_only and connection.dialect.name == "postgresql":
                # Serialise writers so that every hash chain has one head.
                take_write_lock(connection, self.wait)
        except BaseException:
            self._let_go(connection, broken=True)
            raise
        self._connection = connection
        self._bound.attach(connection)
        return self

    def _let_go(self, connection: Connection, broken: bool) -> None:
        if self._holding and self._held is not None:
            self._holding = False
            self._held.give_back(connection, broken)
        else:
            connection.close()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        broken = True
        try:
            self.rollback()
            broken = False
        finally:
            self._bound.attach(None)
            if self._connection is not None:
                # A held connection whose unit failed in the database is not kept: it
                # may be in a state the next unit should not inherit.
                failed = broken or (error is not None and isinstance(error, DBAPIError))
                self._let_go(self._connection, broken=failed)
                self._connection = None
        if isinstance(error, IntegrityError):
            raise Collision(str(error.orig)) from error

    def commit(self) -> None:
        if self._transaction is None or not self._transaction.is_active:
            raise RuntimeError("nothing to commit: the unit of work is not open")
        if self.read_only:
            raise ReadOnly("a read-only unit of work commits nothing")
        for hook in self.before_commit:
            hook(self)
        try:
            self._transaction.commit()
        except IntegrityError as error:
            raise Collision(str(error.orig)) from error
        finally:
            self._transaction = None
            # Whatever is asked after commit() would be a transaction of its own.
            self._bound.attach(None)

    def rollback(self) -> None:
        if self._transaction is not None:
            if self._transaction.is_active:
                self._transaction.rollback()
            self._transaction = None


class SqlUnitsOfWork:
    """Opens SQL units of work over one store (one engine)."""

    def __init__(self, store: LedgerStore):
        self.store = store
        self._held = _HeldConnections(store.engine)

    def __call__(self, *, read_only: bool = False, bulk: bool = False, wait: float | None = None) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.store, read_only, self._held, bulk, wait)
