"""Rows appended in bulk (``chain.insert_many``: executemany on SQLite, binary COPY on
PostgreSQL) are bound as their columns' types bind them, as SQLAlchemy's own insert
would: a ``TypeDecorator`` stores what its ``process_bind_param`` makes of a value."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Column, Date, Integer, LargeBinary, MetaData, String, Table, insert, select, text
from sqlalchemy.types import TypeDecorator

from xinyong.adapters.storage import chain
from xinyong.adapters.storage.store import make_engine

pytestmark = pytest.mark.integration


class HexAsBytes(TypeDecorator):
    """A digest written as hex text, stored as its bytes."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return bytes.fromhex(value) if value is not None else None

    def process_result_value(self, value, dialect):
        return bytes(value).hex() if value is not None else None


def _table() -> Table:
    return Table(
        "bulk_typed",
        MetaData(),
        Column("seq", Integer, primary_key=True),
        Column("digest", HexAsBytes),
        Column("day", Date),
        Column("note", String(20)),
    )


def test_a_bulk_insert_binds_values_as_their_columns_types_do(database):
    table = _table()
    rows = [
        {"seq": 1, "digest": "00ff10", "day": dt.date(2024, 2, 29), "note": "first"},
        {"seq": 2, "digest": None, "day": None, "note": None},
    ]
    engine = make_engine(database)
    try:
        with engine.begin() as connection:
            table.create(connection)
            chain.insert_many(connection, table, rows)
            connection.execute(insert(table), [{"seq": 3, "digest": "abcd", "day": dt.date(2025, 1, 1), "note": "x"}])
            stored = connection.execute(text("SELECT seq, digest FROM bulk_typed ORDER BY seq")).all()
            read = [dict(r._mapping) for r in connection.execute(select(table).order_by(table.c.seq))]
    finally:
        engine.dispose()
    assert [(seq, bytes(d) if d is not None else None) for seq, d in stored] == [
        (1, b"\x00\xff\x10"),
        (2, None),
        (3, b"\xab\xcd"),
    ]
    assert read[:2] == rows


def test_a_refused_bulk_insert_raises_sqlalchemys_integrity_error_and_writes_nothing(database):
    """A duplicate key in a bulk insert (a COPY on PostgreSQL, whose driver raises its own
    error) comes as SQLAlchemy's IntegrityError, which the unit of work reports as a
    collision; the transaction keeps none of the rows."""
    from sqlalchemy.exc import IntegrityError

    table = _table()
    engine = make_engine(database)
    try:
        with engine.begin() as connection:
            table.create(connection)
        with pytest.raises(IntegrityError), engine.begin() as connection:
            chain.insert_many(connection, table, [{"seq": 1, "note": "a"}, {"seq": 1, "note": "b"}])
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM bulk_typed")).scalar_one() == 0
    finally:
        engine.dispose()
