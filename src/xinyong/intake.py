"""Intake: events from sources are validated against the ledger and the catalogs and
appended all or nothing.

A file is applied in order, in one transaction. A bad line is reported with its line
number and reason and nothing of the file is written; with ``skip_invalid`` the good
lines are written and the bad ones are returned as rejections. Re-importing the same
file changes nothing: records are idempotent by id, later events by content."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from xinyong.catalog.library import CatalogLibrary
from xinyong.events import ContactEvent, InvalidEvent, RecordEvent, SubjectEvent, parse_event, parse_event_line
from xinyong.identifiers import InvalidIdentifier, SubjectRef
from xinyong.ledger.outbox import Outbox
from xinyong.ledger.store import Event, LedgerStore
from xinyong.notices import NoticeDraft, change_notices, contact_notice, record_notice, subject_facts_notice
from xinyong.standing import RecordFile, Rejected, admit_record, apply_change


@dataclass(frozen=True)
class Rejection:
    line: int  # 1-based line number, or position in a submitted batch
    reason: str
    text: str  # the line as it was received


@dataclass
class ImportResult:
    read: int = 0
    written: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)  # the first KEEP_REJECTIONS
    rejected_count: int = 0
    notices: int = 0
    written_by_type: Counter = field(default_factory=Counter)


class Submitter(Protocol):
    """Who submits events over the service: a source, limited to rules in its scopes
    and to events on its own records; the registry, the one writer of a subject's
    facts; a subject, setting its own contact address."""

    name: str
    role: str
    subject: SubjectRef | None

    def may_record(self, rule: str) -> bool: ...


class ImportRefused(ValueError):
    """Lines that do not fit; nothing was written."""

    def __init__(self, rejections: list[Rejection], count: int | None = None):
        self.rejections = rejections
        self.count = count if count is not None else len(rejections)
        first = rejections[0]
        more = f" (and {self.count - 1} more)" if self.count > 1 else ""
        super().__init__(f"line {first.line}: {first.reason}{more}; nothing was written")


class ImportForbidden(ImportRefused):
    """Events the submitter is not authorised for; nothing was written."""


Parsed = tuple[int, str, Event | None, str | None]  # line, text, event, parse error
FACTS = (SubjectEvent, ContactEvent)  # events about a subject itself, not about a record


@dataclass
class SubjectFacts:
    """What the ledger says of the subjects a batch touches, kept up to date as the batch
    is checked: each one's latest subject event and its contact history (see
    ``LedgerStore.contact_histories``)."""

    latest: dict[SubjectRef, SubjectEvent]
    addresses: dict[SubjectRef, list[str]]


BATCH = 5000  # events validated and written at a time: memory stays bounded
KEEP_REJECTIONS = 1000  # rejections kept in the result; all go to ``on_reject``


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


class Intake:
    def __init__(self, store: LedgerStore, library: CatalogLibrary, outbox: Outbox):
        self.store = store
        self.library = library
        self.outbox = outbox

    def import_lines(
        self,
        lines: Iterable[str],
        *,
        skip_invalid: bool = False,
        progress: Callable[[int], None] | None = None,
        on_reject: Callable[[Rejection], None] | None = None,
    ) -> ImportResult:
        """Apply a JSON Lines stream; ``progress`` is called with lines done."""
        return self.apply(parse_lines(lines), skip_invalid=skip_invalid, progress=progress, on_reject=on_reject)

    def submit(
        self,
        objects: list[object],
        *,
        skip_invalid: bool = False,
        submitter: Submitter | None = None,
        submitted_by: str | None = None,
    ) -> ImportResult:
        """Apply a batch of decoded event objects (numbered from 1)."""
        return self.apply(parse_objects(objects), skip_invalid=skip_invalid, submitter=submitter,
                          submitted_by=submitted_by)

    def apply(
        self,
        parsed: Iterable[Parsed],
        *,
        skip_invalid: bool = False,
        progress: Callable[[int], None] | None = None,
        on_reject: Callable[[Rejection], None] | None = None,
        submitter: Submitter | None = None,
        submitted_by: str | None = None,
    ) -> ImportResult:
        """Apply parsed events in order, in batches, all in one transaction.

        Each batch is checked against the ledger as it stands in the transaction (so
        later events see earlier ones of the same file) and appended. Any bad event
        rolls the whole transaction back unless ``skip_invalid``; forbidden events
        always do."""
        result = ImportResult()
        registry = self.library.registry()
        writer = submitter.name if submitter is not None else submitted_by

        def reject(rejection: Rejection) -> None:
            result.rejected_count += 1
            if len(result.rejected) < KEEP_REJECTIONS:
                result.rejected.append(rejection)
            if on_reject is not None:
                on_reject(rejection)

        forbidden: list[Rejection] = []
        with self.store.transaction() as connection:
            for batch in _batches(parsed, BATCH):
                result.read += len(batch)
                self._apply_batch(connection, batch, registry, result, reject, forbidden, submitter, writer)
                if progress is not None:
                    progress(result.read)
            if forbidden:
                raise ImportForbidden(forbidden)
            if result.rejected_count and not skip_invalid:
                raise ImportRefused(result.rejected, result.rejected_count)
        return result

    def _apply_batch(self, connection, batch: list[Parsed], registry, result: ImportResult, reject,
                     forbidden: list[Rejection], submitter: Submitter | None, writer: str | None) -> None:
        referenced = {
            (e.id if isinstance(e, RecordEvent) else e.record)
            for _, _, e, _ in batch
            if e is not None and not isinstance(e, FACTS)
        }
        stored = self.store.records(connection, referenced)
        files: dict[str, RecordFile] = {rid: r.file for rid, r in stored.items()}
        fingerprints: dict[str, str] = {rid: r.fingerprint for rid, r in stored.items()}
        owners: dict[str, str | None] = {rid: r.submitted_by for rid, r in stored.items()}
        concerned = [e.subject for _, _, e, _ in batch if isinstance(e, FACTS)]
        subjects = SubjectFacts(self.store.latest_subject_events(connection, concerned),
                                self.store.contact_histories(connection, concerned) if concerned else {})
        accepted: list[Event] = []
        drafts: list[NoticeDraft] = []
        for number, text, item, error in batch:
            if item is None:
                reject(Rejection(number, error or "invalid", text))
                continue
            if submitter is not None:
                refusal = self._authorise(item, submitter, files, owners)
                if refusal is not None:
                    forbidden.append(Rejection(number, refusal, text))
                    continue
                if isinstance(item, RecordEvent) and item.id not in owners:
                    owners[item.id] = submitter.name
            try:
                caused = self._fit(item, files, fingerprints, subjects, registry)
            except Rejected as problem:
                reject(Rejection(number, str(problem), text))
                continue
            if caused is None:
                result.unchanged += 1
                continue
            drafts.extend(caused)
            accepted.append(item)
            result.written_by_type[item.type] += 1
        record_subjects = {rid: file.subject for rid, file in files.items()}
        result.written += self.store.append(connection, accepted, writer, record_subjects)
        # Notices go out in the same transaction as the events that cause them.
        result.notices += self.outbox.write(connection, drafts)

    def _fit(self, item, files, fingerprints, subjects, registry) -> list[NoticeDraft] | None:
        """Check ``item`` against the state so far: the notices it causes, or None when
        it changes nothing (it was applied before)."""
        if isinstance(item, FACTS):
            return self._fit_facts(item, subjects)
        if isinstance(item, RecordEvent):
            fingerprint = self.store.fingerprint(item)
            if item.id in files:
                if fingerprints[item.id] == fingerprint:
                    return None
                raise Rejected(
                    f"record {item.id!r} already exists with different content; "
                    "a correction is a new event (annulled, then a new record)"
                )
            admit_record(item, registry)
            files[item.id] = RecordFile(item)
            fingerprints[item.id] = fingerprint
            return [record_notice(files[item.id], registry, dt.date.today())]
        file = files.get(item.record)
        if file is None:
            raise Rejected(f"{item.type}: unknown record {item.record!r}")
        updated = apply_change(file, item, registry)
        if updated is file:
            return None
        files[item.record] = updated
        return change_notices(file, item, updated, registry)

    @staticmethod
    def _fit_facts(item: SubjectEvent | ContactEvent, subjects: SubjectFacts) -> list[NoticeDraft] | None:
        """A subject event or a contact event: the notices of what it changes (the
        subject's jurisdiction or name; the address its notices are emailed to), or None
        when it changes nothing. A subject event without an email leaves the address."""
        drafts: list[NoticeDraft] = []
        today = dt.date.today()
        if isinstance(item, SubjectEvent):
            facts = subject_facts_notice(subjects.latest.get(item.subject), item, today)
            if facts is not None:
                drafts.append(facts)
                subjects.latest[item.subject] = item
        history = subjects.addresses.setdefault(item.subject, [])
        if item.email is not None and (not history or history[-1] != item.email):
            previous = history[-1] if history else None
            history.append(item.email)
            on = item.on if isinstance(item, ContactEvent) else today
            drafts.append(contact_notice(item.subject, previous, item.email, len(history) - 1, on))
        return drafts or None

    @staticmethod
    def _authorise(item, submitter: Submitter, files, owners) -> str | None:
        """Why ``submitter`` may not submit ``item``, or None when it may. A subject's
        facts are the registry's (and its contact address also the subject's own); a
        source files records, and events on its own records."""
        role = getattr(submitter, "role", "source")
        if role == "registry":
            if isinstance(item, FACTS):
                return None
            return (f"{item.type} events come from sources; the registry {submitter.name!r} "
                    "files a subject's facts only (subject and contact events)")
        if role == "subject":
            if isinstance(item, ContactEvent) and item.subject == submitter.subject:
                return None
            return "a subject sets its own contact address only"
        if isinstance(item, SubjectEvent):
            return (f"source {submitter.name!r} cannot file subject events: a subject's jurisdiction, "
                    "name and kind are set by the registry only; a source files records")
        if isinstance(item, ContactEvent):
            return (f"source {submitter.name!r} cannot set a subject's contact address: only the "
                    "subject itself or the registry can")
        if isinstance(item, RecordEvent):
            if not submitter.may_record(item.rule):
                return f"rule {item.rule!r} is outside the scopes of source {submitter.name!r}"
            if getattr(submitter, "named", False) and item.source != submitter.name:
                return (
                    f"source {submitter.name!r} cannot file a record in the name of "
                    f"{item.source!r}: a record's source is the authority that submits it"
                )
            return None
        file = files.get(item.record)
        if file is None:
            return None  # an unknown record: refused as such by the semantics
        owner = owners.get(item.record) or file.record.source
        if owner != submitter.name:
            return (
                f"record {item.record!r} was submitted by {owner!r}; a source submits "
                "events only on its own records"
            )
        return None


def _batches(items: Iterable[Parsed], size: int) -> Iterator[list[Parsed]]:
    batch: list[Parsed] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
