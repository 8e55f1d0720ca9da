"""Due process: disputes, credit repair, human review and the way back, as the workflow
around the semantics of docs/design.md section 4. Filing and deciding a dispute and granting
a repair are ledger events; every step notifies the people it concerns."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, overload

from pydantic import ValidationError

from xinyong import messages
from xinyong.domain.access import Reader
from xinyong.domain.events import DisputeFiled, DisputeResolved, Repaired
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
from xinyong.services.unit_of_work import Case, Collision, UnitOfWork, UnitsOfWork


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


@dataclass(frozen=True)
class SubjectCases:
    """One subject's disputes, repair applications and reviews."""

    disputes: list[DisputeView]
    repairs: list[RepairView]
    reviews: list[ReviewView]


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

    def file_dispute(self, subject: SubjectRef, record_id: str, grounds: str, day: dt.date) -> DisputeView:
        """A subject disputes its own record, with its grounds: a new dispute, with an id
        of its own, or a refusal with the reason (a dispute still open)."""
        grounds = _typed(grounds)
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
            view = self._dispute_view(dispute_id, -1, self._file(uow, file.id), day)
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
        disputes = [
            self._dispute_view(seq, index, stored[record].file, day)
            for record, seqs in filings.items()
            for index, seq in enumerate(seqs)
        ]
        disputes.sort(key=_dispute_order)
        return SubjectCases(
            disputes=disputes,
            repairs=sorted((self._repair_view(c, day) for c in repairs), key=_repair_order),
            reviews=[self._review_view(c) for c in reviews],
        )

    def decide_dispute(self, dispute_id: int, outcome: str, reasons: str, officer: Reader, day: dt.date) -> DisputeView:
        """Decide an open dispute. A dispute is decided once: a second decision, even one
        with the same outcome and reasons, is refused."""
        reasons = _typed(reasons)
        with self._step(f"decision of dispute {dispute_id}") as uow:
            filings = uow.ledger.dispute_filings()
            record_id = next((r for r, seqs in filings.items() if dispute_id in seqs), None)
            if record_id is None:
                raise NotFound(f"no dispute {dispute_id}")
            if filings[record_id][-1] != dispute_id:
                raise DueProcessError(f"dispute {dispute_id} was decided already")
            file = self._file(uow, record_id)
            status = self._dispute_view(dispute_id, -1, file, day).status
            if status != "open":
                raise DueProcessError(f"dispute {dispute_id} is not open: it is {status}")
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
            view = self._dispute_view(dispute_id, -1, self._file(uow, record_id), day)
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
        self, subject: SubjectRef, record_id: str, proof: str, commitment: str, day: dt.date
    ) -> RepairView:
        """A subject applies for credit repair with proof of fulfilment and a written
        commitment. An early application is refused with the first day it can succeed."""
        proof, commitment = _typed(proof), _typed(commitment)
        with self._step(f"application to repair record {record_id!r}") as uow:
            view = self._apply_for_repair(uow, subject, record_id, proof, commitment, day)
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
        views = [self._repair_view(c, day) for c in cases]
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
        return self._repair_view(decided, day)

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
        effect, list entries starting and ending. Each is written once."""
        from xinyong.domain.notices import due_notices

        registry = self.library.registry()
        with self.units(read_only=True) as uow:
            ids = uow.ledger.record_ids()
        written = 0
        # A page of records at a time, each page a unit of work of its own: the service
        # keeps answering while time passes, and a notice is written once (its dedupe
        # key), so a page cut short is done again by the next round.
        for start in range(0, len(ids), 2000):
            with self.units(read_only=True) as uow:
                stored = uow.ledger.records(ids[start : start + 2000])
            drafts = [d for s in stored.values() for d in due_notices(s.file, registry, day)]
            with self.units() as uow:
                written += uow.notices.write(drafts)
                uow.commit()
        return written
