"""A subject's situation today, what the top of its portal leads with: the lists it is
on, what each one bars it from, until when, the earliest day a repair can end it and
what the subject can do; the measures its grade brings; its open cases and their
deadlines. Drawn from the report (:mod:`xinyong.services.reports`), which holds every
measure that falls on the subject that day, and from its cases; nothing is read here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from xinyong.domain.catalog.model import ListDefinition
from xinyong.domain.catalog.registry import CatalogRegistry
from xinyong.domain.standing import ListEntry, Reason
from xinyong.services.due_process import SubjectCases
from xinyong.services.federation import ForeignEntryShown
from xinyong.services.reports import RecordView, Report

# The order in which measures are told: what is barred first, then what is sent to review.
_SEVERITY = {"deny": 0, "review": 1, "allow": 2, "benefit": 3}


@dataclass(frozen=True)
class MeasureView:
    """A measure that falls on the subject: what it does to which action, and why."""

    catalog: str
    version: str
    measure: str
    title: str | None
    action: str
    effect: str
    legal_basis: str | None
    benefit: str | None


@dataclass(frozen=True)
class Listing:
    """A list entry in effect, what it bars the subject from and the ways off it."""

    entry: ListEntry
    title: str | None
    kind: str | None  # black | red | …
    record: RecordView | None
    measures: tuple[MeasureView, ...]  # deny and review first
    ends_on_fulfilment: bool
    repair_from: dt.date | None  # the first day a repair can be granted, when it can
    repair_open: bool  # a repair can be applied for today


@dataclass(frozen=True)
class ForeignListing:
    """An entry on a partner node's list in effect, and what it bars the subject from
    here; the node that keeps it is the one to dispute with (docs/design.md section 10)."""

    entry: ForeignEntryShown
    measures: tuple[MeasureView, ...]


@dataclass(frozen=True)
class OpenCase:
    """A dispute, a repair application or a review the subject is waiting on."""

    kind: str  # dispute | repair | review
    record: str | None
    filed_on: dt.date | None
    decide_by: dt.date | None
    overdue: bool


@dataclass(frozen=True)
class Situation:
    listings: tuple[Listing, ...]
    graded: tuple[MeasureView, ...]  # the deny and review measures a grade brings
    benefits: tuple[MeasureView, ...]
    cases: tuple[OpenCase, ...]  # the soonest deadline first
    foreign: tuple[ForeignListing, ...] = ()

    @property
    def calm(self) -> bool:
        """On no list, under no adverse measure, waiting on no case."""
        return not (self.listings or self.graded or self.cases or self.foreign)


def _view(reason: Reason, registry: CatalogRegistry) -> MeasureView:
    title = None
    for version in registry.versions(reason.catalog):
        if version.version == reason.version:
            title = next(
                (m.title for i, m in enumerate(version.measures) if version.measure_name(i) == reason.measure), None
            )
    return MeasureView(
        reason.catalog,
        reason.version,
        reason.measure,
        title,
        reason.action,
        reason.effect,
        reason.legal_basis,
        reason.benefit,
    )


def _ordered(views: list[MeasureView]) -> tuple[MeasureView, ...]:
    return tuple(sorted(views, key=lambda v: (_SEVERITY.get(v.effect, 9), v.title or v.action)))


def situation_of(
    report: Report,
    cases: SubjectCases,
    registry: CatalogRegistry,
    foreign: Sequence[ForeignEntryShown] = (),
) -> Situation:
    """The subject's situation on the report's day (``foreign``: its entries on partner
    nodes' lists that day)."""
    day = report.as_of
    records = {r.record: r for r in report.records}
    by_list: dict[str, list[MeasureView]] = {}
    graded: list[MeasureView] = []
    benefits: list[MeasureView] = []
    for reason in report.measures:
        view = _view(reason, registry)
        if reason.effect == "benefit":
            benefits.append(view)
        elif "list" in reason.trigger:
            by_list.setdefault(str(reason.trigger["list"]), []).append(view)
        elif reason.effect in ("deny", "review"):
            graded.append(view)
    repairing = {v.record for v in cases.repairs if v.status == "open"}
    listings = []
    for entry in sorted(report.lists, key=lambda e: (e.until is None, e.until or dt.date.max, e.list, e.record)):
        definition = registry.list_definition(entry.list, day)
        record = records.get(entry.record)
        # A granted repair ends the record and its list entries, whatever the list's
        # removal says (section 4); fulfilment ends them where the list allows it.
        repair_from = record.repairable_from if record is not None and record.status != "annulled" else None
        listings.append(
            Listing(
                entry=entry,
                title=definition.title if definition else None,
                kind=definition.kind if definition else None,
                record=record,
                measures=_ordered(by_list.get(entry.list, [])),
                ends_on_fulfilment="fulfilment" in _removal(definition),
                repair_from=repair_from,
                repair_open=repair_from is not None and repair_from <= day and entry.record not in repairing,
            )
        )
    open_cases = [
        OpenCase("dispute", v.record, v.filed_on, v.decide_by, v.overdue) for v in cases.disputes if v.status == "open"
    ]
    open_cases += [
        OpenCase("repair", v.record, v.applied_on, v.decide_by, v.overdue) for v in cases.repairs if v.status == "open"
    ]
    open_cases += [OpenCase("review", None, v.requested_on, None, False) for v in cases.reviews if v.status == "open"]
    open_cases.sort(key=lambda c: (c.decide_by is None, c.decide_by or dt.date.max, c.kind))
    foreign_listings = tuple(ForeignListing(e, _ordered(by_list.get(e.list, []))) for e in foreign)
    return Situation(tuple(listings), _ordered(graded), _ordered(benefits), tuple(open_cases), foreign_listings)


def _removal(definition: ListDefinition | None) -> tuple[str, ...]:
    return tuple(definition.removal) if definition is not None else ()
