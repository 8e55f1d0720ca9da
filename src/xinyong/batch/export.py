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

Identities are sealed at rest and stay so: subjects are keyed by
:meth:`LedgerRepository.subject_key` (a keyed hash), and the only fact taken from a resident
identity number is the birth date, which the semantics need (minors are never listed).
Names and e-mail addresses are not exported.

Durations are two integer columns, ``*_months`` (years folded in) and ``*_days``
(weeks folded in), both null when the catalog leaves the duration out; adding one is
"months first, clamped to the month's end, then days", as :mod:`xinyong.domain.calendar` does.

Memory stays bounded whatever the size of the ledger: records are read in pages of
``batch_size`` and streamed to a staging file, then partitioned by pyarrow's dataset
writer, which streams too.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from xinyong.adapters.storage.store import LedgerStore
from xinyong.adapters.storage.unit_of_work import SqlUnitOfWork
from xinyong.domain.calendar import Duration
from xinyong.domain.catalog.registry import CatalogRegistry
from xinyong.domain.events import (
    Annulled,
    DisputeFiled,
    DisputeResolved,
    Fulfilled,
    Repaired,
)
from xinyong.domain.standing import RecordFile

EXPORT_FORMAT = 1
MANIFEST = "manifest.json"
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"

PARTITION_SCHEMA = pa.schema([("jurisdiction", pa.string())])

RECORDS = pa.schema(
    [
        ("record_id", pa.string()),
        ("subject_key", pa.string()),
        ("kind", pa.string()),  # person | organisation
        ("birth_date", pa.date32()),  # persons only, from the resident identity number
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

_CHANGE_TYPES = {
    DisputeFiled: "dispute_filed",
    DisputeResolved: "dispute_resolved",
    Fulfilled: "fulfilled",
    Repaired: "repaired",
    Annulled: "annulled",
}

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


def _record_row(file: RecordFile, key: str, jurisdiction: str | None) -> dict:
    record = file.record
    return {
        "record_id": record.id,
        "subject_key": key,
        "kind": record.subject.kind,
        "birth_date": record.subject.birth_date,
        "catalog_id": record.catalog_id,
        "rule": record.rule_name,
        "occurred_on": record.occurred_on,
        "decided_on": record.decided_on,
        "jurisdiction": jurisdiction,
    }


def _event_rows(file: RecordFile, jurisdiction: str | None) -> Iterator[dict]:
    for seq, change in enumerate(file.changes, start=1):
        yield {
            "record_id": file.id,
            "catalog_id": file.record.catalog_id,
            "seq": seq,
            "type": _CHANGE_TYPES[type(change)],
            "on": change.on,
            "outcome": change.outcome if isinstance(change, DisputeResolved) else None,
            "jurisdiction": jurisdiction,
        }


def _with_partition(schema: pa.Schema) -> pa.Schema:
    return schema.append(pa.field("jurisdiction", pa.string()))


def _write_partitioned(source, schema: pa.Schema, folder: Path) -> None:
    """Write ``source`` (a dataset with a ``jurisdiction`` column) as a hive
    partitioned dataset; an empty one still gets a file, so that readers find its schema."""
    # pyarrow.dataset brings pandas with it: imported when an export is written, not
    # when the job reads the database (which needs only catalog_tables from here).
    import pyarrow.dataset as ds

    ds.write_dataset(
        source,
        folder,
        schema=_with_partition(schema),
        format="parquet",
        partitioning=ds.partitioning(PARTITION_SCHEMA, flavor="hive"),
        basename_template="part-{i}.parquet",
        existing_data_behavior="overwrite_or_ignore",
        max_rows_per_group=256 * 1024,
        min_rows_per_group=64 * 1024,
    )
    if not any(folder.rglob("*.parquet")):
        empty = folder / f"jurisdiction={NULL_PARTITION}"
        empty.mkdir(parents=True, exist_ok=True)
        pq.write_table(schema.empty_table(), empty / "part-0.parquet")


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
    batch_size: int = 10_000,
    progress: Progress | None = None,
) -> ExportSummary:
    """Write the ledger and every catalog version to ``target`` as Parquet tables.

    Reads one consistent snapshot of the ledger. ``target`` must be new, empty or an
    earlier export (which is replaced). ``progress(phase, done, total)`` is called as the
    phases ``subjects``, ``records`` and ``partitioning`` advance."""
    target = Path(target)
    _prepare(target)
    report = progress or (lambda phase, done, total: None)
    staging = target / "_staging"
    staging.mkdir()

    # One read-only unit of work: one snapshot of the ledger (REPEATABLE READ on PostgreSQL).
    with SqlUnitOfWork(store, read_only=True) as uow:
        ledger = uow.ledger
        total = ledger.record_count()

        # Everything is staged first, on this thread: the dataset writer may pull
        # its input from other threads, and a database connection must stay on its own.
        subjects = 0
        with pq.ParquetWriter(staging / "subjects.parquet", _with_partition(SUBJECTS)) as subject_out:
            rows: list[dict] = []
            for page in ledger.latest_subject_event_pages(batch_size):
                rows = [
                    {
                        "subject_key": ledger.subject_key(item.subject),
                        "kind": item.subject.kind,
                        "jurisdiction": item.jurisdiction,
                    }
                    for item in page
                ]
                subject_out.write_table(pa.Table.from_pylist(rows, schema=subject_out.schema))
                subjects += len(rows)
                rows = []
                report("subjects", subjects, None)
            subject_out.write_table(pa.Table.from_pylist(rows, schema=subject_out.schema))
            subjects += len(rows)
            report("subjects", subjects, None)

        records = events = 0
        report("records", 0, total)
        with (
            pq.ParquetWriter(staging / "records.parquet", _with_partition(RECORDS)) as record_out,
            pq.ParquetWriter(staging / "events.parquet", _with_partition(EVENTS)) as event_out,
        ):
            for files in ledger.record_pages(batch_size):
                found = ledger.latest_subject_events({f.subject for f in files})
                record_rows, event_rows = [], []
                for file in files:
                    facts = found.get(file.subject)
                    jurisdiction = facts.jurisdiction if facts is not None else None
                    record_rows.append(_record_row(file, ledger.subject_key(file.subject), jurisdiction))
                    event_rows.extend(_event_rows(file, jurisdiction))
                record_out.write_table(pa.Table.from_pylist(record_rows, schema=record_out.schema))
                if event_rows:
                    event_out.write_table(pa.Table.from_pylist(event_rows, schema=event_out.schema))
                records += len(record_rows)
                events += len(event_rows)
                report("records", records, total)

    import pyarrow.dataset as ds

    for done, (name, schema) in enumerate((("subjects", SUBJECTS), ("records", RECORDS), ("events", EVENTS))):
        report("partitioning", done, 3)
        _write_partitioned(ds.dataset(staging / f"{name}.parquet"), schema, target / name)
    report("partitioning", 3, 3)
    shutil.rmtree(staging)

    (target / "catalog").mkdir()
    tables = catalog_tables(registry)
    for name, table in tables.items():
        pq.write_table(table, target / "catalog" / f"{name}.parquet")

    jurisdictions = tuple(_partitions(target / "records"))
    summary = ExportSummary(
        path=target,
        records=records,
        events=events,
        subjects=subjects,
        catalog_versions=tables["versions"].num_rows,
        jurisdictions=jurisdictions,
    )
    manifest = {
        "format": EXPORT_FORMAT,
        "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "records": records,
        "events": events,
        "subjects": subjects,
        "catalogs": [
            {"id": c.id, "version": c.version, "effective_from": c.effective_from.isoformat()} for c in registry.all()
        ],
        "jurisdictions": list(jurisdictions),
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return summary
