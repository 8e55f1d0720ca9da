"""The ledger on a real SQLite database: append-only, hash-chained, sealed."""

from __future__ import annotations

import json
import sqlite3

import pytest
from sqlalchemy import text

from tests.conftest import scenario_files

pytestmark = pytest.mark.integration


@pytest.fixture
def filled(deployment):
    files = scenario_files("basic")
    deployment.catalogs.load(files["catalogs"])
    deployment.intake.import_lines(files["events"].read_text().splitlines())
    return deployment


def _db_file(deployment) -> str:
    return deployment.store.engine.url.database


@pytest.mark.parametrize("statement", [
    "UPDATE ledger SET body = '{}' WHERE seq = 1",
    "DELETE FROM ledger WHERE seq = 1",
    "UPDATE catalog_versions SET source = ''",
    "DELETE FROM catalog_versions",
])
def test_the_database_refuses_updates_and_deletes_on_append_only_tables(filled, statement):
    raw = sqlite3.connect(_db_file(filled))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute(statement)
    raw.close()


def test_the_hash_chain_verifies_after_import(filled):
    with filled.store.reading() as c:
        report = filled.store.verify(c)
    assert report.intact and report.rows == 2699


def test_an_edit_made_behind_the_triggers_is_detected(filled):
    raw = sqlite3.connect(_db_file(filled))
    raw.execute("DROP TRIGGER ledger_no_update")
    raw.execute("""UPDATE ledger SET body = replace(body, '"outcome":"annulled"', '"outcome":"upheld"')
                   WHERE seq = (SELECT min(seq) FROM ledger WHERE body LIKE '%"outcome":"annulled"%')""")
    raw.commit()
    raw.close()
    with filled.store.reading() as c:
        report = filled.store.verify(c)
    assert not report.intact
    assert "does not match its hash" in report.problem


def test_the_database_file_holds_no_identity_number_or_name_of_a_person_in_clear(filled):
    filled.intake.import_lines(
        ['{"type": "subject", "subject": "rid:11010519491231002X", "jurisdiction": "CN-SD-RC", "name": "Zhang Sanfeng"}']
    )
    filled.close()
    raw = open(_db_file(filled), "rb").read()
    wal = _db_file(filled) + "-wal"
    try:
        raw += open(wal, "rb").read()
    except FileNotFoundError:
        pass
    events = scenario_files("basic")["events"].read_text().splitlines()
    numbers = {json.loads(l)["subject"].split(":")[1] for l in events if '"subject": "rid:' in l}
    assert numbers and not [n for n in numbers if n.encode() in raw]
    assert b"11010519491231002X" not in raw and b"Zhang Sanfeng" not in raw


def test_the_schema_is_at_the_latest_migration(filled):
    with filled.store.reading() as c:
        assert c.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0002"


def test_sqlite_runs_in_wal_mode(filled):
    with filled.store.reading() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
