"""Standing: scores per second from the pure module, for every subject of a population
on one day, against a baseline that only sums the same records' points per subject in
plain Python (no windows, disputes, caps, versions or lists)."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import defaultdict

from benchmarks.common import population_lines, report, sample_registry, timed


def main() -> None:
    from xinyong.domain.events import RecordEvent, SubjectEvent, parse_event
    from xinyong.domain.standing import RecordFile, apply_change, standing

    persons = int(os.environ.get("BENCH_STANDING_PERSONS", "20000"))
    registry = sample_registry()
    lines = population_lines(persons, persons // 10, seed=11)
    files: dict[str, RecordFile] = {}
    jurisdiction = {}
    for line in lines:
        event = parse_event(json.loads(line))
        if isinstance(event, SubjectEvent):
            jurisdiction[event.subject] = event.jurisdiction
        elif isinstance(event, RecordEvent):
            files[event.id] = RecordFile(event)
        else:
            files[event.record] = apply_change(files[event.record], event, registry)
    by_subject = defaultdict(list)
    for f in files.values():
        by_subject[f.subject].append(f)
    day = dt.date(2025, 6, 30)
    catalog = "rongcheng-personal"
    people = [s for s in by_subject if s.kind == "person"]
    points = {name: rule.points for name, rule in registry.in_force(catalog, day).rules.items()}

    with timed() as base:
        totals = {
            s: 1000 + sum(points.get(f.record.rule_name, 0) for f in by_subject[s] if f.record.catalog_id == catalog)
            for s in people
        }
    with timed() as ours:
        scores = {s: standing(s, catalog, day, by_subject[s], registry, jurisdiction.get(s)).score for s in people}
    records = sum(len(by_subject[s]) for s in people)
    assert len(scores) == len(totals)
    report(
        f"standing: {len(people)} persons with records, {records} records, on {day}",
        [
            ("naive point sum", f"{records / base['seconds']:,.0f} records/s ({base['seconds']:.2f} s)"),
            ("standing.standing", f"{records / ours['seconds']:,.0f} records/s ({ours['seconds']:.2f} s)"),
            ("ratio", f"{base['seconds'] / ours['seconds']:.3f} of the naive rate"),
        ],
    )
