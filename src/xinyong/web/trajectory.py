"""A subject's score over time under one catalog: the past, sampled from the semantics on
every day it could have changed (and weekly between), and the way ahead from the
outlook, for the portal's chart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from xinyong.catalog.registry import CatalogRegistry
from xinyong.identifiers import SubjectRef
from xinyong.standing import FOREVER, OutlookStep, RecordFile, outlook, standing, timeline

Point = tuple[dt.date, int]


@dataclass(frozen=True)
class Trajectory:
    catalog: str
    past: list[Point]  # oldest first, up to today
    ahead: list[Point]  # today's score, then each day it changes
    steps: list[OutlookStep]  # every change ahead, also those past the chart's end
    end: dt.date  # where the chart stops
    start: dt.date


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def trajectory(
    subject: SubjectRef,
    catalog_id: str,
    today: dt.date,
    files: Sequence[RecordFile],
    registry: CatalogRegistry,
    jurisdiction: str | None,
    years: int = 3,
) -> Trajectory:
    """The score under ``catalog_id`` over the last ``years`` and ahead of ``today``."""
    first_version = registry.versions(catalog_id)[0].effective_from
    start = max(_years_before(today, years), first_version)
    days = {start + dt.timedelta(days=7 * k) for k in range((today - start).days // 7 + 1)}
    # The days a score can change on, so the steps of the line fall on the right day.
    for file in files:
        if file.record.catalog_id != catalog_id:
            continue
        line = timeline(file, registry)
        edges = [line.effective_on, line.ends_on, line.expires_on]
        edges += [d for gap in line.gaps for d in (gap.start, gap.end)]
        days.update(d for d in edges if d != FOREVER and start <= d <= today)
    days.update(v.effective_from for v in registry.versions(catalog_id) if start <= v.effective_from <= today)
    days.add(today)
    past = [(day, standing(subject, catalog_id, day, files, registry, jurisdiction).score) for day in sorted(days)]

    now, steps, _ = outlook(subject, catalog_id, today, files, registry, jurisdiction)
    horizon = today.replace(year=today.year + years) if not (today.month == 2 and today.day == 29) else \
        dt.date(today.year + years, 2, 28)
    end = today + dt.timedelta(days=365)
    if steps:
        end = max(end, min(steps[-1].day + dt.timedelta(days=90), horizon))
    ahead = [(today, now.score)] + [(s.day, s.score) for s in steps if s.day <= end]
    return Trajectory(catalog_id, past, ahead, list(steps), end, start)
