"""The export of the ledger to Parquet: every record and later event, subjects keyed by
their keyed hash and never by identity, records partitioned by jurisdiction, catalogs
as tables with durations in months and days."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from xinyong.batch.export import ExportError, export_ledger

pytestmark = pytest.mark.integration


def _read(folder):
    return ds.dataset(folder, format="parquet", partitioning="hive").to_table()


def test_every_record_and_later_event_is_exported(conformance):
    dataset = conformance("basic")
    records = _read(dataset.export / "records")
    events = _read(dataset.export / "events")
    files = [f for files in dataset.files.values() for f in files]
    assert sorted(records.column("record_id").to_pylist()) == sorted(f.id for f in files)
    assert events.num_rows == sum(len(f.changes) for f in files)
    manifest = json.loads((dataset.export / "manifest.json").read_text())
    assert (manifest["records"], manifest["events"]) == (records.num_rows, events.num_rows)


def test_records_are_partitioned_by_their_subjects_jurisdiction(conformance):
    dataset = conformance("basic")
    folders = {p.name for p in (dataset.export / "records").iterdir()}
    assert {"jurisdiction=CN-SD-RC", "jurisdiction=CN-BJ"} <= folders
    by_key = {dataset.key(s): j for s, j in dataset.jurisdictions.items()}
    for row in _read(dataset.export / "records").select(["subject_key", "jurisdiction"]).to_pylist():
        assert row["jurisdiction"] == by_key.get(row["subject_key"])


def test_identities_stay_sealed_and_of_a_person_only_whether_a_minor_is_exported(conformance, monkeypatch):
    dataset = conformance("basic")
    keys = {dataset.key(s): s for s in dataset.files}
    files = {f.id: f for mine in dataset.files.values() for f in mine}
    records = _read(dataset.export / "records").to_pylist()
    assert "birth_date" not in records[0]
    for row in records:
        subject = keys[row["subject_key"]]
        assert row["kind"] == subject.kind
        record = files[row["record_id"]].record
        assert row["minor"] == (subject.is_minor_on(record.occurred_on) if subject.kind == "person" else None)
    assert {row["minor"] for row in records} == {True, False, None}
    exported = _every_value(dataset.export)
    identities = {s.value for s in dataset.files} | {str(s) for s in dataset.files}
    birth_dates = {s.birth_date.isoformat() for s in dataset.files if s.kind == "person"}
    assert not identities & exported, sorted(identities & exported)
    assert not birth_dates & exported - {str(f.record.occurred_on) for f in files.values()}

    # An export made now opens no sealed value at all.
    from xinyong.adapters.storage.sealing import Sealer

    def refused(*args, **kwargs):
        raise AssertionError("the export opened a sealed value")

    monkeypatch.setattr(Sealer, "open", refused)
    again = export_ledger(dataset.deployment.store, dataset.registry, dataset.export.parent / "again")
    assert again.records == len(records)


def test_the_leak_search_finds_what_the_export_does_hold(conformance):
    """The reading the two tests above rely on finds values that are there (a search of
    the compressed bytes would not)."""
    dataset = conformance("basic")
    exported = _every_value(dataset.export)
    record_ids = {f.id for files in dataset.files.values() for f in files}
    assert record_ids <= exported
    assert {"CN-SD-RC", "CN-BJ"} <= exported


def _every_value(folder) -> set[str]:
    """Every value of every column of every Parquet file under ``folder`` (and the
    partition folders' values), as strings."""
    values: set[str] = set()
    for path in folder.rglob("*.parquet"):
        values.update(part.split("=", 1)[1] for part in path.relative_to(folder).parts if "=" in part)
        table = pq.read_table(path, partitioning=None)
        for column in table.columns:
            values.update(str(v) for v in column.to_pylist() if v is not None)
    return values


def test_catalogs_are_tables_with_durations_as_months_and_days(conformance):
    dataset = conformance("deadlines")
    rules = pq.read_table(dataset.export / "catalog" / "rules.parquet").to_pylist()
    judgment = next(r for r in rules if r["rule"] == "court.judgment_default")
    assert (judgment["valid_for_months"], judgment["valid_for_days"]) == (24, 0)  # P2Y
    assert (judgment["notice_months"], judgment["notice_days"]) == (0, 10)  # P10D
    assert judgment["list_duration_months"] is None
    versions = pq.read_table(dataset.export / "catalog" / "versions.parquet").to_pylist()
    personal = [v for v in versions if v["catalog_id"] == "city-personal"]
    assert [v["effective_from"] for v in personal] == [dt.date(2022, 1, 1), dt.date(2024, 1, 1)]
    assert all((v["dispute_deadline_months"], v["dispute_deadline_days"]) == (0, 45) for v in personal)
    grades = pq.read_table(dataset.export / "catalog" / "grades.parquet").to_pylist()
    assert [g["grade"] for g in grades if g["catalog_id"] == "city-personal" and g["version"] == "2022.1"] == [
        "AAA",
        "AA",
        "A",
        "B",
        "C",
        "D",
    ]


def test_small_batches_export_the_same_tables(conformance, tmp_path):
    dataset = conformance("deadlines")
    export_ledger(dataset.deployment.store, dataset.registry, tmp_path / "again", batch_size=37)
    for name in ("records", "events", "subjects"):
        ours = _read(tmp_path / "again" / name).to_pylist()
        theirs = _read(dataset.export / name).to_pylist()
        key = lambda row: json.dumps(row, default=str, sort_keys=True)  # noqa: E731
        assert sorted(ours, key=key) == sorted(theirs, key=key)


def test_exporting_into_a_folder_that_holds_something_else_is_refused(conformance, tmp_path):
    dataset = conformance("basic")
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ExportError, match="holds no export"):
        export_ledger(dataset.deployment.store, dataset.registry, tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_an_earlier_export_is_replaced(conformance, tmp_path):
    dataset = conformance("basic")
    target = tmp_path / "export"
    export_ledger(dataset.deployment.store, dataset.registry, target)
    stale = target / "records" / "jurisdiction=XX-OLD"
    stale.mkdir()
    (stale / "part-0.parquet").write_bytes((target / "catalog" / "grades.parquet").read_bytes())
    export_ledger(dataset.deployment.store, dataset.registry, target)
    assert not stale.exists()


def test_subjects_without_records_are_exported_with_their_latest_jurisdiction(conformance):
    dataset = conformance("deadlines")
    subjects = _read(dataset.export / "subjects").to_pylist()
    assert {row["subject_key"]: row["jurisdiction"] for row in subjects} == {
        dataset.key(s): j for s, j in dataset.jurisdictions.items()
    }
    assert all(row["kind"] in ("person", "organisation") for row in subjects)


def test_an_export_of_format_1_with_birth_dates_is_read_as_the_same_tables(conformance, tmp_path, backends):
    """Exports written before format 2 kept a person's birth date: the job still reads
    them, and finds the same minors."""
    import shutil

    import pyarrow as pa

    from tests.batch.conftest import sorted_rows
    from xinyong.batch.engines import read_export, to_arrow

    dataset = conformance("basic")
    keys = {dataset.key(s): s for s in dataset.files}
    old = tmp_path / "format-1"
    shutil.copytree(dataset.export, old)
    for path in (old / "records").rglob("*.parquet"):
        table = pq.read_table(path, partitioning=None)
        born = [
            keys[k].birth_date if keys[k].kind == "person" else None for k in table.column("subject_key").to_pylist()
        ]
        at = table.schema.get_field_index("minor")
        pq.write_table(table.remove_column(at).add_column(at, "birth_date", pa.array(born, pa.date32())), path)
    manifest = json.loads((old / "manifest.json").read_text())
    (old / "manifest.json").write_text(json.dumps({**manifest, "format": 1}))

    backend = backends("duckdb")
    now, before = read_export(backend, dataset.export), read_export(backend, old)
    assert "birth_date" in pq.read_table(next((old / "records").rglob("*.parquet"))).column_names
    for name in ("records", "events", "subjects"):
        assert sorted_rows(to_arrow(backend, getattr(before, name))) == sorted_rows(
            to_arrow(backend, getattr(now, name))
        )
