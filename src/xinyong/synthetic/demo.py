"""The demo: sample catalogs, a synthetic population and a token for each role, in a
fresh SQLite file or an empty database given by URL (PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from xinyong.adapters.storage.store import shown, sqlite_path, table_names
from xinyong.bootstrap import Deployment, open_deployment
from xinyong.domain import calendar
from xinyong.domain.catalog.model import Catalog
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.standing import rule_in_force, timeline
from xinyong.settings import Settings
from xinyong.synthetic.obligations import iter_optin_events
from xinyong.synthetic.population import generate


def sample_catalogs() -> Path:
    """The folder of sample catalogs: ``./catalogs`` where there is one, else the copy in
    the installed package (``xinyong/sample_catalogs``), else the checkout's."""
    here = Path("catalogs")
    if any(here.glob("*.toml")):
        return here
    package = Path(str(resources.files("xinyong")))
    if (package / "sample_catalogs").is_dir():
        return package / "sample_catalogs"
    return package.parent.parent / "catalogs"  # an editable install of a checkout: src/xinyong


class DemoRefused(RuntimeError):
    """The demo will not build in this database: it is not empty, and it is never wiped."""


# How many of the demo's persons the opt-in generator gives bills to (about six in ten
# of them consent): some 40 opt-in events each.
OPTIN_PERSONS = 300


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


def portal_resident(deployment: Deployment, day: dt.date) -> SubjectRef | None:
    """The resident whose file shows the most in the portal: on a list, with penalties
    counting under a catalog that grades (to dispute or repair), and of the most kinds."""
    registry = deployment.catalogs.registry()
    files: dict[SubjectRef, list] = defaultdict(list)
    with deployment.units(read_only=True) as uow:
        for page in uow.ledger.record_pages(5000):
            for file in page:
                if file.subject.kind == "person":
                    files[file.subject].append(file)

    def weight(subject: SubjectRef) -> tuple:
        lines = [timeline(f, registry) for f in files[subject]]
        graded = [ln for ln in lines if len(registry.versions(ln.catalog_id)[-1].grades) > 1]
        counting = [ln for ln in graded if ln.counts_on(day)]
        penalties = sum(1 for ln in counting if rule_in_force(ln.file.record, registry)[1].points < 0)
        listed = any(ln.listed_on(day) for ln in lines)
        return (listed and penalties > 0, penalties, len({ln.rule_name for ln in lines}), str(subject))

    return max(files, key=weight, default=None)


def _refuse_unless_empty(database: str) -> None:
    """Refuse a database that holds any table (in its default schema)."""
    tables = table_names(database)
    if tables:
        listed = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
        raise DemoRefused(
            f"{shown(database)} is not empty (it has tables: {listed}); the demo builds only in an empty "
            "database and never wipes one: create a new database for it"
        )


def build_demo(
    database: str,
    catalog_files: Sequence[Path],
    *,
    persons: int = 3000,
    organisations: int = 300,
    seed: int = 2024,
    end: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
    settings: Settings | None = None,
) -> DemoBuild:
    """Build a demo database and return what is in it. A SQLite file (a path) is
    replaced, with its key beside it; a database given by URL must be empty: it is
    filled, never wiped, and a database with tables in it is refused (DemoRefused).
    ``settings`` (default: the environment's) give the key."""
    path = sqlite_path(database)
    if path is not None or database.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm", ".key") if path is not None else ():
            Path(path + suffix).unlink(missing_ok=True)
    else:
        _refuse_unless_empty(database)
    settings = (settings or Settings.from_environment()).model_copy(update={"db": database})
    deployment = open_deployment(database, settings)
    try:
        loaded = deployment.catalogs.load(catalog_files)
        catalogs = [o.catalog for o in loaded if isinstance(o.catalog, Catalog)]
        registry = deployment.catalogs.registry()
        end = end or calendar.today()
        start = dt.date(end.year - 4, 1, 1)
        population = generate(registry, seed=seed, persons=persons, organisations=organisations, start=start, end=end)
        lines = [json.dumps(e, ensure_ascii=False) for e in population.events]
        total = len(lines)
        result = deployment.intake.import_lines(lines, progress=(lambda n: progress(n, total)) if progress else None)
        notable = []
        for item in population.notable:
            subject = SubjectRef.parse(item.subject)
            scoring = [
                cid
                for cid in registry.ids()
                if (v := registry.in_force(cid, end)) is not None
                and v.subject_kind == subject.kind
                and len(v.grades) > 1
            ]
            catalog = next((cid for cid in scoring if cid in item.why), scoring[0] if scoring else None)
            action = "air_travel.ticket" if subject.kind == "person" else "procurement.bid"
            notable.append(DemoSubject(item.subject, item.why, catalog, action))
        build = DemoBuild(catalogs, start, end, notable, result.written_by_type)
        resident = portal_resident(deployment, end)
        # Opt-in scores (docs/design.md section 9): some of the population consent to each
        # loaded scorecard, and its sources file their bills and payments, through intake
        # like any source would; the portal's resident among them, so that the portal has
        # a score to show.
        people = [str(resident)] if resident is not None else []
        people += [
            e["subject"] for e in population.events if e["type"] == "subject" and e["subject"].startswith("rid:")
        ]
        chosen = list(dict.fromkeys(people))[:OPTIN_PERSONS]
        optin_lines = [
            json.dumps(e, ensure_ascii=False)
            for card in deployment.catalogs.scorecards().all()
            for e in iter_optin_events(chosen, card, seed=seed, start=start, today=end, id_prefix=f"demo-{card.id}")
        ]
        if optin_lines:
            optin_total = len(optin_lines)
            written = deployment.intake.import_lines(
                optin_lines, progress=(lambda n: progress(n, optin_total)) if progress else None
            )
            build.written_by_type.update(written.written_by_type)
        tokens = deployment.tokens
        build.tokens["officer (web console: /console)"] = tokens.create("officer", "Officer Wang (demo)")[1]
        build.tokens["auditor"] = tokens.create("auditor", "Auditor Chen (demo)")[1]
        build.tokens["service point (airline, railway, procurement)"] = tokens.create(
            "service-point",
            "demo-service-point",
            ("air_travel", "rail", "hotel", "procurement", "loan", "utility"),
        )[1]
        build.tokens["source (traffic police)"] = tokens.create(
            "source", "traffic-police", ("rongcheng-personal/traffic.*",)
        )[1]
        build.tokens["registry (civil registry: subject facts and contact addresses)"] = tokens.create(
            "registry", "civil-registry"
        )[1]
        # Opt-in scores (docs/design.md section 9), where a scorecard was loaded: a lender
        # for each of its purposes, and each of its sources filing bills for itself only.
        for card in deployment.catalogs.scorecards().all():
            for purpose in card.purposes:
                build.tokens[f"lender ({card.id}: {purpose})"] = tokens.create(
                    "lender", f"demo-lender-{purpose}", (purpose,)
                )[1]
            for source in card.sources:
                build.tokens[f"source {source} (bills for {card.id})"] = tokens.create(
                    "source", source, (f"optin:{source}",)
                )[1]
        if resident is not None:
            build.tokens[f"subject {resident} (web portal: /portal)"] = tokens.create(
                "subject", "demo subject", subject=resident
            )[1]
        return build
    finally:
        deployment.close()
