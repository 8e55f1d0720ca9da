"""The database schema. The ledger and the catalog versions are append-only: the
migrations install triggers that refuse UPDATE and DELETE on them."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    text,
)

metadata = MetaData()

ledger = Table(
    "ledger",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("record_id", String(200)),
    Column("subject_key", String(64)),
    # The event with its personal fields (subject, name, email) taken out: they are in
    # ``sealed``, encrypted.
    Column("body", Text, nullable=False),
    Column("sealed", LargeBinary),
    Column("fingerprint", String(64), nullable=False),
    Column("recorded_at", String(32), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ledger_record", "record_id"),
    Index("ledger_subject", "subject_key"),
    Index(
        "ledger_one_record_per_id",
        "record_id",
        unique=True,
        sqlite_where=text("kind = 'record'"),
        postgresql_where=text("kind = 'record'"),
    ),
)

catalog_versions = Table(
    "catalog_versions",
    metadata,
    Column("catalog_id", String(100), primary_key=True),
    Column("version", String(100), primary_key=True),
    Column("effective_from", Date, nullable=False),
    Column("source", Text, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("loaded_at", String(32), nullable=False),
)

APPEND_ONLY_TABLES = ("ledger", "catalog_versions")
