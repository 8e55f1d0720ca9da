"""Identity data at rest and in logs: the database file (with its write-ahead log) holds
no resident identity number, name or token in clear, and the server's request log
prints no identity number (issue 3, "Privacy at rest"). On PostgreSQL, what the
database holds is every row of every table, as the server renders it."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from tests.service.conftest import BASIC, SUBJECT, ZHANG_NAME, ZHANG_NUMBER, Database

pytestmark = pytest.mark.e2e


def raw_database(db: Database) -> bytes:
    """The bytes of the SQLite file and of its -wal and -shm files, as a thief would read
    them; on PostgreSQL, every row of every table in the public schema rendered as text,
    and every binary value also byte for byte (printable bytes as themselves)."""
    if db.is_sqlite:
        parts = [Path(db.url + suffix) for suffix in ("", "-wal", "-shm")]
        return b"".join(p.read_bytes() for p in parts if p.exists())
    from sqlalchemy import create_engine, text

    engine = create_engine(db.url)
    try:
        with engine.connect() as connection:
            tables = (
                connection.execute(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
                )
                .scalars()
                .all()
            )
            binary = connection.execute(
                text(
                    "SELECT table_name, column_name FROM information_schema.columns "
                    "WHERE table_schema = 'public' AND data_type = 'bytea'"
                )
            ).all()
            assert "ledger" in tables, tables  # the right database, not an empty one
            dump = []
            for table in tables:
                dump += connection.execute(text(f'SELECT t::text FROM "{table}" t')).scalars().all()
            for table, column in binary:
                dump += (
                    connection.execute(
                        text(f'SELECT encode("{column}", \'escape\') FROM "{table}" WHERE "{column}" IS NOT NULL')
                    )
                    .scalars()
                    .all()
                )
    finally:
        engine.dispose()
    return "\n".join(dump).encode()


def conformance_numbers() -> set[str]:
    """Every resident identity number of the basic scenario."""
    text = (BASIC / "events.jsonl").read_text()
    return set(re.findall(r"rid:([0-9]{17}[0-9X])", text))


def test_the_database_file_holds_the_posted_identity_number_only_encrypted(scripted):
    assert scripted.submitted.status_code == 200
    raw = raw_database(scripted.server.db)
    assert ZHANG_NUMBER.encode() not in raw
    assert ZHANG_NUMBER[:17].encode() not in raw


def test_the_database_file_holds_the_posted_name_only_encrypted(scripted):
    assert scripted.report.json()["name"] == ZHANG_NAME  # it is there, readable through the service
    raw = raw_database(scripted.server.db).lower()
    assert ZHANG_NAME.lower().encode() not in raw
    assert b"sanfeng" not in raw


def test_the_database_file_holds_no_imported_identity_number_in_clear(scripted):
    raw = raw_database(scripted.server.db)
    numbers = conformance_numbers()
    assert len(numbers) > 20
    assert [n for n in numbers if n.encode() in raw] == []


def test_the_database_file_holds_no_token_in_clear(scripted, template):
    raw = raw_database(scripted.server.db)
    assert [role for role, secret in template.tokens.items() if secret.encode() in raw] == []


def test_the_secret_key_file_is_readable_by_its_owner_only(template):
    key = template.db.key  # beside a SQLite file; on PostgreSQL, XINYONG_KEY_FILE
    assert key.exists()
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_the_request_log_names_routes(scripted):
    log = scripted.server.log()
    assert "/v1/subjects/{subject}/score" in log
    assert "/v1/checks" in log


def test_the_request_log_holds_no_identity_number(scripted):
    log = scripted.server.log()
    leaked = [n for n in conformance_numbers() | {ZHANG_NUMBER} if n in log]
    assert leaked == []
    assert ZHANG_NAME not in log


def test_a_refused_read_leaves_no_identity_number_in_the_request_log(api, server):
    number = SUBJECT.removeprefix("rid:")
    api.get("other-subject", f"/v1/subjects/{SUBJECT}/score", params={"catalog": "city-personal"})
    api.get("officer", f"/v1/subjects/rid:{number[:-1]}Y/score", params={"catalog": "city-personal"})
    assert number not in server.log()
    assert number[:-1] not in server.log()


def test_metrics_label_routes_not_paths(api):
    api.get("subject", f"/v1/subjects/{SUBJECT}/score", params={"catalog": "city-personal"})
    metrics = api.http.get("/metrics").text
    assert 'route="/v1/subjects/{subject}/score"' in metrics
    assert SUBJECT.removeprefix("rid:") not in metrics
