"""The officer's overview: grade distribution per catalog, list sizes month by month,
disputes opened and decided, and what is overdue. Aggregates only: no subject is named,
so computing them reads no one's file in the sense of the access log.

The heavy part is derived from the ledger and kept until the ledger grows or the day
changes."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select

from xinyong.adapters.storage.tables import ledger, organisations
from xinyong.bootstrap import Deployment
from xinyong.domain.calendar import day_before
from xinyong.domain.events import DisputeFiled, DisputeResolved
from xinyong.domain.standing import RecordFile, Timeline, standing, timeline

MONTHS = 24


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
    sizes: list[int]  # entries on the first day of each month, and today last


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


def _subjects(connection) -> tuple[dict[str, str | None], set[str]]:
    """Every subject's lookup key with its latest jurisdiction, and the keys of
    organisations. Jurisdictions are not personal and are kept in the clear."""
    latest: dict[str, str | None] = {}
    for key, body in connection.execute(
        select(ledger.c.subject_key, ledger.c.body).where(ledger.c.kind == "subject").order_by(ledger.c.seq)
    ):
        latest[key] = json.loads(body).get("jurisdiction")
    organisation_keys = set(connection.execute(select(organisations.c.subject_key)).scalars())
    return latest, organisation_keys


@dataclass
class Dashboards:
    _cached: dict[tuple, Overview] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def overview(self, d: Deployment, today: dt.date) -> Overview:
        with d.store.reading() as connection:
            head = connection.execute(select(func.max(ledger.c.seq))).scalar_one()
        key = (head, today, len(d.catalogs.registry().ids()))
        with self._lock:
            derived = self._cached.get(key)
            if derived is None:
                derived = self._derive(d, today)
                self._cached.clear()
                self._cached[key] = derived
        disputes = d.due_process.disputes(today, "open")
        repairs = d.due_process.repairs(today, "open")
        return Overview(
            derived.as_of,
            derived.grades,
            derived.months,
            derived.lists,
            derived.disputes_opened,
            derived.disputes_decided,
            open_disputes=len(disputes),
            overdue_disputes=sum(1 for v in disputes if v["overdue"]),
            open_repairs=len(repairs),
            overdue_repairs=sum(1 for v in repairs if v["overdue"]),
            open_reviews=len(d.due_process.reviews("open")),
        )

    def _derive(self, d: Deployment, today: dt.date) -> Overview:
        registry = d.catalogs.registry()
        with d.store.reading() as connection:
            stored = d.store.records(connection, d.store.all_record_ids(connection), text=False)
            jurisdictions, organisation_keys = _subjects(connection)
        files = [s.file for s in stored.values()]
        lines: dict[str, Timeline] = {f.id: timeline(f, registry) for f in files}
        by_subject: dict[str, list[RecordFile]] = defaultdict(list)
        for file in files:
            by_subject[d.store.subject_key(file.subject)].append(file)

        grades = []
        for catalog_id in registry.ids():
            version = registry.in_force(catalog_id, today)
            if version is None or len(version.grades) < 2:
                continue
            counts: Counter[str] = Counter()
            for key, jurisdiction in jurisdictions.items():
                is_organisation = key in organisation_keys
                if (version.subject_kind == "organisation") != is_organisation:
                    continue
                if not version.covers_jurisdiction(jurisdiction):
                    continue
                own = [f for f in by_subject.get(key, ()) if f.record.catalog_id == catalog_id]
                if own:
                    counts[standing(own[0].subject, catalog_id, today, own, registry, jurisdiction).grade] += 1
                else:
                    counts[version.grade_for(version.base)] += 1
            grades.append(
                GradeDistribution(
                    catalog_id,
                    version.title,
                    version.version,
                    version.subject_kind,
                    [(g.name, counts.get(g.name, 0)) for g in version.grades],
                    sum(counts.values()),
                )
            )

        months = month_starts(today)
        # Each month's size as it stood on its last day; this month's as it stands today.
        days = [day_before(following) for following in months[1:]] + [today]
        sizes: dict[str, list[int]] = {}
        for line in lines.values():
            if line.placement is None:
                continue
            row = sizes.setdefault(line.placement.list, [0] * len(days))
            for i, day in enumerate(days):
                if line.listed_on(day):
                    row[i] += 1
        series = []
        for catalog in registry.all():
            for list_id, definition in catalog.lists.items():
                if list_id not in {s.list for s in series}:
                    current = registry.list_definition(list_id, today) or definition
                    series.append(ListSeries(list_id, current.title, current.kind, sizes.get(list_id, [0] * len(days))))

        index = {(m.year, m.month): i for i, m in enumerate(months)}
        opened, decided = [0] * len(months), [0] * len(months)
        for file in files:
            for change in file.changes:
                slot = index.get((change.on.year, change.on.month))
                if slot is None:
                    continue
                if isinstance(change, DisputeFiled):
                    opened[slot] += 1
                elif isinstance(change, DisputeResolved):
                    decided[slot] += 1
        return Overview(today, grades, months, sorted(series, key=lambda s: (s.kind, s.list)), opened, decided)
