"""Digests stored as raw bytes (migration 0012): a database written at migration 0011,
its digests in hex text, migrated to the latest, reads the same rows, keeps verifying
on every chained table and gives the same answers; a value that is not a digest stops
the migration and changes nothing."""

from __future__ import annotations

import datetime as dt
import json
from importlib.resources import files

import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, String, insert, inspect, select, text

from tests.integration.conftest import PERSON
from tests.support.tampering import append_only_switched_off
from xinyong.adapters.storage.digests import HexDigest
from xinyong.adapters.storage.store import make_engine, migrate
from xinyong.adapters.storage.tables import metadata
from xinyong.bootstrap import open_deployment

pytestmark = pytest.mark.integration


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(files("xinyong.adapters.storage") / "migrations"))
    return config


def _migration():
    return ScriptDirectory.from_config(_config()).get_revision("0012").module


def _at_0011_schema() -> MetaData:
    """The schema as migration 0011 left it: every digest column hex text."""
    legacy = MetaData()
    for table in metadata.sorted_tables:
        for column in table.to_metadata(legacy).columns:
            if isinstance(column.type, HexDigest):
                column.type = String(64)
    return legacy


def _everything(url: str) -> dict[str, list[dict]]:
    """Every row of every table of the schema, as the code reads them, in a fixed order."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table.name: [dict(row) for row in connection.execute(select(table).order_by(*table.columns)).mappings()]
                for table in metadata.sorted_tables
            }
    finally:
        engine.dispose()


@pytest.fixture
def written_at_0011(filled_database, backend, postgres_server, tmp_path) -> str:
    """A database at migration 0011 holding every row of ``filled_database`` (under the
    same keys), as 0011 stored them: the digests in hex text."""
    url = postgres_server.new_database() if backend == "postgresql" else str(tmp_path / "at-0011.db")
    rows = _everything(filled_database)
    legacy = _at_0011_schema()
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config = _config()
            config.attributes["connection"] = connection
            command.upgrade(config, "0011")
        with engine.begin() as connection:
            at_0011 = set(inspect(connection).get_table_names())
            for table in legacy.sorted_tables:
                if rows[table.name] and table.name in at_0011:
                    connection.execute(insert(table), rows[table.name])
            stored = connection.execute(text("SELECT subject_key FROM ledger WHERE subject_key IS NOT NULL")).first()
            assert stored is not None and isinstance(stored[0], str) and len(stored[0]) == 64
    finally:
        engine.dispose()
    return url


def _migrated(url: str) -> None:
    engine = make_engine(url)
    try:
        migrate(engine)
    finally:
        engine.dispose()


def _version(url: str) -> str:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    finally:
        engine.dispose()


def test_the_migration_converts_every_digest_column_of_the_schema():
    typed = {
        table.name: tuple(c.name for c in table.columns if isinstance(c.type, HexDigest))
        for table in metadata.sorted_tables
    }
    assert {name: columns for name, columns in typed.items() if columns} == _migration().DIGESTS


def test_a_database_of_0011_migrated_reads_the_same_rows(written_at_0011, filled_database):
    _migrated(written_at_0011)
    assert _version(written_at_0011) == ScriptDirectory.from_config(_config()).get_current_head()
    migrated, filled = _everything(written_at_0011), _everything(filled_database)
    # The blocks of the ledger's columns (migration 0015) are written by appends from
    # then on: a database upgraded from before has none until `xinyong rebuild`.
    assert migrated.pop("ledger_blocks") == [] and filled.pop("ledger_blocks") != []
    assert migrated == filled


def test_the_digests_of_a_migrated_database_take_32_bytes(written_at_0011):
    _migrated(written_at_0011)
    engine = make_engine(written_at_0011)
    try:
        with engine.connect() as connection:
            size = "octet_length" if connection.dialect.name == "postgresql" else "length"
            for table, columns in _migration().DIGESTS.items():
                for column in columns:
                    sizes = connection.execute(
                        text(f"SELECT DISTINCT {size}({column}) FROM {table} WHERE {column} IS NOT NULL")
                    ).scalars()
                    assert set(sizes) <= {32}, (table, column)
            assert connection.execute(text("SELECT count(*) FROM ledger")).scalar_one() > 0
    finally:
        engine.dispose()


def test_a_database_of_0011_migrated_verifies_answers_alike_and_takes_new_events(
    written_at_0011, filled_database, settings
):
    _migrated(written_at_0011)
    day = dt.date(2025, 1, 1)
    original = open_deployment(filled_database, settings)
    try:
        expected = original.inquiries.standing(PERSON, "city-personal", day)
    finally:
        original.close()
    deployment = open_deployment(written_at_0011, settings)
    try:
        with deployment.store.reading() as connection:
            reports = deployment.store.verify(connection)
        assert reports and all(r.intact for r in reports), reports
        assert deployment.inquiries.standing(PERSON, "city-personal", day) == expected
        # Appended after the migration, on the same chain.
        event = {"type": "subject", "subject": str(PERSON), "jurisdiction": "CN-SD-RC", "name": "Zhang San"}
        deployment.intake.import_lines([json.dumps(event)])
        with deployment.store.reading() as connection:
            after = deployment.store.verify(connection)
        assert all(r.intact for r in after), after
        ledger = {r.table: r.rows for r in after}["ledger"]
        assert ledger == {r.table: r.rows for r in reports}["ledger"] + 1
    finally:
        deployment.close()


def test_the_append_only_triggers_hold_after_the_migration(written_at_0011):
    _migrated(written_at_0011)
    engine = make_engine(written_at_0011)
    try:
        for table in _migration().DIGESTS:
            if table not in ("ledger", "notices", "access_log", "catalog_versions"):
                continue
            with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
                connection.execute(text(f"DELETE FROM {table}"))
    finally:
        engine.dispose()


def test_a_stored_value_that_is_not_a_digest_stops_the_migration_and_changes_nothing(written_at_0011):
    engine = make_engine(written_at_0011)
    try:
        with engine.begin() as connection:
            # Written behind the service's back: a MAC in upper case.
            append_only_switched_off(connection, "notices")
            connection.execute(text("UPDATE notices SET mac = upper(mac) WHERE seq = 1"))
        with pytest.raises(Exception, match=r"notices\.mac: 1 row\(s\) hold a value that is not a digest"):
            migrate(engine)
    finally:
        engine.dispose()
    assert _version(written_at_0011) == "0011"
    engine = make_engine(written_at_0011)
    try:
        with engine.connect() as connection:
            keys = connection.execute(text("SELECT subject_key FROM ledger WHERE subject_key IS NOT NULL")).scalars()
            assert all(isinstance(key, str) and len(key) == 64 for key in keys)  # still hex text
    finally:
        engine.dispose()
