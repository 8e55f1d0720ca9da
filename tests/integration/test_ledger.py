"""The ledger on a real database (SQLite, or PostgreSQL with --backend postgresql):
append-only, hash-chained, identities sealed."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.conftest import scenario_files
from tests.integration.conftest import PERSON
from xinyong.adapters.storage.tables import APPEND_ONLY_TABLES, FEDERATION_TABLES
from xinyong.domain.attachments import Accepted

pytestmark = pytest.mark.integration


@pytest.fixture
def filled(filled_database, settings):
    from xinyong.bootstrap import open_deployment

    deployment = open_deployment(filled_database, settings)
    yield deployment
    deployment.close()


def _is_sqlite(deployment) -> bool:
    return deployment.store.engine.dialect.name == "sqlite"


# The federation tables hold rows only once a bundle is imported: test_federation_store.py
# tries them with rows in them.
@pytest.mark.parametrize("table", [t for t in APPEND_ONLY_TABLES if t not in FEDERATION_TABLES])
@pytest.mark.parametrize("verb", ["UPDATE", "DELETE"])
def test_the_database_refuses_updates_and_deletes_on_append_only_tables(filled, table, verb):
    column = {
        "ledger": "body",
        "catalog_versions": "source",
        "access_log": "reader",
        "notices": "kind",
        "deliveries": "channel",
        "cases": "kind",
        "attachments": "media_type",
        "scorecard_versions": "source",
        "optin_events": "kind",
        "webhook_endpoints": "url",
        "webhook_endpoint_changes": "change",
        "webhook_messages": "type",
        "webhook_attempts": "outcome",
    }[table]
    statement = f"UPDATE {table} SET {column} = {column}" if verb == "UPDATE" else f"DELETE FROM {table}"
    with pytest.raises(DBAPIError, match="append-only"), filled.store.engine.begin() as connection:
        connection.execute(text(statement))


def test_the_hash_chain_verifies_after_import(filled):
    with filled.store.reading() as c:
        reports = filled.store.verify(c)
    assert all(r.intact for r in reports)
    assert reports[0].table == "ledger" and reports[0].rows == 2699


def test_an_edit_made_behind_the_triggers_is_detected(filled):
    edit = """UPDATE ledger SET body = replace(body, '"outcome":"annulled"', '"outcome":"upheld"')
              WHERE seq = (SELECT min(seq) FROM ledger WHERE body LIKE '%"outcome":"annulled"%')"""
    with filled.store.engine.begin() as connection:
        if _is_sqlite(filled):
            connection.execute(text("DROP TRIGGER ledger_no_update"))
        else:
            connection.execute(text("ALTER TABLE ledger DISABLE TRIGGER ledger_append_only"))
        assert connection.execute(text(edit)).rowcount == 1
    with filled.store.reading() as c:
        report = filled.store.verify(c)[0]
    assert not report.intact
    assert "does not match its keyed hash" in report.problem


def _everything_stored(deployment) -> bytes:
    """Every byte the database holds for us: the SQLite file and its WAL, or every row of
    every table as PostgreSQL renders it."""
    if _is_sqlite(deployment):
        path = deployment.store.engine.url.database
        deployment.close()
        raw = Path(path).read_bytes()
        with contextlib.suppress(FileNotFoundError):
            raw += Path(path + "-wal").read_bytes()
        return raw
    with deployment.store.engine.connect() as connection:
        tables = connection.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars().all()
        dump = []
        for table in tables:
            dump += connection.execute(text(f'SELECT t::text FROM "{table}" t')).scalars().all()
    return "\n".join(dump).encode()


def test_the_database_holds_no_identity_number_or_name_of_a_person_in_clear(filled):
    filled.intake.import_lines(
        [
            '{"type": "subject", "subject": "rid:11010519491231002X", "jurisdiction": "CN-SD-RC", '
            '"name": "Zhang Sanfeng"}'
        ]
    )
    raw = _everything_stored(filled)
    events = scenario_files("basic")["events"].read_text().splitlines()
    numbers = {json.loads(line)["subject"].split(":")[1] for line in events if '"subject": "rid:' in line}
    assert numbers and not [n for n in numbers if n.encode() in raw]
    assert b"11010519491231002X" not in raw and b"Zhang Sanfeng" not in raw


def test_an_attachments_name_and_bytes_are_not_stored_in_clear(filled):
    marker = b"MARKER-7f3c-receipt-of-payment"
    content = b"%PDF-1.4\n1 0 obj << /Title (" + marker + b") >> endobj\n%%EOF\n"
    with filled.units() as uow:
        added = uow.attachments.add(
            "repair", "c-marker", PERSON, Accepted("application/pdf", "Zhang-Sanfeng.pdf", content)
        )
        uow.commit()
    with filled.units(read_only=True) as uow:
        assert uow.attachments.content(added.id) == content  # it is there, and opens
    with filled.store.reading() as c:
        row = c.execute(
            text("SELECT sealed_name, sealed_content FROM attachments WHERE id = :id"), {"id": added.id}
        ).one()
    stored = bytes(row.sealed_name) + bytes(row.sealed_content)
    assert marker not in stored and b"Zhang-Sanfeng" not in stored and b"%PDF" not in stored
    raw = _everything_stored(filled)
    for clear in (marker, b"Zhang-Sanfeng", marker.hex().encode(), b"Zhang-Sanfeng".hex().encode()):
        assert clear not in raw


def test_the_schema_is_at_the_latest_migration(filled):
    from importlib.resources import files

    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(files("xinyong.adapters.storage") / "migrations"))
    [head] = ScriptDirectory.from_config(config).get_heads()  # one line of migrations, no branches
    assert head == "0015"
    with filled.store.reading() as c:
        assert c.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head


def test_sqlite_runs_in_wal_mode(filled):
    if not _is_sqlite(filled):
        pytest.skip("WAL is SQLite's journal mode; PostgreSQL always logs ahead")
    with filled.store.reading() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
