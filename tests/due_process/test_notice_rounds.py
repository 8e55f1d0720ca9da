"""The notice rounds read every record once a day: a later round of the same day reads
only the records changed since the round before, and writes exactly the notices a whole
round would (what comes due depends only on a record's file, the catalogs and the day)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from tests.due_process.conftest import JD, RC, TRAFFIC, copy_database, day, iso, opened, record, rid
from xinyong.adapters.storage import unit_of_work as storage_units
from xinyong.adapters.storage.tables import notice_due, notice_rounds, notices
from xinyong.domain.events import parse_event
from xinyong.services.read_models import catalogs_fingerprint
from xinyong.services.unit_of_work import NoticeRounds

pytestmark = pytest.mark.integration

PERSON = rid("37108219850505005")
OTHER = rid("37108219850505007")

FIRST = [
    {"type": "subject", "subject": PERSON, "jurisdiction": "CN-SD-RC", "name": "Time Passes"},
    record("r-new", PERSON, f"{RC}/traffic.ticket", 0, TRAFFIC),  # in effect in 15 days
    record("r-listed", PERSON, f"{JD}/court.judgment_default", -30),  # listed 20 days ago
]
SECOND = [
    record("r-ended", PERSON, f"{JD}/court.judgment_default", -760),  # list entry over 20 days ago
    record("r-disputed", OTHER, f"{RC}/traffic.ticket", -5, TRAFFIC),
    {"type": "dispute_filed", "record": "r-disputed", "on": iso(-4)},
]
# Due within the week after the first whole round, with no event in between.
THIRD = [
    record("r-soon", OTHER, f"{RC}/traffic.ticket", -11, TRAFFIC),  # in effect in 4 days
    record("r-short", OTHER, f"{JD}/court.judgment_default", -734),  # its list entry ends in about 6 days
]
# Filed past intake, straight onto the ledger: only a round writes what they bring due.
QUIET = [
    record("r-quiet", OTHER, f"{JD}/court.judgment_default", -40),
    {"type": "fulfilled", "id": "f-listed", "record": "r-listed", "on": iso(-1)},
]


def _dedupes(d) -> set[str]:
    with d.store.reading() as connection:
        return set(connection.execute(select(notices.c.dedupe).where(notices.c.dedupe.is_not(None))).scalars())


def _file_quietly(d, event: dict) -> None:
    """Append ``event`` to the ledger as intake would, but without intake's notices."""
    item = parse_event(event)
    with d.units() as uow:
        if item.type == "record":
            uow.ledger.append([item])
        else:
            stored = uow.ledger.records([item.record])[item.record].file
            uow.ledger.append([item], None, {stored.id: stored.subject})
        uow.commit()


def _forget_rounds(d) -> None:
    """Make the next round a whole one, as if none had been made on any day."""
    with d.units() as uow:
        uow.notices.note_rounds(NoticeRounds(dt.date(2000, 1, 1), 0, "none", dt.date(2000, 1, 1)))
        uow.commit()


@pytest.fixture
def twins(catalogs_db, tmp_path):
    """Two copies of the catalogs' database: rounds kept on the first, whole on the second."""
    a = copy_database(catalogs_db, tmp_path / "kept")
    b = copy_database(catalogs_db, tmp_path / "whole")
    with opened(a) as kept, opened(b) as whole:
        yield kept, whole


def test_rounds_kept_through_a_day_write_what_whole_rounds_write(twins):
    kept, whole = twins
    steps = [
        ("file", [*FIRST, *THIRD]),
        ("round", 0),
        ("round", 0),
        ("file", SECOND),
        ("round", 0),
        ("quiet", QUIET[0]),  # a record listed 30 days ago, known to no round yet
        ("round", 0),
        ("quiet", QUIET[1]),  # its list entry ends by fulfilment, today's round to tell
        ("round", 0),
        ("round", 3),  # a later day, within the week: only the records due since
        ("round", 4),  # r-soon takes effect
        ("round", 6),  # r-short's list entry has ended
        ("round", 15),  # over a week since the whole round: a whole one (r-new takes effect)
        ("round", 15),
        ("round", 16),
        ("round", 800),  # every list entry over
        ("round", 801),
    ]
    for what, value in steps:
        for d in (kept, whole):
            if what == "file":
                d.intake.submit(value)
            elif what == "quiet":
                _file_quietly(d, value)
            else:
                if d is whole:
                    _forget_rounds(d)
                d.due_process.send_due_notices(day(value))
        if what == "round":
            assert _dedupes(kept) == _dedupes(whole), (what, value)
    found = _dedupes(kept)
    assert {"effective:r-quiet", "list-start:r-quiet", "effective:r-new", "effective:r-soon"} <= found
    assert any(key.startswith("list-end:r-short:") for key in found)
    assert any(key.startswith("list-end:r-listed:") for key in found)


@pytest.fixture
def read(monkeypatch) -> list[list[str]]:
    """The ids of every page of records read from the ledger from now on."""
    pages: list[list[str]] = []
    records = storage_units.SqlLedger.records

    def counted(self, ids, *args, **kwargs):
        ids = list(ids)
        pages.append(ids)
        return records(self, ids, *args, **kwargs)

    monkeypatch.setattr(storage_units.SqlLedger, "records", counted)
    return pages


def test_a_round_reads_the_records_changed_since_and_on_a_later_day_those_come_due_since(catalogs_db, tmp_path, read):
    with opened(copy_database(catalogs_db, tmp_path)) as d:
        d.intake.submit([*FIRST, *SECOND])
        read.clear()
        d.due_process.send_due_notices(day(0))
        assert sorted(i for page in read for i in page) == ["r-disputed", "r-ended", "r-listed", "r-new"]
        with d.units(read_only=True) as uow:
            head = uow.ledger.head()
            assert uow.notices.rounds() == NoticeRounds(
                day(0), head, catalogs_fingerprint(d.catalogs.registry()), day(0)
            )
        read.clear()
        d.due_process.send_due_notices(day(0))
        assert read == []
        _file_quietly(d, QUIET[1])
        read.clear()
        d.due_process.send_due_notices(day(0))
        assert read == [["r-listed"]]
        # Another day: the records something came due for since, and none before that.
        d.intake.submit([record("r-soon", OTHER, f"{RC}/traffic.ticket", -10, TRAFFIC)])  # in effect in 5 days
        read.clear()
        d.due_process.send_due_notices(day(0))
        assert read == [["r-soon"]]
        read.clear()
        d.due_process.send_due_notices(day(4))
        assert read == []
        d.due_process.send_due_notices(day(5))
        assert read == [["r-soon"]]
        assert "effective:r-soon" in _dedupes(d)
        with d.units(read_only=True) as uow:
            assert uow.notices.rounds().whole_on == day(0)  # type: ignore[union-attr]
        # A week after the last whole round, every record again.
        read.clear()
        d.due_process.send_due_notices(day(6))
        assert read == []
        d.due_process.send_due_notices(day(7))
        assert len([i for page in read for i in page]) == 5
        with d.units(read_only=True) as uow:
            assert uow.notices.rounds().whole_on == day(7)  # type: ignore[union-attr]


def test_a_standing_altered_outside_the_service_makes_the_next_round_a_whole_one(catalogs_db, tmp_path, read):
    with opened(copy_database(catalogs_db, tmp_path)) as d:
        d.intake.submit([*FIRST, *SECOND])
        d.due_process.send_due_notices(day(0))
        # Someone holding the database claims tomorrow's whole round done already.
        with d.store.transaction() as connection:
            connection.execute(update(notice_rounds).values(day=day(1)))
        with d.units(read_only=True) as uow:
            assert uow.notices.rounds() is None
        read.clear()
        d.due_process.send_due_notices(day(1))
        assert sorted(i for page in read for i in page) == ["r-disputed", "r-ended", "r-listed", "r-new"]


def test_the_migration_to_next_due_days_makes_the_first_round_after_it_a_whole_one(backend, postgres_server, tmp_path):
    """Migration 0014 makes ``notice_rounds`` again with the day of the last whole round,
    and adds ``notice_due``: where the rounds stood before it is dropped, not guessed."""
    from importlib.resources import files

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import insert, inspect, text

    from xinyong.adapters.storage.store import make_engine, migrate

    url = postgres_server.new_database() if backend == "postgresql" else str(tmp_path / "at-0013.db")
    engine = make_engine(url)
    try:
        config = Config()
        config.set_main_option("script_location", str(files("xinyong.adapters.storage") / "migrations"))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0013")
        with engine.begin() as connection:
            connection.execute(
                text("INSERT INTO notice_rounds (id, day, seq, catalogs, mac) VALUES (1, :day, 5, 'c', :mac)"),
                {"day": dt.date(2026, 1, 1), "mac": b"x"},
            )
        migrate(engine)
        columns = {c["name"] for c in inspect(engine).get_columns("notice_rounds")}
        assert "whole_on" in columns
        with engine.begin() as connection:
            assert connection.execute(select(notice_rounds)).all() == []
            connection.execute(insert(notice_due).values(record_id="r1", due_on=dt.date(2026, 1, 2)))
            assert connection.execute(select(notice_due.c.record_id)).scalars().all() == ["r1"]
    finally:
        engine.dispose()
