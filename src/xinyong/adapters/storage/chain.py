"""The keyed hash chain over every append-only table: each row's MAC covers every column
of the row and the MAC of the row before it, under a key that only the holder of the
secret key has. Whoever can write the database file but lacks the key can neither add,
alter, remove nor reorder a row without ``ledger verify`` saying where; a signed
checkpoint (checkpoint.py) also catches rows removed from the end."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from sqlalchemy import (
    BigInteger,
    Boolean,
    Connection,
    Date,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    TypeDecorator,
    insert,
    select,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.types import TypeEngine

from xinyong.adapters.storage.digests import HexDigest, bind_digest
from xinyong.adapters.storage.sealing import Sealer
from xinyong.adapters.storage.tables import (
    access_log,
    attachments,
    cases,
    catalog_versions,
    deliveries,
    federation_bundles,
    federation_entries,
    federation_partners,
    ledger,
    notices,
    optin_events,
    scorecard_versions,
    webhook_attempts,
    webhook_endpoint_changes,
    webhook_endpoints,
    webhook_messages,
)
from xinyong.services.unit_of_work import ChainReport

GENESIS = "0" * 64

# Every append-only table, in the order they are verified, with the column holding each
# row's MAC. The ledger also keeps the MAC of the row before (``prev_hash``).
CHAINED: dict[str, tuple[Table, str]] = {
    "ledger": (ledger, "hash"),
    "catalog_versions": (catalog_versions, "mac"),
    "notices": (notices, "mac"),
    "deliveries": (deliveries, "mac"),
    "cases": (cases, "mac"),
    "attachments": (attachments, "mac"),
    "scorecard_versions": (scorecard_versions, "mac"),
    "optin_events": (optin_events, "mac"),
    "access_log": (access_log, "mac"),
    "webhook_endpoints": (webhook_endpoints, "mac"),
    "webhook_endpoint_changes": (webhook_endpoint_changes, "mac"),
    "webhook_messages": (webhook_messages, "mac"),
    "webhook_attempts": (webhook_attempts, "mac"),
    "federation_bundles": (federation_bundles, "mac"),
    "federation_entries": (federation_entries, "mac"),
    "federation_partners": (federation_partners, "mac"),
}
_NOT_COVERED = {"hash", "prev_hash", "mac"}
# Columns added to a chained table after rows had been written without them: covered
# where they hold a value and left out of the payload where they are null, so that the
# rows written before the column existed keep their MAC, while setting, changing or
# clearing a value still changes the payload (each part is prefixed by its name).
_LATE: dict[str, tuple[str, ...]] = {"ledger": ("minor",)}


def _encode(value: object) -> str:
    if type(value) is str:  # most values: tested first, on the hot path of every append
        return "s" + value
    if value is None:
        return "\x00"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "b" + bytes(value).hex()
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int):
        return "i" + str(value)
    if isinstance(value, dt.date):
        return "d" + value.isoformat()
    return "s" + str(value)


@functools.cache
def _covered(table: Table) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The names of the columns a row's MAC covers, and the ``name=`` prefix of each."""
    late = _LATE.get(table.name, ())
    names = tuple(c.name for c in table.columns if c.name not in _NOT_COVERED and c.name not in late)
    return names, tuple(f"{name}=" for name in names)


def payload(table: Table, row: Mapping[str, object]) -> bytes:
    """Every column of ``row`` but its MAC, by name, in a form that cannot be confused
    (a column of ``_LATE`` only where it holds a value)."""
    names, prefixes = _covered(table)
    parts = [table.name]
    append = parts.append
    for prefix, value in zip(prefixes, map(row.get, names), strict=True):
        # The common kinds (text, NULL, a number, sealed bytes) encoded in place, as
        # ``_encode`` encodes them: this runs for every row of every append.
        kind = type(value)
        if kind is str:
            append(prefix + "s" + value)
        elif value is None:
            append(prefix + "\x00")
        elif kind is int:
            append(prefix + "i" + str(value))
        elif kind is bytes:
            append(prefix + "b" + value.hex())  # type: ignore[attr-defined]
        elif kind is dt.date:
            append(prefix + "d" + value.isoformat())  # type: ignore[attr-defined]
        else:
            append(prefix + _encode(value))
    for name in _LATE.get(table.name, ()):
        value = row.get(name)
        if value is not None:
            append(f"{name}={_encode(value)}")
    return "\x1f".join(parts).encode()


def head(connection: Connection, name: str) -> tuple[int, str]:
    """The seq and MAC of the last row of a chained table (0 and the genesis when empty)."""
    table, mac = CHAINED[name]
    row = connection.execute(select(table.c.seq, table.c[mac]).order_by(table.c.seq.desc()).limit(1)).first()
    return (row[0], row[1]) if row is not None else (0, GENESIS)


def link(
    sealer: Sealer,
    name: str,
    rows: Sequence[dict],
    after: tuple[int, str],
    numbered: Callable[[dict], None] | None = None,
) -> tuple[int, str]:
    """Number and MAC ``rows`` after the row ``after`` (seq, MAC); returns the new head.
    ``numbered`` is called with each row once it has its seq and before its MAC, for
    values bound to the row's place (text sealed with the seq as context)."""
    table, mac = CHAINED[name]
    seq, previous = after
    for row in rows:
        seq += 1
        row["seq"] = seq
        if numbered is not None:
            numbered(row)
        if name == "ledger":
            row["prev_hash"] = previous
        row[mac] = previous = sealer.chain_mac(previous, payload(table, row))
    return seq, previous


def append(
    connection: Connection,
    sealer: Sealer,
    name: str,
    rows: Sequence[dict],
    numbered: Callable[[dict], None] | None = None,
    batch: int = 5000,
) -> None:
    """Insert ``rows`` at the end of a chained table. The caller's transaction holds the
    write lock (SQLite's BEGIN IMMEDIATE, PostgreSQL's advisory lock), so the head read
    here is still the head when the rows go in."""
    if not rows:
        return
    link(sealer, name, rows, head(connection, name), numbered)
    table, _ = CHAINED[name]
    insert_many(connection, table, rows, batch)


def insert_many(connection: Connection, table: Table, rows: Sequence[Mapping[str, object]], batch: int = 5000) -> None:
    """Insert ``rows`` (all with the keys of the first) into ``table``, each value bound
    as its column's type binds it (a ``TypeDecorator`` included): on SQLite one
    ``executemany`` of plain tuples a batch, below SQLAlchemy's per-row parameter
    handling; on PostgreSQL binary COPY; elsewhere through SQLAlchemy. A refused row
    raises SQLAlchemy's IntegrityError either way."""
    if not rows:
        return
    names = [c.name for c in table.columns if c.name in rows[0]]
    if connection.dialect.name == "postgresql":
        copy_rows(connection, table, names, rows)
        return
    if connection.dialect.name != "sqlite":
        for start in range(0, len(rows), batch):
            connection.execute(insert(table), list(rows[start : start + batch]))
        return
    binders = [(i, p) for i, p in enumerate(_binders(connection, table, names)) if p is not None]
    quote = connection.dialect.identifier_preparer.quote
    statement = (
        f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, names))}) VALUES ({', '.join('?' * len(names))})"
    )
    values_of = operator.itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        if binders:
            values = []
            for row in chunk:
                row_values = list(values_of(row))
                for i, bind in binders:
                    row_values[i] = bind(row_values[i])
                values.append(tuple(row_values))
        else:
            values = [values_of(row) for row in chunk]
        connection.exec_driver_sql(statement, values)


def _binders(connection: Connection, table: Table, names: Sequence[str]) -> list[Callable[[object], object] | None]:
    """Each column's bind processor on the connection's dialect (what SQLAlchemy applies
    to a parameter of that column: ISO text for a date on SQLite, a TypeDecorator's
    ``process_bind_param``), None where a value is sent as it is."""
    dialect = connection.dialect
    return [_binder(table.c[n].type, dialect) for n in names]


def _binder(column_type: TypeEngine, dialect: Dialect) -> Callable[[object], object] | None:
    """The bind processor of one column's type. A digest column's (four in every ledger
    row, two in every notice) is its own conversion called directly, without the
    TypeDecorator's wrapping and the binary type's after it; on SQLite a binary value is
    sent as the bytes it is, which sqlite3 stores as the same BLOB as its ``Binary``."""
    if isinstance(column_type, HexDigest):
        return bind_digest  # type: ignore[return-value]
    if isinstance(column_type, LargeBinary) and dialect.name == "sqlite":
        return None
    return column_type.dialect_impl(dialect).bind_processor(dialect)


# PostgreSQL's binary COPY names each column's type; a column of another type is sent as
# text. The types of ``tables.py``: INTEGER, VARCHAR, TEXT, DATE, BYTEA.
_COPY_TYPES: tuple[tuple[type, str], ...] = (
    (Boolean, "bool"),
    (BigInteger, "int8"),
    (Integer, "int4"),
    (Date, "date"),
    (LargeBinary, "bytea"),
    (String, "text"),  # VARCHAR and TEXT share their binary form
    (Text, "text"),
)


def _copy_type(table: Table, name: str) -> str:
    column_type = table.c[name].type
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance  # stored as its implementation stores it
    return next((oid for kind, oid in _COPY_TYPES if isinstance(column_type, kind)), "text")


def copy_rows(connection: Connection, table: Table, names: Sequence[str], rows: Iterable[Mapping[str, object]]) -> None:
    """Bulk ``rows`` into a PostgreSQL table with binary COPY, inside the current
    transaction (absent keys are NULL), each value bound as its column's type binds it.
    An error of the database is raised as SQLAlchemy raises it (a refused duplicate as
    its IntegrityError), so that the unit of work reports it like any other."""
    statement = f"COPY {table.name} ({', '.join(names)}) FROM STDIN (FORMAT BINARY)"
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    binders = [(i, p) for i, p in enumerate(_binders(connection, table, names)) if p is not None]
    with errors_as_sqlalchemy(connection, statement), cursor.copy(statement) as copy:
        copy.set_types([_copy_type(table, name) for name in names])
        write_row = copy.write_row
        for row in rows:
            values = [row.get(name) for name in names]
            for i, bind in binders:
                values[i] = bind(values[i])
            write_row(values)


@contextlib.contextmanager
def errors_as_sqlalchemy(connection: Connection, statement: str) -> Iterator[None]:
    """Raise an error of the database driver, met inside, as SQLAlchemy raises it (a
    refused duplicate as its IntegrityError), for work done on the driver's own cursor:
    the unit of work tells it apart like any other, and lets go of the connection. The
    parameters are never put in the error."""
    dbapi = connection.dialect.loaded_dbapi
    try:
        yield
    except dbapi.Error as error:
        raise DBAPIError.instance(statement, None, error, dbapi.Error, hide_parameters=True) from error


def verify(connection: Connection, sealer: Sealer, name: str, mark: int | None = None) -> ChainReport:
    """Recompute the chain of one table from its first row to its last; report the
    first row that does not verify, and the MAC of row ``mark`` (for checkpoints)."""
    table, mac = CHAINED[name]
    previous = GENESIS
    expected = 0
    marked = GENESIS if mark == 0 else None
    query = select(table).order_by(table.c.seq)
    result = connection.execution_options(yield_per=10_000).execute(query)
    for row in result.mappings():
        expected += 1
        seq = row["seq"]
        if seq != expected:
            what = f"row {expected} is missing" if seq is not None and seq > expected else f"row {seq} is out of place"
            return ChainReport(name, expected - 1, previous, seq, what)
        if name == "ledger" and row["prev_hash"] != previous:
            return ChainReport(name, expected - 1, previous, seq, "does not link to the row before it")
        if sealer.chain_mac(previous, payload(table, row)) != row[mac]:
            return ChainReport(
                name,
                expected - 1,
                previous,
                seq,
                "its content does not match its keyed hash: it was added, altered or moved by someone without the key",
            )
        previous = row[mac]
        if expected == mark:
            marked = previous
    return ChainReport(name, expected, previous, None, None, marked)
