"""The rescoring job's tables read straight from the database, on DuckDB, with no
identity opened: the job needs subjects' keys, rules, dates and later events, all kept
in the clear beside the sealed values (docs/design.md section 6).

DuckDB's ``sqlite`` and ``postgres`` scanner extensions are downloaded on first use,
which a machine without access to DuckDB's extension site cannot do; so the ledger's
columns are read as CSV text, parsed by pyarrow into Arrow batches and streamed into
DuckDB: no Python object per row, memory bounded by DuckDB's own tables. The text comes
from the blocks an import writes with its rows (decision record 0016,
:func:`xinyong.adapters.storage.ledger_columns.block_csv`: compressed, under a MAC), and
for the rows in no block from one query a chunk of rows, whose answer the database
itself writes (:func:`~xinyong.adapters.storage.ledger_columns.ledger_csv`). Several
connections read at once, in one snapshot
(:func:`~xinyong.adapters.storage.ledger_columns.joined_snapshot`).

- **records**: the ledger's record rows; ``kind`` is the subject kind of the record's
  catalog (intake refuses a record whose subject is of another kind), ``minor`` the
  flag intake keeps on the row (migration 0006). Records written before that migration
  have none: their sealed identities are opened in bulk, for those rows only
  (:func:`~xinyong.adapters.storage.ledger_columns.unflagged_minors`).
- **events**: the later events of those records, numbered in ledger order.
- **subjects**: every subject with a ``subject`` event, with the jurisdiction of its
  latest one; an organisation exactly when the public directory of organisations (kept
  in the same transaction as subject events) holds its key.
- the catalog tables, from the loaded catalogs (:func:`xinyong.batch.export.catalog_tables`).
- **names**: a number for each subject's key, which ``subject_key`` holds in the tables
  above: 8 bytes where the key takes 64 characters, in every table of the job and in
  each of its joins and groupings. At 10 M records this took the job's peak memory from
  8.1 GiB to 5.8 GiB. The job's results carry the keys
  (:meth:`xinyong.batch.rescore.LedgerTables.keyed`).

The tables are those :func:`xinyong.batch.engines.read_export` reads from an export, keys
numbered, so that the same job gives the same answers over either (tested).
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
from collections.abc import Callable, Iterable, Iterator

import duckdb
import ibis
import pyarrow as pa
import pyarrow.csv as pacsv
from sqlalchemy import Engine

from xinyong.adapters.storage import ledger_columns
from xinyong.adapters.storage.sealing import Sealer
from xinyong.adapters.storage.store import LedgerStore
from xinyong.batch.export import CATALOG_SCHEMAS, catalog_rows, sql_type
from xinyong.batch.rescore import LedgerTables
from xinyong.domain.catalog.registry import CatalogRegistry

Progress = Callable[[str, int], None]

_TYPES = {
    "seq": pa.int64(),
    "kind": pa.string(),
    "record_id": pa.string(),
    "subject_key": pa.string(),
    "rule": pa.string(),
    "occurred_on": pa.date32(),
    "minor": pa.bool_(),
    "day": pa.string(),
    "outcome": pa.string(),
}
_ROWS = pa.schema([(name, _TYPES[name]) for name in ledger_columns.LEDGER_COLUMNS])

_PARSE = pacsv.ParseOptions(delimiter=",", quote_char=False, double_quote=False, newlines_in_values=False)
_CONVERT = pacsv.ConvertOptions(
    column_types=_ROWS,
    strings_can_be_null=True,
    null_values=[""],
    true_values=["1"],
    false_values=["0"],
)
# Blocks of 1 MiB: a chunk is parsed by several of pyarrow's threads at once.
_READ = pacsv.ReadOptions(column_names=_ROWS.names, use_threads=True, block_size=1 << 20)

# Connections that read the ledger at once: the database writing CSV text is the
# slowest part, and each connection's query runs on a core of its own (SQLite in this
# process, with the GIL released; PostgreSQL in a server process).
READERS = max(2, min(4, os.cpu_count() or 1))
ROWS_PER_CHUNK = 50_000


class DatabaseUnavailable(RuntimeError):
    """The job asked to read a database on an engine that cannot hold it in process."""


class LedgerUnreadable(ValueError):
    """A ledger row whose columns are not what intake writes: it was written behind the
    service's back, and ``xinyong ledger verify`` says where."""


# Parsed rows come from the C library's allocator, which hands back the memory of rows
# DuckDB has taken in; pyarrow's default pool (mimalloc) takes fresh pages from the
# system, which the virtual machines we measure on give slowly (10 M records parsed and
# kept: 6.5 s against 10.5 s, most of the difference in the kernel).
_POOL = pa.system_memory_pool()
# DuckDB takes in an Arrow stream on one thread, at a cost per batch: the rows of the
# blocks (some 5,000 each) are handed over this many at a time (10 M records taken in:
# 1.9 s against 4.1 s in 2,400 batches).
ROWS_PER_BATCH = 122_880


def _parsed(chunk: bytes) -> list[pa.RecordBatch]:
    try:
        return pacsv.read_csv(pa.py_buffer(chunk), _READ, _PARSE, _CONVERT, memory_pool=_POOL).to_batches()
    except pa.ArrowInvalid as error:
        raise LedgerUnreadable(
            f"a ledger row holds a value intake never writes ({error}); run `xinyong ledger verify`"
        ) from None


def _regrouped(batches: Iterable[pa.RecordBatch], rows: int = ROWS_PER_BATCH) -> Iterator[pa.RecordBatch]:
    """The rows of ``batches``, in the same order, in batches of about ``rows`` rows."""
    pending: list[pa.RecordBatch] = []
    held = 0
    for batch in batches:
        pending.append(batch)
        held += batch.num_rows
        if held >= rows:
            yield from pa.Table.from_batches(pending).combine_chunks(_POOL).to_batches()
            pending, held = [], 0
    if pending:
        yield from pa.Table.from_batches(pending).combine_chunks(_POOL).to_batches()


def _work(connection, last: int, rows_per_chunk: int) -> list[ledger_columns.Block | tuple[int, int]]:
    """What the readers read: each block of the ledger's columns, and the rows in none,
    ``rows_per_chunk`` at a time (``(after, upto)``), the largest first."""
    found = ledger_columns.blocks(connection, last)
    ranges = [
        (start, min(start + rows_per_chunk, upto))
        for after, upto in ledger_columns.uncovered(found, last)
        for start in range(after, upto, rows_per_chunk)
    ]
    return [*ranges, *found]


def _batches(
    engine: Engine,
    sealer: Sealer,
    shared: str | None,
    work: list[ledger_columns.Block | tuple[int, int]],
    readers: int = READERS,
    rows_per_chunk: int = ROWS_PER_CHUNK,
) -> Iterator[pa.RecordBatch]:
    """The ledger's rows of ``work`` (:func:`_work`) as Arrow batches, in no particular
    order (``seq`` is a column). ``readers`` threads each read their share on a connection
    of their own, joined to the snapshot ``shared``, and parse it, while DuckDB takes in
    the batches on this thread (SQLite, PostgreSQL's driver, zlib, pyarrow and DuckDB all
    release the GIL). A few parsed chunks wait at most: memory stays bounded."""
    if not work:
        return
    done = queue.Queue[list[pa.RecordBatch] | BaseException | None](maxsize=2 * readers)
    stop = threading.Event()

    def read(mine: list[ledger_columns.Block | tuple[int, int]]) -> None:
        try:
            with ledger_columns.joined_snapshot(engine, shared) as connection:
                for item in mine:
                    if isinstance(item, ledger_columns.Block):
                        chunks: Iterable[bytes] = [ledger_columns.block_csv(connection, sealer, item)]
                    else:
                        chunks = ledger_columns.ledger_csv(connection, rows_per_chunk, after=item[0], upto=item[1])
                    for chunk in chunks:
                        if stop.is_set():
                            return
                        done.put(_parsed(chunk))
        except BaseException as error:  # noqa: BLE001 - raised again by the consuming thread
            done.put(error)
        finally:
            done.put(None)

    workers = [
        threading.Thread(target=read, args=(work[i::readers],), name=f"xinyong-ledger-{i}", daemon=True)
        for i in range(min(readers, len(work)))
    ]
    for worker in workers:
        worker.start()
    try:
        running = len(workers)
        while running:
            item = done.get()
            if item is None:
                running -= 1
            elif isinstance(item, BaseException):
                raise item
            else:
                yield from item
    finally:
        # Stopped early (an error, here or in DuckDB): let the readers finish and close
        # their connections.
        stop.set()
        while any(worker.is_alive() for worker in workers):
            with contextlib.suppress(queue.Empty):
                done.get(timeout=0.05)
        for worker in workers:
            worker.join()


def _catalog(con, name: str, registry: CatalogRegistry) -> None:
    """The catalog tables of :func:`xinyong.batch.export.catalog_tables`, made in DuckDB
    from the catalogs' rows (going through pyarrow would import pandas, a good part of
    the command's start-up)."""
    for table, rows in catalog_rows(registry).items():
        schema = CATALOG_SCHEMAS[table]
        columns = ", ".join(f'"{field.name}" {sql_type(field.type)}' for field in schema)
        con.execute(f'CREATE TEMP TABLE "{name}_{table}" ({columns})')
        if rows:
            marks = ", ".join("?" for _ in schema)
            con.executemany(
                f'INSERT INTO "{name}_{table}" VALUES ({marks})', [[row[n] for n in schema.names] for row in rows]
            )


def _names(con, name: str) -> None:
    """A number for each subject key of the records and subject events, in the keys'
    order (the same numbers for the same ledger, read after read)."""
    con.execute(
        f"""
        CREATE TEMP TABLE "{name}_names" AS
        SELECT CAST(row_number() OVER (ORDER BY key) AS BIGINT) AS subject_key, key
        FROM (SELECT DISTINCT subject_key AS key FROM "{name}_rows"
              WHERE kind IN ('record', 'subject') AND subject_key IS NOT NULL)
        """
    )


def _records(con, name: str) -> None:
    con.execute(
        f"""
        CREATE TEMP TABLE "{name}_records" AS
        WITH kinds AS (SELECT DISTINCT catalog_id, subject_kind FROM "{name}_versions")
        SELECT r.record_id, n.subject_key, kinds.subject_kind AS kind, r.minor,
               split_part(r.rule, '/', 1) AS catalog_id,
               substr(r.rule, strpos(r.rule, '/') + 1) AS rule,
               r.occurred_on, CAST(r.day AS DATE) AS decided_on
        FROM "{name}_rows" r
        LEFT JOIN kinds ON kinds.catalog_id = split_part(r.rule, '/', 1)
        LEFT JOIN "{name}_names" n ON n.key = r.subject_key
        WHERE r.kind = 'record'
        """
    )


def read_database(
    backend,
    store: LedgerStore,
    registry: CatalogRegistry,
    *,
    jurisdiction: str | None = None,
    progress: Progress | None = None,
    readers: int = READERS,
    rows_per_chunk: int = ROWS_PER_CHUNK,
) -> LedgerTables:
    """The job's tables read from ``store``'s database into ``backend`` (DuckDB), in one
    snapshot, by ``readers`` connections at once, ``rows_per_chunk`` ledger rows a query.
    With ``jurisdiction``, only subjects of that jurisdiction and those inside it, and
    their records, as :func:`xinyong.batch.engines.read_export` reads one province's
    partitions."""
    if backend.name != "duckdb":
        raise DatabaseUnavailable(
            "the job reads a database on DuckDB only; for Spark, export the ledger first (xinyong export)"
        )
    report = progress or (lambda phase, done: None)
    con = backend.con
    name = ibis.util.gen_name("xinyong")
    _catalog(con, name, registry)
    with ledger_columns.snapshot(store.engine) as connection:
        shared = ledger_columns.shared_snapshot(connection)
        last = ledger_columns.last_seq(connection)
        done = 0
        unreadable: list[LedgerUnreadable] = []

        def counted(chunks: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
            nonlocal done
            try:
                for batch in chunks:
                    done += batch.num_rows
                    report("reading the ledger", done)
                    yield batch
            except LedgerUnreadable as error:
                unreadable.append(error)  # DuckDB reports it wrapped in its own error
                raise
            except ledger_columns.BlockRefused as error:
                unreadable.append(LedgerUnreadable(str(error)))
                raise

        try:
            work = _work(connection, last, rows_per_chunk)
        except ledger_columns.BlockRefused as error:
            raise LedgerUnreadable(str(error)) from None
        batches = _batches(store.engine, store.sealer, shared, work, readers, rows_per_chunk)
        reader = pa.RecordBatchReader.from_batches(_ROWS, _regrouped(counted(batches)))
        con.register(f"{name}_stream", reader)
        try:
            con.execute(f'CREATE TEMP TABLE "{name}_rows" AS SELECT * FROM "{name}_stream"')
        except duckdb.Error:
            if unreadable:
                raise unreadable[0] from None
            raise
        finally:
            con.unregister(f"{name}_stream")
        con.execute(f'CREATE TEMP TABLE "{name}_organisations" (subject_key VARCHAR)')
        if keys := ledger_columns.organisation_keys_csv(connection):
            organisations = pacsv.read_csv(
                pa.py_buffer(keys),
                pacsv.ReadOptions(column_names=["subject_key"]),
                _PARSE,
                pacsv.ConvertOptions(column_types={"subject_key": pa.string()}),
            )
            con.register(f"{name}_organisations_arrow", organisations)
            con.execute(f'INSERT INTO "{name}_organisations" SELECT * FROM "{name}_organisations_arrow"')
            con.unregister(f"{name}_organisations_arrow")
        _names(con, name)
        _records(con, name)
        # Records of persons written before migration 0006 keep no flag: it is read
        # from their sealed identities, in the same snapshot, for those rows only.
        unflagged = con.execute(
            f'''SELECT record_id FROM "{name}_records" WHERE minor IS NULL AND kind = 'person' '''
        ).fetchall()
        if unflagged:
            found = list(ledger_columns.sealed_minors(connection, store.sealer, (r for (r,) in unflagged)))
            con.register(
                f"{name}_unflagged",
                pa.table(
                    {
                        "record_id": pa.array([r for r, _ in found], pa.string()),
                        "minor": pa.array([m for _, m in found], pa.bool_()),
                    }
                ),
            )
            con.execute(
                f'''UPDATE "{name}_records" SET minor = u.minor FROM "{name}_unflagged" u
                    WHERE "{name}_records".record_id = u.record_id'''
            )
            con.unregister(f"{name}_unflagged")

    later = ", ".join(f"'{kind}'" for kind in ledger_columns.LATER_EVENTS)
    con.execute(
        f"""
        CREATE TEMP TABLE "{name}_events" AS
        SELECT e.record_id, r.catalog_id,
               CAST(row_number() OVER (PARTITION BY e.record_id ORDER BY e.seq) AS INTEGER) AS seq,
               e.kind AS type, CAST(e.day AS DATE) AS "on", e.outcome
        FROM "{name}_rows" e JOIN "{name}_records" r ON r.record_id = e.record_id
        WHERE e.kind IN ({later})
        """
    )
    con.execute(
        f"""
        CREATE TEMP TABLE "{name}_subjects" AS
        SELECT n.subject_key,
               CASE WHEN o.subject_key IS NULL THEN 'person' ELSE 'organisation' END AS kind,
               s.jurisdiction
        FROM (SELECT subject_key, arg_max(day, seq) AS jurisdiction FROM "{name}_rows"
              WHERE kind = 'subject' GROUP BY subject_key) s
        JOIN "{name}_names" n ON n.key = s.subject_key
        LEFT JOIN "{name}_organisations" o ON o.subject_key = s.subject_key
        """
    )
    con.execute(f'DROP TABLE "{name}_rows"')
    report("reading the ledger", done)

    records = backend.table(f"{name}_records")
    events = backend.table(f"{name}_events")
    subjects = backend.table(f"{name}_subjects")
    if jurisdiction is not None:
        j = subjects.jurisdiction
        subjects = subjects.filter((j == jurisdiction) | j.startswith(jurisdiction + "-"))
        records = records.semi_join(subjects, records.subject_key == subjects.subject_key)
        events = events.semi_join(records, events.record_id == records.record_id)
    return LedgerTables(
        records=records,
        events=events,
        subjects=subjects,
        **{table: backend.table(f"{name}_{table}") for table in CATALOG_SCHEMAS},
        names=backend.table(f"{name}_names"),
    )
