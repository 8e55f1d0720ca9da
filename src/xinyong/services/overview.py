"""The officer's overview: grade distribution per catalog, list sizes month by month,
disputes opened and decided, and what is overdue. Aggregates only: no subject is named,
so computing them reads no one's file in the sense of the access log.

Grades and list sizes are folded over the ledger a page of subjects at a time (memory
stays bounded whatever the size of the ledger); disputes per month are counted by the
store. The result is kept until the ledger grows, the day changes or a catalog is
loaded."""

from __future__ import annotations

import builtins
import datetime as dt
import threading
from collections import Counter
from dataclasses import dataclass, field

from xinyong.domain.calendar import day_before
from xinyong.domain.catalog.model import Catalog
from xinyong.domain.catalog.registry import CatalogRegistry
from xinyong.domain.read_model import span_on
from xinyong.domain.standing import standing, timeline
from xinyong.services.catalogs import CatalogLibrary
from xinyong.services.due_process import DueProcess
from xinyong.services.read_models import ReadModels
from xinyong.services.unit_of_work import UnitOfWork, UnitsOfWork

MONTHS = 24
PAGE = 2000  # subjects folded at a time


@dataclass(frozen=True)
class GradeDistribution:
    catalog: str
    title: str | None
    version: str
    kind: str
    counts: list[tuple[str, int]]  # grade, subjects; highest grade first
    total: int


@dataclass(frozen=True)
class ListSeries:
    list: str
    title: str | None
    kind: str
    sizes: builtins.list[int]  # entries on the last day of each month, and today last


@dataclass(frozen=True)
class Overview:
    as_of: dt.date
    grades: list[GradeDistribution]
    months: list[dt.date]
    lists: list[ListSeries]
    disputes_opened: list[int]
    disputes_decided: list[int]
    open_disputes: int = 0
    overdue_disputes: int = 0
    open_repairs: int = 0
    overdue_repairs: int = 0
    open_reviews: int = 0


def month_starts(today: dt.date, count: int = MONTHS) -> list[dt.date]:
    """The first days of the last ``count`` months, the current one last."""
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


@dataclass
class Dashboards:
    units: UnitsOfWork
    library: CatalogLibrary
    due_process: DueProcess
    read_models: ReadModels
    _cached: dict[tuple[int, dt.date, int], Overview] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def overview(self, today: dt.date) -> Overview:
        registry = self.library.registry()
        with self.units(read_only=True) as uow:
            key = (uow.ledger.head(), today, len(registry.ids()))
            with self._lock:
                derived = self._cached.get(key)
                if derived is None:
                    if self.read_models.complete(uow):
                        derived = self._from_read_models(uow, registry, today)
                    else:  # a database upgraded from before read models, not yet rebuilt
                        derived = self._derive(uow, registry, today)
                    self._cached.clear()
                    self._cached[key] = derived
        disputes = self.due_process.disputes(today, "open")
        repairs = self.due_process.repairs(today, "open")
        return Overview(
            derived.as_of,
            derived.grades,
            derived.months,
            derived.lists,
            derived.disputes_opened,
            derived.disputes_decided,
            open_disputes=len(disputes),
            overdue_disputes=sum(1 for v in disputes if v.overdue),
            open_repairs=len(repairs),
            overdue_repairs=sum(1 for v in repairs if v.overdue),
            open_reviews=len(self.due_process.reviews("open")),
        )

    @staticmethod
    def _versions(registry: CatalogRegistry, today: dt.date) -> dict[str, Catalog]:
        return {
            catalog_id: version
            for catalog_id in registry.ids()
            if (version := registry.in_force(catalog_id, today)) is not None and len(version.grades) >= 2
        }

    @staticmethod
    def _days(today: dt.date) -> tuple[list[dt.date], list[dt.date]]:
        """The last months' first days, and the day each month's list sizes are taken:
        its last day; this month's as it stands today."""
        months = month_starts(today)
        return months, [day_before(following) for following in months[1:]] + [today]

    def _from_read_models(self, uow: UnitOfWork, registry: CatalogRegistry, today: dt.date) -> Overview:
        """The overview from the stored read models: each subject's grade today is a
        lookup in its spans; list sizes are counts of the stored list pieces."""
        versions = self._versions(registry, today)
        grades: dict[str, Counter[str]] = {catalog_id: Counter() for catalog_id in versions}
        months, days = self._days(today)
        for page in uow.read_models.span_pages(PAGE):
            for spans in page:
                for catalog_id in versions:
                    span = span_on(spans.get(catalog_id, ()), today)
                    if span is not None and span.covered:
                        grades[catalog_id][span.grade] += 1
        return self._overview(uow, registry, today, versions, grades, months, uow.read_models.list_sizes(days))

    def _derive(self, uow: UnitOfWork, registry: CatalogRegistry, today: dt.date) -> Overview:
        """The overview replayed from the ledger."""
        versions = self._versions(registry, today)
        grades: dict[str, Counter[str]] = {catalog_id: Counter() for catalog_id in versions}
        months, days = self._days(today)
        sizes: dict[str, list[int]] = {}
        for page in uow.ledger.subject_pages(PAGE):
            for subject in page:
                lines = [timeline(f, registry) for f in subject.files]
                for line in lines:
                    if line.placement is None:
                        continue
                    row = sizes.setdefault(line.placement.list, [0] * len(days))
                    for i, day in enumerate(days):
                        if line.listed_on(day):
                            row[i] += 1
                if not subject.known:
                    continue  # a subject with no subject event is counted under no catalog
                for catalog_id, version in versions.items():
                    if version.subject_kind != subject.kind or not version.covers_jurisdiction(subject.jurisdiction):
                        continue
                    own = [f for f in subject.files if f.record.catalog_id == catalog_id]
                    if own:
                        answer = standing(own[0].subject, catalog_id, today, own, registry, subject.jurisdiction)
                        grades[catalog_id][answer.grade] += 1
                    else:
                        grades[catalog_id][version.grade_for(version.base)] += 1
        return self._overview(uow, registry, today, versions, grades, months, sizes)

    @staticmethod
    def _overview(
        uow: UnitOfWork,
        registry: CatalogRegistry,
        today: dt.date,
        versions: dict[str, Catalog],
        grades: dict[str, Counter[str]],
        months: list[dt.date],
        sizes: dict[str, list[int]],
    ) -> Overview:
        days = len(months)
        distributions = [
            GradeDistribution(
                catalog_id,
                version.title,
                version.version,
                version.subject_kind,
                [(g.name, grades[catalog_id].get(g.name, 0)) for g in version.grades],
                sum(grades[catalog_id].values()),
            )
            for catalog_id, version in versions.items()
        ]
        series: list[ListSeries] = []
        for catalog in registry.all():
            for list_id, definition in catalog.lists.items():
                if list_id not in {s.list for s in series}:
                    current = registry.list_definition(list_id, today) or definition
                    series.append(ListSeries(list_id, current.title, current.kind, sizes.get(list_id, [0] * days)))

        index = {(m.year, m.month): i for i, m in enumerate(months)}
        opened, decided = [0] * len(months), [0] * len(months)
        for activity in uow.ledger.dispute_activity(months[0]):
            slot = index.get((activity.month.year, activity.month.month))
            if slot is not None:
                opened[slot] += activity.opened
                decided[slot] += activity.decided
        return Overview(today, distributions, months, sorted(series, key=lambda s: (s.kind, s.list)), opened, decided)
