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

import datetime as dt
import hmac
import itertools
import json
import re
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import NamedTuple

from sqlalchemy import Connection, Engine, delete, func, insert, select, text

from xinyong.adapters.storage.sealing import Sealer
from xinyong.adapters.storage.tables import ledger, ledger_blocks
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


# ------------------------------------------------------------------------------ blocks
#
# The same CSV text, kept in blocks (table ``ledger_blocks``, migration 0015): an append
# of at least BLOCK_MIN_ROWS events writes the block of its rows in its own transaction,
# from the values it has in hand (:func:`block_line`), so that a batch job reads the
# ledger's columns as compressed text rather than having the database write them row by
# row. A block covers every row but contact events in ``first_seq..last_seq``; rows in no
# block (appends of a few events, rows from before migration 0015) are read with
# :func:`ledger_csv`. Each block carries a MAC under a key derived from the deployment's,
# bound to its range: a block altered, or moved to other rows, by someone holding the
# database file is refused (:class:`BlockRefused`) rather than read.

BLOCK_MIN_ROWS = 100  # an append of fewer events leaves its rows to be read from the ledger
# zlib's level. On the 10 M-record benchmark database the 2,400 blocks of 1.78 GB of text
# take 272 MB at level 1 and 214 MB at level 6, for about 7 ms more a block of 5,000 rows
# (16 s over that import of an hour): at level 1 they had put PostgreSQL's database past
# three times the raw table.
_BLOCK_LEVEL = 6
_UNSAFE = (b",", b"\n", b"\r")


class BlockRefused(ValueError):
    """A block of the ledger's columns whose MAC does not hold: written behind the
    service's back."""


class Block(NamedTuple):
    first_seq: int
    last_seq: int


def block_line(
    seq: int,
    kind: str,
    record_id: str | None,
    subject_key: str | None,
    rule: str | None,
    occurred_on: dt.date | None,
    minor: bool | None,
    day: str | None,
    outcome: str | None,
) -> str:
    """One row as :func:`ledger_csv` writes it (no line break): ``day`` is the body's
    ``decided_on`` for a record, ``jurisdiction`` for a subject event, else ``on``;
    ``outcome`` only for ``dispute_resolved``."""
    return (
        f"{seq},{kind},{record_id or ''},{subject_key or ''},{rule or ''},"
        f"{occurred_on.isoformat() if occurred_on is not None else ''},"
        f"{'' if minor is None else int(minor)},{day or ''},{outcome or ''}"
    )


def block_day(kind: str, body: dict) -> str | None:
    """The ``day`` column of a row of ``kind`` with ``body`` (what the queries of
    :func:`ledger_csv` extract from the stored body)."""
    if kind == "record":
        return body.get("decided_on")
    if kind == "subject":
        return body.get("jurisdiction")
    return body.get("on")


def _block_mac(sealer: Sealer, first: int, last: int, packed: bytes) -> bytes:
    return hmac.digest(sealer.derived("ledger-blocks"), f"{first}:{last}\x1e".encode() + packed, "sha256")


def write_block(connection: Connection, sealer: Sealer, first: int, last: int, lines: Sequence[str] | bytes) -> bool:
    """Keep ``lines`` (the CSV lines of every row but contact events with ``first <= seq
    <= last``, as :func:`block_line` or :func:`ledger_csv` make them) as the block of
    those rows. A value with a comma or a line break would make the text unreadable:
    then nothing is written (False) and the rows stay to be read from the ledger, where
    the reader says which row is wrong."""
    data = lines if isinstance(lines, bytes) else "\n".join(lines).encode() + b"\n"
    count = data.count(b"\n")
    if not count or data.count(b",") != 8 * count or b"\r" in data:
        return False
    packed = zlib.compress(data, _BLOCK_LEVEL)
    connection.execute(
        insert(ledger_blocks),
        {"first_seq": first, "last_seq": last, "csv": packed, "mac": _block_mac(sealer, first, last, packed)},
    )
    return True


def blocks(connection: Connection, upto: int) -> list[Block]:
    """The blocks of rows up to ``upto``, in ledger order. Blocks never overlap; two
    that do were written behind the service's back."""
    found = [
        Block(first, last)
        for first, last in connection.execute(
            select(ledger_blocks.c.first_seq, ledger_blocks.c.last_seq)
            .where(ledger_blocks.c.last_seq <= upto)
            .order_by(ledger_blocks.c.first_seq)
        )
    ]
    for before, after in itertools.pairwise(found):
        if after.first_seq <= before.last_seq:
            raise BlockRefused(
                f"the ledger's blocks of rows {before.first_seq}-{before.last_seq} and "
                f"{after.first_seq}-{after.last_seq} overlap: they were written behind the service's back; "
                "run `xinyong rebuild` to write them again from the ledger"
            )
    return found


def uncovered(found: Sequence[Block], upto: int, after: int = 0) -> list[tuple[int, int]]:
    """The ranges ``(a, b]`` of ``seq`` in ``(after, upto]`` that no block of ``found``
    (in order, not overlapping) covers."""
    gaps: list[tuple[int, int]] = []
    at = after
    for block in found:
        if block.last_seq <= at:
            continue
        if block.first_seq - 1 > at:
            gaps.append((at, min(block.first_seq - 1, upto)))
        at = max(at, block.last_seq)
        if at >= upto:
            break
    if at < upto:
        gaps.append((at, upto))
    return [(a, b) for a, b in gaps if b > a]


def block_csv(connection: Connection, sealer: Sealer, block: Block) -> bytes:
    """The CSV text of ``block``, once its MAC holds."""
    row = connection.execute(
        select(ledger_blocks.c.last_seq, ledger_blocks.c.csv, ledger_blocks.c.mac).where(
            ledger_blocks.c.first_seq == block.first_seq
        )
    ).one_or_none()
    if (
        row is None
        or row.last_seq != block.last_seq
        or not hmac.compare_digest(bytes(row.mac), _block_mac(sealer, block.first_seq, block.last_seq, bytes(row.csv)))
    ):
        raise BlockRefused(
            f"the ledger's block of rows {block.first_seq}-{block.last_seq} fails its check: it was altered "
            "behind the service's back; run `xinyong ledger verify`, then `xinyong rebuild` to write the "
            "blocks again from the ledger"
        )
    return zlib.decompress(bytes(row.csv))


def _sorted_lines(data: bytes) -> list[bytes]:
    return sorted(line for line in data.split(b"\n") if line)


def block_differences(connection: Connection, sealer: Sealer) -> list[str]:
    """Each block that fails its check, overlaps another or whose text is not what the
    ledger's rows give (:func:`ledger_csv` over its range), described."""
    wrong: list[str] = []
    try:
        found = blocks(connection, last_seq(connection))
    except BlockRefused as error:
        return [str(error)]
    for block in found:
        try:
            kept = block_csv(connection, sealer, block)
        except BlockRefused as error:
            wrong.append(str(error))
            continue
        rows = b"".join(ledger_csv(connection, block.last_seq, after=block.first_seq - 1, upto=block.last_seq))
        if _sorted_lines(kept) != _sorted_lines(rows):
            wrong.append(f"the ledger's block of rows {block.first_seq}-{block.last_seq} differs from the rows")
    return wrong


def to_fill(connection: Connection, tail_rows: int = 0) -> list[tuple[int, int]]:
    """The ranges ``(a, b]`` of ``seq`` that :func:`fill_blocks` puts in blocks: every
    range in no block between two blocks, and the rows after the last block once there
    are ``tail_rows`` of them."""
    last = last_seq(connection)
    return [
        (after, upto)
        for after, upto in uncovered(blocks(connection, last), last)
        if upto < last or upto - after >= max(tail_rows, 1)
    ]


def fill_blocks(
    connection: Connection,
    sealer: Sealer,
    tail_rows: int = 0,
    rows_per_block: int = 50_000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Put the rows in no block in blocks of up to ``rows_per_block`` rows, from the
    ledger, inside the caller's write transaction: every range between two blocks, and
    the rows after the last block once there are ``tail_rows`` of them. Returns the
    blocks written."""
    written = 0
    for after, upto in to_fill(connection, tail_rows):
        for start in range(after, upto, rows_per_block):
            end = min(start + rows_per_block, upto)
            data = b"".join(ledger_csv(connection, rows_per_block, after=start, upto=end))
            if data and write_block(connection, sealer, start + 1, end, data):
                written += 1
            if progress is not None:
                progress(end)
    return written


def rewrite_blocks(
    connection: Connection,
    sealer: Sealer,
    wrong: bool,
    rows_per_block: int = 50_000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the blocks again from the ledger, inside the caller's write transaction:
    when some are ``wrong`` (:func:`block_differences` found any), all are removed; then
    the rows in no block are put in new ones (:func:`fill_blocks`). Returns the blocks
    written."""
    if wrong:
        connection.execute(delete(ledger_blocks))
    return fill_blocks(connection, sealer, 0, rows_per_block, progress)
