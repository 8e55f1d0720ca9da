"""The benchmark's events: one catalog (rongcheng-personal), ten records a resident, a
few disputes and fulfilments, written as JSON Lines straight to disk (never held in
memory) and the same for the same size and seed, byte for byte.

Every line is one that `xinyong import` accepts from the command line (the operator
files subjects and records alike): resident identity numbers with their GB 11643 check
characters, adults only, rules of the catalog version in force, dates in the past, and
later events that fit their record's state (a dispute filed inside the notice window and
resolved within the catalog's dispute deadline, a fulfilment after the record took
effect). Dates are fixed, not relative to today, so that a file made today is the file
made next year."""

from __future__ import annotations

import datetime as dt
import json
import random
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from benchmarks.machine import ROOT

CATALOG = "rongcheng-personal"
CATALOG_FILE = ROOT / "catalogs" / f"{CATALOG}.toml"
JURISDICTION = "CN-SD-RC"
RECORDS_PER_RESIDENT = 10
ADDRESS = "371082"  # Rongcheng's administrative division code
# Records occur in these two years; checks and rescoring ask about the day after.
FIRST_DAY = dt.date(2024, 7, 1)
DAYS = 730
AS_OF = dt.date(2026, 7, 1)
# The action a service point asks about: the catalog sends grades C and D to review.
ACTION = "loan.apply"
BIRTH_FIRST = dt.date(1950, 1, 1)
BIRTH_DAYS = 18_000  # born 1950-2000: adults on every day the records speak of
DISPUTED = 0.04  # of records: a dispute filed in the notice window, resolved later
FULFILLED = 0.02  # of records: fulfilled after they took effect

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


def rule_points() -> dict[str, int]:
    """Each rule of the catalog and its points (what DuckDB's bare sum adds up)."""
    catalog = tomllib.loads(CATALOG_FILE.read_text(encoding="utf-8"))
    return {f"{CATALOG}/{name}": rule["points"] for name, rule in catalog["rules"].items()}


def resident(index: int) -> str:
    """The ``index``-th resident's identity number (``rid:...``): one birth day and a
    sequence number for each index, so that no two residents share one."""
    born = BIRTH_FIRST + dt.timedelta(days=index % BIRTH_DAYS)
    first17 = f"{ADDRESS}{born:%Y%m%d}{index // BIRTH_DAYS + 1:03d}"
    if len(first17) != 17:
        raise ValueError(f"resident {index}: more residents than the identity numbers this generator makes")
    check = _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]
    return f"rid:{first17}{check}"


def residents_for(records: int) -> int:
    return max(records // RECORDS_PER_RESIDENT, 1)


def iter_lines(records: int, seed: int) -> Iterator[str]:
    """The lines of the file for ``records`` records, in an order the ledger accepts: a
    resident's subject event, then its records, each followed by its later events."""
    rng = random.Random(seed)
    rules = sorted(rule_points())
    # Rewards and minor penalties are the common ones, as in the city's published figures.
    weights = [
        8 if r.endswith(("traffic.ticket", "volunteer.service_day")) else 3 if r.endswith("donation") else 1
        for r in rules
    ]
    days = [(FIRST_DAY + dt.timedelta(days=d)).isoformat() for d in range(DAYS + 120)]
    made = 0
    for index in range(residents_for(records)):
        subject = resident(index)
        name = _SURNAMES[index % len(_SURNAMES)] + _GIVEN[(index // len(_SURNAMES)) % len(_GIVEN)]
        yield (
            f'{{"type": "subject", "subject": "{subject}", "jurisdiction": "{JURISDICTION}", '
            f'"name": {json.dumps(name, ensure_ascii=False)}}}'
        )
        count = RECORDS_PER_RESIDENT if index < residents_for(records) - 1 else records - made
        for rule in rng.choices(rules, weights, k=count):
            made += 1
            record = f"b{seed}-{made:08d}"
            occurred = rng.randrange(DAYS - 40)
            decided = occurred + rng.randrange(1, 20)
            yield (
                f'{{"type": "record", "id": "{record}", "subject": "{subject}", "rule": "{rule}", '
                f'"occurred_on": "{days[occurred]}", "decided_on": "{days[decided]}", '
                f'"source": "bench-source", "reference": "REF-{made}"}}'
            )
            roll = rng.random()
            if roll < DISPUTED:
                # Filed inside the 15-day notice window, resolved within the 30-day deadline.
                filed = decided + rng.randrange(1, 10)
                outcome = "upheld" if roll < DISPUTED * 0.7 else "annulled"
                yield f'{{"type": "dispute_filed", "id": "{record}-d", "record": "{record}", "on": "{days[filed]}"}}'
                yield (
                    f'{{"type": "dispute_resolved", "id": "{record}-r", "record": "{record}", '
                    f'"on": "{days[filed + rng.randrange(1, 25)]}", "outcome": "{outcome}"}}'
                )
            elif roll < DISPUTED + FULFILLED:
                yield (
                    f'{{"type": "fulfilled", "id": "{record}-f", "record": "{record}", '
                    f'"on": "{days[decided + rng.randrange(20, 40)]}"}}'
                )


@dataclass(frozen=True)
class EventFile:
    path: Path
    records: int
    residents: int
    events: int
    bytes: int
    seconds: float  # to generate it, 0 when it came from the cache


def event_file(cache: Path, records: int, seed: int) -> EventFile:
    """The file for ``records`` records and ``seed`` in ``cache``, generated once: a
    file is named by its size and seed, and written under a temporary name first, so
    that an interrupted run leaves nothing that looks finished."""
    import time

    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"events-{records}-seed{seed}.jsonl"
    facts = path.with_suffix(".json")
    if path.exists() and facts.exists():
        known = json.loads(facts.read_text())
        return EventFile(path, records, known["residents"], known["events"], path.stat().st_size, 0.0)
    started = time.perf_counter()
    partial = path.with_suffix(".partial")
    events = 0
    with partial.open("w", encoding="utf-8") as out:
        for line in iter_lines(records, seed):
            out.write(line)
            out.write("\n")
            events += 1
    partial.rename(path)
    residents = residents_for(records)
    facts.write_text(json.dumps({"records": records, "residents": residents, "events": events, "seed": seed}))
    return EventFile(path, records, residents, events, path.stat().st_size, time.perf_counter() - started)
