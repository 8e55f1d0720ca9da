"""Due process: disputes, credit repair, human review and the way back, as the workflow
around the semantics of docs/design.md section 4. Filing and deciding a dispute and granting
a repair are ledger events; every step notifies the people it concerns."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, TypeVar, overload

from pydantic import ValidationError

from xinyong import messages
from xinyong.domain.access import AccessDenied, Reader
from xinyong.domain.attachments import Accepted, AttachmentRefused, Upload, accept_all, refuse_decided
from xinyong.domain.decisions import CaseKind
from xinyong.domain.events import DisputeFiled, DisputeResolved, Repaired, SubjectEvent
from xinyong.domain.free_text import mask_identity_numbers
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.messages import Message
from xinyong.domain.notices import repair_applied_notice, repair_refused_notice, review_decided_notice
from xinyong.domain.standing import (
    ListEntry,
    RecordFile,
    RepairOption,
    earliest_repair,
    is_annulled,
    outlook,
    rule_in_force,
    timeline,
)
from xinyong.domain.validation import describe_validation_error
from xinyong.services.catalogs import CatalogLibrary
from xinyong.services.intake import ImportRefused, Intake
from xinyong.services.unit_of_work import Attachment, Case, Collision, NoticeRounds, UnitOfWork, UnitsOfWork

# A notice round reads this many records at a time, and writes their notices this many
# to a transaction: each write holds the database's write lock for some 25 ms.
ROUND_PAGE = 2000
ROUND_WRITE = 200
# The longest the notice rounds go without reading every record.
WHOLE_ROUND_EVERY = dt.timedelta(days=7)


def _dispute_order(view: DisputeView) -> tuple:
    """Queue order: by deadline (none last), then by filing day."""
    return (view.decide_by is None, view.decide_by or dt.date.min, view.filed_on, view.id)


def _repair_order(view: RepairView) -> tuple:
    """Queue order: by deadline (none last), then by application day."""
    return (view.decide_by is None, view.decide_by or dt.date.min, view.applied_on or dt.date.min, view.id)


class DueProcessError(ValueError):
    """A step that cannot be taken; ``slug`` and ``status`` say how the service answers."""

    status = 422
    slug = "refused"

    def __init__(self, message: str, **fields: Any):
        super().__init__(message)
        self.fields = fields


class NotFound(DueProcessError):
    status = 404
    slug = "not-found"


class TooEarly(DueProcessError):
    slug = "repair-too-early"


class AttachmentNotTaken(DueProcessError):
    """A file refused (:class:`xinyong.domain.attachments.AttachmentRefused`): its message
    ``key`` and ``values`` for the pages to translate, and the form field it came in;
    nothing of the step it came with was written. A file over the size limit is a 413."""

    slug = "attachment-refused"

    def __init__(self, refused: AttachmentRefused, field: str = "file"):
        super().__init__(
            str(refused),
            errors=[{"field": field, "message": str(refused), "key": refused.key, "fields": refused.fields}],
        )
        self.key = refused.key
        self.values = refused.fields
        self.field = field
        if refused.key == "attachment.refused.too_large":
            self.status = 413


class Conflict(DueProcessError):
    """Another request took the same step at the same moment, and the database kept one."""

    status = 409
    slug = "conflict"


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date(value: Any) -> dt.date | None:
    """A day kept in a case as ISO text, as a date."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else None


@dataclass(frozen=True)
class DisputeView:
    """A dispute of a record, as its subject and the officers see it."""

    id: int  # the ledger number of its filing
    record: str
    rule: str
    rule_title: str | None
    source: str
    reference: str | None
    subject: str
    filed_on: dt.date
    grounds: str | None
    suspended: bool  # filed before the record took effect: it does not count meanwhile
    decide_by: dt.date | None
    overdue: bool
    status: str  # open | decided | closed (the record was annulled meanwhile)
    decided_on: dt.date | None
    outcome: str | None
    reasons: str | None
    filing_id: str | None  # the id of the dispute_filed event
    decision_id: str | None  # the id of the dispute_resolved event, once decided
    attachments: tuple[Attachment, ...] = ()  # the files attached, without their bytes


@dataclass(frozen=True)
class RepairView:
    """An application for credit repair."""

    id: str
    record: str | None
    subject: str
    rule: str | None
    applied_on: dt.date | None
    proof: str | None
    commitment: str | None
    decide_by: dt.date | None
    overdue: bool
    status: str  # open | granted | refused
    decided_on: dt.date | None
    reasons: str | None
    repair_event: str | None  # the id of the repaired event of a granted application
    attachments: tuple[Attachment, ...] = ()  # the files attached, without their bytes


@dataclass(frozen=True)
class AttachmentFile:
    """An attachment with its bytes, for its download."""

    attachment: Attachment
    content: bytes


@dataclass(frozen=True)
class ReviewView:
    """A request for a human review of a check decision."""

    id: str
    subject: str
    requested_on: dt.date | None
    notice: str | None
    grounds: str | None
    decision: dict[str, Any] | None  # the fields of the adverse-action notice
    status: str  # open | confirmed | overturned
    reasons: str | None
    decided_on: dt.date | None


_Filed = TypeVar("_Filed", bound="DisputeView | RepairView | ReviewView")


def _case_kind(view: DisputeView | RepairView) -> str:
    return "dispute" if isinstance(view, DisputeView) else "repair"


@dataclass(frozen=True)
class SubjectCases:
    """One subject's disputes, repair applications and reviews."""

    disputes: list[DisputeView]
    repairs: list[RepairView]
    reviews: list[ReviewView]


@dataclass(frozen=True)
class QueueItem:
    """An open case as an officer's queue shows it: whose case it is (the subject's code,
    name and jurisdiction: a read of the subject, logged for the officer with the case as
    its purpose), the record and rule it concerns, when it was filed and its deadline."""

    kind: CaseKind
    id: str
    subject: str
    name: str | None
    jurisdiction: str | None
    record: str | None
    rule: str | None
    rule_title: str | None
    filed_on: dt.date | None
    decide_by: dt.date | None
    days_left: int | None  # to the deadline: 0 or less once it has passed
    overdue: bool
    case: DisputeView | RepairView | ReviewView

    @property
    def purpose(self) -> str:
        """Why the officer reads this subject: to decide this case (the access log's words)."""
        return case_purpose(self.kind, self.id)


@dataclass(frozen=True)
class Queue:
    """The open cases of every kind, each kind overdue first, then by deadline (none
    last), then by filing day."""

    disputes: tuple[QueueItem, ...]
    repairs: tuple[QueueItem, ...]
    reviews: tuple[QueueItem, ...]


@dataclass(frozen=True)
class CaseSubject:
    """Whose case it is and the record it concerns (a review of a decision that no record
    triggered concerns none)."""

    subject: SubjectRef
    record: str | None


def case_purpose(kind: str, case_id: str) -> str:
    """The purpose an officer's read of a subject for a case is logged with."""
    return f"to decide {kind} {case_id}"


def _record_of(view: DisputeView | RepairView | ReviewView) -> str | None:
    return _review_record(view) if isinstance(view, ReviewView) else view.record


def _queue_order(item: QueueItem) -> tuple:
    """Overdue first, then by deadline (none last), then by filing day and id (a dispute's
    is a number, in ledger order)."""
    deadline = (not item.overdue, item.decide_by is None, item.decide_by or dt.date.max)
    return (*deadline, item.filed_on or dt.date.min, item.kind, item.id.zfill(20))


def _review_record(view: ReviewView) -> str | None:
    """The record whose list entry triggered the decision reviewed, if one did."""
    for reason in (view.decision or {}).get("reasons", []):
        record = (reason.get("trigger") or {}).get("record")
        if record:
            return str(record)
    return None


@dataclass(frozen=True)
class OutlookChange:
    """A future day on which the score, grade or list entries change, if nothing new
    happens: what changes, as message keys with fields and rendered."""

    day: dt.date
    score: int
    grade: str
    lists: tuple[ListEntry, ...]
    what: tuple[str, ...]  # rendered in the language asked
    messages: tuple[Message, ...]


@dataclass(frozen=True)
class Outlook:
    """The way back: the standing today, each change ahead and the repairs possible."""

    subject: str
    catalog: str
    as_of: dt.date
    score: int
    grade: str
    lists: tuple[ListEntry, ...]
    changes: tuple[OutlookChange, ...]
    repairs: tuple[RepairOption, ...]


@overload
def _typed(text: str) -> str: ...
@overload
def _typed(text: None) -> None: ...
def _typed(text: str | None) -> str | None:
    """What a person typed, as it may be kept: identity numbers in it masked (it goes into
    events, cases and the notices written from them)."""
    return mask_identity_numbers(text) if text else text


def _dispute_number(case_id: str) -> int:
    """A dispute's id (the ledger number of its filing) from a path or a form."""
    if not case_id.isdigit():
        raise NotFound(f"no dispute {case_id!r}")
    return int(case_id)


def _short(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def dispute_filing_id(record_id: str, number: int) -> str:
    """The id of the ``number``-th dispute of a record filed through the service."""
    return f"dispute-{_short(record_id)}-{number}"


def dispute_decision_id(dispute_id: int) -> str:
    """The id of the decision of dispute ``dispute_id``: one decision per dispute, kept
    single by the database (event ids are unique)."""
    return f"decision-of-dispute-{dispute_id}"


def repair_event_id(case_id: str) -> str:
    """The id of the ``repaired`` event a granted application writes: one per case."""
    return f"repair-granted-{case_id}"


# Every step of this process is one unit of work: it reads the state it depends on and
# writes its events, case rows and notices together, or nothing. Writing transactions
# are serialised by the database (SQLite's write lock taken at BEGIN IMMEDIATE, a
# transaction-scoped advisory lock on PostgreSQL), and unique indexes keep one decision
# per case, one decision event per dispute, one repaired event per application, one
# application per place and one review per notice, whatever the number of processes.


@dataclass
class DueProcess:
    units: UnitsOfWork
    library: CatalogLibrary
    intake: Intake

    # ------------------------------------------------------------------ helpers

    @contextmanager
    def _step(self, what: str) -> Iterator[UnitOfWork]:
        """One step in one unit of work, committed when the step ends without error; a
        write the database refuses as a duplicate (a concurrent request took the step
        first) is a 409, and nothing is written."""
        try:
            with self.units() as uow:
                yield uow
                uow.commit()
        except Collision:
            raise Conflict(f"{what}: another request did this at the same moment; nothing was written") from None

    @staticmethod
    def _own_file(uow: UnitOfWork, subject: SubjectRef, record_id: str) -> RecordFile:
        stored = uow.ledger.records([record_id]).get(record_id)
        # Someone else's record is answered as not found: its existence is not ours to tell.
        if stored is None or stored.file.subject != subject:
            raise NotFound(f"you have no record {record_id!r}")
        return stored.file

    @staticmethod
    def _file(uow: UnitOfWork, record_id: str) -> RecordFile:
        stored = uow.ledger.records([record_id]).get(record_id)
        if stored is None:
            raise NotFound(f"no record {record_id!r}")
        return stored.file

    @staticmethod
    def _accepted(files: Sequence[Upload], already: int = 0) -> list[Accepted]:
        """Every file taken, or the refusal of the first that is not (before anything of
        the step is written)."""
        try:
            return accept_all(list(files), already)
        except AttachmentRefused as refused:
            raise AttachmentNotTaken(refused) from None

    @staticmethod
    def _with_files(uow: UnitOfWork, views: list[_Filed]) -> list[_Filed]:
        """``views`` with the files attached to each (names and types, not bytes)."""
        found: dict[tuple[str, str], list[Attachment]] = {}
        for kind, cls in (("dispute", DisputeView), ("repair", RepairView)):
            ids = [str(v.id) for v in views if isinstance(v, cls)]
            if ids:
                found.update({(kind, k): v for k, v in uow.attachments.of_cases(kind, ids).items()})
        return [
            replace(v, attachments=tuple(found.get((_case_kind(v), str(v.id)), ())))
            if isinstance(v, (DisputeView, RepairView))
            else v
            for v in views
        ]

    @staticmethod
    def _event(kind, **fields):
        """The ledger event, or a refusal naming the field that does not fit it (grounds
        and reasons longer than the ledger keeps)."""
        try:
            return kind(**fields)
        except ValidationError as error:
            raise DueProcessError(describe_validation_error(error, values=False)) from None

    def _append(self, uow: UnitOfWork, event, by: str) -> str:
        """Write ``event`` (which carries a fresh id) in the unit of work ``uow``, or
        refuse with the reason it does not fit; never answer without having written it."""
        try:
            result = self.intake.submit([event.model_dump(mode="json", exclude_none=True)], submitted_by=by, uow=uow)
        except ImportRefused as refused:
            first = refused.rejections[0]
            raise (Conflict if first.conflict else DueProcessError)(first.reason) from None
        if result.written != 1:
            raise Conflict(f"{event.type} {event.id!r} was filed already; nothing new was written")
        return event.id

    # ----------------------------------------------------------------- disputes

    def _dispute_view(self, dispute_id: int, index: int, file: RecordFile, day: dt.date) -> DisputeView:
        """The ``index``-th dispute of the record (a record may be disputed again once a
        dispute is decided)."""
        registry = self.library.registry()
        line = timeline(file, registry)
        dispute = line.disputes[index]
        _, rule = rule_in_force(file.record, registry)
        filing = [c for c in file.changes if isinstance(c, DisputeFiled)][index]
        grounds = filing.grounds
        # Each decision closes the one open dispute: the n-th decision is the n-th dispute's.
        decisions = [c for c in file.changes if isinstance(c, DisputeResolved)]
        decision = decisions[index] if dispute.resolved_on is not None else None
        # An open dispute on a record its authority annulled meanwhile has nothing left to
        # decide: it is closed, not open (nor overdue) for ever.
        closed = dispute.resolved_on is None and is_annulled(file)
        status = "decided" if dispute.resolved_on is not None else "closed" if closed else "open"
        return DisputeView(
            id=dispute_id,
            record=file.id,
            rule=file.record.rule,
            rule_title=rule.title,
            source=file.record.source,
            reference=file.record.reference,
            subject=str(file.subject),
            filed_on=dispute.filed_on,
            grounds=grounds,
            suspended=dispute.filed_on < line.effective_on,
            decide_by=dispute.deadline,
            overdue=status == "open" and dispute.deadline is not None and dispute.deadline <= day,
            status=status,
            decided_on=dispute.resolved_on,
            outcome=dispute.outcome,
            reasons=decision.reasons if decision is not None else None,
            filing_id=filing.id,
            decision_id=decision.id if decision is not None else None,
        )

    def file_dispute(
        self, subject: SubjectRef, record_id: str, grounds: str, day: dt.date, files: Sequence[Upload] = ()
    ) -> DisputeView:
        """A subject disputes its own record, with its grounds and any ``files``: a new
        dispute, with an id of its own, or a refusal with the reason (a dispute still
        open, a file not taken: then nothing is written)."""
        grounds = _typed(grounds)
        accepted = self._accepted(files)
        with self._step(f"dispute of record {record_id!r}") as uow:
            file = self._own_file(uow, subject, record_id)
            number = sum(isinstance(c, DisputeFiled) for c in file.changes) + 1
            self._append(
                uow,
                self._event(
                    DisputeFiled,
                    type="dispute_filed",
                    id=dispute_filing_id(record_id, number),
                    record=record_id,
                    on=day,
                    grounds=grounds,
                ),
                f"subject {subject.kind}",
            )
            dispute_id = uow.ledger.dispute_filings()[record_id][-1]
            for item in accepted:
                uow.attachments.add("dispute", str(dispute_id), subject, item)
            (view,) = self._with_files(uow, [self._dispute_view(dispute_id, -1, self._file(uow, file.id), day)])
        return view

    def disputes(self, day: dt.date, status: str = "open") -> list[DisputeView]:
        """The dispute queue: open disputes ordered by deadline (overdue first), then by
        filing day; with ``status='all'`` decided ones too."""
        with self.units(read_only=True) as uow:
            filings = uow.ledger.dispute_filings()
            stored = uow.ledger.records(filings)
            views = []
            for record_id, seqs in filings.items():
                for index, seq in enumerate(seqs):
                    view = self._dispute_view(seq, index, stored[record_id].file, day)
                    if status == "all" or view.status == status:
                        views.append(view)
            views = self._with_files(uow, views)
        views.sort(key=_dispute_order)
        return views

    def cases_of(self, subject: SubjectRef, day: dt.date) -> SubjectCases:
        """A subject's own disputes, repair applications and reviews, open and decided,
        read in one snapshot: what the subject's portal shows."""
        with self.units(read_only=True) as uow:
            mine = {file.id for file in uow.ledger.subject_ledger(subject, text=False).files}
            filings = {record: seqs for record, seqs in uow.ledger.dispute_filings().items() if record in mine}
            stored = uow.ledger.records(filings)
            repairs = uow.cases.all("repair", subject=subject)
            reviews = uow.cases.all("review", subject=subject)
            disputes = self._with_files(
                uow,
                [
                    self._dispute_view(seq, index, stored[record].file, day)
                    for record, seqs in filings.items()
                    for index, seq in enumerate(seqs)
                ],
            )
            repair_views = self._with_files(uow, [self._repair_view(c, day) for c in repairs])
        disputes.sort(key=_dispute_order)
        return SubjectCases(
            disputes=disputes,
            repairs=sorted(repair_views, key=_repair_order),
            reviews=[self._review_view(c) for c in reviews],
        )

    def decide_dispute(self, dispute_id: int, outcome: str, reasons: str, officer: Reader, day: dt.date) -> DisputeView:
        """Decide an open dispute. A dispute is decided once: a second decision, even one
        with the same outcome and reasons, is refused."""
        reasons = _typed(reasons)
        with self._step(f"decision of dispute {dispute_id}") as uow:
            record_id = self._open_dispute(uow, dispute_id, day).record
            self._append(
                uow,
                self._event(
                    DisputeResolved,
                    type="dispute_resolved",
                    id=dispute_decision_id(dispute_id),
                    record=record_id,
                    on=day,
                    outcome=outcome,
                    reasons=reasons,
                ),
                officer.name,
            )
            (view,) = self._with_files(uow, [self._dispute_view(dispute_id, -1, self._file(uow, record_id), day)])
        return view

    # ------------------------------------------------------------------- repair

    def _repair_view(self, case: Case, day: dt.date) -> RepairView:
        deadline = _date(case.opened.get("decide_by"))
        return RepairView(
            id=case.id,
            record=case.record,
            subject=str(case.subject),
            rule=case.opened.get("rule"),
            applied_on=_date(case.opened.get("applied_on")),
            proof=case.opened.get("proof"),
            commitment=case.opened.get("commitment"),
            decide_by=deadline,
            overdue=case.is_open and deadline is not None and deadline <= day,
            status="open" if case.decided is None else str(case.decided.get("outcome")),
            decided_on=_date(case.decided.get("on")) if case.decided else None,
            reasons=case.decided.get("reasons") if case.decided else None,
            repair_event=case.decided.get("event") if case.decided else None,
        )

    def apply_for_repair(
        self,
        subject: SubjectRef,
        record_id: str,
        proof: str,
        commitment: str,
        day: dt.date,
        files: Sequence[Upload] = (),
    ) -> RepairView:
        """A subject applies for credit repair with proof of fulfilment, a written
        commitment and any ``files``. An early application is refused with the first day
        it can succeed; a file not taken refuses the application (nothing is written)."""
        proof, commitment = _typed(proof), _typed(commitment)
        accepted = self._accepted(files)
        with self._step(f"application to repair record {record_id!r}") as uow:
            view = self._apply_for_repair(uow, subject, record_id, proof, commitment, day)
            for item in accepted:
                uow.attachments.add("repair", view.id, subject, item)
            (view,) = self._with_files(uow, [view])
        return view

    def _apply_for_repair(
        self, uow: UnitOfWork, subject: SubjectRef, record_id: str, proof: str, commitment: str, day: dt.date
    ) -> RepairView:
        file = self._own_file(uow, subject, record_id)
        registry = self.library.registry()
        if is_annulled(file):
            raise DueProcessError(f"record {record_id!r} was annulled: there is nothing to repair")
        first = earliest_repair(file, registry)
        if first is None:
            raise DueProcessError(f"the rule of record {record_id!r} ({file.record.rule}) does not allow credit repair")
        line = timeline(file, registry)
        if line.ends_on <= day and (line.placement is None or (line.placement.until or dt.date.max) <= day):
            raise DueProcessError(
                f"record {record_id!r} no longer counts and lists nothing: there is nothing to repair"
            )
        if day < first:
            raise TooEarly(
                f"too early: repair of record {record_id!r} can succeed from {first}", first_day=first.isoformat()
            )
        if any(c.is_open for c in uow.cases.all("repair", subject) if c.record == record_id):
            raise DueProcessError(f"an application to repair record {record_id!r} is already open")
        version = registry.in_force(file.record.catalog_id, day)
        deadline = version.repair_deadline.after(day) if version and version.repair_deadline else None
        body = {
            "rule": file.record.rule,
            "applied_on": day.isoformat(),
            "proof": proof,
            "commitment": commitment,
            "decide_by": _day(deadline),
        }
        # The n-th application to repair a record takes place n: two applications made
        # at once cannot both take it.
        place = uow.cases.opened_for_record("repair", record_id) + 1
        case_id = uow.cases.open("repair", subject, record_id, body, slot=f"repair:{record_id}:{place}")
        uow.notices.write(
            [repair_applied_notice(subject, record_id, case_id, day, deadline)],
        )
        case = uow.cases.get(case_id)
        assert case is not None
        return self._repair_view(case, day)

    def repairs(self, day: dt.date, status: str = "open") -> list[RepairView]:
        with self.units(read_only=True) as uow:
            cases = uow.cases.all("repair")
            views = self._with_files(uow, [self._repair_view(c, day) for c in cases])
        if status != "all":
            views = [v for v in views if v.status == status]
        views.sort(key=_repair_order)
        return views

    def decide_repair(self, case_id: str, outcome: str, reasons: str, officer: Reader, day: dt.date) -> RepairView:
        """Grant or refuse an application, once. A grant writes its ``repaired`` event and
        the case's decision in one transaction: both or neither."""
        reasons = _typed(reasons)
        with self._step(f"decision of repair application {case_id!r}") as uow:
            case = uow.cases.get(case_id)
            if case is None or case.kind != "repair":
                raise NotFound(f"no repair application {case_id!r}")
            if not case.is_open:
                raise DueProcessError(f"repair application {case_id!r} was decided already")
            decision = {"outcome": outcome, "reasons": reasons, "on": day.isoformat(), "officer": officer.name}
            if outcome == "granted":
                decision["event"] = self._append(
                    uow,
                    self._event(
                        Repaired,
                        type="repaired",
                        id=repair_event_id(case_id),
                        record=case.record,
                        on=day,
                        note=reasons,
                    ),
                    officer.name,
                )
            uow.cases.decide(case, decision)
            if outcome != "granted":
                uow.notices.write(
                    [repair_refused_notice(case.subject, case.record, case_id, day, reasons)],
                )
            decided = uow.cases.get(case_id)
            assert decided is not None
            (view,) = self._with_files(uow, [self._repair_view(decided, day)])
        return view

    # ------------------------------------------------------------- attachments

    def _case_subject(self, uow: UnitOfWork, kind: str, case_id: str) -> tuple[SubjectRef, bool] | None:
        """Whose dispute or repair application ``case_id`` is, and whether it is open;
        None when there is no such case."""
        if kind == "dispute":
            if not case_id.isdigit():
                return None
            number = int(case_id)
            filings = uow.ledger.dispute_filings()
            record_id = next((r for r, seqs in filings.items() if number in seqs), None)
            if record_id is None:
                return None
            file = self._file(uow, record_id)
            index = filings[record_id].index(number)
            # Whether a dispute is open does not depend on the day asked (only being overdue does).
            view = self._dispute_view(number, index, file, dt.date.min)
            return file.subject, view.status == "open"
        case = uow.cases.get(case_id)
        if case is None or case.kind != kind:
            return None
        return case.subject, case.is_open

    def attach(self, subject: SubjectRef, kind: str, case_id: str, files: Sequence[Upload]) -> list[Attachment]:
        """Attach ``files`` to one of the subject's own open disputes or repair
        applications (``kind``): all of them, or none with the reason. Someone else's
        case is answered as not found; a decided one is refused."""
        with self._step(f"files for {kind} {case_id}") as uow:
            found = self._case_subject(uow, kind, case_id)
            if found is None or found[0] != subject:
                raise NotFound(f"you have no {kind} {case_id!r}")
            if not found[1]:
                raise AttachmentNotTaken(refuse_decided(kind, case_id))
            already = len(uow.attachments.of_cases(kind, [case_id]).get(case_id, []))
            added = [uow.attachments.add(kind, case_id, subject, item) for item in self._accepted(files, already)]
        return added

    def attachments_of(self, kind: str, case_id: str) -> list[Attachment]:
        """The files attached to a case (names and types, not bytes), in the order they
        were attached."""
        with self.units(read_only=True) as uow:
            return uow.attachments.of_cases(kind, [case_id]).get(case_id, [])

    def attachment(
        self, attachment_id: str, reader: Reader, purpose: str | None = None, case: tuple[str, str] | None = None
    ) -> AttachmentFile:
        """One attachment with its bytes, for its case's subject or an officer (who
        states a purpose); the read is written to the access log, with who read it and
        why. To anyone else, as to a file that is not there (or whose subject's key was
        erased), or not attached to ``case`` (kind, id) when one is named, it is not
        found: whether it exists is not theirs to know."""
        with self._step(f"attachment {attachment_id}") as uow:
            item = uow.attachments.get(attachment_id)
            if item is not None and case is not None and (item.case_kind, item.case_id) != case:
                item = None
            found = self._case_subject(uow, item.case_kind, item.case_id) if item is not None else None
            if item is None or found is None or not reader.may_read(found[0]):
                raise NotFound(f"no attachment {attachment_id!r}")
            subject = found[0]
            stated = reader.stated_purpose(purpose)
            content = uow.attachments.content(attachment_id)
            if content is None:
                raise NotFound(f"no attachment {attachment_id!r}")
            uow.access_log.write([subject], reader, "attachment", stated, [f"{item.case_kind} {item.case_id}"])
        return AttachmentFile(item, content)

    # ------------------------------------------------------------ human review

    def _review_view(self, case: Case) -> ReviewView:
        return ReviewView(
            id=case.id,
            subject=str(case.subject),
            requested_on=_date(case.opened.get("requested_on")),
            notice=case.opened.get("notice"),
            grounds=case.opened.get("grounds"),
            decision=case.opened.get("decision"),
            status="open" if case.decided is None else str(case.decided.get("outcome")),
            reasons=case.decided.get("reasons") if case.decided else None,
            decided_on=_date(case.decided.get("on")) if case.decided else None,
        )

    def request_review(self, subject: SubjectRef, notice_id: str, grounds: str, day: dt.date) -> ReviewView:
        """A subject asks for a human to review a check decision that went against it
        (named by its adverse-action notice); the decision's reasons go with the case. One
        notice has one review."""
        grounds = _typed(grounds)
        with self._step(f"review of notice {notice_id!r}") as uow:
            notice = next((n for n in uow.notices.inbox(subject) if n.id == notice_id), None)
            if notice is None or notice.kind != "adverse_action":
                raise NotFound(f"you have no adverse-action notice {notice_id!r}")
            if any(c.opened.get("notice") == notice_id for c in uow.cases.all("review", subject)):
                raise DueProcessError(f"a review of notice {notice_id!r} was already requested")
            case_id = uow.cases.open(
                "review",
                subject,
                None,
                {
                    "requested_on": day.isoformat(),
                    "notice": notice_id,
                    "grounds": grounds,
                    "decision": notice.fields,
                },
                slot=f"review:{notice_id}",
            )
            case = uow.cases.get(case_id)
        assert case is not None
        return self._review_view(case)

    def reviews(self, status: str = "open") -> list[ReviewView]:
        with self.units(read_only=True) as uow:
            cases = uow.cases.all("review")
        views = [self._review_view(c) for c in cases]
        return [v for v in views if status == "all" or v.status == status]

    def decide_review(self, case_id: str, outcome: str, reasons: str, officer: Reader, day: dt.date) -> ReviewView:
        reasons = _typed(reasons)
        with self._step(f"decision of review {case_id!r}") as uow:
            case = uow.cases.get(case_id)
            if case is None or case.kind != "review":
                raise NotFound(f"no review {case_id!r}")
            if not case.is_open:
                raise DueProcessError(f"review {case_id!r} was decided already")
            action = case.opened.get("decision", {}).get("action")
            uow.cases.decide(
                case, {"outcome": outcome, "reasons": reasons, "on": day.isoformat(), "officer": officer.name}
            )
            uow.notices.write(
                [review_decided_notice(case.subject, case_id, action, outcome, reasons, day)],
            )
            decided = uow.cases.get(case_id)
        assert decided is not None
        return self._review_view(decided)

    # ------------------------------------------------------------ the queue

    def queue(self, day: dt.date, officer: Reader) -> Queue:
        """Every open case with whose it is, its record and rule and its deadline. Naming
        the subjects is a read of each: it is logged for ``officer`` with the case as its
        purpose, in the unit of work that reads them."""
        with self._step("the queue") as uow:
            filings = uow.ledger.dispute_filings()
            stored = {r: s.file for r, s in uow.ledger.records(filings).items()}
            views: list[DisputeView | RepairView | ReviewView] = [
                view
                for record_id, seqs in filings.items()
                for index, seq in enumerate(seqs)
                if (view := self._dispute_view(seq, index, stored[record_id], day)).status == "open"
            ]
            views += [self._repair_view(c, day) for c in uow.cases.all("repair") if c.is_open]
            views += [self._review_view(c) for c in uow.cases.all("review") if c.is_open]
            items = self._items(uow, self._with_files(uow, views), day, officer)
        return Queue(
            disputes=tuple(i for i in items if i.kind == "dispute"),
            repairs=tuple(i for i in items if i.kind == "repair"),
            reviews=tuple(i for i in items if i.kind == "review"),
        )

    def queued(self, kind: CaseKind, case_id: str, day: dt.date, officer: Reader) -> QueueItem:
        """One open case as the queue shows it (to restate before it is decided), the
        read of its subject logged as :meth:`queue` logs it; a case that is not open is
        refused with the reason."""
        with self._step(f"{kind} {case_id}") as uow:
            view: DisputeView | RepairView | ReviewView
            if kind == "dispute":
                view = self._open_dispute(uow, _dispute_number(case_id), day)
            else:
                case = uow.cases.get(case_id)
                if case is None or case.kind != kind:
                    raise NotFound(f"no {kind} {case_id!r}")
                if not case.is_open:
                    raise DueProcessError(f"{kind} {case_id!r} was decided already")
                view = self._repair_view(case, day) if kind == "repair" else self._review_view(case)
            (item,) = self._items(uow, self._with_files(uow, [view]), day, officer)
        return item

    def subject_of(self, kind: CaseKind, case_id: str) -> CaseSubject:
        """Whose case ``case_id`` is, open or decided, and the record it concerns."""
        with self.units(read_only=True) as uow:
            if kind == "dispute":
                number = _dispute_number(case_id)
                record_id = next((r for r, seqs in uow.ledger.dispute_filings().items() if number in seqs), None)
                stored = uow.ledger.records([record_id], text=False).get(record_id) if record_id else None
                if stored is None:
                    raise NotFound(f"no dispute {case_id}")
                return CaseSubject(stored.file.subject, stored.file.id)
            case = uow.cases.get(case_id)
        if case is None or case.kind != kind:
            raise NotFound(f"no {kind} {case_id!r}")
        record = case.record if kind == "repair" else _review_record(self._review_view(case))
        return CaseSubject(case.subject, record)

    def _open_dispute(self, uow: UnitOfWork, dispute_id: int, day: dt.date) -> DisputeView:
        filings = uow.ledger.dispute_filings()
        record_id = next((r for r, seqs in filings.items() if dispute_id in seqs), None)
        if record_id is None:
            raise NotFound(f"no dispute {dispute_id}")
        if filings[record_id][-1] != dispute_id:
            raise DueProcessError(f"dispute {dispute_id} was decided already")
        view = self._dispute_view(dispute_id, -1, self._file(uow, record_id), day)
        if view.status != "open":
            raise DueProcessError(f"dispute {dispute_id} is not open: it is {view.status}")
        return view

    def _items(
        self, uow: UnitOfWork, views: list[DisputeView | RepairView | ReviewView], day: dt.date, officer: Reader
    ) -> list[QueueItem]:
        """``views`` as queue items in queue order, their subjects named and each read
        logged (in ``uow``, which the caller commits)."""
        registry = self.library.registry()
        wanted = {_record_of(v) for v in views if not isinstance(v, DisputeView)}
        files = {r: s.file for r, s in uow.ledger.records([r for r in wanted if r], text=False).items()}
        subjects = [SubjectRef.parse(v.subject) for v in views]
        facts: dict[SubjectRef, SubjectEvent] = uow.ledger.latest_subject_events(subjects)
        items = []
        for view, subject in zip(views, subjects, strict=True):
            record: str | None
            rule: str | None
            filed_on: dt.date | None
            if isinstance(view, DisputeView):
                kind: CaseKind = "dispute"
                record, rule, title = view.record, view.rule, view.rule_title
                filed_on, decide_by = view.filed_on, view.decide_by
            else:
                kind = "repair" if isinstance(view, RepairView) else "review"
                record = _record_of(view)
                file = files.get(record) if record else None
                rule = file.record.rule if file else getattr(view, "rule", None)
                title = rule_in_force(file.record, registry)[1].title if file else None
                filed_on = view.applied_on if isinstance(view, RepairView) else view.requested_on
                decide_by = view.decide_by if isinstance(view, RepairView) else None
            fact = facts.get(subject)
            items.append(
                QueueItem(
                    kind=kind,
                    id=str(view.id),
                    subject=view.subject,
                    name=fact.name if fact else None,
                    jurisdiction=fact.jurisdiction if fact else None,
                    record=record,
                    rule=rule,
                    rule_title=title,
                    filed_on=filed_on,
                    decide_by=decide_by,
                    days_left=(decide_by - day).days if decide_by is not None else None,
                    overdue=decide_by is not None and decide_by <= day,
                    case=view,
                )
            )
        items.sort(key=_queue_order)
        for item, subject in ((i, SubjectRef.parse(i.subject)) for i in items):
            # The one rule of reads (xinyong.domain.access): who may read whom, with a purpose.
            if not officer.may_read(subject):
                raise AccessDenied(f"{officer.role} {officer.name!r} may not read the subjects of cases")
            purpose = officer.stated_purpose(item.purpose)
            uow.access_log.write([subject], officer, "queue", purpose, [item.record])
        return items

    # ------------------------------------------------------------------ outlook

    def outlook(self, subject: SubjectRef, catalog_id: str, day: dt.date, language: str = "en") -> Outlook:
        """The way back: when the score, grade and list entries change if nothing new
        happens, and which repairs become possible when. What changes on each day is
        given as message keys with fields (``changes[].messages``) and rendered in
        ``language`` (``changes[].what``)."""
        registry = self.library.registry()
        with self.units(read_only=True) as uow:
            filed = uow.ledger.subject_ledger(subject)
        now, steps, options = outlook(subject, catalog_id, day, filed.files, registry, filed.jurisdiction)

        return Outlook(
            subject=str(subject),
            catalog=catalog_id,
            as_of=day,
            score=now.score,
            grade=now.grade,
            lists=now.lists,
            changes=tuple(
                OutlookChange(
                    day=s.day,
                    score=s.score,
                    grade=s.grade,
                    lists=s.lists,
                    what=tuple(messages.render(m.key, m.fields, language) for m in s.changes),
                    messages=s.changes,
                )
                for s in steps
            ),
            repairs=tuple(options),
        )

    # ------------------------------------------------------------ time passing

    def send_due_notices(self, day: dt.date) -> int:
        """Write the notices that the passing of time brings by ``day``: records taking
        effect, list entries starting and ending. Each is written once.

        What comes due depends only on a record's file, the catalogs and the day. So a
        round reads the records changed since the round before (the records its ledger
        events after the last one read were filed on) and, on a later day, the records
        whose next due day (kept by the rounds that read them) has come since that
        round's day: nothing more came due for the others. A round reads every record (a
        whole round) before any is kept, under other catalogs, on an earlier day than the
        last, and at least once a week, which makes good whatever a next due day kept
        outside the service lost (decision records 0013 and 0015)."""
        from xinyong.domain.notices import due_notice_keys, due_notices, next_due_day
        from xinyong.domain.standing import Timelines
        from xinyong.services.read_models import catalogs_fingerprint

        registry = self.library.registry()
        catalogs = catalogs_fingerprint(registry)
        with self.units(read_only=True) as uow:
            head = uow.ledger.head()
            last = uow.notices.rounds()
            if (
                last is not None
                and last.catalogs == catalogs
                and last.seq <= head
                and last.whole_on <= last.day <= day
                and day - last.whole_on < WHOLE_ROUND_EVERY
            ):
                ids = uow.ledger.record_ids_changed_after(last.seq)
                if last.day < day:
                    ids = list(dict.fromkeys([*ids, *uow.notices.due_between(last.day, day)]))
                whole_on = last.whole_on
            else:
                ids = uow.ledger.record_ids()
                whole_on = day
        written = 0
        # A page of records at a time, and its notices written a few at a time, each in
        # a unit of work of its own: the service keeps answering while time passes, as
        # no write holds for long the lock that checks log their answers under. Most of
        # what a whole round finds due was written on the days before: it asks which,
        # outside any write, and writes out only the rest. Each record's next due day is
        # kept after its notices are written. A notice is written once (its dedupe key),
        # so a page cut short is done again by the next round, which reads from where
        # the last round that ended left off.
        for start in range(0, len(ids), ROUND_PAGE):
            timelines = Timelines(registry)  # each record's, derived once for its keys and its notices
            with self.units(read_only=True) as uow:
                files = [s.file for s in uow.ledger.records(ids[start : start + ROUND_PAGE]).values()]
                written_already = uow.notices.written(k for f in files for k in due_notice_keys(timelines(f), day))
            drafts = [d for f in files for d in due_notices(f, registry, day, timelines, unless=written_already)]
            for at in range(0, len(drafts), ROUND_WRITE):
                with self.units() as uow:
                    written += uow.notices.write(drafts[at : at + ROUND_WRITE])
                    uow.commit()
            with self.units() as uow:
                uow.notices.keep_due({f.id: next_due_day(timelines(f), day) for f in files})
                uow.commit()
        # Every record changed up to ``head`` was read by ``day``: events filed since are
        # the next round's.
        with self.units() as uow:
            uow.notices.note_rounds(NoticeRounds(day, head, catalogs, whole_on))
            uow.commit()
        return written
