"""A subject's score over time under one catalog: the past, asked of the semantics on
every day it could have changed (a record starting or stopping to count, a gap, a new
catalog version), and the way ahead from the outlook, for the portal's chart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from xinyong.domain.calendar import Duration
from xinyong.domain.catalog.registry import CatalogRegistry
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.standing import FOREVER, OutlookStep, RecordFile, outlook, standing, timeline

Point = tuple[dt.date, int]
MAX_SAMPLES = 160


@dataclass(frozen=True)
class Trajectory:
    catalog: str
    past: list[Point]  # oldest first, up to today
    ahead: list[Point]  # today's score, then each day it changes
    steps: list[OutlookStep]  # every change ahead, also those past the chart's end
    end: dt.date  # where the chart stops
    start: dt.date


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
    start = max(Duration(years=years).before(today), first_version)
    # Between these days the score is constant, so asking on them draws the line exactly.
    days = {start, today}
    own = []  # the records that count on some day of the window: all the score depends on
    for file in files:
        if file.record.catalog_id != catalog_id:
            continue
        line = timeline(file, registry)
        if line.annulled or line.effective_on > today or line.ends_on <= start:
            continue
        own.append(file)
        edges = [line.effective_on, line.ends_on, line.expires_on]
        edges += [d for gap in line.gaps for d in (gap.start, gap.end)]
        days.update(d for d in edges if d != FOREVER and start <= d <= today)
    days.update(v.effective_from for v in registry.versions(catalog_id) if start <= v.effective_from <= today)
    if len(days) > MAX_SAMPLES:
        # A busy file: one day a week is as fine as the chart can show.
        weekly = {(day - start).days // 7: day for day in sorted(days)}
        days = set(weekly.values()) | {start, today}
    past = [(day, standing(subject, catalog_id, day, own, registry, jurisdiction).score) for day in sorted(days)]

    now, steps, _ = outlook(subject, catalog_id, today, files, registry, jurisdiction)
    horizon = Duration(years=years).after(today)
    end = Duration(days=365).after(today)
    if steps:
        end = max(end, min(Duration(days=90).after(steps[-1].day), horizon))
    ahead = [(today, now.score)] + [(s.day, s.score) for s in steps if s.day <= end]
    return Trajectory(catalog_id, past, ahead, list(steps), end, start)
