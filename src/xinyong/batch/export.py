"""Export of the ledger and the catalogs to Parquet, for the batch jobs.

An export folder holds::

    manifest.json
    records/jurisdiction=CN-SD-RC/part-0.parquet   one row per record
    events/jurisdiction=CN-SD-RC/part-0.parquet    one row per later event of a record
    subjects/jurisdiction=CN-SD-RC/part-0.parquet  one row per subject with a subject event
    catalog/versions.parquet, rules.parquet, lists.parquet, grades.parquet

Records, their events and subjects are partitioned hive-style by the jurisdiction of
the subject (its latest ``subject`` event when the export was taken), so that a cluster
can read one province at a time: ``jurisdiction=CN-SD`` and ``jurisdiction=CN-SD-*``.
Records of a subject that never had a ``subject`` event are in the partition
``jurisdiction=__HIVE_DEFAULT_PARTITION__``, which every engine reads as null.

Identities are sealed at rest and stay so: nothing sealed is opened (but the identities
of records written before migration 0006, for those rows only). Subjects are keyed
by :meth:`LedgerRepository.subject_key` (a keyed hash); of a resident identity number
the export keeps only whether the person was under 18 when the act happened (``minor``,
which intake keeps in the clear on the record's row: minors are never listed), where
format 1 kept the birth date. Names and e-mail addresses are not exported.

Durations are two integer columns, ``*_months`` (years folded in) and ``*_days``
(weeks folded in), both null when the catalog leaves the duration out; adding one is
"months first, clamped to the month's end, then days", as :mod:`xinyong.domain.calendar` does.

The tables are read as ``xinyong rescore`` reads the database
(:func:`xinyong.batch.database.read_database`) and written by DuckDB, which spills to
disk past its memory limit.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from xinyong.adapters.storage.store import LedgerStore
from xinyong.domain.calendar import Duration
from xinyong.domain.catalog.registry import CatalogRegistry

EXPORT_FORMAT = 2  # 1 kept a person's birth date where 2 keeps ``minor``
MANIFEST = "manifest.json"
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"

RECORDS = pa.schema(
    [
        ("record_id", pa.string()),
        ("subject_key", pa.string()),
        ("kind", pa.string()),  # person | organisation
        # A person under 18 on ``occurred_on`` (null for an organisation): what the
        # semantics need of the identity (minors are never listed), kept by intake.
        ("minor", pa.bool_()),
        ("catalog_id", pa.string()),
        ("rule", pa.string()),  # the rule's name within its catalog
        ("occurred_on", pa.date32()),
        ("decided_on", pa.date32()),
    ]
)
EVENTS = pa.schema(
    [
        ("record_id", pa.string()),
        ("catalog_id", pa.string()),
        ("seq", pa.int32()),  # the event's place in its record's history, from 1
        ("type", pa.string()),
        ("on", pa.date32()),
        ("outcome", pa.string()),  # dispute_resolved only: upheld | annulled
    ]
)
SUBJECTS = pa.schema([("subject_key", pa.string()), ("kind", pa.string())])


def _duration_fields(name: str) -> list[tuple[str, pa.DataType]]:
    return [(f"{name}_months", pa.int32()), (f"{name}_days", pa.int32())]


VERSIONS = pa.schema(
    [
        ("catalog_id", pa.string()),
        ("version", pa.string()),
        ("effective_from", pa.date32()),
        ("subject_kind", pa.string()),
        ("jurisdiction", pa.string()),
        ("base", pa.int64()),
        *_duration_fields("dispute_deadline"),
    ]
)
RULES = pa.schema(
    [
        ("catalog_id", pa.string()),
        ("version", pa.string()),
        ("effective_from", pa.date32()),
        ("rule", pa.string()),
        ("category", pa.string()),
        ("points", pa.int64()),
        *_duration_fields("notice"),
        *_duration_fields("valid_for"),
        *_duration_fields("repairable_after"),
        ("cap_per_year", pa.int64()),
        ("list", pa.string()),
        *_duration_fields("list_duration"),
        ("restore_on_fulfilment", pa.bool_()),
    ]
)
LISTS = pa.schema(
    [
        ("catalog_id", pa.string()),
        ("version", pa.string()),
        ("effective_from", pa.date32()),
        ("list", pa.string()),
        ("kind", pa.string()),
        *_duration_fields("duration"),
        ("removal_fulfilment", pa.bool_()),
        ("removal_repair", pa.bool_()),
        ("removal_annulment", pa.bool_()),
    ]
)
GRADES = pa.schema(
    [
        ("catalog_id", pa.string()),
        ("version", pa.string()),
        ("effective_from", pa.date32()),
        ("position", pa.int32()),  # 0 is the highest band
        ("grade", pa.string()),
        ("min", pa.int64()),  # null: the open band below the others
    ]
)

Progress = Callable[[str, int, "int | None"], None]


class ExportError(ValueError):
    """An export that cannot be written where it was asked for."""


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    records: int
    events: int
    subjects: int
    catalog_versions: int
    jurisdictions: tuple[str, ...]  # the partitions written (null: records without one)


_SQL_TYPES = {
    pa.string(): "VARCHAR",
    pa.date32(): "DATE",
    pa.int64(): "BIGINT",
    pa.int32(): "INTEGER",
    pa.bool_(): "BOOLEAN",
}


def sql_type(arrow_type: pa.DataType) -> str:
    """DuckDB's name for a column type of the export's schemas."""
    return _SQL_TYPES[arrow_type]


def duration_columns(duration: Duration | None) -> tuple[int | None, int | None]:
    """``(months, days)`` of a duration, years folded into months; ``(None, None)`` for none."""
    if duration is None:
        return None, None
    return duration.years * 12 + duration.months, duration.days


# ------------------------------------------------------------------------ catalogs


CATALOG_SCHEMAS = {"versions": VERSIONS, "rules": RULES, "lists": LISTS, "grades": GRADES}


def catalog_tables(registry: CatalogRegistry) -> dict[str, pa.Table]:
    """Every loaded catalog version as four tables: ``versions``, ``rules``, ``lists``
    and ``grades``, each row carrying its catalog id, version and ``effective_from``."""
    return {
        name: pa.Table.from_pylist(rows, schema=CATALOG_SCHEMAS[name]) for name, rows in catalog_rows(registry).items()
    }


def catalog_rows(registry: CatalogRegistry) -> dict[str, list[dict]]:
    """The rows of :func:`catalog_tables`, as dicts keyed by the names of
    :data:`CATALOG_SCHEMAS`' columns (an engine can take them in without pyarrow, which
    imports pandas to build an array from Python values)."""
    versions: list[dict] = []
    rules: list[dict] = []
    lists: list[dict] = []
    grades: list[dict] = []
    for c in registry.all():
        key = {"catalog_id": c.id, "version": c.version, "effective_from": c.effective_from}
        dm, dd = duration_columns(c.dispute_deadline)
        versions.append(
            key
            | {
                "subject_kind": c.subject_kind,
                "jurisdiction": c.jurisdiction,
                "base": c.base,
                "dispute_deadline_months": dm,
                "dispute_deadline_days": dd,
            }
        )
        for name, r in c.rules.items():
            row = key | {
                "rule": name,
                "category": r.category,
                "points": r.points,
                "cap_per_year": r.cap_per_year,
                "list": r.list,
                "restore_on_fulfilment": r.restore_on_fulfilment,
            }
            for field in ("notice", "valid_for", "repairable_after", "list_duration"):
                row[f"{field}_months"], row[f"{field}_days"] = duration_columns(getattr(r, field))
            rules.append(row)
        for name, lst in c.lists.items():
            lm, ld = duration_columns(lst.duration)
            lists.append(
                key
                | {
                    "list": name,
                    "kind": lst.kind,
                    "duration_months": lm,
                    "duration_days": ld,
                    "removal_fulfilment": "fulfilment" in lst.removal,
                    "removal_repair": "repair" in lst.removal,
                    "removal_annulment": "annulment" in lst.removal,
                }
            )
        for position, band in enumerate(c.grades):
            grades.append(key | {"position": position, "grade": band.name, "min": band.min})
    return {"versions": versions, "rules": rules, "lists": lists, "grades": grades}


# -------------------------------------------------------------------------- ledger


def _write_partitioned(backend, expr, schema: pa.Schema, folder: Path) -> int:
    """Write ``expr`` (the columns of ``schema`` and ``jurisdiction``) to ``folder`` as a
    hive-partitioned dataset, its columns typed as ``schema`` says; the rows of no
    jurisdiction go to the partition every engine reads as null. A dataset with no rows
    still gets a file, so that readers find its schema. Returns the rows written."""
    backend._run_pre_execute_hooks(expr)  # noqa: SLF001
    columns = ", ".join(f'CAST("{f.name}" AS {sql_type(f.type)}) AS "{f.name}"' for f in schema)
    source = f"({backend.compile(expr)})"
    con = backend.con
    con.execute(f"CREATE TEMP TABLE export_rows AS SELECT {columns}, jurisdiction FROM {source}")
    try:
        rows = con.execute("SELECT count(*) FROM export_rows").fetchone()[0]
        folder.mkdir(parents=True, exist_ok=True)
        place = str(folder).replace("'", "''")
        con.execute(
            f"COPY (SELECT * FROM export_rows WHERE jurisdiction IS NOT NULL) TO '{place}' "
            "(FORMAT parquet, PARTITION_BY (jurisdiction), FILENAME_PATTERN 'part-{i}', OVERWRITE_OR_IGNORE, "
            "ROW_GROUP_SIZE 262144)"
        )
        nowhere = con.execute("SELECT count(*) FROM export_rows WHERE jurisdiction IS NULL").fetchone()[0]
        if nowhere or not rows:
            empty = folder / f"jurisdiction={NULL_PARTITION}"
            empty.mkdir(parents=True, exist_ok=True)
            file = str(empty / "part-0.parquet").replace("'", "''")
            names = ", ".join(f'"{f.name}"' for f in schema)
            con.execute(
                f"COPY (SELECT {names} FROM export_rows WHERE jurisdiction IS NULL) TO '{file}' (FORMAT parquet)"
            )
    finally:
        con.execute("DROP TABLE export_rows")
    return rows


def _partitions(folder: Path) -> list[str]:
    return sorted(
        p.name.partition("=")[2]
        for p in folder.iterdir()
        if p.is_dir() and p.name.startswith("jurisdiction=") and any(p.glob("*.parquet"))
    )


def _prepare(target: Path) -> None:
    if target.exists():
        if not target.is_dir():
            raise ExportError(f"{target} exists and is not a folder")
        if any(target.iterdir()) and not (target / MANIFEST).exists():
            raise ExportError(
                f"{target} is not empty and holds no export ({MANIFEST} is missing); give an empty or new folder"
            )
    target.mkdir(parents=True, exist_ok=True)
    for part in ("records", "events", "subjects", "catalog", "_staging", MANIFEST):
        path = target / part
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def export_ledger(
    store: LedgerStore,
    registry: CatalogRegistry,
    target: str | Path,
    *,
    batch_size: int = 50_000,
    progress: Progress | None = None,
) -> ExportSummary:
    """Write the ledger and every catalog version to ``target`` as Parquet tables.

    The ledger's tables are those the rescoring job reads from the database
    (:func:`xinyong.batch.database.read_database`: one snapshot, no identity opened, the
    rows in no block of the ledger's columns read ``batch_size`` at a time), written by
    DuckDB, partitioned by jurisdiction. ``target`` must be new, empty or an earlier
    export (which is replaced). ``progress(phase, done, total)`` is called as the phases
    ``reading``, then ``records``, ``events`` and ``subjects`` advance."""
    from xinyong.batch.database import read_database
    from xinyong.batch.engines import connect

    target = Path(target)
    _prepare(target)
    report = progress or (lambda phase, done, total: None)
    backend = connect("duckdb")
    try:
        tables = read_database(
            backend,
            store,
            registry,
            progress=lambda phase, done: report("reading", done, None),
            rows_per_chunk=batch_size,
        )
        subjects = tables.subjects
        places = subjects.select("subject_key", "jurisdiction")
        records = tables.records.left_join(places, "subject_key").select(*RECORDS.names, "jurisdiction")
        events = tables.events.left_join(tables.records.select("record_id", "subject_key"), "record_id").left_join(
            places, "subject_key"
        )
        counted: dict[str, int] = {}
        for step, (name, expr, schema) in enumerate(
            (
                ("records", tables.keyed(records), RECORDS),
                ("events", events.select(*EVENTS.names, "jurisdiction"), EVENTS),
                ("subjects", tables.keyed(subjects.select(*SUBJECTS.names, "jurisdiction")), SUBJECTS),
            )
        ):
            report(name, step, 3)
            counted[name] = _write_partitioned(backend, expr, schema, target / name)
        report("subjects", 3, 3)
    finally:
        backend.disconnect()

    (target / "catalog").mkdir()
    catalogs = catalog_tables(registry)
    for name, table in catalogs.items():
        pq.write_table(table, target / "catalog" / f"{name}.parquet")

    jurisdictions = tuple(_partitions(target / "records"))
    summary = ExportSummary(
        path=target,
        records=counted["records"],
        events=counted["events"],
        subjects=counted["subjects"],
        catalog_versions=catalogs["versions"].num_rows,
        jurisdictions=jurisdictions,
    )
    manifest = {
        "format": EXPORT_FORMAT,
        "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "records": summary.records,
        "events": summary.events,
        "subjects": summary.subjects,
        "catalogs": [
            {"id": c.id, "version": c.version, "effective_from": c.effective_from.isoformat()} for c in registry.all()
        ],
        "jurisdictions": list(jurisdictions),
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return summary
