"""The blocks of the ledger's columns that batch jobs read (``ledger_blocks``, migration
0015), on SQLite and PostgreSQL: an import writes the block of its rows in its own
transaction, holding exactly what the database writes for those rows; the job reads the
same tables from blocks as from the rows; a block altered or moved by someone holding
the database is refused, naming the way back; rows in no block are read from the ledger
and `xinyong rebuild` puts them in blocks."""

from __future__ import annotations

import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as hs
from sqlalchemy import delete, func, select, update

from tests.batch.conftest import Dataset, _load, second_versions, sorted_rows
from xinyong.adapters.storage import ledger_columns
from xinyong.adapters.storage.ledger_columns import Block, uncovered
from xinyong.adapters.storage.tables import ledger, ledger_blocks
from xinyong.batch.database import LedgerUnreadable, read_database
from xinyong.batch.engines import to_arrow

pytestmark = pytest.mark.integration


def _blocks(store) -> list[tuple[int, int]]:
    with store.reading() as connection:
        return [tuple(r) for r in connection.execute(select(ledger_blocks.c.first_seq, ledger_blocks.c.last_seq))]


def _rows_csv(store) -> list[bytes]:
    """Every row's line as the database writes it, sorted."""
    with ledger_columns.snapshot(store.engine) as connection:
        text = b"".join(ledger_columns.ledger_csv(connection))
    return sorted(line for line in text.split(b"\n") if line)


def _blocks_csv(store) -> list[bytes]:
    """Every line the blocks hold, sorted."""
    with ledger_columns.snapshot(store.engine) as connection:
        found = ledger_columns.blocks(connection, ledger_columns.last_seq(connection))
        text = b"".join(ledger_columns.block_csv(connection, store.sealer, block) for block in found)
    return sorted(line for line in text.split(b"\n") if line)


def _tables(dataset: Dataset, backend) -> list[list[dict]]:
    read = read_database(backend, dataset.deployment.store, dataset.registry)
    return [
        sorted_rows(to_arrow(backend, t)) for t in (read.keyed(read.records), read.events, read.keyed(read.subjects))
    ]


@pytest.fixture
def imported(make_database, population, tmp_path_factory):
    """The population imported again into a database of its own, for tests that alter it."""
    catalogs = second_versions(tmp_path_factory.mktemp("block-catalogs"))
    dataset = _load(make_database, "blocks", catalogs, population.event_lines, lambda registry: [])
    yield dataset
    dataset.deployment.close()


# ------------------------------------------------------------------------------ written


def test_an_import_keeps_its_rows_in_blocks_that_hold_what_the_database_writes_for_them(population):
    store = population.deployment.store
    written = _blocks(store)
    assert written, "an import of thousands of events wrote no block"
    with store.reading() as connection:
        last = connection.execute(select(func.max(ledger.c.seq))).scalar_one()
        contact = set(connection.execute(select(ledger.c.seq).where(ledger.c.kind == "contact")).scalars())
    # Every row but contact events is in a block; and the blocks hold, line for line,
    # what the database's own query writes for the ledger's rows.
    gaps = uncovered([Block(*b) for b in sorted(written)], last)
    assert all(seq in contact for a, b in gaps for seq in range(a + 1, b + 1))
    assert _blocks_csv(store) == _rows_csv(store)
    assert store.block_differences() == []


def test_the_tables_read_from_the_blocks_equal_those_read_from_the_rows(population, backends, monkeypatch):
    backend = backends("duckdb")
    from_blocks = _tables(population, backend)
    monkeypatch.setattr(ledger_columns, "blocks", lambda connection, upto: [])
    from_rows = _tables(population, backend)
    assert all(from_blocks) and from_blocks == from_rows


@pytest.fixture
def few_at_a_time(make_database, population, tmp_path_factory):
    """The population's events but the last 500 imported a few at a time (appends too
    small for a block), then the last 500 at once."""
    catalogs = second_versions(tmp_path_factory.mktemp("few-catalogs"))
    dataset = _load(make_database, "few", catalogs, [], lambda registry: [])
    lines, few = population.event_lines, ledger_columns.BLOCK_MIN_ROWS - 1
    for start in range(0, len(lines) - 500, few):
        dataset.deployment.intake.import_lines(lines[start : min(start + few, len(lines) - 500)])
    yield dataset, lines[-500:]
    dataset.deployment.close()


def test_events_submitted_a_few_at_a_time_leave_rows_in_no_block_until_rebuild_puts_them_in_one(
    few_at_a_time, backends
):
    dataset, _ = few_at_a_time
    store = dataset.deployment.store
    assert _blocks(store) == []
    backend = backends("duckdb")
    from_rows = _tables(dataset, backend)
    assert store.rewrite_blocks() > 0
    assert _blocks_csv(store) == _rows_csv(store)
    assert store.block_differences() == []
    assert _tables(dataset, backend) == from_rows
    assert store.rewrite_blocks() == 0  # nothing left out


def test_the_rounds_put_rows_between_blocks_in_one_and_those_after_the_last_once_there_are_enough(
    few_at_a_time, backends
):
    dataset, rest = few_at_a_time
    store = dataset.deployment.store
    with store.reading() as connection:
        rows = connection.execute(select(func.count()).select_from(ledger)).scalar_one()
    assert store.fill_blocks(tail_rows=rows + 1) == 0  # the rows after the last block: not yet enough
    assert _blocks(store) == []
    # With nothing to put in blocks, the round begins no write transaction (which would
    # wait for intake's turn).
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(store, "transaction", _no_write_transaction)
        assert store.fill_blocks(tail_rows=rows + 1) == 0
    dataset.deployment.intake.import_lines(rest)  # one import: its block after them
    assert len(_blocks(store)) == 1
    assert store.fill_blocks(tail_rows=10**9) == 1  # they now lie before a block
    assert _blocks_csv(store) == _rows_csv(store)
    backend = backends("duckdb")
    from_blocks = _tables(dataset, backend)
    assert store.fill_blocks() == 0
    assert store.block_differences() == []
    assert from_blocks == _tables(dataset, backend) and all(from_blocks)


def _no_write_transaction():
    raise AssertionError("a write transaction was begun")


def test_a_value_that_would_break_the_text_writes_no_block(imported):
    store = imported.deployment.store
    with store.transaction() as connection:
        assert not ledger_columns.write_block(connection, store.sealer, 10**9, 10**9, ["1,record,a,b,c,d,e,f,g,h"])
        assert not ledger_columns.write_block(connection, store.sealer, 10**9, 10**9, ["1,record,a\nb,c,,,,,,"])
        before = connection.execute(select(func.count()).select_from(ledger_blocks)).scalar_one()
    assert len(_blocks(store)) == before


# ------------------------------------------------------------------------------ altered


def _first_block(store) -> tuple[int, int, bytes, bytes]:
    with store.reading() as connection:
        row = connection.execute(select(ledger_blocks).order_by(ledger_blocks.c.first_seq).limit(1)).one()
    return row.first_seq, row.last_seq, bytes(row.csv), bytes(row.mac)


def _lighter(text: bytes) -> bytes:
    """The text with every record of one subject put under another rule: what someone
    holding the database would write to take a penalty off a subject."""
    lines = text.split(b"\n")
    record = next(line for line in lines if line.split(b",")[1] == b"record")
    key = record.split(b",")[3]
    return b"\n".join(
        b",".join([*f[:4], b"rongcheng-personal/volunteer.hours", *f[5:]])
        if (f := line.split(b",")) and len(f) > 4 and f[1] == b"record" and f[3] == key
        else line
        for line in lines
    )


@pytest.mark.parametrize("how", ["text", "moved", "overlapping"])
def test_a_block_altered_by_someone_holding_the_database_is_refused_and_rebuild_writes_it_again(
    imported, backends, how
):
    store = imported.deployment.store
    backend = backends("duckdb")
    clean = _tables(imported, backend)
    first, last, packed, mac = _first_block(store)
    with store.transaction() as connection:
        if how == "text":
            forged = zlib.compress(_lighter(zlib.decompress(packed)))
            assert forged != packed
            connection.execute(update(ledger_blocks).where(ledger_blocks.c.first_seq == first).values(csv=forged))
        elif how == "moved":
            # The same block, MAC and all, claimed for fewer rows.
            connection.execute(delete(ledger_blocks).where(ledger_blocks.c.first_seq == first))
            connection.execute(ledger_blocks.insert().values(first_seq=first + 1, last_seq=last, csv=packed, mac=mac))
        else:
            connection.execute(ledger_blocks.insert().values(first_seq=last, last_seq=last, csv=packed, mac=mac))
    with pytest.raises(LedgerUnreadable, match="xinyong rebuild"):
        read_database(backend, store, imported.registry)
    assert store.block_differences() != []

    assert store.rewrite_blocks() > 0
    assert store.block_differences() == []
    assert _blocks_csv(store) == _rows_csv(store)
    assert _tables(imported, backend) == clean


# ------------------------------------------------------------------------------ ranges


@given(
    hs.lists(hs.tuples(hs.integers(1, 60), hs.integers(0, 5)), max_size=12),
    hs.integers(0, 80),
    hs.integers(0, 80),
)
def test_the_rows_in_no_block_and_the_blocks_make_up_every_row_once(spans, after, upto):
    # Blocks in order, not overlapping, anywhere between 1 and 65.
    found, at = [], 0
    for start, length in sorted(spans):
        if start > at:
            found.append(Block(start, start + length))
            at = start + length
    gaps = uncovered(found, upto, after)
    covered = [seq for a, b in gaps for seq in range(a + 1, b + 1)]
    covered += [seq for b in found for seq in range(b.first_seq, b.last_seq + 1) if after < seq <= upto]
    assert sorted(covered) == list(range(after + 1, upto + 1))
    assert all(a < b for a, b in gaps)


@given(hs.lists(hs.integers(0, 40), max_size=30), hs.integers(1, 64))
def test_rows_handed_to_duckdb_are_regrouped_in_their_order(sizes, rows):
    import pyarrow as pa

    from xinyong.batch.database import _regrouped

    numbers = iter(range(10_000))
    batches = [pa.record_batch({"seq": pa.array([next(numbers) for _ in range(size)], pa.int64())}) for size in sizes]
    out = list(_regrouped(batches, rows))
    assert [n for b in out for n in b.column(0).to_pylist()] == list(range(sum(sizes)))
    # Each handing-over holds at least ``rows`` rows, but the last, and at most one
    # batch's worth more.
    assert all(b.num_rows < rows + 40 for b in out)
    assert all(b.num_rows >= rows for b in out[:-1])
