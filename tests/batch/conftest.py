"""Fixtures of the batch tests.

Each data set (the two conformance scenarios and a generated population) is loaded into
a fresh deployment and exported to Parquet once per session; the rescoring job is run
over it once per engine; and the pure standing module (:mod:`xinyong.domain.standing`) answers
the same questions, subject by subject, as the oracle. One Spark session (``local[2]``)
serves every Spark test: starting one takes longer than all of its queries.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyarrow as pa
import pytest

from tests.conftest import CONFORMANCE
from tests.support.samples import sample_catalogs
from xinyong.batch.database import read_database
from xinyong.batch.engines import connect, read_export, stage_for, to_arrow
from xinyong.batch.export import export_ledger
from xinyong.batch.rescore import rescore
from xinyong.domain import standing as st
from xinyong.domain.catalog.files import read_catalog
from xinyong.domain.catalog.registry import CatalogRegistry
from xinyong.domain.events import SubjectEvent, parse_event
from xinyong.domain.identifiers import SubjectRef

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CATALOGS = ROOT / "catalogs"
ENGINES = ("duckdb", "spark")
# Every test that starts Spark runs on one pytest-xdist worker (``--dist loadgroup``):
# one JVM and one Spark session for them all, not one per worker. And once: the export
# is written with fixed Parquet schemas whatever the database, and every test that
# compares a job's answers with the standing module runs on DuckDB in the PostgreSQL
# pass too, so what Spark adds (the same answers as DuckDB from the same files) cannot
# depend on the database (backend_independent: not run again with --backend postgresql).
SPARK = [pytest.mark.xdist_group("spark"), pytest.mark.backend_independent]

# Spark on two cores with data this small: few shuffle partitions, no adaptive planning
# (it runs every stage as a job of its own), no web UI.
SPARK_CONF = {
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.sql.adaptive.enabled": "false",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.driver.memory": "1g",
}

# The day a second version of two sample catalogs takes effect, in the population.
SECOND_VERSION = dt.date(2024, 7, 1)
POPULATION_DAYS = (
    dt.date(2023, 3, 15),
    dt.date(2024, 6, 30),
    SECOND_VERSION,
    dt.date(2025, 2, 28),
    dt.date(2026, 6, 30),
)


# ------------------------------------------------------------------------- the oracle


@dataclass
class Expected:
    """What the standing module answers for every question and subject of the kind."""

    standings: dict[tuple[str, dt.date, str], tuple[int, str, bool, int]]
    entries: set[tuple]
    features: Counter  # what the answers exercised: capped groups, dropped rules, ...


@dataclass
class Dataset:
    """A deployment loaded with catalogs and events, its export, and the (catalog, day)
    questions the tests ask about it."""

    name: str
    deployment: object
    export: Path
    questions: list[tuple[str, dt.date]]
    event_lines: list[str] = field(default_factory=list)  # as imported
    registry: CatalogRegistry = field(init=False)

    def __post_init__(self) -> None:
        self.registry = self.deployment.catalogs.registry()

    @cached_property
    def files(self) -> dict[SubjectRef, list[st.RecordFile]]:
        store = self.deployment.store
        with store.reading() as connection:
            stored = store.records(connection, store.all_record_ids(connection))
        by_subject: dict[SubjectRef, list[st.RecordFile]] = {}
        for item in stored.values():
            by_subject.setdefault(item.file.subject, []).append(item.file)
        return by_subject

    @cached_property
    def jurisdictions(self) -> dict[SubjectRef, str]:
        # Read from what was imported, not from the export: the latest subject event wins.
        found: dict[SubjectRef, str] = {}
        for line in self.event_lines:
            data = json.loads(line)
            if data["type"] == "subject":
                event = parse_event(data)
                assert isinstance(event, SubjectEvent)
                found[event.subject] = event.jurisdiction
        return found

    def key(self, subject: SubjectRef) -> str:
        return self.deployment.store.subject_key(subject)

    def subjects(self, kind: str) -> list[SubjectRef]:
        known = set(self.files) | set(self.jurisdictions)
        return sorted(s for s in known if s.kind == kind)

    @cached_property
    def expected(self) -> Expected:
        standings: dict[tuple[str, dt.date, str], tuple[int, str, bool, int]] = {}
        entries: set[tuple] = set()
        features: Counter = Counter()
        for catalog_id, day in self.questions:
            version = self.registry.in_force(catalog_id, day)
            for subject in self.subjects(version.subject_kind):
                key = self.key(subject)
                files = self.files.get(subject, [])
                answer = st.standing(subject, catalog_id, day, files, self.registry, self.jurisdictions.get(subject))
                standings[(catalog_id, day, key)] = (
                    answer.score,
                    answer.grade,
                    answer.covered,
                    len(answer.contributions),
                )
                for e in answer.lists:
                    entries.add((catalog_id, day, key, e.list, e.record, e.rule.partition("/")[2], e.start, e.until))
                _note_features(features, answer, version, self.registry)
        return Expected(standings, entries, features)


def _note_features(features: Counter, answer: st.Standing, version, registry) -> None:
    for c in answer.contributions:
        rule = c.rule.partition("/")[2]
        then = registry.in_force(answer.catalog, c.occurred_on).rules[rule].points
        if c.capped:
            features["capped"] += 1
        if rule not in version.rules:
            features["dropped penalty" if then < 0 else "dropped reward"] += 1
        elif c.points != then:
            features["more favourable now"] += 1
        if c.disputed:
            features["disputed"] += 1
    if answer.lists:
        features["listed"] += 1
    if not answer.covered:
        features["not covered"] += 1


def job_rows(standings: pa.Table, entries: pa.Table) -> tuple[dict, set]:
    """The job's answers in the oracle's shape."""
    got = {
        (r["catalog"], r["as_of"], r["subject_key"]): (r["score"], r["grade"], r["covered"], r["counting"])
        for r in standings.to_pylist()
    }
    listed = {
        (r["catalog"], r["as_of"], r["subject_key"], r["list"], r["record_id"], r["rule"], r["start"], r["until"])
        for r in entries.to_pylist()
    }
    return got, listed


def differences(expected: dict, got: dict, limit: int = 5) -> list:
    keys = sorted(set(expected) | set(got), key=str)
    return [(k, expected.get(k), got.get(k)) for k in keys if expected.get(k) != got.get(k)][:limit]


# ------------------------------------------------------------------------ databases


@pytest.fixture(scope="session")
def make_database(backend, postgres_server, tmp_path_factory):
    """A fresh database for a session-wide data set, on the suite's backend."""

    def make(name: str) -> tuple[str, Path]:
        folder = tmp_path_factory.mktemp(name)
        if backend == "postgresql":
            return postgres_server.new_database(), folder
        return str(folder / "xinyong.db"), folder

    return make


def _load(make_database, name: str, catalogs: list[Path], lines: list[str], questions) -> Dataset:
    from xinyong.bootstrap import open_deployment
    from xinyong.settings import Settings

    database, folder = make_database(name)
    deployment = open_deployment(
        database, Settings(db=database, key_file=str(folder / "secret.key"), notice_interval=0)
    )
    deployment.catalogs.load(catalogs)
    deployment.intake.import_lines(lines)
    export_ledger(deployment.store, deployment.catalogs.registry(), folder / "export", batch_size=500)
    dataset = Dataset(name, deployment, folder / "export", [], event_lines=lines)
    dataset.questions = questions(dataset.registry)
    return dataset


def conformance_questions(scenario: str):
    """Every (catalog, day) of the scenario's score questions, and the first day of each
    catalog version, the day before it, and New Year's Days."""

    def questions(registry: CatalogRegistry) -> list[tuple[str, dt.date]]:
        asked = set()
        for line in (CONFORMANCE / scenario / "queries.jsonl").read_text().splitlines():
            query = json.loads(line)
            if "score" in query:
                asked.add((query["catalog"], dt.date.fromisoformat(query["as_of"])))
        for catalog_id in registry.ids():
            days = {dt.date(year, 1, 1) for year in range(2021, 2028)}
            for version in registry.versions(catalog_id):
                days |= {version.effective_from, version.effective_from - dt.timedelta(days=1)}
            asked |= {(catalog_id, d) for d in days if registry.in_force(catalog_id, d) is not None}
        return sorted(asked)

    return questions


@pytest.fixture(scope="session")
def conformance(make_database):
    """The conformance scenarios, loaded and exported, by name."""
    loaded: dict[str, Dataset] = {}

    def get(scenario: str) -> Dataset:
        if scenario not in loaded:
            folder = CONFORMANCE / scenario
            lines = (folder / "events.jsonl").read_text(encoding="utf-8").splitlines()
            loaded[scenario] = _load(
                make_database,
                scenario,
                sorted(folder.glob("catalog-*.toml")),
                lines,
                conformance_questions(scenario),
            )
        return loaded[scenario]

    yield get
    for dataset in loaded.values():
        dataset.deployment.close()


# ------------------------------------------------------------------------ population


def _drop_rule(text: str, rule: str) -> str:
    """``text`` without the table of ``rule`` and without its translations."""
    start = text.index(f'[rules."{rule}"]')
    end = text.index("\n[", start + 1)
    text = text[:start] + text[end + 1 :]
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith(f'"rules.{rule}.'))


def _replace(text: str, old: str, new: str, *, within: str | None = None) -> str:
    """``text`` with ``old`` replaced once, inside the TOML table ``within`` if given."""
    start = text.index(within) if within else 0
    at = text.index(old, start)
    return text[:at] + new + text[at + len(old) :]


def second_versions(folder: Path) -> list[Path]:
    """The sample catalogs, and second versions of two of them taking effect on
    :data:`SECOND_VERSION`: the personal catalog softens one penalty, hardens another,
    drops two penalties and a capped reward, raises a reward and lowers its cap, and lowers
    a grade band; the judgment defaulters' list lasts longer and no longer ends on
    fulfilment."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for path in sample_catalogs(SAMPLE_CATALOGS):
        files.append(Path(shutil.copy(path, folder / path.name)))

    text = (SAMPLE_CATALOGS / "rongcheng-personal.toml").read_text(encoding="utf-8")
    text = _replace(text, 'version = "2022.1"', 'version = "2024.2"')
    text = _replace(text, 'effective_from = "2022-01-01"', f'effective_from = "{SECOND_VERSION}"')
    text = _replace(text, "points = -5", "points = -3", within='[rules."traffic.ticket"]')
    text = _replace(text, "points = -20", "points = -25", within='[rules."contract.financial_duty_breach"]')
    text = _replace(text, "points = 2", "points = 3", within='[rules."volunteer.service_day"]')
    text = _replace(text, "cap_per_year = 30", "cap_per_year = 24", within='[rules."volunteer.service_day"]')
    text = _replace(text, '{ name = "A", min = 960 }', '{ name = "A", min = 950 }')
    text = _drop_rule(text, "utility.equipment_damage")
    text = _drop_rule(text, "market.commercial_fraud")
    text = _drop_rule(text, "charity.donation")
    second = folder / "rongcheng-personal-2024.toml"
    second.write_text(text, encoding="utf-8")

    text = (SAMPLE_CATALOGS / "judgment-defaulters.toml").read_text(encoding="utf-8")
    text = _replace(text, 'version = "2017.1"', 'version = "2024.2"')
    text = _replace(text, 'effective_from = "2017-05-01"', f'effective_from = "{SECOND_VERSION}"')
    text = _replace(text, 'duration = "P2Y"', 'duration = "P3Y"', within="[lists.judgment-defaulters]")
    text = _replace(
        text,
        'removal = ["fulfilment", "repair", "annulment"]',
        'removal = ["repair", "annulment"]',
        within="[lists.judgment-defaulters]",
    )
    third = folder / "judgment-defaulters-2024.toml"
    third.write_text(text, encoding="utf-8")
    return [*files, second, third]


@pytest.fixture(scope="session")
def population(make_database, tmp_path_factory) -> Dataset:
    """A generated population (300 persons, 60 organisations, 2022 to mid-2026) under
    the sample catalogs and the second versions above, asked about on days before, on
    and after the second versions take effect."""
    from xinyong.synthetic.population import generate

    catalogs = second_versions(tmp_path_factory.mktemp("catalogs"))
    registry = CatalogRegistry.of(read_catalog(path) for path in catalogs)
    events = generate(registry, seed=11, persons=300, organisations=60, id_prefix="pop").events
    lines = [json.dumps(e, ensure_ascii=False) for e in events]

    def questions(registry: CatalogRegistry) -> list[tuple[str, dt.date]]:
        return [(c, d) for c in registry.ids() for d in POPULATION_DAYS if registry.in_force(c, d)]

    dataset = _load(make_database, "population", catalogs, lines, questions)
    yield dataset
    dataset.deployment.close()


# --------------------------------------------------------------------------- engines


@pytest.fixture(scope="session")
def spark_session():
    pytest.importorskip("pyspark")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master("local[2]").appName("xinyong-tests")
    for key, value in SPARK_CONF.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def backends(request):
    """One Ibis backend per engine, made when first asked for."""
    made: dict[str, object] = {}

    def get(engine: str):
        if engine not in made:
            if engine == "spark":
                made[engine] = connect("spark", session=request.getfixturevalue("spark_session"))
            else:
                made[engine] = connect("duckdb")
        return made[engine]

    return get


@pytest.fixture(params=[pytest.param(e, marks=SPARK if e == "spark" else []) for e in ENGINES])
def engine(request) -> str:
    return request.param


# Where the job reads its tables: the export, on DuckDB or on Spark; or the database
# itself, on DuckDB (``xinyong rescore``'s default).
SOURCES = ("duckdb", "spark", "database")


@pytest.fixture(params=[pytest.param(s, marks=SPARK if s == "spark" else []) for s in SOURCES])
def source(request) -> str:
    return request.param


def read_tables(dataset: Dataset, source: str, backend):
    """The job's tables of ``dataset`` on ``backend``: its export, or its database."""
    if source == "database":
        return read_database(backend, dataset.deployment.store, dataset.registry)
    return read_export(backend, dataset.export)


@pytest.fixture(scope="session")
def rescored(backends):
    """The job's standings and list entries for every question of a data set, per
    source (:data:`SOURCES`), computed once: ``rescored(dataset, source) -> (standings,
    entries)``."""
    done: dict[tuple[str, str], tuple[pa.Table, pa.Table]] = {}

    def get(dataset: Dataset, source: str) -> tuple[pa.Table, pa.Table]:
        if (dataset.name, source) not in done:
            backend = backends("duckdb" if source == "database" else source)
            tables = read_tables(dataset, source, backend)
            job = rescore(tables, dataset.questions, stage=stage_for(backend))
            done[(dataset.name, source)] = (to_arrow(backend, job.standings), to_arrow(backend, job.entries))
        return done[(dataset.name, source)]

    return get


def sorted_rows(table: pa.Table) -> list[dict]:
    """A table's rows in a canonical order, for comparing outputs of two engines."""
    return sorted(table.to_pylist(), key=lambda row: [str(v) for v in row.values()])
