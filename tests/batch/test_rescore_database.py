"""The rescoring job read straight from the database (``xinyong rescore`` on DuckDB), on
SQLite and PostgreSQL: the same tables as over the export, the ``minor`` flag intake
keeps on record rows (migration 0006) instead of the sealed identity, records written
before that migration judged from their sealed identity, and the flag under the keyed
chain. (Its answers equal the standing module's on the conformance scenarios, the
population and the hand-made corners: the ``database`` source of those tests.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Column, MetaData, Table, select, text, update

from tests.batch.conftest import _load, differences, job_rows, sorted_rows
from tests.batch.test_rescore_edges import V1, V2, V3, _days, _events
from tests.support.tampering import append_only_switched_off
from xinyong.adapters.storage import chain
from xinyong.adapters.storage.tables import ledger
from xinyong.batch.database import LedgerUnreadable, read_database
from xinyong.batch.engines import stage_for, to_arrow
from xinyong.batch.rescore import rescore

pytestmark = pytest.mark.integration

MINORS_RECORD = "e-06"  # in the hand-made ledger: a person under 18 on a listing rule


def test_the_database_and_the_export_give_identical_tables(population, rescored):
    export_standings, export_entries = rescored(population, "duckdb")
    database_standings, database_entries = rescored(population, "database")
    assert database_standings.schema.remove_metadata() == export_standings.schema.remove_metadata()
    assert database_entries.schema.remove_metadata() == export_entries.schema.remove_metadata()
    assert sorted_rows(database_standings) == sorted_rows(export_standings)
    assert sorted_rows(database_entries) == sorted_rows(export_entries)
    assert database_entries.num_rows > 0


def test_one_jurisdiction_read_from_the_database_gives_its_subjects_the_same_answers(population, backends):
    backend = backends("duckdb")
    store, registry = population.deployment.store, population.registry
    asked = [q for q in population.questions if q[0] == "rongcheng-personal"]

    def answers(jurisdiction):
        job = rescore(read_database(backend, store, registry, jurisdiction=jurisdiction), asked)
        return to_arrow(backend, job.standings), to_arrow(backend, job.entries)

    (whole, whole_entries), (province, province_entries) = answers(None), answers("CN-SD")
    inside = {
        population.key(s)
        for s, j in population.jurisdictions.items()
        if s.kind == "person" and (j == "CN-SD" or j.startswith("CN-SD-"))
    }
    assert inside and len(inside) < len({r["subject_key"] for r in whole.to_pylist()})
    assert sorted_rows(province) == sorted(
        (r for r in whole.to_pylist() if r["subject_key"] in inside), key=lambda row: [str(v) for v in row.values()]
    )
    assert sorted_rows(province_entries) == sorted(
        (r for r in whole_entries.to_pylist() if r["subject_key"] in inside),
        key=lambda row: [str(v) for v in row.values()],
    )


def test_several_connections_reading_small_chunks_read_the_same_tables_as_one(population, backends):
    backend = backends("duckdb")
    store, registry = population.deployment.store, population.registry

    def tables(readers, rows_per_chunk):
        read = read_database(backend, store, registry, readers=readers, rows_per_chunk=rows_per_chunk)
        return [
            sorted_rows(to_arrow(backend, t))
            for t in (read.keyed(read.records), read.events, read.keyed(read.subjects))
        ]

    at_once = tables(1, 1_000_000)
    assert all(at_once)
    # Chunks of 7 rows over 3 connections: many ranges each, ends that fall anywhere.
    assert tables(3, 7) == at_once


def test_the_tables_hold_a_number_for_each_subject_key_and_name_it_back(population, backends):
    """The job joins and groups numbers, not 64-character keys: one number a key, the
    same key for the same number, and its results carry the keys."""
    backend = backends("duckdb")
    read = read_database(backend, population.deployment.store, population.registry)
    assert read.names is not None
    for table in (read.records, read.subjects, read.names):
        assert table.schema()["subject_key"].is_integer()
    names = to_arrow(backend, read.names).to_pylist()
    assert len({n["subject_key"] for n in names}) == len({n["key"] for n in names}) == len(names)
    keys = {population.key(s) for s in set(population.files) | set(population.jurisdictions)}
    assert {n["key"] for n in names} == keys
    by_record = {f.id: population.key(s) for s, mine in population.files.items() for f in mine}
    records = to_arrow(backend, read.keyed(read.records).select("record_id", "subject_key")).to_pylist()
    assert {r["record_id"]: r["subject_key"] for r in records} == by_record
    standings = to_arrow(backend, rescore(read, population.questions[:1]).standings).to_pylist()
    assert standings and {r["subject_key"] for r in standings} <= keys


def test_intake_keeps_on_each_record_whether_its_person_was_a_minor(population):
    store = population.deployment.store
    with store.reading() as connection:
        flags = dict(
            connection.execute(select(ledger.c.record_id, ledger.c.minor).where(ledger.c.kind == "record")).all()
        )
    files = {f.id: f for mine in population.files.values() for f in mine}
    assert flags == {
        record_id: f.record.subject.is_minor_on(f.record.occurred_on) if f.record.subject.kind == "person" else None
        for record_id, f in files.items()
    }
    assert set(flags.values()) == {True, False, None}  # minors, adults and organisations


# ------------------------------------------------------------- rows before migration 0006


@pytest.fixture
def corners(make_database, tmp_path_factory):
    """The hand-made ledger of test_rescore_edges in a database of its own."""
    folder = tmp_path_factory.mktemp("corner-catalogs")
    catalogs = []
    for name, body in (("v1", V1), ("v2", V2), ("v3", V3)):
        path = Path(folder / f"edge-{name}.toml")
        path.write_text(body, encoding="utf-8")
        catalogs.append(path)
    events = _events()
    dataset = _load(
        make_database,
        "corners",
        catalogs,
        [json.dumps(e) for e in events],
        lambda registry: [("edge-personal", d) for d in _days(events)],
    )
    yield dataset
    dataset.deployment.close()


def _retriggered(connection) -> None:
    if connection.dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            connection.execute(
                text(
                    f"CREATE TRIGGER ledger_no_{verb.lower()} BEFORE {verb} ON ledger "
                    "BEGIN SELECT RAISE(ABORT, 'ledger is append-only: corrections are new events'); END"
                )
            )
    else:
        connection.execute(text("ALTER TABLE ledger ENABLE TRIGGER USER"))


# The ledger as migration 0004 left it, for the keyed hash of rows written then.
LEDGER_0004 = Table("ledger", MetaData(), *(Column(c.name, c.type) for c in ledger.columns if c.name != "minor"))


def _as_written_before_0006(store, cut: int) -> None:
    """Make the ledger rows up to seq ``cut`` what the code before migration 0006 wrote:
    no ``minor``, and keyed hashes over the columns the ledger had then (rewritten with
    the key: the stand-in, in a test, for a database upgraded from 0004)."""
    with store.transaction() as connection:
        append_only_switched_off(connection, "ledger")
        connection.execute(update(ledger).where(ledger.c.seq <= cut).values(minor=None))
        previous = chain.GENESIS
        for row in connection.execute(select(ledger).order_by(ledger.c.seq)).mappings().all():
            form = LEDGER_0004 if row["seq"] <= cut else ledger
            mac = store.sealer.chain_mac(previous, chain.payload(form, row))
            connection.execute(update(ledger).where(ledger.c.seq == row["seq"]).values(prev_hash=previous, hash=mac))
            previous = mac
        _retriggered(connection)


def _ledger_breaks(store) -> list[str]:
    with store.reading() as connection:
        return [f"{r.table}@{r.broken_at}: {r.problem}" for r in store.verify(connection) if not r.intact]


def _minor_flags(store) -> list[tuple[int, str, bool | None]]:
    with store.reading() as connection:
        return connection.execute(
            select(ledger.c.seq, ledger.c.record_id, ledger.c.minor)
            .where(ledger.c.kind == "record")
            .order_by(ledger.c.seq)
        ).all()


def test_records_written_before_migration_0006_verify_and_are_judged_from_the_sealed_identity(corners, backends):
    store = corners.deployment.store
    flags = _minor_flags(store)
    cut = flags[len(flags) // 2].seq
    assert MINORS_RECORD in {r.record_id for r in flags if r.seq <= cut}
    _as_written_before_0006(store, cut)
    after = _minor_flags(store)
    assert {r.minor for r in after if r.seq <= cut} == {None} and None not in {r.minor for r in after if r.seq > cut}
    assert _ledger_breaks(store) == []  # old rows and new rows alike

    backend = backends("duckdb")
    job = rescore(read_database(backend, store, corners.registry), corners.questions, stage=stage_for(backend))
    got, listed = job_rows(to_arrow(backend, job.standings), to_arrow(backend, job.entries))
    assert differences(corners.expected.standings, got) == []
    assert MINORS_RECORD not in {entry[4] for entry in listed}
    assert sorted(listed ^ corners.expected.entries, key=str)[:5] == []


@pytest.mark.parametrize(
    ("record_id", "forged"),
    [
        (MINORS_RECORD, False),  # a minor made an adult, to be listed
        (MINORS_RECORD, None),  # the flag cleared, as on a row from before 0006
        ("e-01", True),  # an adult made a minor, to come off a list
    ],
)
def test_the_minor_flag_is_under_the_keyed_chain(corners, record_id, forged):
    store = corners.deployment.store
    assert _ledger_breaks(store) == []
    with store.transaction() as connection:
        append_only_switched_off(connection, "ledger")
        connection.execute(
            update(ledger).where(ledger.c.kind == "record", ledger.c.record_id == record_id).values(minor=forged)
        )
        seq = connection.execute(
            select(ledger.c.seq).where(ledger.c.kind == "record", ledger.c.record_id == record_id)
        ).scalar_one()
    assert _ledger_breaks(store) == [f"ledger@{seq}: " + _ALTERED]


_ALTERED = "its content does not match its keyed hash: it was added, altered or moved by someone without the key"


def test_a_row_holding_what_intake_never_writes_is_refused_naming_the_way_to_find_it(corners, backends):
    store = corners.deployment.store
    with store.transaction() as connection:
        append_only_switched_off(connection, "ledger")
        connection.execute(
            update(ledger)
            .where(ledger.c.kind == "record", ledger.c.record_id == "e-01")
            .values(rule="edge-personal/a,b")
        )
    with pytest.raises(LedgerUnreadable, match="ledger verify"):
        read_database(backends("duckdb"), store, corners.registry)
