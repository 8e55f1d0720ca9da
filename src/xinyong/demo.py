"""The demo: sample catalogs, a synthetic population and a token for each role, in a
fresh SQLite file."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from xinyong.bootstrap import open_deployment
from xinyong.catalog.model import Catalog
from xinyong.identifiers import SubjectRef
from xinyong.population import generate
from xinyong.settings import Settings


@dataclass(frozen=True)
class DemoSubject:
    subject: str
    why: str
    catalog: str | None  # a catalog that scores it
    action: str  # an action worth checking


@dataclass
class DemoBuild:
    catalogs: list[Catalog]
    start: dt.date
    end: dt.date
    notable: list[DemoSubject]
    written_by_type: Counter
    tokens: dict[str, str] = field(default_factory=dict)


def build_demo(
    database: str,
    catalog_files: Sequence[Path],
    *,
    persons: int = 3000,
    organisations: int = 300,
    seed: int = 2024,
    end: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoBuild:
    """Replace ``database`` with a new demo database and return what is in it."""
    for suffix in ("", "-wal", "-shm", ".key"):
        Path(database + suffix).unlink(missing_ok=True)
    deployment = open_deployment(database, Settings(db=database))
    try:
        catalogs = [o.catalog for o in deployment.catalogs.load(catalog_files)]
        registry = deployment.catalogs.registry()
        end = end or dt.date.today()
        start = dt.date(end.year - 4, 1, 1)
        population = generate(registry, seed=seed, persons=persons, organisations=organisations,
                              start=start, end=end)
        lines = [json.dumps(e, ensure_ascii=False) for e in population.events]
        total = len(lines)
        result = deployment.intake.import_lines(
            lines, progress=(lambda n: progress(n, total)) if progress else None
        )
        notable = []
        for item in population.notable:
            subject = SubjectRef.parse(item.subject)
            scoring = [
                cid for cid in registry.ids()
                if (v := registry.in_force(cid, end)) is not None
                and v.subject_kind == subject.kind and len(v.grades) > 1
            ]
            catalog = next((cid for cid in scoring if cid in item.why), scoring[0] if scoring else None)
            action = "air_travel.ticket" if subject.kind == "person" else "procurement.bid"
            notable.append(DemoSubject(item.subject, item.why, catalog, action))
        build = DemoBuild(catalogs, start, end, notable, result.written_by_type)
        tokens = deployment.tokens
        build.tokens["officer"] = tokens.create("officer", "Officer Wang (demo)")[1]
        build.tokens["auditor"] = tokens.create("auditor", "Auditor Chen (demo)")[1]
        build.tokens["service point (airline, railway, procurement)"] = tokens.create(
            "service-point", "demo-service-point",
            ("air_travel", "rail", "hotel", "procurement", "loan", "utility"),
        )[1]
        build.tokens["source (traffic police)"] = tokens.create(
            "source", "traffic-police", ("rongcheng-personal/traffic.*",)
        )[1]
        person = next((n for n in notable if n.subject.startswith("rid:")), None)
        if person is not None:
            build.tokens[f"subject {person.subject}"] = tokens.create(
                "subject", "demo subject", subject=SubjectRef.parse(person.subject)
            )[1]
        return build
    finally:
        deployment.close()
