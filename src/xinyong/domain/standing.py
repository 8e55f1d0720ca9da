"""Standing: the semantics of docs/design.md section 4, as pure functions without I/O.

Everything that turns a ledger into answers lives here: which records are admitted,
which later events fit a record's state, the window in which a record counts, disputes
and their deadline, fulfilment, repair and annulment, the more favourable rule, yearly
caps, scores and grades, list entries, coverage and checks. Storage, the command line,
the service and the batch engine call these functions or are tested against them.

Every answer is computed from the whole known history of a record and a day: an event
dated later than the day asked about still matters where the semantics say so (an
annulled record never counted, on any day), and does not where they don't (a repair
ends a record on the day it is granted, not before).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Literal, Protocol

from xinyong.domain.calendar import ZERO
from xinyong.domain.catalog.model import Catalog, Measure, Rule
from xinyong.domain.catalog.registry import CatalogRegistry
from xinyong.domain.events import (
    Annulled,
    DisputeFiled,
    DisputeResolved,
    Fulfilled,
    RecordChange,
    RecordEvent,
    Repaired,
)
from xinyong.domain.federation import ForeignHolding, effect_on_foreign, foreign_trigger, is_foreign
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.messages import Message, declare

FOREVER = dt.date.max


class Rejected(ValueError):
    """An event that the semantics do not allow; the message says why."""


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class RecordFile:
    """A record and the later events applied to it, in the order they were accepted."""

    record: RecordEvent
    changes: tuple[RecordChange, ...] = ()

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def subject(self) -> SubjectRef:
        return self.record.subject


def rule_in_force(record: RecordEvent, registry: CatalogRegistry) -> tuple[Catalog, Rule]:
    """The catalog version in force on the record's ``occurred_on`` and its rule.

    Raises :class:`Rejected` when there is none: no penalty without a rule in force when
    the act happened."""
    catalog_id, _, rule_name = record.rule.partition("/")
    version, rule = registry.rule_on(catalog_id, rule_name, record.occurred_on)
    if rule is not None and version is not None:
        return version, rule
    if catalog_id not in registry:
        raise Rejected(f"rule {record.rule!r}: no catalog {catalog_id!r} is loaded")
    if version is None:
        first = registry.versions(catalog_id)[0]
        raise Rejected(
            f"rule {record.rule!r}: no version of catalog {catalog_id!r} was in force on "
            f"occurred_on {record.occurred_on} (the first takes effect {first.effective_from})"
        )
    rule = version.rules.get(rule_name)
    if rule is None:
        raise Rejected(
            f"rule {record.rule!r}: not in catalog {catalog_id!r} version {version.version!r}, "
            f"in force on occurred_on {record.occurred_on}; no penalty without a rule in force "
            "when the act happened"
        )
    return version, rule


def admit_record(record: RecordEvent, registry: CatalogRegistry) -> None:
    """Check that a new record may enter the ledger; raises :class:`Rejected`."""
    version, _ = rule_in_force(record, registry)
    if record.subject.kind != version.subject_kind:
        raise Rejected(
            f"subject {record.subject} is a {record.subject.kind} but catalog "
            f"{version.id!r} is for {version.subject_kind}s"
        )
    if record.decided_on < record.occurred_on:
        raise Rejected(f"decided_on {record.decided_on} is before occurred_on {record.occurred_on}")


@dataclass(frozen=True, slots=True)
class Dispute:
    filed_on: dt.date
    resolved_on: dt.date | None = None
    outcome: Literal["upheld", "annulled"] | None = None
    deadline: dt.date | None = None  # filed_on + the catalog's dispute_deadline

    def open_on(self, day: dt.date) -> bool:
        """Filed on or before ``day`` and not resolved by it."""
        return self.filed_on <= day and (self.resolved_on is None or self.resolved_on > day)


def _disputes(file: RecordFile, registry: CatalogRegistry) -> list[Dispute]:
    disputes: list[Dispute] = []
    for change in file.changes:
        if isinstance(change, DisputeFiled):
            version = registry.in_force(file.record.catalog_id, change.on)
            deadline = version.dispute_deadline if version is not None else None
            disputes.append(Dispute(change.on, deadline=deadline.after(change.on) if deadline else None))
        elif isinstance(change, DisputeResolved) and disputes:
            disputes[-1] = replace(disputes[-1], resolved_on=change.on, outcome=change.outcome)
    return disputes


def _first(changes: Iterable[RecordChange], kind: type) -> dt.date | None:
    days = [c.on for c in changes if isinstance(c, kind)]
    return min(days) if days else None


def is_annulled(file: RecordFile) -> bool:
    return any(
        isinstance(c, Annulled) or (isinstance(c, DisputeResolved) and c.outcome == "annulled") for c in file.changes
    )


def apply_change(file: RecordFile, change: RecordChange, registry: CatalogRegistry) -> RecordFile:
    """The record file with ``change`` applied.

    Returns ``file`` itself when the identical event was already applied (an event is
    applied once). Raises :class:`Rejected` when the event does not fit the record's
    state: anything after annulment, a date before ``decided_on``, a second open
    dispute, a decision with no open dispute, a repair the rule does not allow or asked
    for too early."""
    if change.record != file.id:
        raise Rejected(f"event is for record {change.record!r}, not {file.id!r}")
    canonical = change.canonical()
    if any(c.canonical() == canonical for c in file.changes):
        return file
    record = file.record
    label = f"{change.type} on record {file.id!r}"
    if is_annulled(file):
        raise Rejected(f"{label}: the record was annulled; nothing can follow annulment")
    if change.on < record.decided_on:
        raise Rejected(f"{label}: {change.on} is before the record's decided_on {record.decided_on}")
    disputes = _disputes(file, registry)
    open_dispute = disputes[-1] if disputes and disputes[-1].resolved_on is None else None
    if isinstance(change, DisputeFiled):
        if open_dispute is not None:
            raise Rejected(
                f"{label}: a dispute filed on {open_dispute.filed_on} is still open; "
                "a record has one open dispute at a time"
            )
    elif isinstance(change, DisputeResolved):
        if open_dispute is None:
            raise Rejected(f"{label}: there is no open dispute to decide")
        if change.on < open_dispute.filed_on:
            raise Rejected(f"{label}: {change.on} is before the dispute was filed on {open_dispute.filed_on}")
    elif isinstance(change, Repaired):
        earliest = earliest_repair(file, registry)
        if earliest is None:
            raise Rejected(f"{label}: rule {record.rule!r} does not allow credit repair (it has no repairable_after)")
        if change.on < earliest:
            raise Rejected(f"{label}: too early; repair of this record is possible from {earliest}")
    return replace(file, changes=(*file.changes, change))


def effective_window(file: RecordFile, registry: CatalogRegistry) -> tuple[dt.date, dt.date]:
    """``(effective_on, expires_on)`` computed from ``decided_on`` and the rule in force
    on ``occurred_on``: ``effective_on = decided_on + notice``, ``expires_on =
    effective_on + valid_for``."""
    _, rule = rule_in_force(file.record, registry)
    effective_on = (rule.notice or ZERO).after(file.record.decided_on)
    return effective_on, rule.valid_for.after(effective_on)


def earliest_repair(file: RecordFile, registry: CatalogRegistry) -> dt.date | None:
    """The first day a repair of this record can be granted; ``None`` if never."""
    _, rule = rule_in_force(file.record, registry)
    effective_on, _ = effective_window(file, registry)
    return repairable_from(rule, effective_on)


def repairable_from(rule: Rule, effective_on: dt.date) -> dt.date | None:
    """The first day a repair of a record under ``rule`` can be granted, given the
    ``effective_on`` computed from its ``decided_on`` (whatever a dispute did); ``None``
    if the rule allows none."""
    return None if rule.repairable_after is None else rule.repairable_after.after(effective_on)


@dataclass(frozen=True, slots=True)
class Interval:
    """Half-open ``[start, end)``; ``end`` is :data:`FOREVER` when open."""

    start: dt.date
    end: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day < self.end

    @property
    def empty(self) -> bool:
        return self.end <= self.start


@dataclass(frozen=True, slots=True)
class ListPlacement:
    """A record's entry on a list: from the day the record starts counting."""

    list: str
    record: str
    start: dt.date
    until: dt.date | None  # None: open

    def active_on(self, day: dt.date, gaps: Sequence[Interval]) -> bool:
        if day < self.start or (self.until is not None and day >= self.until):
            return False
        return not any(day in gap for gap in gaps)


@dataclass(frozen=True, slots=True)
class Timeline:
    """When a record counts: everything section 4 derives from its file."""

    file: RecordFile
    catalog_id: str
    rule_name: str
    occurred_on: dt.date
    effective_on: dt.date
    expires_on: dt.date
    ends_on: dt.date  # the earliest of expires_on and any end set by later events
    annulled: bool
    disputes: tuple[Dispute, ...]
    gaps: tuple[Interval, ...]  # days inside [effective_on, ends_on) that do not count
    placement: ListPlacement | None

    def counts_on(self, day: dt.date) -> bool:
        if self.annulled or not (self.effective_on <= day < self.ends_on):
            return False
        return not any(day in gap for gap in self.gaps)

    def disputed_on(self, day: dt.date) -> bool:
        return any(d.open_on(day) for d in self.disputes)

    def listed_on(self, day: dt.date) -> bool:
        return self.placement is not None and self.placement.active_on(day, self.gaps)

    def status_on(self, day: dt.date) -> str:
        """A word for where the record stands on ``day``: ``pending`` (in its notice
        window), ``counting``, ``suspended`` (by a dispute), ``expired``, ``ended``
        (early, by fulfilment or repair) or ``annulled``."""
        if self.annulled:
            return "annulled"
        if self.counts_on(day):
            return "counting"
        if day < self.effective_on:
            return "pending"
        if day >= self.ends_on:
            return "expired" if self.ends_on == self.expires_on else "ended"
        return "suspended"

    def starts_counting(self) -> dt.date | None:
        """The first day the record counts, or ``None`` if it never does."""
        if self.annulled:
            return None
        day = self.effective_on
        # Step past gaps that cover the start; gaps are few, so this terminates fast.
        moved = True
        while moved and day < self.ends_on:
            moved = False
            for gap in self.gaps:
                if day in gap:
                    day = gap.end
                    moved = True
        return day if day < self.ends_on else None


def timeline(file: RecordFile, registry: CatalogRegistry) -> Timeline:
    """Derive when a record counts and its list entry from the record and its events."""
    record = file.record
    _, rule = rule_in_force(record, registry)
    effective_on, expires_on = effective_window(file, registry)
    annulled = is_annulled(file)
    fulfilled_on = _first(file.changes, Fulfilled)
    repaired_on = _first(file.changes, Repaired)
    disputes = tuple(_disputes(file, registry))

    ends_on = expires_on
    if repaired_on is not None:
        ends_on = min(ends_on, repaired_on)
    if fulfilled_on is not None and rule.restore_on_fulfilment:
        ends_on = min(ends_on, fulfilled_on)

    gaps: list[Interval] = []
    for dispute in disputes:
        resolved = dispute.resolved_on or FOREVER
        if dispute.filed_on < effective_on:
            # Suspended: does not count until the dispute is resolved.
            gaps.append(Interval(dispute.filed_on, resolved))
        if dispute.deadline is not None:
            # An authority that cannot verify a record in time loses it until it does.
            gaps.append(Interval(dispute.deadline, resolved))
    gaps = [g for g in gaps if not g.empty]

    line = Timeline(
        file=file,
        catalog_id=record.catalog_id,
        rule_name=record.rule_name,
        occurred_on=record.occurred_on,
        effective_on=effective_on,
        expires_on=expires_on,
        ends_on=ends_on,
        annulled=annulled,
        disputes=disputes,
        gaps=tuple(gaps),
        placement=None,
    )
    if rule.list is None or annulled or record.subject.is_minor_on(record.occurred_on):
        return line
    start = line.starts_counting()
    if start is None:
        return line
    definition = registry.list_definition(rule.list, start)
    duration = rule.list_duration or (definition.duration if definition else None)
    until = duration.after(start) if duration is not None else None
    early: list[dt.date] = []
    if repaired_on is not None:
        early.append(repaired_on)
    if fulfilled_on is not None and definition is not None and "fulfilment" in definition.removal:
        early.append(fulfilled_on)
    for day in early:
        until = day if until is None else min(until, day)
    if until is not None and until <= start:
        return line
    return replace(line, placement=ListPlacement(rule.list, record.id, start, until))


class Timelines:
    """:func:`timeline` of record files under one registry, each derived once while its
    file stays the same object: an import derives a new record's timeline for its notice
    and again for its subject's read model in the same batch. A file changed by a later
    event is a new object (files are frozen), so it is derived afresh; a file is told
    apart from an earlier one with the same id by identity, never by id alone."""

    def __init__(self, registry: CatalogRegistry):
        self.registry = registry
        self._known: dict[str, tuple[RecordFile, Timeline]] = {}

    def __call__(self, file: RecordFile) -> Timeline:
        known = self._known.get(file.id)
        if known is not None and known[0] is file:
            return known[1]
        line = timeline(file, self.registry)
        self._known[file.id] = (file, line)
        return line


# ----------------------------------------------------------------------------- points


def points_on(line: Timeline, day: dt.date, registry: CatalogRegistry) -> int:
    """The more favourable of the rule's points in the version in force on
    ``occurred_on`` and in the version in force on ``day``. Where the later version has
    dropped the rule, a penalty counts 0 and a reward keeps its points."""
    _, rule = rule_in_force(line.file.record, registry)
    return _points_under(line, rule, registry.in_force(line.catalog_id, day))


def _points_under(line: Timeline, then: Rule, current: Catalog | None) -> int:
    now_rule = current.rules.get(line.rule_name) if current is not None else None
    if now_rule is None:
        return 0 if then.points < 0 else then.points
    return max(then.points, now_rule.points)


def _cap_under(members: Sequence[tuple[Timeline, Rule]], current: Catalog | None) -> int | None:
    """The yearly cap of a group of records of one rule: the one in the version in force
    on the day asked (``current``). Where that version has dropped the rule, the most
    favourable of the caps the records were made under (no cap at all if any had none)."""
    first, _ = members[0]
    if current is not None and first.rule_name in current.rules:
        return current.rules[first.rule_name].cap_per_year
    caps = [rule.cap_per_year for _, rule in members]
    return None if any(c is None for c in caps) else max(caps)  # type: ignore[type-var]


@dataclass(frozen=True, slots=True)
class Contribution:
    """One counting record's share of a score, explained."""

    record: str
    rule: str
    points: int
    effective_on: dt.date
    expires_on: dt.date  # the day it stops counting if nothing else happens
    disputed: bool
    capped: bool
    occurred_on: dt.date
    title: str | None
    legal_basis: str | None
    source: str
    reference: str | None
    cap_per_year: int | None = None  # the rule's yearly cap in force on the day asked
    counting_from: dt.date | None = None  # the first day it counted (later than
    # effective_on when a dispute suspended it)


@dataclass(frozen=True, slots=True)
class ListEntry:
    list: str
    record: str
    start: dt.date
    until: dt.date | None
    catalog: str  # the catalog whose rule made the entry
    rule: str


@dataclass(frozen=True, slots=True)
class Standing:
    """A subject's score, grade, contributions and list entries under a catalog on a day."""

    subject: SubjectRef
    catalog: str
    version: str
    as_of: dt.date
    base: int
    score: int
    grade: str
    covered: bool
    contributions: tuple[Contribution, ...]
    lists: tuple[ListEntry, ...]


class NotInForce(ValueError):
    """A question about a catalog on a day that none of its versions was in force."""


def _ends_on_display(line: Timeline) -> dt.date:
    return line.ends_on


def standing(
    subject: SubjectRef,
    catalog_id: str,
    day: dt.date,
    files: Iterable[RecordFile],
    registry: CatalogRegistry,
    jurisdiction: str | None = None,
) -> Standing:
    """score(subject, catalog, day) = base + the capped sum of counting records' points.

    ``files`` are the subject's record files (others are ignored); ``jurisdiction`` is
    the subject's latest known jurisdiction, used for coverage."""
    lines = [timeline(f, registry) for f in files if f.subject == subject]
    return standing_of(subject, catalog_id, day, lines, registry, jurisdiction)


def standing_of(
    subject: SubjectRef,
    catalog_id: str,
    day: dt.date,
    lines: Sequence[Timeline],
    registry: CatalogRegistry,
    jurisdiction: str | None = None,
) -> Standing:
    """:func:`standing` over the subject's record timelines, already derived (a cache
    of derived standing answers from these without recomputing the history)."""
    return StandingHistory(subject, catalog_id, lines, registry, jurisdiction).on(day)


@dataclass(frozen=True, slots=True)
class StandingStep:
    """A day of :meth:`StandingHistory.steps`: the standing's figures on ``day``, and
    what moved since the day before. ``changed`` holds the records (by their index in
    the history's lines) whose contribution is not the one they had the day before:
    the new one, or None once a record no longer counts; on a change of version every
    record is there. ``listed`` holds the records in effect on a list, when that may
    have changed (else None)."""

    day: dt.date
    version: Catalog
    score: int
    grade: str
    covered: bool
    changed: Mapping[int, Contribution | None]
    listed: frozenset[int] | None


class _CapGroup:
    """A cap group's counting records as a sweep moves (:meth:`StandingHistory.steps`):
    each one's points under the version in force (worked out once, when it joins) and
    their sum, the group's cap, whether the cap binds, and the capped subtotal that
    counts in the score."""

    __slots__ = ("cap", "capped", "fresh", "points", "raw", "subtotal")

    def __init__(self) -> None:
        self.points: dict[int, int] = {}  # each counting record (its index) and its points
        self.raw = 0
        self.subtotal = 0
        self.cap: int | None = None
        self.capped = False
        self.fresh = True  # no contribution given yet


class StandingHistory:
    """A subject's record timelines under one catalog, gathered once so that its standing
    can be asked for many days (:func:`standing_of` asks for one; the read model asks for
    every day its standing may change). The rule each record was made under is looked up
    once, the first time the record counts."""

    def __init__(
        self,
        subject: SubjectRef,
        catalog_id: str,
        lines: Sequence[Timeline],
        registry: CatalogRegistry,
        jurisdiction: str | None = None,
    ):
        if catalog_id not in registry:
            raise NotInForce(f"no catalog {catalog_id!r} is loaded")
        self.subject = subject
        self.catalog_id = catalog_id
        self.registry = registry
        self.jurisdiction = jurisdiction
        self.lines = [ln for ln in lines if ln.file.subject == subject and ln.catalog_id == catalog_id]
        self._rules: dict[int, Rule] = {}
        self._made: dict[tuple[int, int, bool, bool, int | None], Contribution] = {}
        self._entries: dict[int, ListEntry] = {}

    def _contribution(
        self, index: int, ln: Timeline, rule: Rule, points: int, disputed: bool, capped: bool, cap: int | None
    ) -> Contribution:
        """The record's contribution with these day-dependent parts; made once for each
        combination (a standing asked for many days meets the same ones again)."""
        key = (index, points, disputed, capped, cap)
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = Contribution(
                record=ln.file.id,
                rule=ln.file.record.rule,
                points=points,
                effective_on=ln.effective_on,
                expires_on=_ends_on_display(ln),
                disputed=disputed,
                capped=capped,
                occurred_on=ln.occurred_on,
                title=rule.title,
                legal_basis=rule.legal_basis,
                source=ln.file.record.source,
                reference=ln.file.record.reference,
                cap_per_year=cap,
                counting_from=ln.starts_counting(),
            )
        return made

    def _entry(self, index: int, ln: Timeline) -> ListEntry:
        """The record's list entry (the same on every day it is in effect), made once."""
        entry = self._entries.get(index)
        if entry is None:
            if ln.placement is None:
                raise ValueError(f"record {ln.file.id!r} makes no list entry")
            entry = self._entries[index] = list_entry_of(ln, ln.placement)
        return entry

    def _rule(self, index: int) -> Rule:
        rule = self._rules.get(index)
        if rule is None:
            rule = self._rules[index] = rule_in_force(self.lines[index].file.record, self.registry)[1]
        return rule

    def on(self, day: dt.date) -> Standing:
        """score(subject, catalog, day) = base + the capped sum of counting records' points."""
        return self._on(day, range(len(self.lines)))

    def steps(self, days: Sequence[dt.date]) -> Iterator[StandingStep]:
        """The standing on each of ``days`` (ascending), as what moved since the day
        before (:class:`StandingStep`), sweeping the records once.

        A record's status (counting, disputed, listed) changes only on its own days
        (:func:`record_days`), and its points only when the version in force changes.
        So between two days asked, only the records with a day in between are looked at
        again; their cap group's sum is moved by their points, and only when the group's
        cap or whether it binds changes are its other members' contributions made again.
        A day costs what moved on it, not what the subject holds: a firm with thousands
        of records in one group is swept in about the time of its records, where summing
        every group again took the square. A change of version starts afresh."""
        lines = self.lines
        marks = sorted((d, i) for i, ln in enumerate(lines) for d in record_days(ln))
        taken = 0
        version: Catalog | None = None
        status: list[tuple[bool, bool, bool]] = []
        groups: dict[tuple[str, int], _CapGroup] = {}
        given: dict[int, Contribution] = {}  # each counting record's contribution as last given
        listed: set[int] = set()
        total = 0
        for day in days:
            current = self._version_on(day)
            relisted = current is not version
            changed: dict[int, Contribution | None] = {}
            if current is not version:
                version = current
                while taken < len(marks) and marks[taken][0] <= day:
                    taken += 1
                status = [_status(ln, day) for ln in lines]
                listed = {index for index, (_, _, on_list) in enumerate(status) if on_list}
                joining: dict[tuple[str, int], list[int]] = defaultdict(list)
                for index, (counts, _, _) in enumerate(status):
                    if counts:
                        joining[_group(lines[index])].append(index)
                changed = dict.fromkeys(given)  # every contribution is given again, or ends
                given, groups, total = {}, {}, 0
                for key, indices in joining.items():
                    group = groups[key] = _CapGroup()
                    total += self._move(version, group, key, indices, {}, status, given, changed)
            else:
                before: dict[int, tuple[bool, bool, bool]] = {}  # the status the day before
                while taken < len(marks) and marks[taken][0] <= day:
                    index = marks[taken][1]
                    taken += 1
                    after = _status(lines[index], day)
                    if after == status[index]:
                        continue
                    before.setdefault(index, status[index])
                    if after[2] != status[index][2]:
                        relisted = True
                        if after[2]:
                            listed.add(index)
                        else:
                            listed.discard(index)
                    status[index] = after
                moved: dict[tuple[str, int], list[int]] = defaultdict(list)
                for index, was in before.items():
                    now = status[index]
                    if was[0] != now[0] or (now[0] and was[1] != now[1]):
                        moved[_group(lines[index])].append(index)
                for key, indices in moved.items():
                    if key not in groups:
                        groups[key] = _CapGroup()
                    group = groups[key]
                    total += self._move(version, group, key, indices, before, status, given, changed)
                    if not group.points:
                        del groups[key]
            score = version.base + total
            yield StandingStep(
                day=day,
                version=version,
                score=score,
                grade=version.grade_for(score),
                covered=version.covers_jurisdiction(self.jurisdiction),
                changed=changed,
                listed=frozenset(listed) if relisted else None,
            )

    def _move(
        self,
        version: Catalog,
        group: _CapGroup,
        key: tuple[str, int],
        indices: list[int],
        before: Mapping[int, tuple[bool, bool, bool]],
        status: list[tuple[bool, bool, bool]],
        given: dict[int, Contribution],
        changed: dict[int, Contribution | None],
    ) -> int:
        """Move the records ``indices`` of a cap group to their ``status`` (from
        ``before``; a record not in it did not count), put the contributions that differ
        from those ``given`` in ``changed``, and return how much the group's capped
        subtotal moved."""
        lines = self.lines
        for index in indices:
            was = before[index][0] if index in before else False
            if was != status[index][0]:
                if status[index][0]:
                    points = group.points[index] = _points_under(lines[index], self._rule(index), version)
                    group.raw += points
                else:
                    group.raw -= group.points.pop(index)
                    changed[index] = None
                    given.pop(index, None)
        previous = group.subtotal
        if not group.points:
            group.raw = group.subtotal = 0
            return -previous
        if key[0] in version.rules:
            cap = version.rules[key[0]].cap_per_year
        else:  # the version dropped the rule: the caps the records were made under
            cap = _cap_under([(lines[i], self._rule(i)) for i in group.points], version)
        capped = cap is not None and abs(group.raw) > cap
        subtotal = (cap if group.raw > 0 else -cap) if capped and cap is not None else group.raw
        again = group.fresh or (cap, capped) != (group.cap, group.capped)
        group.fresh, group.cap, group.capped, group.subtotal = False, cap, capped, subtotal
        for index in group.points if again else (i for i in indices if i in group.points):
            made = self._contribution(
                index, lines[index], self._rule(index), group.points[index], status[index][1], capped, cap
            )
            if given.get(index) is not made:
                given[index] = changed[index] = made
        return subtotal - previous

    def over(self, days: Sequence[dt.date]) -> Iterator[Standing]:
        """:meth:`on` for each of ``days`` (ascending), from :meth:`steps`. Property
        tests hold every answer equal to :meth:`on` (the same evaluation as
        :func:`standing_of`) on every day."""
        counting: dict[int, Contribution] = {}
        contributions: tuple[Contribution, ...] = ()
        entries: tuple[ListEntry, ...] = ()
        for step in self.steps(days):
            if step.changed:
                for index, made in step.changed.items():
                    if made is None:
                        counting.pop(index, None)
                    else:
                        counting[index] = made
                contributions = tuple(sorted(counting.values(), key=_by_record))
            if step.listed is not None:
                entries = tuple(sorted((self._entry(i, self.lines[i]) for i in step.listed), key=_by_list_and_record))
            yield Standing(
                subject=self.subject,
                catalog=self.catalog_id,
                version=step.version.version,
                as_of=step.day,
                base=step.version.base,
                score=step.score,
                grade=step.grade,
                covered=step.covered,
                contributions=contributions,
                lists=entries,
            )

    def _version_on(self, day: dt.date) -> Catalog:
        catalog_id, registry = self.catalog_id, self.registry
        version = registry.in_force(catalog_id, day)
        if version is None:
            first = registry.versions(catalog_id)[0]
            raise NotInForce(
                f"no version of catalog {catalog_id!r} is in force on {day}; "
                f"the first takes effect {first.effective_from}"
            )
        if self.subject.kind != version.subject_kind:
            raise NotInForce(
                f"catalog {catalog_id!r} scores {version.subject_kind}s; {self.subject} is a {self.subject.kind}"
            )
        return version

    def _on(self, day: dt.date, indices: Iterable[int]) -> Standing:
        catalog_id = self.catalog_id
        version = self._version_on(day)
        groups: dict[tuple[str, int], list[tuple[int, Timeline, Rule, int]]] = defaultdict(list)
        lines = self.lines
        listed: list[ListEntry] = []
        for index in indices:
            ln = lines[index]
            if ln.counts_on(day):
                rule = self._rule(index)
                groups[(ln.rule_name, ln.occurred_on.year)].append((index, ln, rule, _points_under(ln, rule, version)))
            if ln.placement is not None and ln.listed_on(day):
                listed.append(self._entry(index, ln))

        total = 0
        contributions: list[Contribution] = []
        for members in groups.values():
            subtotal = sum(p for *_, p in members)
            cap = _cap_under([(ln, rule) for _, ln, rule, _ in members], version)
            capped = cap is not None and abs(subtotal) > cap
            if capped and cap is not None:
                subtotal = cap if subtotal > 0 else -cap
            total += subtotal
            for index, ln, rule, pts in members:
                contributions.append(self._contribution(index, ln, rule, pts, ln.disputed_on(day), capped, cap))
        contributions.sort(key=lambda c: c.record)
        score = version.base + total
        return Standing(
            subject=self.subject,
            catalog=catalog_id,
            version=version.version,
            as_of=day,
            base=version.base,
            score=score,
            grade=version.grade_for(score),
            covered=version.covers_jurisdiction(self.jurisdiction),
            contributions=tuple(contributions),
            lists=tuple(sorted(listed, key=_by_list_and_record)),
        )


def record_days(line: Timeline) -> set[dt.date]:
    """The days on which a record's own status may change: it starts or stops counting,
    a dispute on it opens or closes, its list entry starts or ends."""
    days = set(timeline_boundaries(line))
    for dispute in line.disputes:
        days.add(dispute.filed_on)
        if dispute.resolved_on is not None:
            days.add(dispute.resolved_on)
    return days


def _status(line: Timeline, day: dt.date) -> tuple[bool, bool, bool]:
    return line.counts_on(day), line.disputed_on(day), line.placement is not None and line.listed_on(day)


def _group(line: Timeline) -> tuple[str, int]:
    """A record's cap group: its rule and the year it occurred."""
    return line.rule_name, line.occurred_on.year


def _by_record(contribution: Contribution) -> str:
    return contribution.record


def list_entries(subject: SubjectRef, day: dt.date, lines: Iterable[Timeline]) -> list[ListEntry]:
    """The subject's list entries in effect on ``day``, on every list."""
    entries = [
        list_entry_of(ln, ln.placement)
        for ln in lines
        if ln.placement is not None and ln.file.subject == subject and ln.listed_on(day)
    ]
    return sorted(entries, key=_by_list_and_record)


def list_entry_of(line: Timeline, placement: ListPlacement) -> ListEntry:
    """The list entry that ``placement``, the record's own, makes."""
    return ListEntry(
        list=placement.list,
        record=line.file.id,
        start=placement.start,
        until=placement.until,
        catalog=line.catalog_id,
        rule=line.file.record.rule,
    )


def _by_list_and_record(entry: ListEntry) -> tuple[str, str]:
    return entry.list, entry.record


# ----------------------------------------------------------------------------- checks


class Graded(Protocol):
    """What a grade measure asks of a standing: the grade, and the score beside it."""

    @property
    def grade(self) -> str: ...

    @property
    def score(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a measure applied: the measure, what triggered it, and its legal basis."""

    catalog: str
    version: str
    measure: str
    action: str
    effect: str
    trigger: Mapping[str, object]
    legal_basis: str | None
    benefit: str | None


@dataclass(frozen=True, slots=True)
class CheckDecision:
    subject: SubjectRef
    action: str
    as_of: dt.date
    decision: Literal["allow", "review", "deny"]
    reasons: tuple[Reason, ...]
    benefits: tuple[str, ...]

    @property
    def effects(self) -> list[str]:
        return sorted(r.effect for r in self.reasons)


def computed_once(compute: Callable[[], Graded]) -> Callable[[], Graded]:
    """``compute``, called at most once."""
    box: list[Graded] = []

    def get() -> Graded:
        if not box:
            box.append(compute())
        return box[0]

    return get


def _strongest(entries: Sequence[ListEntry]) -> ListEntry:
    # The entry that lasts longest tells the subject when the measure is lifted.
    return max(entries, key=lambda e: (e.until is None, e.until or dt.date.min, e.record))


def check(
    subject: SubjectRef,
    action: str,
    day: dt.date,
    files: Iterable[RecordFile],
    registry: CatalogRegistry,
    jurisdiction: str | None = None,
) -> CheckDecision:
    """A service point's question: may ``subject`` do ``action`` on ``day``?

    The applicable measures are those of every catalog in force on ``day`` whose
    ``when`` holds: the subject is covered and its grade is named, or it has an entry on
    the named list that day. Deny beats review beats allow; benefits are listed."""
    lines = [timeline(f, registry) for f in files if f.subject == subject]
    return check_of(subject, action, day, lines, registry, jurisdiction)


def check_of(
    subject: SubjectRef,
    action: str,
    day: dt.date,
    lines: Sequence[Timeline],
    registry: CatalogRegistry,
    jurisdiction: str | None = None,
    foreign: Mapping[str, ForeignHolding] | None = None,
) -> CheckDecision:
    """:func:`check` over the subject's record timelines, already derived."""
    lines = [ln for ln in lines if ln.file.subject == subject]
    return decide(
        subject,
        action,
        day,
        list_entries(subject, day, lines),
        registry,
        jurisdiction,
        lambda catalog_id: standing_of(subject, catalog_id, day, lines, registry, jurisdiction),
        foreign,
    )


def decide(
    subject: SubjectRef,
    action: str,
    day: dt.date,
    entries: Iterable[ListEntry],
    registry: CatalogRegistry,
    jurisdiction: str | None,
    standing_in: Callable[[str], Graded],
    foreign: Mapping[str, ForeignHolding] | None = None,
) -> CheckDecision:
    """The decision of section 4 given the subject's list ``entries`` on ``day`` and its
    standing under a catalog (``standing_in``, asked only when a grade measure needs it):
    the measures of every catalog in force whose ``when`` holds; deny beats review beats
    allow; benefits are listed. The replay (:func:`check_of`) and the read model share it.
    ``foreign`` holds what this node imported of the foreign lists (``NODE/LIST``) about
    the subject (docs/design.md section 10)."""
    reasons = measures_on(subject, day, entries, registry, jurisdiction, standing_in, action, foreign)
    effects = {r.effect for r in reasons}
    decision: Literal["allow", "review", "deny"] = (
        "deny" if "deny" in effects else "review" if "review" in effects else "allow"
    )
    benefits = tuple(r.benefit for r in reasons if r.effect == "benefit" and r.benefit)
    return CheckDecision(subject, action, day, decision, tuple(reasons), benefits)


def measures_on(
    subject: SubjectRef,
    day: dt.date,
    entries: Iterable[ListEntry],
    registry: CatalogRegistry,
    jurisdiction: str | None,
    standing_in: Callable[[str], Graded],
    action: str | None = None,
    foreign: Mapping[str, ForeignHolding] | None = None,
) -> list[Reason]:
    """The measures that fall on ``subject`` on ``day``, each with its trigger: those of
    ``action`` (what a check weighs), or with ``action`` None every one, whatever the
    action (what the subject is told it is barred from or granted)."""
    by_list: dict[str, list[ListEntry]] = defaultdict(list)
    for entry in entries:
        by_list[entry.list].append(entry)

    reasons: list[Reason] = []
    for catalog_id in registry.ids():
        version = registry.in_force(catalog_id, day)
        if version is None:
            continue
        graded = computed_once(partial(standing_in, version.id))
        for index, measure in enumerate(version.measures):
            if action is not None and not measure.applies_to_action(action):
                continue
            if measure.when.list is not None and is_foreign(measure.when.list):
                trigger = _foreign_trigger(measure.when.list, day, foreign or {})
            else:
                trigger = measure_trigger(measure, version, subject, by_list, jurisdiction, graded)
            if trigger is None:
                continue
            reasons.append(
                Reason(
                    catalog=catalog_id,
                    version=version.version,
                    measure=version.measure_name(index),
                    action=measure.action,
                    effect=effect_on_foreign(measure.effect, trigger.get("stale") is True),
                    trigger=trigger,
                    legal_basis=measure.legal_basis,
                    benefit=measure.benefit,
                )
            )
    return reasons


def _foreign_trigger(name: str, day: dt.date, foreign: Mapping[str, ForeignHolding]) -> dict[str, object] | None:
    """What makes a measure on the foreign list ``name`` fall on the subject on ``day``
    (an entry that counts in the bundle that speaks for the day), or None."""
    held = foreign.get(name)
    if held is None:
        return None
    found = held.entries_on(day)
    return foreign_trigger(found, held, day) if found else None


def measure_trigger(
    measure: Measure,
    version: Catalog,
    subject: SubjectRef,
    by_list: Mapping[str, list[ListEntry]],
    jurisdiction: str | None,
    graded: Callable[[], Graded],
) -> dict[str, object] | None:
    """What makes ``measure`` fall on ``subject``, or None when it does not."""
    when = measure.when
    if when.list is not None:
        found = by_list.get(when.list)
        if not found:
            return None
        entry = _strongest(found)
        return {
            "list": entry.list,
            "record": entry.record,
            "from": entry.start.isoformat(),
            "until": entry.until.isoformat() if entry.until else None,
        }
    # A grade-based measure falls only on subjects the catalog's authority covers.
    if subject.kind != version.subject_kind or not version.covers_jurisdiction(jurisdiction):
        return None
    standing_now = graded()
    if standing_now.grade not in (when.grades or ()):
        return None
    return {"grade": standing_now.grade, "score": standing_now.score}


# ---------------------------------------------------------------------------- outlook


@dataclass(frozen=True, slots=True)
class OutlookStep:
    """A future day on which the standing changes, if nothing new happens."""

    day: dt.date
    score: int
    grade: str
    lists: tuple[ListEntry, ...]
    changes: tuple[Message, ...]  # what changes that day, as message keys with fields


@dataclass(frozen=True, slots=True)
class RepairOption:
    record: str
    rule: str
    possible_from: dt.date


def timeline_boundaries(line: Timeline) -> list[dt.date]:
    """The days on which a record's timeline may start or stop counting, or change."""
    days = [line.effective_on, line.ends_on, line.expires_on]
    for gap in line.gaps:
        days += [gap.start, gap.end]
    if line.placement is not None:
        days.append(line.placement.start)
        if line.placement.until is not None:
            days.append(line.placement.until)
    return [d for d in days if d != FOREVER]


def outlook(
    subject: SubjectRef,
    catalog_id: str,
    today: dt.date,
    files: Iterable[RecordFile],
    registry: CatalogRegistry,
    jurisdiction: str | None = None,
    horizon: dt.date | None = None,
) -> tuple[Standing, list[OutlookStep], list[RepairOption]]:
    """The way back: the standing today, each later day on which the score, the grade
    or the list entries change if nothing new happens, and which repairs become
    possible when. Every step equals :func:`standing` asked on its day."""
    files = [f for f in files if f.subject == subject]
    horizon = horizon or dt.date(today.year + 10, 12, 31)
    lines = [timeline(f, registry) for f in files]
    candidates = {d for ln in lines if ln.catalog_id == catalog_id or ln.placement for d in timeline_boundaries(ln)}
    candidates |= {v.effective_from for v in registry.versions(catalog_id)}
    days = sorted(d for d in candidates if today < d <= horizon)

    now = standing(subject, catalog_id, today, files, registry, jurisdiction)
    steps: list[OutlookStep] = []
    previous = now
    for day in days:
        later = standing(subject, catalog_id, day, files, registry, jurisdiction)
        if (later.score, later.grade, later.lists) == (previous.score, previous.grade, previous.lists):
            continue
        steps.append(OutlookStep(day, later.score, later.grade, later.lists, tuple(_describe(previous, later))))
        previous = later

    options = []
    for ln in lines:
        if ln.catalog_id != catalog_id or ln.annulled or ln.ends_on <= today:
            continue
        first = earliest_repair(ln.file, registry)
        if first is not None and first < ln.ends_on:
            options.append(RepairOption(ln.file.id, ln.file.record.rule, max(first, today)))
    options.sort(key=lambda o: (o.possible_from, o.record))
    return now, steps, options


# What an outlook step says changes, by key.
RECORD_STARTS = declare("outlook.record.starts")
RECORD_STOPS = declare("outlook.record.stops")
RECORD_POINTS = declare("outlook.record.points")
VERSION_TAKES_EFFECT = declare("outlook.catalog.version")
LIST_ENTRY_STARTS = declare("outlook.list.starts")
LIST_ENTRY_ENDS = declare("outlook.list.ends")
SCORE_CHANGES = declare("outlook.score")
GRADE_CHANGES = declare("outlook.grade")


def _describe(before: Standing, after: Standing) -> list[Message]:
    """What changes between two standings, as messages: records starting or stopping to
    count or counting other points, a catalog version taking effect, list entries
    starting and ending, the score and the grade."""
    was = {c.record: c for c in before.contributions}
    now = {c.record: c for c in after.contributions}
    notes = [Message(RECORD_STARTS, {"record": r, "points": now[r].points}) for r in sorted(now.keys() - was.keys())]
    notes += [Message(RECORD_STOPS, {"record": r, "points": was[r].points}) for r in sorted(was.keys() - now.keys())]
    notes += [
        Message(RECORD_POINTS, {"record": r, "points": now[r].points, "was": was[r].points})
        for r in sorted(was.keys() & now.keys())
        if was[r].points != now[r].points
    ]
    if before.version != after.version:
        notes.append(Message(VERSION_TAKES_EFFECT, {"catalog": after.catalog, "version": after.version}))
    old = {(e.list, e.record) for e in before.lists}
    new = {(e.list, e.record) for e in after.lists}
    notes += [Message(LIST_ENTRY_STARTS, {"list": lst, "record": rec}) for lst, rec in sorted(new - old)]
    notes += [Message(LIST_ENTRY_ENDS, {"list": lst, "record": rec}) for lst, rec in sorted(old - new)]
    if before.score != after.score:
        notes.append(Message(SCORE_CHANGES, {"was": before.score, "score": after.score}))
    if before.grade != after.grade:
        notes.append(Message(GRADE_CHANGES, {"was": before.grade, "grade": after.grade}))
    return notes
