"""The first ring's store: the repositories of ``xinyong.services.unit_of_work`` over
lists in memory, with the behaviour of the SQL store (the contract test,
``tests/integration/test_repository_contract.py``, holds both to the same assertions).

Events are kept in a list in ledger order and read back through the same pure folds
the SQL store uses (``xinyong.domain.history``). A unit of work works on a copy of the
state and puts it back on ``commit()``; leaving without one keeps nothing. Free text
is "sealed" under a generation of its subject's key: erasing the key makes every text
of an older generation unreadable, as crypto-shredding does."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import itertools
import json
import secrets
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import Any

from xinyong.domain.access import Reader
from xinyong.domain.attachments import Accepted
from xinyong.domain.catalog.model import Catalog
from xinyong.domain.events import ContactEvent, RecordEvent, SubjectEvent, parse_event
from xinyong.domain.federation import Bundle, BundleEntry
from xinyong.domain.free_text import mask_identity_numbers
from xinyong.domain.history import annuls, contact_history, contact_language, record_files
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.lookup import fold_name, lookup_query
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
    WriteLockBusy,
)

FREE_TEXT_FIELDS = ("summary", "note", "grounds", "reasons")  # as the SQL store seals them
CASE_TEXT = ("proof", "commitment", "grounds", "reasons")
# Generations of subjects' keys, unique across fake stores (a state may be copied into another).
_GENERATIONS = itertools.count(1)


def _json(value: Any) -> Any:
    """``value`` as it comes back from a JSON column."""
    return json.loads(json.dumps(value, ensure_ascii=False))


@dataclass(frozen=True)
class _Row:
    seq: int
    event: Event  # without its free text
    text: dict[str, str]
    subject_key: str | None
    generation: int | None  # of the subject's key the text is sealed under
    fingerprint: str
    submitted_by: str | None

    @property
    def record_id(self) -> str | None:
        if isinstance(self.event, RecordEvent):
            return self.event.id
        return None if isinstance(self.event, (SubjectEvent, ContactEvent)) else self.event.record


@dataclass(frozen=True)
class _CaseRow:
    seq: int
    case_id: str
    kind: str
    step: str
    subject_key: str
    record: str | None
    at: str
    body: dict[str, Any]
    text: dict[str, Any]
    generation: int | None
    slot: str | None


@dataclass(frozen=True)
class _AttachmentRow:
    attachment: Attachment  # its name as attached
    content: bytes
    generation: int  # of the subject's key its name and bytes are sealed under


@dataclass(frozen=True)
class _AccessRow:
    seq: int
    at: str
    subject_key: str
    reader: str
    role: str
    what: str
    text: dict[str, str]
    generation: int | None


@dataclass(frozen=True)
class _Delivery:
    notice_seq: int
    channel: str
    attempt: int
    outcome: str
    next_attempt_at: str | None
    at: str = ""


@dataclass(frozen=True)
class _OptinRow:
    id: str
    kind: str
    subject_key: str
    scorecard: str | None
    source: str | None
    obligation_id: str | None
    filed_on: dt.date
    fingerprint: str
    body: dict[str, Any]
    generation: int | None  # obligations and payments: the generation of the key they are under


@dataclass
class _State:
    rows: list[_Row] = field(default_factory=list)
    # A subject's key by lookup key: its generation, None once erased.
    keys: dict[str, int | None] = field(default_factory=dict)
    catalogs: list[tuple[Catalog, str]] = field(default_factory=list)
    directory: dict[str, Organisation] = field(default_factory=dict)
    cases: list[_CaseRow] = field(default_factory=list)
    notices: list[tuple[Notice, str, str | None]] = field(default_factory=list)  # notice, subject key, dedupe
    deliveries: list[_Delivery] = field(default_factory=list)
    access: list[_AccessRow] = field(default_factory=list)
    # Read models by lookup key: (head, catalogs fingerprint, model).
    read_models: dict[str, tuple[int, str, ReadModel]] = field(default_factory=dict)
    attachments: list[_AttachmentRow] = field(default_factory=list)
    scorecards: list[tuple[Scorecard, str]] = field(default_factory=list)
    optin: list[_OptinRow] = field(default_factory=list)
    # Each subject's key per opt-in source, by (lookup key, source): a generation, None once erased.
    optin_keys: dict[tuple[str, str], int | None] = field(default_factory=dict)
    # Partner nodes' bundles, their entries (bundle seq, subject key, entry), partner events.
    bundles: list[BundleReceived] = field(default_factory=list)
    foreign: list[tuple[int, str, BundleEntry]] = field(default_factory=list)
    partners: list[tuple[str, Partner | None]] = field(default_factory=list)
    # Webhook messages asked for: (owner role, owner name or None for all, type, data). The
    # fake has no endpoints: it keeps what the use cases asked to publish.
    webhooks: list[tuple[str, str | None, str, dict[str, Any]]] = field(default_factory=list)
    rounds: NoticeRounds | None = None
    due: dict[str, dt.date] = field(default_factory=dict)  # each record's next due day

    def copy(self) -> _State:
        return _State(
            list(self.rows),
            dict(self.keys),
            list(self.catalogs),
            dict(self.directory),
            list(self.cases),
            list(self.notices),
            list(self.deliveries),
            list(self.access),
            dict(self.read_models),
            list(self.attachments),
            list(self.scorecards),
            list(self.optin),
            dict(self.optin_keys),
            list(self.bundles),
            list(self.foreign),
            list(self.partners),
            list(self.webhooks),
            self.rounds,
            dict(self.due),
        )


class FakeStore:
    """What a fake deployment has committed, and the keys of its keyed digests."""

    def copy(self) -> FakeStore:
        """Another store holding what this one holds (a fixture built once, per test)."""
        other = FakeStore(self._secret)
        other.state = self.state.copy()
        return other

    def __init__(self, secret: bytes = b"fake store"):
        self.state = _State()
        self._secret = secret
        # Whether another writer (an import, say) holds the write lock: a writing unit
        # opened with ``wait`` then raises WriteLockBusy on entering.
        self.write_lock_held = False

    def subject_key(self, subject: SubjectRef | str) -> str:
        return hmac.digest(self._secret, str(subject).encode(), "sha256").hex()

    def fingerprint(self, canonical: str) -> str:
        return hmac.digest(self._secret, b"event:" + canonical.encode(), "sha256").hex()


class _Part:
    """A repository of one unit of work: its state, and whether it may write."""

    def __init__(self, unit: FakeUnitOfWork):
        self._unit = unit

    @property
    def _state(self) -> _State:
        return self._unit.state()

    def _writing(self) -> _State:
        if self._unit.read_only:
            raise ReadOnly("a read-only unit of work writes nothing")
        return self._state

    @property
    def _store(self) -> FakeStore:
        return self._unit.store

    def _key_for_text(self, state: _State, subject_key: str) -> int:
        """The generation of the subject's key to seal new text under (made if needed)."""
        generation = state.keys.get(subject_key)
        if generation is None:
            generation = state.keys[subject_key] = next(_GENERATIONS)
        return generation

    @staticmethod
    def _readable(state: _State, subject_key: str | None, generation: int | None) -> bool:
        return generation is not None and subject_key is not None and state.keys.get(subject_key) == generation


class FakeLedger(_Part):
    def subject_key(self, subject: SubjectRef) -> str:
        return self._store.subject_key(subject)

    def fingerprint(self, canonical: str) -> str:
        return self._store.fingerprint(canonical)

    def append(
        self,
        events: Sequence[Event],
        submitted_by: str | None = None,
        record_subjects: dict[str, SubjectRef] | None = None,
    ) -> int:
        state = self._writing()
        seq = state.rows[-1].seq if state.rows else 0
        taken_ids = {getattr(r.event, "id", None) for r in state.rows if r.event.type not in ("record", "subject")}
        taken_records = {r.record_id for r in state.rows if isinstance(r.event, RecordEvent)}
        for item in events:
            data = item.model_dump(mode="json", exclude_none=True)
            text = {k: data.pop(k) for k in FREE_TEXT_FIELDS if k in data}
            if isinstance(item, (SubjectEvent, ContactEvent, RecordEvent)):
                subject_key: str | None = self.subject_key(item.subject)
            elif record_subjects and item.record in record_subjects:
                subject_key = self.subject_key(record_subjects[item.record])
            else:
                subject_key = None
            if text and subject_key is None:
                raise ValueError(f"free text of a {item.type} event with no subject to seal it for")
            if subject_key is not None:
                self._unit.appended.add(subject_key)
            if isinstance(item, RecordEvent):
                if item.id in taken_records:
                    raise Collision(f"record {item.id!r} is stored already")
                taken_records.add(item.id)
            elif getattr(item, "id", None) is not None:
                if item.id in taken_ids:  # type: ignore[union-attr]
                    raise Collision(f"event id {item.id!r} is stored already")
                taken_ids.add(item.id)  # type: ignore[union-attr]
            seq += 1
            state.rows.append(
                _Row(
                    seq,
                    parse_event(data),
                    text,
                    subject_key,
                    self._key_for_text(state, subject_key) if text and subject_key else None,
                    self.fingerprint(item.canonical()),
                    submitted_by,
                )
            )
            if isinstance(item, SubjectEvent) and item.subject.kind == "organisation":
                state.directory[self.subject_key(item.subject)] = Organisation(
                    item.subject.value, item.name, item.jurisdiction
                )
        return len(events)

    def _event(self, row: _Row, text: bool) -> Event:
        if not text or not row.text or not self._readable(self._state, row.subject_key, row.generation):
            return row.event
        return parse_event({**row.event.model_dump(mode="json", exclude_none=True), **row.text})

    def _stored(self, rows: list[_Row], text: bool) -> dict[str, StoredRecord]:
        provenance = {r.record_id: r for r in rows if isinstance(r.event, RecordEvent)}
        return {
            rid: StoredRecord(file, provenance[rid].fingerprint, provenance[rid].submitted_by)
            for rid, file in record_files(self._event(r, text) for r in rows).items()
        }

    def records(self, record_ids: Iterable[str], *, text: bool = True) -> dict[str, StoredRecord]:
        wanted = set(record_ids)
        return self._stored([r for r in self._state.rows if r.record_id in wanted], text)

    def subject_ledger(self, subject: SubjectRef | str, *, text: bool = True) -> SubjectLedger:
        key = subject if isinstance(subject, str) else self.subject_key(subject)
        rows = [r for r in self._state.rows if r.subject_key == key]
        facts = [r.event for r in rows if isinstance(r.event, SubjectEvent)]
        stored = self._stored([r for r in rows if not isinstance(r.event, SubjectEvent)], text)
        files = [s.file for s in stored.values()]
        return SubjectLedger(files, facts[-1] if facts else None)  # type: ignore[arg-type]

    def latest_subject_events(self, subjects: Iterable[SubjectRef]) -> dict[SubjectRef, SubjectEvent]:
        keys = {self.subject_key(s): s for s in subjects}
        found: dict[SubjectRef, SubjectEvent] = {}
        for row in self._state.rows:
            if isinstance(row.event, SubjectEvent) and row.subject_key in keys:
                found[keys[row.subject_key]] = row.event
        return found

    def contact_histories(self, subjects: Iterable[SubjectRef]) -> dict[SubjectRef, list[str]]:
        return {
            s: contact_history(
                r.event
                for r in self._state.rows
                if r.subject_key == self.subject_key(s) and isinstance(r.event, (SubjectEvent, ContactEvent))
            )
            for s in subjects
        }

    def contact_languages(self, subjects: Iterable[SubjectRef]) -> dict[SubjectRef, str | None]:
        return {
            s: contact_language(
                r.event
                for r in self._state.rows
                if r.subject_key == self.subject_key(s) and isinstance(r.event, ContactEvent)
            )
            for s in subjects
        }

    def later_events_by_id(self, event_ids: Iterable[str]) -> dict[str, str]:
        wanted = set(event_ids)
        return {
            r.event.id: r.fingerprint
            for r in self._state.rows
            if not isinstance(r.event, (RecordEvent, SubjectEvent, ContactEvent)) and r.event.id in wanted
        }

    def head(self) -> int:
        return self._state.rows[-1].seq if self._state.rows else 0

    def event_count(self) -> int:
        return len(self._state.rows)

    def record_count(self) -> int:
        return sum(isinstance(r.event, RecordEvent) for r in self._state.rows)

    def latest_act(self, catalog_id: str, today: dt.date) -> dt.date | None:
        rows = self._state.rows
        annulled = {
            r.record_id
            for r in rows
            if not isinstance(r.event, (SubjectEvent, ContactEvent, RecordEvent)) and annuls(r.event)
        }
        acts = [
            r.event.occurred_on
            for r in rows
            if isinstance(r.event, RecordEvent)
            and r.event.catalog_id == catalog_id
            and r.event.occurred_on <= today
            and r.event.id not in annulled
        ]
        return max(acts, default=None)

    def dispute_filings(self) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        for row in self._state.rows:
            if row.event.type == "dispute_filed":
                found.setdefault(row.record_id or "", []).append(row.seq)
        return found

    def record_ids(self) -> list[str]:
        return [r.event.id for r in self._state.rows if isinstance(r.event, RecordEvent)]

    def record_ids_changed_after(self, seq: int) -> list[str]:
        return list(dict.fromkeys(r.record_id for r in self._state.rows if r.seq > seq and r.record_id is not None))

    def record_ids_for_rules(self, rules: Iterable[str]) -> list[str]:
        wanted = set(rules)
        return [r.event.id for r in self._state.rows if isinstance(r.event, RecordEvent) and r.event.rule in wanted]

    def filed_catalogs(self, keys: Iterable[str]) -> dict[str, set[str]]:
        wanted = set(keys)
        found: dict[str, set[str]] = {}
        for row in self._state.rows:
            if isinstance(row.event, RecordEvent) and row.subject_key in wanted:
                found.setdefault(row.subject_key, set()).add(row.event.rule.split("/", 1)[0])
        return found

    def record_pages(self, size: int) -> Iterator[list[RecordFile]]:
        ids = self.record_ids()
        for start in range(0, len(ids), size):
            page = ids[start : start + size]
            stored = self.records(page, text=False)
            yield [stored[i].file for i in page]

    def appended_subjects(self) -> set[str]:
        return set(self._unit.appended)

    def settled(self, keys: Iterable[str]) -> None:
        self._unit.appended.difference_update(keys)

    def subject_histories(self, keys: Iterable[str]) -> dict[str, SubjectHistory]:
        found: dict[str, SubjectHistory] = {}
        for key in dict.fromkeys(keys):
            rows = [r for r in self._state.rows if r.subject_key == key]
            stream = [self._event(r, False) for r in rows]
            subjects = [e.subject for e in stream if isinstance(e, (SubjectEvent, ContactEvent, RecordEvent))]
            if not subjects:
                continue
            facts = [e for e in stream if isinstance(e, SubjectEvent)]
            found[key] = SubjectHistory(
                key,
                subjects[-1],
                list(record_files(stream).values()),
                facts[-1].jurisdiction if facts else None,
                rows[-1].seq,
            )
        return found

    def subject_outlines(self, keys: Iterable[str]) -> dict[str, SubjectOutline]:
        found: dict[str, SubjectOutline] = {}
        for key in dict.fromkeys(keys):
            rows = [r for r in self._state.rows if r.subject_key == key]
            if not rows:
                continue
            stream = [self._event(r, False) for r in rows]
            facts = [e for e in stream if isinstance(e, SubjectEvent)]
            records = [e.id for e in stream if isinstance(e, RecordEvent)]
            found[key] = SubjectOutline(key, records, facts[-1].jurisdiction if facts else None, rows[-1].seq)
        return found

    def subject_key_pages(self, size: int) -> Iterator[list[str]]:
        keys = sorted({r.subject_key for r in self._state.rows if r.subject_key is not None})
        for start in range(0, len(keys), size):
            yield keys[start : start + size]

    def subject_sizes(self, keys: Iterable[str]) -> dict[str, int]:
        wanted = set(keys)
        found: dict[str, int] = {}
        for r in self._state.rows:
            if r.subject_key in wanted:
                found[r.subject_key] = found.get(r.subject_key, 0) + 1
        return found

    def subject_pages(self, size: int) -> Iterator[list[SubjectSummary]]:
        keys = sorted({r.subject_key for r in self._state.rows if r.subject_key is not None})
        for start in range(0, len(keys), size):
            page = []
            for key in keys[start : start + size]:
                stream = [self._event(r, False) for r in self._state.rows if r.subject_key == key]
                facts = [e for e in stream if isinstance(e, SubjectEvent)]
                kinds = [e.subject.kind for e in stream if isinstance(e, (SubjectEvent, ContactEvent, RecordEvent))]
                page.append(
                    SubjectSummary(
                        key,
                        kinds[-1] if kinds else "person",
                        facts[-1].jurisdiction if facts else None,
                        bool(facts),
                        list(record_files(stream).values()),
                    )
                )
            yield page

    def latest_subject_event_pages(self, size: int) -> Iterator[list[SubjectEvent]]:
        latest: dict[str, _Row] = {}
        for row in self._state.rows:
            if isinstance(row.event, SubjectEvent) and row.subject_key is not None:
                latest[row.subject_key] = row
        events = [r.event for r in sorted(latest.values(), key=lambda r: r.seq)]
        for start in range(0, len(events), size):
            yield events[start : start + size]  # type: ignore[misc]

    def dispute_activity(self, since: dt.date) -> list[DisputeActivity]:
        counts: dict[dt.date, list[int]] = {}
        first = since.replace(day=1)
        for row in self._state.rows:
            if row.event.type in ("dispute_filed", "dispute_resolved"):
                on: dt.date = row.event.on  # type: ignore[union-attr]
                if on >= first:
                    counts.setdefault(on.replace(day=1), [0, 0])[row.event.type == "dispute_resolved"] += 1
        return [DisputeActivity(month, opened, decided) for month, (opened, decided) in sorted(counts.items())]


class FakeFreeTextKeys(_Part):
    def holders(self) -> list[str]:
        return sorted(key for key, generation in self._state.keys.items() if generation is not None)

    def erase(self, subject_key: str) -> bool:
        state = self._writing()
        if state.keys.get(subject_key) is None:
            return False
        state.keys[subject_key] = None
        return True


class FakeCatalogs(_Part):
    def all(self) -> list[Catalog]:
        return [c for c, _ in sorted(self._state.catalogs, key=lambda x: (x[0].id, x[0].effective_from))]

    def count(self) -> int:
        return len(self._state.catalogs)

    def add(self, catalog: Catalog, source: str) -> None:
        self._writing().catalogs.append((catalog, source))
        self._unit.catalogs_added = True

    def added(self) -> bool:
        return self._unit.catalogs_added


class FakeOptin(_Part):
    """Opt-in events in memory: obligations and payments readable only while the
    generation of their subject's key for their source is the current one."""

    def scorecards(self) -> list[Scorecard]:
        return [c for c, _ in sorted(self._state.scorecards, key=lambda x: (x[0].id, x[0].effective_from))]

    def scorecard_count(self) -> int:
        return len(self._state.scorecards)

    def add_scorecard(self, scorecard: Scorecard, source: str) -> None:
        self._writing().scorecards.append((scorecard, source))

    def fingerprints(self, event_ids: Iterable[str]) -> dict[str, str]:
        wanted = set(event_ids)
        return {r.id: r.fingerprint for r in self._state.optin if r.id in wanted}

    def consents(self, subject: SubjectRef) -> dict[str, list[ConsentEvent]]:
        key = self._store.subject_key(subject)
        found: dict[str, list[ConsentEvent]] = {}
        for r in self._state.optin:
            if r.subject_key == key and r.kind in ("consent_given", "consent_withdrawn"):
                found.setdefault(r.scorecard or "", []).append(
                    ConsentEvent(
                        r.id,
                        "given" if r.kind == "consent_given" else "withdrawn",
                        dt.date.fromisoformat(r.body["on"]),
                        tuple(r.body.get("sources", ())),
                        tuple(r.body.get("purposes", ())),
                    )
                )
        return found

    def _kept(self, r: _OptinRow) -> bool:
        return r.generation is not None and self._state.optin_keys.get((r.subject_key, r.source or "")) == r.generation

    def obligations(self, subject: SubjectRef) -> list[tuple[Obligation, dt.date]]:
        key = self._store.subject_key(subject)
        bills: dict[str, tuple[Obligation, dt.date]] = {}
        for r in self._state.optin:
            if r.subject_key != key or not self._kept(r):
                continue
            if r.kind == "obligation":
                bills[r.id] = (Obligation(r.id, r.source or "", dt.date.fromisoformat(r.body["due_on"])), r.filed_on)
            elif r.kind == "paid" and r.obligation_id in bills:
                bill, filed = bills[r.obligation_id]
                bills[r.obligation_id] = (replace(bill, paid_on=dt.date.fromisoformat(r.body["on"])), filed)
        return list(bills.values())

    def obligation(self, obligation_id: str) -> FiledObligation | None:
        row = next((r for r in self._state.optin if r.id == obligation_id and r.kind == "obligation"), None)
        if row is None:
            return None
        paid = any(r.kind == "paid" and r.obligation_id == obligation_id for r in self._state.optin)
        return FiledObligation(row.id, row.subject_key, row.source or "", row.filed_on, self._kept(row), paid)

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
        state = self._writing()
        if any(r.id == event_id for r in state.optin):
            raise Collision(f"opt-in event {event_id!r} is already stored")
        if obligation is not None:
            key, source = obligation.subject_key, obligation.source
        else:
            assert subject is not None
            key = self._store.subject_key(subject)
        generation = None
        if kind in ("obligation", "paid"):
            assert source is not None
            generation = state.optin_keys.get((key, source))
            if generation is None:
                generation = state.optin_keys[(key, source)] = next(_GENERATIONS)
        state.optin.append(
            _OptinRow(
                event_id,
                kind,
                key,
                scorecard,
                source,
                obligation.id if obligation else None,
                filed_on,
                fingerprint,
                _json(body),
                generation,
            )
        )

    def erase(self, subject: SubjectRef, sources: Iterable[str]) -> int:
        state = self._writing()
        key = self._store.subject_key(subject)
        erased = 0
        for source in set(sources):
            if state.optin_keys.get((key, source)) is not None:
                state.optin_keys[(key, source)] = None
                erased += 1
        return erased


class FakeReadModels(_Part):
    def stored(self, subject: SubjectRef) -> StoredModel | None:
        key = self._store.subject_key(subject)
        found = self._state.read_models.get(key)
        if found is None:
            return None
        head, catalogs, model = found
        latest = max((r.seq for r in self._state.rows if r.subject_key == key), default=0)
        return StoredModel(model, head, catalogs, latest)

    def put(self, models: Iterable[tuple[str, int, ReadModel]], catalogs: str) -> None:
        state = self._writing()
        for key, head, model in models:
            state.read_models[key] = (head, catalogs, model)

    def count(self) -> int:
        return len(self._state.read_models)

    def listed(self, list_id: str, day: dt.date) -> list[ListedPiece]:
        found = [
            ListedPiece(key, model.subject.kind, p.entry, p.active_from, p.active_until)
            for key, (_, _, model) in self._state.read_models.items()
            for p in model.lists
            if p.entry.list == list_id and p.active_on(day)
        ]
        return sorted(found, key=lambda p: (p.entry.start, p.entry.record))

    def span_pages(self, size: int) -> Iterator[list[Mapping[str, tuple[Span, ...]]]]:
        keys = sorted(self._state.read_models)
        for start in range(0, len(keys), size):
            yield [self._state.read_models[k][2].spans for k in keys[start : start + size]]

    def list_sizes(self, days: Sequence[dt.date]) -> dict[str, list[int]]:
        sizes: dict[str, list[int]] = {}
        for _, _, model in self._state.read_models.values():
            for piece in model.lists:
                row = sizes.setdefault(piece.entry.list, [0] * len(days))
                for index, day in enumerate(days):
                    row[index] += piece.active_on(day)
        return sizes

    def pieces_of(self, keys: Iterable[str]) -> dict[str, list[ListedPiece]]:
        found: dict[str, list[ListedPiece]] = {}
        for key in dict.fromkeys(keys):
            stored = self._state.read_models.get(key)
            if stored is not None and stored[2].lists:
                model = stored[2]
                found[key] = sorted(
                    (ListedPiece(key, model.subject.kind, p.entry, p.active_from, p.active_until) for p in model.lists),
                    key=lambda p: (p.entry.record, p.active_from),
                )
        return found


class FakeDirectory(_Part):
    def organisation(self, subject: SubjectRef) -> Organisation | None:
        return self._state.directory.get(self._store.subject_key(subject))

    def _matching(self, query: str) -> list[Organisation]:
        terms = lookup_query(query)
        name = terms.name.replace("\\", "")
        found = [
            o
            for o in self._state.directory.values()
            if (name and o.name is not None and name in fold_name(o.name))
            or (terms.code is not None and o.code.startswith(terms.code))
        ]
        return sorted(found, key=lambda o: (o.name is None, fold_name(o.name) if o.name else "", o.code))

    def search(self, query: str, limit: int = 50, offset: int = 0) -> list[Organisation]:
        return self._matching(query)[offset : offset + limit]

    def count(self, query: str) -> int:
        return len(self._matching(query))

    def names(self, codes: Iterable[str]) -> dict[str, str | None]:
        wanted = set(codes)
        return {o.code: o.name for o in self._state.directory.values() if o.code in wanted}


class FakeCases(_Part):
    def _add(self, case_id: str, kind: str, step: str, subject: SubjectRef, record: str | None, body, slot) -> None:
        state = self._writing()
        if any(c.case_id == case_id and c.step == step for c in state.cases):
            raise Collision(f"case {case_id} was {step} already")
        if slot is not None and any(c.slot == slot for c in state.cases):
            raise Collision(f"a case takes the place {slot} already")
        text = {
            k: mask_identity_numbers(body[k]) if isinstance(body[k], str) else body[k]
            for k in CASE_TEXT
            if body.get(k) is not None
        }
        rest = {k: v for k, v in body.items() if k not in CASE_TEXT}
        key = self._store.subject_key(subject)
        state.cases.append(
            _CaseRow(
                len(state.cases) + 1,
                case_id,
                kind,
                step,
                key,
                record,
                dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                _json({"subject": str(subject), **rest}),
                _json(text),
                self._key_for_text(state, key) if text else None,
                slot,
            )
        )

    def open(
        self, kind: str, subject: SubjectRef, record: str | None, body: dict[str, Any], slot: str | None = None
    ) -> str:
        case_id = secrets.token_hex(6)
        self._add(case_id, kind, "opened", subject, record, body, slot)
        return case_id

    def decide(self, case: Case, body: dict[str, Any]) -> None:
        self._add(case.id, case.kind, "decided", case.subject, case.record, body, None)

    def _body(self, row: _CaseRow) -> dict[str, Any]:
        readable = self._readable(self._state, row.subject_key, row.generation)
        return {**row.body, **(row.text if readable else {})}

    def _cases(self, rows: list[_CaseRow]) -> list[Case]:
        decided = {r.case_id: r for r in rows if r.step == "decided"}
        found = []
        for row in rows:
            if row.step != "opened":
                continue
            opened = self._body(row)
            done = decided.get(row.case_id)
            found.append(
                Case(
                    row.case_id,
                    row.kind,
                    SubjectRef.parse(opened["subject"]),
                    row.record,
                    row.at,
                    opened,
                    done.at if done else None,
                    self._body(done) if done else None,
                )
            )
        return found

    def get(self, case_id: str) -> Case | None:
        found = self._cases([r for r in self._state.cases if r.case_id == case_id])
        return found[0] if found else None

    def all(self, kind: str | None = None, subject: SubjectRef | None = None) -> list[Case]:
        key = self._store.subject_key(subject) if subject is not None else None
        return self._cases(
            [r for r in self._state.cases if (kind is None or r.kind == kind) and (key is None or r.subject_key == key)]
        )

    def opened_for_record(self, kind: str, record: str) -> int:
        return sum(r.kind == kind and r.record == record and r.step == "opened" for r in self._state.cases)


class FakeAttachments(_Part):
    def add(self, case_kind: str, case_id: str, subject: SubjectRef, file: Accepted) -> Attachment:
        state = self._writing()
        key = self._store.subject_key(subject)
        attachment = Attachment(
            secrets.token_hex(12),
            case_kind,
            case_id,
            key,
            dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            file.media_type,
            file.size,
            hashlib.sha256(file.content).hexdigest(),
            file.filename,
        )
        state.attachments.append(_AttachmentRow(attachment, file.content, self._key_for_text(state, key)))
        return attachment

    def _shown(self, row: _AttachmentRow) -> Attachment:
        readable = self._readable(self._state, row.attachment.subject_key, row.generation)
        return row.attachment if readable else replace(row.attachment, filename=None)

    def of_cases(self, case_kind: str, case_ids: Iterable[str]) -> dict[str, list[Attachment]]:
        wanted = set(case_ids)
        found: dict[str, list[Attachment]] = {}
        for row in self._state.attachments:
            if row.attachment.case_kind == case_kind and row.attachment.case_id in wanted:
                found.setdefault(row.attachment.case_id, []).append(self._shown(row))
        return found

    def get(self, attachment_id: str) -> Attachment | None:
        return next((self._shown(r) for r in self._state.attachments if r.attachment.id == attachment_id), None)

    def content(self, attachment_id: str) -> bytes | None:
        row = next((r for r in self._state.attachments if r.attachment.id == attachment_id), None)
        if row is None or not self._readable(self._state, row.attachment.subject_key, row.generation):
            return None
        return row.content


class FakeNotices(_Part):
    def write(self, drafts: Iterable[NoticeDraft]) -> int:
        state = self._writing()
        seen = {dedupe for _, _, dedupe in state.notices if dedupe}
        written = 0
        created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        for draft in drafts:
            if draft.dedupe:
                if draft.dedupe in seen:
                    continue
                seen.add(draft.dedupe)
            notice = Notice(
                len(state.notices) + 1,
                secrets.token_hex(6),
                created,
                draft.kind,
                str(draft.subject),
                draft.to_source,
                draft.record,
                draft.key,
                _json(draft.fields),
                tuple((line.key, _json(dict(line.fields))) for line in draft.lines),
            )
            state.notices.append((notice, self._store.subject_key(draft.subject), draft.dedupe))
            written += 1
        return written

    def inbox(self, subject: SubjectRef, limit: int = 500) -> list[Notice]:
        key = self._store.subject_key(subject)
        read = self._read_at(self._state)
        return [
            replace(n, read_at=read.get(n.seq))
            for n, k, _ in reversed(self._state.notices)
            if k == key and n.source is None
        ][:limit]

    def for_source(self, source: str, limit: int = 500) -> list[Notice]:
        return [n for n, _, _ in reversed(self._state.notices) if n.source == source][:limit]

    def _read_at(self, state) -> dict[int, str]:
        read: dict[int, str] = {}
        for delivery in state.deliveries:
            if delivery.channel == "inbox" and delivery.outcome == "read":
                read.setdefault(delivery.notice_seq, delivery.at)
        return read

    def mark_read(self, subject: SubjectRef, notice_ids: Iterable[str] | None = None) -> int:
        state = self._writing()
        key = self._store.subject_key(subject)
        wanted = None if notice_ids is None else set(notice_ids)
        read = self._read_at(state)
        at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        marked = 0
        for notice, k, _ in state.notices:
            if k != key or notice.source is not None or notice.seq in read:
                continue
            if wanted is not None and notice.id not in wanted:
                continue
            state.deliveries.append(_Delivery(notice.seq, "inbox", 1, "read", None, at))
            marked += 1
        return marked

    def count(self) -> int:
        return len(self._state.notices)

    def written(self, keys: Iterable[str]) -> set[str]:
        return {dedupe for _, _, dedupe in self._state.notices if dedupe} & set(keys)

    def rounds(self) -> NoticeRounds | None:
        return self._state.rounds

    def note_rounds(self, standing: NoticeRounds) -> None:
        self._writing().rounds = standing

    def due_between(self, after: dt.date, upto: dt.date) -> list[str]:
        return [record for record, day in self._state.due.items() if after < day <= upto]

    def keep_due(self, days: Mapping[str, dt.date | None]) -> None:
        due = self._writing().due
        for record, day in days.items():
            due.pop(record, None)
            if day is not None:
                due[record] = day

    def due_for_delivery(self, channel: str, now: dt.datetime, limit: int = 200) -> list[tuple[Notice, int]]:
        last: dict[int, _Delivery] = {}
        for delivery in self._state.deliveries:
            if delivery.channel == channel:
                last[delivery.notice_seq] = delivery
        due = []
        for notice, _, _ in self._state.notices:
            if notice.source is not None:
                continue
            attempt = last.get(notice.seq)
            if attempt is not None and attempt.outcome in ("sent", "skipped"):
                continue
            if attempt is not None and attempt.next_attempt_at and attempt.next_attempt_at > now.isoformat():
                continue
            due.append((notice, attempt.attempt if attempt is not None else 0))
            if len(due) >= limit:
                break
        return due

    def log_attempt(
        self,
        notice: Notice,
        channel: str,
        attempt: int,
        outcome: str,
        error: str | None = None,
        retry_in: dt.timedelta | None = None,
    ) -> None:
        now = dt.datetime.now(dt.UTC)
        self._writing().deliveries.append(
            _Delivery(
                notice.seq,
                channel,
                attempt,
                outcome,
                (now + retry_in).isoformat(timespec="seconds") if retry_in else None,
                now.isoformat(timespec="seconds"),
            )
        )


class FakeFederation(_Part):
    def add(self, bundle: Bundle, digest: str, received_from: str, imported_by: str) -> None:
        state = self._writing()
        seq = state.bundles[-1].seq + 1 if state.bundles else 1
        at = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
        state.bundles.append(
            BundleReceived(
                seq,
                bundle.node,
                bundle.list,
                bundle.title,
                bundle.as_of,
                bundle.public_key,
                bundle.signature,
                digest,
                len(bundle.entries),
                at,
                received_from,
                imported_by,
            )
        )
        state.foreign += [(seq, self._store.subject_key(e.subject), e) for e in bundle.entries]

    def bundles(self, node: str | None = None, list_id: str | None = None) -> list[BundleReceived]:
        found = [
            b
            for b in self._state.bundles
            if (node is None or b.node == node) and (list_id is None or b.list == list_id)
        ]
        return sorted(found, key=lambda b: (b.as_of, b.seq))

    def held(self, node: str, list_id: str, bundle: int | None = None) -> set[tuple[str, str]]:
        seqs = {b.seq for b in self.bundles(node, list_id)} if bundle is None else {bundle}
        return {(key, e.record) for seq, key, e in self._state.foreign if seq in seqs}

    def of_subjects(
        self, subjects: Iterable[SubjectRef], names: Iterable[str] | None = None
    ) -> dict[SubjectRef, list[ForeignRow]]:
        by_key = {self._store.subject_key(s): s for s in subjects}
        wanted = None if names is None else set(names)
        bundles = {b.seq: b for b in self._state.bundles}
        found: dict[SubjectRef, list[ForeignRow]] = {}
        for seq, key, entry in self._state.foreign:
            b = bundles[seq]
            if key in by_key and (wanted is None or b.name in wanted):
                found.setdefault(by_key[key], []).append(ForeignRow(b.node, b.list, b.as_of, seq, entry))
        return found

    def trust(self, name: str, public_key: str, url: str | None, by: str) -> None:
        at = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
        self._writing().partners.append((name, Partner(name, public_key, url, at, by)))

    def distrust(self, name: str, by: str) -> None:
        self._writing().partners.append((name, None))

    def partners(self) -> list[Partner]:
        latest = dict(self._state.partners)
        return [p for _, p in sorted(latest.items()) if p is not None]


class FakeWebhookOutbox(_Part):
    def publish(self, owner_role: str, owner_name: str | None, event_type: str, items: list[dict[str, Any]]) -> int:
        state = self._writing()
        state.webhooks.extend((owner_role, owner_name, event_type, dict(item)) for item in items)
        return len(items)


class FakeAccessLog(_Part):
    def write(
        self,
        subjects: list[SubjectRef],
        reader: Reader,
        what: str,
        purpose: str | None,
        details: list[str | None] | None = None,
    ) -> None:
        state = self._writing()
        if not subjects:
            return
        details = details or [None] * len(subjects)
        if purpose is not None:
            purpose = mask_identity_numbers(purpose)
        texts = purpose is not None or any(details)
        at = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
        for subject, detail in zip(subjects, details, strict=False):
            key = self._store.subject_key(subject)
            generation = self._key_for_text(state, key) if texts else None
            text = {k: v for k, v in (("purpose", purpose), ("detail", detail)) if v}
            seq = state.access[-1].seq + 1 if state.access else 1
            state.access.append(
                _AccessRow(seq, at, key, reader.name, reader.role, what, text, generation if text else None)
            )

    def entries(
        self, subject: SubjectRef | None = None, limit: int = 100, offset: int = 0, *, own: bool | None = None
    ) -> tuple[int, list[Access]]:
        key = self._store.subject_key(subject) if subject is not None else None
        rows = [
            r
            for r in reversed(self._state.access)
            if (key is None or r.subject_key == key) and (own is None or (r.role == "subject") == own)
        ]
        found = []
        for r in rows[offset : offset + limit]:
            text = r.text if self._readable(self._state, r.subject_key, r.generation) else {}
            found.append(
                Access(r.seq, r.at, r.reader, r.role, r.what, text.get("purpose"), text.get("detail"), r.subject_key)
            )
        return len(rows), found

    def readers(self, subject: SubjectRef, role: str, what: str) -> set[str]:
        key = self._store.subject_key(subject)
        return {r.reader for r in self._state.access if r.subject_key == key and r.role == role and r.what == what}


GENESIS = "0" * 64
# The webhook tables are kept by the storage adapter outside the units of work: the fake
# has none of their rows.
WEBHOOK_TABLES = ("webhook_endpoints", "webhook_endpoint_changes", "webhook_messages", "webhook_attempts")
CHAINED = (
    "ledger",
    "catalog_versions",
    "notices",
    "deliveries",
    "cases",
    "attachments",
    "scorecard_versions",
    "optin_events",
    "access_log",
    *WEBHOOK_TABLES,
    "federation_bundles",
    "federation_entries",
    "federation_partners",
)


class FakeAudit(_Part):
    """The fake's rows chained with its secret as the SQL store chains its tables: each
    row's keyed hash covers the one before it. Rows are only ever appended here, so a
    chain is intact; its length, head and marks are what the contract holds to."""

    def _rows(self, name: str) -> Sequence[object]:
        state = self._state
        return {
            "ledger": state.rows,
            "catalog_versions": state.catalogs,
            "notices": state.notices,
            "deliveries": state.deliveries,
            "cases": state.cases,
            "attachments": state.attachments,
            "scorecard_versions": state.scorecards,
            "optin_events": state.optin,
            "access_log": state.access,
            **dict.fromkeys(WEBHOOK_TABLES, ()),
            "federation_bundles": state.bundles,
            "federation_entries": state.foreign,
            "federation_partners": state.partners,
        }[name]

    def verify(self, marks: dict[str, int] | None = None) -> list[ChainReport]:
        reports = []
        for name in CHAINED:
            mark = (marks or {}).get(name)
            previous = GENESIS
            marked = GENESIS if mark == 0 else None
            rows = self._rows(name)
            for number, row in enumerate(rows, start=1):
                previous = hmac.digest(self._store._secret, (previous + repr(row)).encode(), "sha256").hex()
                if number == mark:
                    marked = previous
            reports.append(ChainReport(name, len(rows), previous, None, None, marked))
        return reports

    def directory_drift(self) -> list[str]:
        expected: dict[str, SubjectEvent] = {}
        for row in self._state.rows:
            if isinstance(row.event, SubjectEvent) and row.event.subject.kind == "organisation":
                assert row.subject_key is not None
                expected[row.subject_key] = row.event
        found = dict(self._state.directory)
        drift = []
        for key, item in expected.items():
            org = found.pop(key, None)
            if org is None:
                drift.append(f"organisation {item.subject.value} is missing from the directory")
            elif (org.code, org.name, org.jurisdiction) != (item.subject.value, item.name, item.jurisdiction):
                drift.append(f"organisation {item.subject.value}: the directory differs from the ledger")
        drift += [f"organisation {o.code} is in the directory but not in the ledger" for o in found.values()]
        return drift


class FakeUnitOfWork(UnitOfWork):
    """A unit of work over a :class:`FakeStore`: a copy of its state, put back on commit."""

    def __init__(self, store: FakeStore, read_only: bool = False, bulk: bool = False, wait: float | None = None):
        self.store = store
        self.read_only = read_only
        self.bulk = bulk  # asked for; it changes only how a database journals its writes
        self.wait = wait
        self.committed = False
        self._state: _State | None = None
        self.ledger = FakeLedger(self)
        self.texts = FakeFreeTextKeys(self)
        self.catalogs = FakeCatalogs(self)
        self.directory = FakeDirectory(self)
        self.cases = FakeCases(self)
        self.attachments = FakeAttachments(self)
        self.notices = FakeNotices(self)
        self.access_log = FakeAccessLog(self)
        self.audit = FakeAudit(self)
        self.read_models = FakeReadModels(self)
        self.optin = FakeOptin(self)
        self.federation = FakeFederation(self)
        self.webhooks = FakeWebhookOutbox(self)
        self.before_commit = []
        self.appended: set[str] = set()
        self.catalogs_added = False

    def state(self) -> _State:
        if self._state is None:
            raise RuntimeError("the unit of work is not open: use it in a `with` block, before commit()")
        return self._state

    def __enter__(self) -> FakeUnitOfWork:
        if self.store.write_lock_held and not self.read_only:
            # Another writer holds the lock: a unit that would wait for it as long as it
            # is held would wait here for ever (nothing else runs in a test's thread).
            if self.wait is None:
                raise RuntimeError("the fake's write lock is held: this unit would wait for ever")
            raise WriteLockBusy(self.wait)
        self._state = self.store.state.copy()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.rollback()

    def commit(self) -> None:
        if self._state is None:
            raise RuntimeError("nothing to commit: the unit of work is not open")
        if self.read_only:
            raise ReadOnly("a read-only unit of work commits nothing")
        for hook in self.before_commit:
            hook(self)
        self.store.state = self._state
        self._state = None
        self.committed = True

    def rollback(self) -> None:
        self._state = None


class FakeUnitsOfWork:
    """Opens fake units of work over one :class:`FakeStore`; counts the units that
    committed, so that a test can say a use case was one unit of work."""

    def __init__(self, store: FakeStore | None = None):
        self.store = store or FakeStore()
        self.opened: list[FakeUnitOfWork] = []

    def __call__(self, *, read_only: bool = False, bulk: bool = False, wait: float | None = None) -> FakeUnitOfWork:
        unit = FakeUnitOfWork(self.store, read_only, bulk, wait)
        self.opened.append(unit)
        return unit

    @property
    def commits(self) -> int:
        return sum(u.committed for u in self.opened)
