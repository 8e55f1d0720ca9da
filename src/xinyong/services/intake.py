"""Intake: events from sources are validated against the ledger and the catalogs and
appended all or nothing.

A file is applied in order, in one transaction. A bad line is reported with its line
number and reason and nothing of the file is written; with ``skip_invalid`` the good
lines are written and the bad ones are returned as rejections.

Every event has an identity. A record is known by its ``id``; a later event by its
``id`` when it carries one, else by an id derived from its content and its place: the
digest of what it says and its occurrence among identical events of the same import
(the first, the second, ...). Re-importing a file is therefore a no-op, while an
event repeated on purpose (a second dispute on the same grounds once the first was
decided) is a new event, filed as such. An event whose id is known with the same
content is a replay and changes nothing; with other content it is refused as an id
conflict. No event may be dated after the day it is filed."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from xinyong.domain import calendar
from xinyong.domain.events import (
    OPTIN,
    ContactEvent,
    Parsed,
    RecordChange,
    RecordEvent,
    SubjectEvent,
    dates_of,
    parse_lines,
    parse_objects,
)
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.notices import (
    NoticeDraft,
    change_notices,
    contact_notice,
    language_notice,
    record_notice,
    subject_facts_notice,
)
from xinyong.domain.standing import RecordFile, Rejected, Timelines, admit_record, apply_change
from xinyong.services import optin
from xinyong.services.catalogs import CatalogLibrary
from xinyong.services.read_models import ReadModels
from xinyong.services.unit_of_work import Event, UnitOfWork, UnitsOfWork


class IdConflict(Rejected):
    """An event whose id is already taken by an event with other content."""


class FutureDated(Rejected):
    """An event dated after the day it is filed."""


@dataclass(frozen=True)
class Rejection:
    line: int  # 1-based line number, or position in a submitted batch
    reason: str
    text: str  # the line as it was received
    conflict: bool = False  # the event's id is taken by other content


@dataclass(frozen=True)
class Identified:
    """What became of one event of a submitted batch."""

    line: int
    type: str
    id: str | None  # a record's id or a later event's; none for subject events
    outcome: str  # written | replayed


@dataclass
class ImportResult:
    read: int = 0
    written: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)  # the first KEEP_REJECTIONS
    rejected_count: int = 0
    notices: int = 0
    written_by_type: Counter = field(default_factory=Counter)
    events: list[Identified] = field(default_factory=list)  # kept for submitted batches only


@dataclass
class _Identities:
    """The event ids met during one import: derived ids count identical events over the
    whole file; the events of a batch are found by id before they are stored, and those
    of earlier batches in the ledger, stored in the same unit of work (so ``ids`` and the
    cache ``legacy`` hold one batch's, and memory stays bounded whatever the file's size)."""

    occurrences: Counter = field(default_factory=Counter)
    ids: dict[str, str] = field(default_factory=dict)  # id -> fingerprint, this batch
    legacy: dict[str, dict[str, str]] = field(default_factory=dict)  # record -> id -> fingerprint

    def stored(self) -> None:
        """The batch is in the ledger: its events are found there from now on."""
        self.ids.clear()
        self.legacy.clear()


class Submitter(Protocol):
    """Who submits events over the service: a source, limited to rules in its scopes
    and to events on its own records; the registry, the one writer of a subject's
    facts; a subject, setting its own contact address."""

    name: str
    role: str
    subject: SubjectRef | None
    scopes: tuple[str, ...]

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


def derived_id(fingerprint: str, occurrence: int) -> str:
    """The id of a later event that came without one: the keyed digest of its content and
    its occurrence among identical events (1 for the first)."""
    return f"c{fingerprint[:24]}.{occurrence}"


FACTS = (SubjectEvent, ContactEvent)  # events about a subject itself, not about a record
# Events kept apart from the ledger, about a subject but about no record (opt-in scores).
APART = (*FACTS, *OPTIN)


@dataclass
class SubjectFacts:
    """What the ledger says of the subjects a batch touches, kept up to date as the batch
    is checked: each one's latest subject event and its contact history (see
    ``LedgerRepository.contact_histories``)."""

    latest: dict[SubjectRef, SubjectEvent]
    addresses: dict[SubjectRef, list[str]]
    languages: dict[SubjectRef, str | None]  # the language each reads its email in


BATCH = 5000  # events validated and written at a time: memory stays bounded
KEEP_REJECTIONS = 1000  # rejections kept in the result; all go to ``on_reject``


class Intake:
    def __init__(
        self,
        units: UnitsOfWork,
        library: CatalogLibrary,
        clock: Callable[[], dt.date] = calendar.today,
        read_models: ReadModels | None = None,
    ):
        self.units = units
        self.library = library
        self.clock = clock  # the day events are filed on: none may be dated after it
        # Read models kept batch by batch from the record files in hand (else the
        # commit reads every touched subject's history back from the ledger).
        self.read_models = read_models

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
        uow: UnitOfWork | None = None,
    ) -> ImportResult:
        """Apply a batch of decoded event objects (numbered from 1); the result lists the
        id and outcome of each event. Inside the unit of work ``uow`` when given."""
        return self.apply(
            parse_objects(objects),
            skip_invalid=skip_invalid,
            submitter=submitter,
            submitted_by=submitted_by,
            uow=uow,
            identify=True,
        )

    def apply(
        self,
        parsed: Iterable[Parsed],
        *,
        skip_invalid: bool = False,
        progress: Callable[[int], None] | None = None,
        on_reject: Callable[[Rejection], None] | None = None,
        submitter: Submitter | None = None,
        submitted_by: str | None = None,
        uow: UnitOfWork | None = None,
        identify: bool = False,
        bulk: bool = False,
    ) -> ImportResult:
        """Apply parsed events in order, in batches, all in one unit of work (``uow`` when
        given: the caller commits, together with what else it writes; else a unit of its
        own, ``units(bulk=True)`` with ``bulk``: a big file that may hold others off).

        Each batch is checked against the ledger as it stands in the unit (so later
        events see earlier ones of the same file) and appended. Any bad event rolls the
        whole unit back unless ``skip_invalid``; forbidden events always do."""
        if uow is None:
            with self.units(bulk=bulk) as opened:
                result = self.apply(
                    parsed,
                    skip_invalid=skip_invalid,
                    progress=progress,
                    on_reject=on_reject,
                    submitter=submitter,
                    submitted_by=submitted_by,
                    uow=opened,
                    identify=identify,
                )
                opened.commit()
            return result
        result = ImportResult()
        identities = _Identities()
        today = self.clock()
        registry = self.library.registry(uow)
        writer = submitter.name if submitter is not None else submitted_by

        def reject(rejection: Rejection) -> None:
            result.rejected_count += 1
            if len(result.rejected) < KEEP_REJECTIONS:
                result.rejected.append(rejection)
            if on_reject is not None:
                on_reject(rejection)

        forbidden: list[Rejection] = []
        for batch in _batches(parsed, BATCH):
            result.read += len(batch)
            self._apply_batch(
                uow, batch, registry, result, reject, forbidden, submitter, writer, identities, today, identify
            )
            if progress is not None:
                progress(result.read)
        if forbidden:
            raise ImportForbidden(forbidden)
        if result.rejected_count and not skip_invalid:
            raise ImportRefused(result.rejected, result.rejected_count)
        return result

    def _apply_batch(
        self,
        uow: UnitOfWork,
        batch: list[Parsed],
        registry,
        result: ImportResult,
        reject,
        forbidden: list[Rejection],
        submitter: Submitter | None,
        writer: str | None,
        identities: _Identities,
        today: dt.date,
        identify: bool,
    ) -> None:
        referenced = {
            (e.id if isinstance(e, RecordEvent) else e.record)
            for _, _, e, _ in batch
            if e is not None and not isinstance(e, APART)
        }
        ledger = uow.ledger
        # Each record's timeline is derived once in the batch, for its notice and again
        # for its subject's read model.
        timelines = Timelines(registry)
        stored = ledger.records(referenced)
        files: dict[str, RecordFile] = {rid: r.file for rid, r in stored.items()}
        fingerprints: dict[str, str] = {rid: r.fingerprint for rid, r in stored.items()}
        owners: dict[str, str | None] = {rid: r.submitted_by for rid, r in stored.items()}
        concerned = [e.subject for _, _, e, _ in batch if isinstance(e, FACTS)]
        subjects = SubjectFacts(
            ledger.latest_subject_events(concerned),
            ledger.contact_histories(concerned) if concerned else {},
            ledger.contact_languages(concerned) if concerned else {},
        )
        # Ids of the later events of the batch, given or derived, in order.
        for position, (number, text, item, error) in enumerate(batch):
            if item is not None and not isinstance(item, (*APART, RecordEvent)) and item.id is None:
                fingerprint = ledger.fingerprint(item.content())
                identities.occurrences[fingerprint] += 1
                batch[position] = (
                    number,
                    text,
                    item.identified(derived_id(fingerprint, identities.occurrences[fingerprint])),
                    error,
                )
        stored_ids = ledger.later_events_by_id(
            (e.id for _, _, e, _ in batch if e is not None and not isinstance(e, (*APART, RecordEvent))),
        )
        accepted: list[Event] = []
        drafts: list[NoticeDraft] = []
        shelf: optin.Scorecards | None = None
        for number, text, item, error in batch:
            if item is None:
                reject(Rejection(number, error or "invalid", text))
                continue
            if isinstance(item, OPTIN):
                # Opt-in events (docs/design.md section 9) are kept apart from the ledger,
                # each stored at once so that later lines of the file see it; a refused
                # one leaves nothing, and a refused file rolls back the unit.
                refusal = optin.authorise(item, submitter, uow)
                if refusal is not None:
                    forbidden.append(Rejection(number, refusal, text))
                    continue
                if shelf is None:
                    shelf = self.library.scorecards(uow)
                try:
                    self._refuse_future(item, today)
                    caused = optin.file_optin(uow, item, shelf, writer, today)
                except Rejected as problem:
                    reject(Rejection(number, str(problem), text, conflict=isinstance(problem, IdConflict)))
                    continue
                outcome = "replayed" if caused is None else "written"
                if caused is None:
                    result.unchanged += 1
                else:
                    result.written += 1
                    result.written_by_type[item.type] += 1
                    drafts.extend(caused)
                if identify:
                    result.events.append(Identified(number, item.type, item.id, outcome))
                continue
            if submitter is not None:
                refusal = self._authorise(item, submitter, files, owners)
                if refusal is not None:
                    forbidden.append(Rejection(number, refusal, text))
                    continue
                if isinstance(item, RecordEvent) and item.id not in owners:
                    owners[item.id] = submitter.name
            try:
                self._refuse_future(item, today)
                if not isinstance(item, (*FACTS, RecordEvent)) and self._replayed(
                    uow, item, identities, stored_ids, files
                ):
                    caused = None
                else:
                    caused = self._fit(uow, item, files, fingerprints, subjects, registry, timelines, today)
            except Rejected as problem:
                reject(Rejection(number, str(problem), text, conflict=isinstance(problem, IdConflict)))
                continue
            event_id = None if isinstance(item, FACTS) else item.id
            if caused is None:
                result.unchanged += 1
                if identify:
                    result.events.append(Identified(number, item.type, event_id, "replayed"))
                continue
            if not isinstance(item, (*FACTS, RecordEvent)):
                identities.ids[item.id] = ledger.fingerprint(item.canonical())  # type: ignore[index]
            drafts.extend(caused)
            accepted.append(item)
            result.written_by_type[item.type] += 1
            if identify:
                result.events.append(Identified(number, item.type, event_id, "written"))
        record_subjects = {rid: file.subject for rid, file in files.items()}
        result.written += ledger.append(accepted, writer, record_subjects)
        if self.read_models is not None and accepted:
            touched = [
                item.subject if isinstance(item, (*FACTS, RecordEvent)) else record_subjects[item.record]
                for item in accepted
            ]
            self.read_models.keep(uow, dict.fromkeys(touched), files, timelines)
        # Notices go out in the same transaction as the events that cause them.
        result.notices += uow.notices.write(drafts)
        identities.stored()

    @staticmethod
    def _refuse_future(item, today: dt.date) -> None:
        for name, day in dates_of(item):
            if day > today:
                raise FutureDated(f"{name} {day} is after today ({today}): an event cannot be filed before it happens")

    def _replayed(
        self,
        uow: UnitOfWork,
        item: RecordChange,
        identities: _Identities,
        stored: dict[str, str],
        files: dict[str, RecordFile],
    ) -> bool:
        """Whether ``item`` is an event already filed (True) or a new one (False); raises
        :class:`IdConflict` when its id is taken by an event with other content. Events
        are compared by their keyed fingerprints, which cover their free text even after
        it is erased."""
        event_id = item.id
        assert event_id is not None
        canonical = uow.ledger.fingerprint(item.canonical())
        known = identities.ids.get(event_id)
        if known is None and event_id in stored:
            known = stored[event_id]
        if known is None and item.record in files:
            known = self._legacy_ids(uow, files[item.record], identities).get(event_id)
        if known is None:
            return False
        if known == canonical:
            return True
        raise IdConflict(
            f"event id {event_id!r} is already taken by another event; an event is filed once, "
            "and a different event needs an id of its own"
        )

    def _legacy_ids(self, uow: UnitOfWork, file: RecordFile, identities: _Identities) -> dict[str, str]:
        """The derived ids of a record's stored events that carry none (filed before
        events had ids), counted in ledger order as an import counts them."""
        found = identities.legacy.get(file.id)
        if found is None:
            found = {}
            counts: Counter = Counter()
            for change in file.changes:
                if change.id is None:
                    fingerprint = uow.ledger.fingerprint(change.content())
                    counts[fingerprint] += 1
                    identified = change.identified(derived_id(fingerprint, counts[fingerprint]))
                    found[identified.id] = uow.ledger.fingerprint(identified.canonical())
            identities.legacy[file.id] = found
        return found

    def _fit(
        self, uow: UnitOfWork, item, files, fingerprints, subjects, registry, timelines: Timelines, today: dt.date
    ) -> list[NoticeDraft] | None:
        """Check ``item`` against the state so far: the notices it causes, or None when
        it changes nothing (it was applied before)."""
        if isinstance(item, FACTS):
            return self._fit_facts(item, subjects, today)
        if isinstance(item, RecordEvent):
            if item.id in files:
                known = fingerprints.get(item.id)
                if known is None:  # a record of this import: its fingerprint is taken when needed
                    known = fingerprints[item.id] = uow.ledger.fingerprint(files[item.id].record.canonical())
                if known == uow.ledger.fingerprint(item.canonical()):
                    return None
                raise Rejected(
                    f"record {item.id!r} already exists with different content; "
                    "a correction is a new event (annulled, then a new record)"
                )
            admit_record(item, registry)
            files[item.id] = RecordFile(item)
            return [record_notice(files[item.id], registry, today, timelines)]
        file = files.get(item.record)
        if file is None:
            raise Rejected(f"{item.type}: unknown record {item.record!r}")
        updated = apply_change(file, item, registry)
        if updated is file:
            return None
        files[item.record] = updated
        return change_notices(file, item, updated, registry, timelines)

    @staticmethod
    def _fit_facts(
        item: SubjectEvent | ContactEvent, subjects: SubjectFacts, today: dt.date
    ) -> list[NoticeDraft] | None:
        """A subject event or a contact event: the notices of what it changes (the
        subject's jurisdiction or name; the address its notices are emailed to; the
        language of that email), or None when it changes nothing. A subject event without
        an email leaves the address; a contact event without a language, the language."""
        drafts: list[NoticeDraft] = []
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
        if isinstance(item, ContactEvent) and item.language not in (None, subjects.languages.get(item.subject)):
            subjects.languages[item.subject] = item.language
            drafts.append(language_notice(item.subject, item.language, item.on))
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
            return (
                f"{item.type} events come from sources; the registry {submitter.name!r} "
                "files a subject's facts only (subject and contact events)"
            )
        if role == "subject":
            if isinstance(item, ContactEvent) and item.subject == submitter.subject:
                return None
            return "a subject sets its own contact address only"
        if isinstance(item, SubjectEvent):
            return (
                f"source {submitter.name!r} cannot file subject events: a subject's jurisdiction, "
                "name and kind are set by the registry only; a source files records"
            )
        if isinstance(item, ContactEvent):
            return (
                f"source {submitter.name!r} cannot set a subject's contact address: only the "
                "subject itself or the registry can"
            )
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
            return f"record {item.record!r} was submitted by {owner!r}; a source submits events only on its own records"
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
