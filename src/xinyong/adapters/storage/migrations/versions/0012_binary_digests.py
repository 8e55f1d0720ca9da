"""Keyed digests stored as their 32 raw bytes instead of 64 hex characters: subjects'
lookup keys wherever they are kept, the ledger's fingerprints and chain, every row MAC
and the tokens' digests (``xinyong.adapters.storage.digests``). They were a third of
the ledger's bytes and most of its subject index.

The code still handles them as lower-case hex text, and the chain's payloads and MACs
are computed from that text: the values read back after this migration are the values
written before it, so the chain and every row MAC verify as they did.

SQLite cannot change a column's type in place: each table is made again (SQLite's own
twelve-step procedure) with the same definition but the digests' type, its rows copied
with their digests decoded, and its indexes and append-only triggers re-created from
their very statements, read from the schema before the table is dropped. PostgreSQL
converts the columns in place (``ALTER COLUMN ... TYPE bytea USING decode(...)``), which
rewrites the table and its indexes and fires no UPDATE trigger.

A value that is not a digest in lower-case hex stops the migration, naming the table and
the column, and nothing is changed: such a value was written behind the service's back.

Revision ID: 0012
Revises: 0011
"""

import re

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# Every column that holds a digest, table by table (tables.py types them ``HexDigest``;
# tests/integration/test_binary_digests.py checks that the two agree).
DIGESTS: dict[str, tuple[str, ...]] = {
    "ledger": ("subject_key", "fingerprint", "prev_hash", "hash"),
    "catalog_versions": ("mac",),
    "organisations": ("subject_key",),
    "tokens": ("digest", "subject_key", "mac"),
    "access_log": ("subject_key", "mac"),
    "notices": ("subject_key", "mac"),
    "deliveries": ("mac",),
    "cases": ("subject_key", "mac"),
    "attachments": ("subject_key", "mac"),
    "subject_keys": ("subject_key",),
    "standings": ("subject_key", "mac"),
    "list_pieces": ("subject_key", "mac"),
    "scorecard_versions": ("mac",),
    "optin_events": ("subject_key", "mac"),
    "optin_keys": ("subject_key",),
    "webhook_endpoints": ("mac",),
    "webhook_endpoint_changes": ("mac",),
    "webhook_messages": ("mac",),
    "webhook_attempts": ("mac",),
    "federation_bundles": ("mac",),
    "federation_entries": ("subject_key", "mac"),
    "federation_partners": ("mac",),
}

_HEX = re.compile("[0-9a-f]{64}")


class NotADigest(ValueError):
    """A stored value that is not a digest in lower-case hex."""


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite()
    elif dialect == "postgresql":
        _postgresql()
    else:  # pragma: no cover
        raise NotImplementedError(f"no migration of digests for {dialect}")


def _refuse(table: str, column: str, count: int) -> None:
    raise NotADigest(
        f"{table}.{column}: {count} row(s) hold a value that is not a digest of 64 lower-case hex digits; "
        "they were written behind the service's back (`xinyong ledger verify` says where): nothing was changed"
    )


def _postgresql() -> None:
    connection = op.get_bind()
    for table, columns in DIGESTS.items():
        for column in columns:
            wrong = connection.exec_driver_sql(
                f"SELECT count(*) FROM {table} WHERE {column} IS NOT NULL AND {column} !~ '^[0-9a-f]{{64}}$'"
            ).scalar_one()
            if wrong:
                _refuse(table, column, wrong)
        changes = ", ".join(f"ALTER COLUMN {c} TYPE bytea USING decode({c}, 'hex')" for c in columns)
        op.execute(f"ALTER TABLE {table} {changes}")


def _sqlite() -> None:
    connection = op.get_bind()

    def unhex(value: object) -> bytes | None:
        if value is None:
            return None
        if isinstance(value, str) and _HEX.fullmatch(value):
            return bytes.fromhex(value)
        raise NotADigest(value)  # counted and reported by the caller, without the value

    connection.connection.driver_connection.create_function("xinyong_unhex", 1, unhex, deterministic=True)  # type: ignore[union-attr]
    for table, columns in DIGESTS.items():
        for column in columns:
            wrong = connection.exec_driver_sql(
                f"SELECT count(*) FROM {table} WHERE {column} IS NOT NULL "
                f"AND (typeof({column}) <> 'text' OR length({column}) <> 64 OR {column} GLOB '*[^0-9a-f]*')"
            ).scalar_one()
            if wrong:
                _refuse(table, column, wrong)
        _rebuild(table, columns)


def _rebuild(table: str, columns: tuple[str, ...]) -> None:
    """Make ``table`` again with ``columns`` as BLOB, its digests decoded, its indexes and
    triggers as they were."""
    connection = op.get_bind()
    [create] = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).scalars()
    # Indexes made by CREATE INDEX (those of UNIQUE and PRIMARY KEY constraints come
    # back with the table) and triggers, as their statements.
    others = list(
        connection.exec_driver_sql(
            "SELECT type, name, sql FROM sqlite_master "
            "WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name",
            (table,),
        )
    )
    names = [row[1] for row in connection.exec_driver_sql(f"PRAGMA table_info({table})")]
    new = f"{table}_0012"
    statement, made = re.subn(rf'^CREATE TABLE "?{table}"? \(', f"CREATE TABLE {new} (", create.strip(), count=1)
    if made != 1:  # pragma: no cover - every table here was made by SQLAlchemy
        raise RuntimeError(f"unexpected definition of {table}: {create}")
    for column in columns:
        # A column as SQLAlchemy writes it (or ALTER TABLE ADD COLUMN appends it): its
        # name, then its type, after the parenthesis or a comma.
        statement, made = re.subn(rf'([(,]\s*)"?{column}"? VARCHAR\(64\)', rf"\1{column} BLOB", statement, count=1)
        if made != 1:  # pragma: no cover
            raise RuntimeError(f"unexpected definition of {table}.{column}: {create}")
    for kind, name, _ in others:
        connection.exec_driver_sql(f"DROP {kind.upper()} {name}")
    connection.exec_driver_sql(statement)
    # Quoted: some columns are named by SQL keywords (``by``, ``list``, ``start``).
    quoted = [f'"{n}"' for n in names]
    chosen = ", ".join(f"xinyong_unhex({q})" if n in columns else q for n, q in zip(names, quoted, strict=True))
    connection.exec_driver_sql(f"INSERT INTO {new} ({', '.join(quoted)}) SELECT {chosen} FROM {table}")
    connection.exec_driver_sql(f"DROP TABLE {table}")
    connection.exec_driver_sql(f"ALTER TABLE {new} RENAME TO {table}")
    for _, _, sql in others:
        connection.exec_driver_sql(sql)


def downgrade() -> None:  # pragma: no cover
    raise NotImplementedError("digests are not turned back into text")
