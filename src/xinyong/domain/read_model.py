"""Read model: a subject's standing as a piecewise-constant function of the day.

Until a new event arrives, a subject's standing under a catalog changes only on days
the semantics of docs/design.md section 4 make known in advance: a record takes effect
(after its notice), stops (expiry, fulfilment, repair), is suspended or resumes (a
dispute filed before it took effect, a dispute's deadline passed, its resolution), a
dispute opens or closes (a contribution's ``disputed`` flag), a list entry starts or
ends, or a catalog version takes effect (points, caps, base, grades and coverage of
the version in force). Nothing else moves: cap groups are keyed by the year a record
*occurred* (not the day asked), and whether a minor is placed on a list is fixed by
the day the act occurred, so neither year ends nor 18th birthdays are change points.

:func:`standing_changes` cuts the days into half-open spans ``[start, until)`` at
these change points and asks the standing module itself (:func:`standing_of` on the
span's first day) for each span's value; adjacent spans with equal values are merged.
Nothing of section 4 is re-implemented here: the change-point set is the only thing
this module decides, and the property tests show it is complete (read model = standing
module on every day, including each change point and the day before it).

Days before the first span: the spans of a catalog start on its first version's
``effective_from``, the earliest day anything can count (a record needs a version in
force on the day it occurred, and counts from ``decided_on`` + notice, which is
later). Before it no version is in force, and :func:`standing_on` raises
:class:`NotInForce` as :func:`standing_of` does; a check on such a day finds no
catalog in force and no list entry (every entry starts later), and so allows.
The last span is open-ended (``until`` None): it holds as long as no new event of
the subject and no new catalog version arrives.

What a storage adapter stores, per subject:

* one row per span per catalog: ``(subject key, catalog, start, until, version,
  base, score, grade, covered)``, indexed on ``(subject key, catalog, start)``; a
  score on a day is the row with the greatest ``start`` on or before it. The span's
  contributions (record, points, capped, disputed, ...) are child rows of the span
  when a deployment answers score queries with their explanation from the read model;
* list entries as their own rows, one per active piece ``(subject key, list, record,
  catalog, rule, from, until, active_from, active_until)`` (an entry is inactive while
  its record is suspended by a dispute): a check reads the pieces containing its day,
  and public list pages read the same rows.

When to recompute: on any event of the subject (a record, or a later event on one of
its records), in the same transaction, recompute all of that subject's rows from its
record files; when a new catalog version is loaded, recompute every subject of that
catalog's subject kind (its spans, and its list pieces, since a list's definition in
force may change placements). A subject's jurisdiction change (a ``subject`` event)
changes coverage: recompute that subject too.

Size: a catalog's spans are at most one more than its change points, i.e. at most
``versions + 5 × records + 2 × later events`` (each record: takes effect, ends,
expires, list entry starts and ends; each later event: its day and, for a dispute,
its deadline), so O(records) per subject, not a row per day.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from xinyong.domain.catalog.registry import CatalogRegistry
from xinyong.domain.federation import ForeignHolding
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.standing import (
    FOREVER,
    CheckDecision,
    Contribution,
    ListEntry,
    NotInForce,
    RecordFile,
    Standing,
    StandingHistory,
    Timeline,
    decide,
    list_entry_of,
    record_days,
    timeline,
)

__all__ = [
    "ContributionPiece",
    "ListPiece",
    "ReadModel",
    "Span",
    "change_points",
    "check_from",
    "list_entries_on",
    "read_model_of",
    "span_on",
    "standing_changes",
    "standing_on",
]


@dataclass(frozen=True, slots=True)
class Span:
    """``[start, until)`` over which a subject's score, grade and coverage under
    ``catalog`` stay as they are (``until`` None: open-ended)."""

    catalog: str
    start: dt.date
    until: dt.date | None
    version: str
    base: int
    score: int
    grade: str
    covered: bool

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day and (self.until is None or day < self.until)


@dataclass(frozen=True, slots=True)
class ContributionPiece:
    """``[start, until)`` over which one record's contribution to a score under
    ``catalog`` stays as it is (its points, caps and dispute flag)."""

    catalog: str
    start: dt.date
    until: dt.date | None
    contribution: Contribution

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day and (self.until is None or day < self.until)


@dataclass(frozen=True, slots=True)
class ListPiece:
    """A list entry and one stretch ``[active_from, active_until)`` of days on which it
    is in effect (an entry is split where a dispute suspends its record)."""

    entry: ListEntry
    active_from: dt.date
    active_until: dt.date | None

    def active_on(self, day: dt.date) -> bool:
        return self.active_from <= day and (self.active_until is None or day < self.active_until)


@dataclass(frozen=True, slots=True)
class ReadModel:
    """Everything a score or a check of one subject needs, on any day."""

    subject: SubjectRef
    jurisdiction: str | None
    spans: Mapping[str, Sequence[Span]]  # by catalog, ordered by start, contiguous
    contributions: Mapping[str, tuple[ContributionPiece, ...]]  # by catalog, by record then start
    lists: tuple[ListPiece, ...]  # every list entry's active pieces, on every list


def change_points(catalog_id: str, lines: Sequence[Timeline], registry: CatalogRegistry) -> list[dt.date]:
    """The days on which the subject's standing under ``catalog_id`` may change, given
    its record timelines, in order: each version's ``effective_from``, and for each
    record of the catalog the days its timeline moves (takes effect, ends, expires,
    suspensions start and end, list entry starts and ends) and the days a dispute on
    it opens or is resolved (a contribution's ``disputed`` flag)."""
    days = {v.effective_from for v in registry.versions(catalog_id)}
    for line in lines:
        if line.catalog_id == catalog_id:
            days.update(record_days(line))
    return sorted(d for d in days if d != FOREVER)


def _spans(
    subject: SubjectRef,
    catalog_id: str,
    lines: Sequence[Timeline],
    registry: CatalogRegistry,
    jurisdiction: str | None,
) -> tuple[tuple[Span, ...], tuple[ContributionPiece, ...]]:
    versions = registry.versions(catalog_id)
    if not versions:
        return (), ()
    first = versions[0].effective_from
    days = [d for d in change_points(catalog_id, lines, registry) if d >= first]
    history = StandingHistory(subject, catalog_id, lines, registry, jurisdiction)
    spans: list[Span] = []
    # The days standing_of answers (others: NotInForce, no span), each with the next change.
    scored = []
    for index, start in enumerate(days):
        version = registry.in_force(catalog_id, start)
        if version is not None and version.subject_kind == subject.kind:
            scored.append((start, days[index + 1] if index + 1 < len(days) else None))
    # Each record's pieces as (start, until, contribution), and the piece it is in now
    # (start, contribution): a piece runs on while its record's contribution stays the
    # same object, so a day costs what moved on it (StandingHistory.steps).
    pieces: dict[int, list[tuple[dt.date, dt.date | None, Contribution]]] = defaultdict(list)
    running: dict[int, tuple[dt.date, Contribution]] = {}
    last: dt.date | None = None  # the end of the day before's span
    for (start, until), step in zip(scored, history.steps([d for d, _ in scored]), strict=True):
        previous = spans[-1] if spans else None
        version = step.version
        if (
            previous is not None
            and previous.until == start
            and (previous.version, previous.base, previous.score, previous.grade, previous.covered)
            == (version.version, version.base, step.score, step.grade, step.covered)
        ):
            spans[-1] = replace(previous, until=until)
        else:
            spans.append(
                Span(catalog_id, start, until, version.version, version.base, step.score, step.grade, step.covered)
            )
        # The days scored follow one another: every version of a catalog scores one kind
        # of subject (the registry refuses another), and each is in force until the next.
        assert previous is None or last == start, (catalog_id, last, start)
        for index, made in step.changed.items():
            now = running.get(index)
            if now is not None:
                if now[1] is made:
                    continue
                pieces[index].append((now[0], start, now[1]))
                del running[index]
            if made is not None:
                running[index] = (start, made)
        last = until
    for index, (began, contribution) in running.items():
        pieces[index].append((began, last, contribution))
    return tuple(spans), tuple(
        ContributionPiece(catalog_id, start, until, contribution)
        for index in sorted(pieces, key=lambda i: history.lines[i].file.id)
        for start, until, contribution in pieces[index]
    )


def _pieces(line: Timeline) -> list[ListPiece]:
    placement = line.placement
    if placement is None:
        return []
    entry = list_entry_of(line, placement)
    end = placement.until or FOREVER
    cuts = {placement.start}
    for gap in line.gaps:
        cuts.update(d for d in (gap.start, gap.end) if placement.start < d < end)
    days = sorted(cuts)
    pieces: list[ListPiece] = []
    for index, start in enumerate(days):
        until = days[index + 1] if index + 1 < len(days) else placement.until
        if not line.listed_on(start):
            continue
        if pieces and pieces[-1].active_until == start:
            pieces[-1] = replace(pieces[-1], active_until=until)
        else:
            pieces.append(ListPiece(entry, start, until))
    return pieces


def read_model_of(
    subject: SubjectRef,
    lines: Sequence[Timeline],
    registry: CatalogRegistry,
    jurisdiction: str | None = None,
) -> ReadModel:
    """The read model of ``subject`` from its record timelines (others are ignored):
    spans for every loaded catalog (none on days its version in force scores another
    kind of subject) and the pieces of every list entry."""
    mine = [ln for ln in lines if ln.file.subject == subject]
    spans: dict[str, tuple[Span, ...]] = {}
    contributions: dict[str, tuple[ContributionPiece, ...]] = {}
    for catalog_id in registry.ids():
        spans[catalog_id], contributions[catalog_id] = _spans(subject, catalog_id, mine, registry, jurisdiction)
    pieces = tuple(p for ln in mine for p in _pieces(ln))
    return ReadModel(subject, jurisdiction, spans, contributions, pieces)


def standing_changes(
    subject: SubjectRef,
    files: Iterable[RecordFile],
    registry: CatalogRegistry,
    jurisdiction: str | None = None,
    timelines: Callable[[RecordFile], Timeline] | None = None,
) -> ReadModel:
    """The read model of ``subject`` from its record files (others are ignored);
    ``jurisdiction`` is its latest known jurisdiction, for coverage. ``timelines``
    (:class:`Timelines` of ``registry``) reuses timelines the caller has derived."""
    derive = timelines if timelines is not None else (lambda f: timeline(f, registry))
    lines = [derive(f) for f in files if f.subject == subject]
    return read_model_of(subject, lines, registry, jurisdiction)


def _start(span: Span) -> dt.date:
    return span.start


def span_on(spans: Sequence[Span], day: dt.date) -> Span | None:
    """The span of ``spans`` (one catalog's, ordered) that holds ``day``, if any."""
    # A bisection reads a few spans, not all: a stored model makes each when it is read.
    index = bisect.bisect_right(spans, day, key=_start)
    if not index:
        return None
    span = spans[index - 1]
    return span if day in span else None


def graded_on(model: ReadModel, catalog_id: str, day: dt.date) -> Span:
    """The span that holds the subject's score and grade under ``catalog_id`` on
    ``day`` (what a grade measure asks), without the contributions that make them up.
    Raises :class:`NotInForce` where :func:`standing_on` does."""
    if catalog_id not in model.spans:
        raise NotInForce(f"no catalog {catalog_id!r} is loaded")
    span = span_on(model.spans[catalog_id], day)
    if span is None:
        raise NotInForce(f"catalog {catalog_id!r} has no version in force on {day} that scores {model.subject}")
    return span


def standing_on(model: ReadModel, catalog_id: str, day: dt.date) -> Standing:
    """The subject's standing under ``catalog_id`` on ``day``: an indexed lookup, equal
    to :func:`standing_of` on that day. Raises :class:`NotInForce` where it does."""
    span = graded_on(model, catalog_id, day)
    return Standing(
        subject=model.subject,
        catalog=catalog_id,
        version=span.version,
        as_of=day,
        base=span.base,
        score=span.score,
        grade=span.grade,
        covered=span.covered,
        contributions=tuple(p.contribution for p in model.contributions.get(catalog_id, ()) if day in p),
        lists=tuple(e for e in list_entries_on(model, day) if e.catalog == catalog_id),
    )


def list_entries_on(model: ReadModel, day: dt.date) -> list[ListEntry]:
    """The subject's list entries in effect on ``day``, on every list."""
    return sorted((p.entry for p in model.lists if p.active_on(day)), key=lambda e: (e.list, e.record))


def check_from(
    model: ReadModel,
    subject: SubjectRef,
    action: str,
    day: dt.date,
    registry: CatalogRegistry,
    foreign: Mapping[str, ForeignHolding] | None = None,
) -> CheckDecision:
    """:func:`check_of` answered from the read model: the same measures of every
    catalog in force on ``day``, triggered by the stored list entries and grades, with
    the standing module's own trigger rule (and ``foreign``, the foreign lists' holdings
    of the subject)."""
    if subject != model.subject:
        raise ValueError(f"the read model is of {model.subject}, not {subject}")
    return decide(
        subject,
        action,
        day,
        list_entries_on(model, day),
        registry,
        model.jurisdiction,
        # A check weighs the grade and the score alone: the span holds them, and the
        # contributions that make them up are not read.
        lambda catalog_id: graded_on(model, catalog_id, day),
        foreign,
    )
