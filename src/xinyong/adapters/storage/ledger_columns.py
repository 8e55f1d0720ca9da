"""The ledger's non-personal columns, read in bulk for batch jobs, without opening a
sealed value (docs/design.md section 7: rescoring everyone).

:func:`ledger_csv` gives every row but contact events as CSV text, one chunk of rows at
a time, made by the database itself (``group_concat`` on SQLite, ``string_agg`` on
PostgreSQL): one Python string per chunk, never a Python object per row, so that a
columnar reader (pyarrow) can parse it at the speed of C. The columns, in order:

``seq, kind, record_id, subject_key, rule, occurred_on, minor, day, outcome``

- ``rule`` is ``CATALOG/RULE``; ``occurred_on`` and ``minor`` are set on records only
  (``minor`` ``1``/``0`` for a record of a person, empty when not a person or when the
  row predates migration 0006);
- ``day`` is the record's ``decided_on``, a later event's ``on``, and a subject event's
  jurisdiction (all in the clear in the row's body);
- ``outcome`` is set on ``dispute_resolved`` only.

Every value the intake writes into these columns is an id, a key, a date or a code
without commas, quotes or line breaks; a row that holds one anyway was written behind
the service's back (``xinyong ledger verify`` says where) and makes the reader fail.

The reads run in one snapshot (:func:`snapshot`): SQLite's read transaction over WAL,
PostgreSQL's REPEATABLE READ. Several connections can read ranges of ``seq`` at once
(:func:`joined_snapshot`): on PostgreSQL they import the first one's snapshot; on SQLite
the rows up to the first one's last ``seq`` are the same in every later snapshot, as the
ledger is append-only (its triggers refuse updates and deletes) and has one writer at a
time, which numbers its rows after those committed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, func, select, text

from xinyong.adapters.storage.sealing import Sealer
from xinyong.adapters.storage.tables import ledger
from xinyong.domain.identifiers import SubjectRef

_SNAPSHOT_ID = re.compile(r"[0-9A-Fa-f-]+")

LEDGER_COLUMNS = ("seq", "kind", "record_id", "subject_key", "rule", "occurred_on", "minor", "day", "outcome")
LATER_EVENTS = ("dispute_filed", "dispute_resolved", "fulfilled", "repaired", "annulled")

# printf (SQLite) and format (PostgreSQL) write NULL as nothing, in one call a row. The
# subject key is stored as its raw bytes (migration 0012) and written here in lower-case
# hex, as the rest of the code spells it; hex() of NULL is '' on SQLite, as wanted.
_SQLITE_LINE = """
    printf('%d,%s,%s,%s,%s,%s,%s,%s,%s', seq, kind, record_id, lower(hex(subject_key)), rule, occurred_on, minor,
           CASE kind WHEN 'record' THEN json_extract(body, '$.decided_on')
                     WHEN 'subject' THEN json_extract(body, '$.jurisdiction')
                     ELSE json_extract(body, '$.on') END,
           CASE WHEN kind = 'dispute_resolved' THEN json_extract(body, '$.outcome') END)
"""
_POSTGRESQL_LINE = """
    format('%s,%s,%s,%s,%s,%s,%s,%s,%s', seq, kind, record_id, encode(subject_key, 'hex'), rule,
           to_char(occurred_on, 'YYYY-MM-DD'), minor::int,
           CASE kind WHEN 'record' THEN body::json ->> 'decided_on'
                     WHEN 'subject' THEN body::json ->> 'jurisdiction'
                     ELSE body::json ->> 'on' END,
           CASE WHEN kind = 'dispute_resolved' THEN body::json ->> 'outcome' END)
"""


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A read-only connection on one consistent snapshot of the database."""
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        else:
            connection = connection.execution_options(read_only=True)
        with connection.begin():
            yield connection


def shared_snapshot(connection: Connection) -> str | None:
    """What another connection needs to join ``connection``'s snapshot
    (:func:`joined_snapshot`): PostgreSQL's exported snapshot id; nothing on SQLite."""
    if connection.dialect.name == "postgresql":
        return connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
    return None


@contextmanager
def joined_snapshot(engine: Engine, shared: str | None) -> Iterator[Connection]:
    """Another read-only connection that sees the ledger as the one ``shared`` was taken
    from (:func:`shared_snapshot`) does, up to that one's :func:`last_seq`."""
    with snapshot(engine) as connection:
        if shared is not None:
            # The statement takes no parameters; the id is the server's own (hex digits
            # and dashes), checked before it is put in.
            if not _SNAPSHOT_ID.fullmatch(shared):
                raise ValueError(f"not a snapshot id: {shared!r}")
            connection.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{shared}'")
        yield connection


def last_seq(connection: Connection) -> int:
    """The ``seq`` of the ledger's last row in the snapshot (0 when empty)."""
    return connection.execute(select(func.coalesce(func.max(ledger.c.seq), 0))).scalar_one()


def ledger_csv(
    connection: Connection, rows_per_chunk: int = 100_000, *, after: int = 0, upto: int | None = None
) -> Iterator[bytes]:
    """The columns of :data:`LEDGER_COLUMNS` of every ledger row but contact events, as
    CSV without a header, about ``rows_per_chunk`` rows a chunk (each chunk ends with a
    line break); with ``after`` and ``upto``, only the rows with ``after < seq <= upto``.

    This is where the batch jobs read the digest columns (``subject_key``) as text."""
    postgresql = connection.dialect.name == "postgresql"
    line = _POSTGRESQL_LINE if postgresql else _SQLITE_LINE
    # SQLite's text is handed over as bytes: decoding it to a Python string only to
    # encode it again for the parser would copy the whole ledger twice.
    joined = "string_agg(line, chr(10))" if postgresql else "CAST(group_concat(line, char(10)) AS BLOB)"
    query = text(
        f"SELECT {joined} FROM (SELECT {line} AS line FROM ledger "
        "WHERE seq > :after AND seq <= :upto AND kind <> 'contact') AS chunk"
    )
    last = last_seq(connection) if upto is None else upto
    for start in range(after, last, rows_per_chunk):
        found = connection.execute(query, {"after": start, "upto": min(start + rows_per_chunk, last)}).scalar_one()
        if found:
            yield (found if isinstance(found, bytes) else found.encode()) + b"\n"


def organisation_keys_csv(connection: Connection) -> bytes:
    """The lookup keys of the organisations in the public directory, one a line (empty
    when there are none): a subject event's subject is an organisation exactly when its
    key is among them, in lower-case hex, as :func:`ledger_csv` writes the ledger's keys."""
    joined = (
        "string_agg(encode(subject_key, 'hex'), chr(10))"
        if connection.dialect.name == "postgresql"
        else "group_concat(lower(hex(subject_key)), char(10))"
    )
    found = connection.execute(text(f"SELECT {joined} FROM organisations")).scalar_one()
    return found.encode() + b"\n" if found else b""


def sealed_minors(
    connection: Connection, sealer: Sealer, record_ids: Iterable[str], batch: int = 500
) -> Iterator[tuple[str, bool]]:
    """``(record_id, minor)`` for each record of ``record_ids`` (records of persons
    written before migration 0006, which keep no ``minor``), read from the sealed
    identity: the one place where a batch job opens identities, in bulk, and only for
    those rows."""
    wanted = list(dict.fromkeys(record_ids))
    for start in range(0, len(wanted), batch):
        rows = connection.execute(
            select(ledger.c.seq, ledger.c.record_id, ledger.c.occurred_on, ledger.c.sealed).where(
                ledger.c.kind == "record", ledger.c.record_id.in_(wanted[start : start + batch])
            )
        )
        for row in rows:
            personal = json.loads(sealer.open(row.sealed, f"record:{row.record_id}:{row.seq}".encode()))
            yield row.record_id, SubjectRef.parse(personal["subject"]).is_minor_on(row.occurred_on)
