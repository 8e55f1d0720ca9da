"""The notice rounds read every record once a day: a later round of the same day reads
only the records changed since the round before, and writes exactly the notices a whole
round would (what comes due depends only on a record's file, the catalogs and the day)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from tests.due_process.conftest import JD, RC, TRAFFIC, copy_database, day, iso, opened, record, rid
from xinyong.adapters.storage import unit_of_work as storage_units
from xinyong.adapters.storage.tables import notice_rounds, notices
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
        uow.notices.note_rounds(NoticeRounds(dt.date(2000, 1, 1), 0, "none"))
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
        ("file", FIRST),
        ("round", 0),
        ("round", 0),
        ("file", SECOND),
        ("round", 0),
        ("quiet", QUIET[0]),  # a record listed 30 days ago, known to no round yet
        ("round", 0),
        ("quiet", QUIET[1]),  # its list entry ends by fulfilment, today's round to tell
        ("round", 0),
        ("round", 15),  # another day: a whole round (r-new takes effect)
        ("round", 15),
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
    assert {"effective:r-quiet", "list-start:r-quiet", "effective:r-new"} <= found
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


def test_a_later_round_of_the_day_reads_only_the_records_changed_since(catalogs_db, tmp_path, read):
    with opened(copy_database(catalogs_db, tmp_path)) as d:
        d.intake.submit([*FIRST, *SECOND])
        read.clear()
        d.due_process.send_due_notices(day(0))
        assert sorted(i for page in read for i in page) == ["r-disputed", "r-ended", "r-listed", "r-new"]
        with d.units(read_only=True) as uow:
            head = uow.ledger.head()
            assert uow.notices.rounds() == NoticeRounds(day(0), head, catalogs_fingerprint(d.catalogs.registry()))
        read.clear()
        d.due_process.send_due_notices(day(0))
        assert read == []
        _file_quietly(d, QUIET[1])
        read.clear()
        d.due_process.send_due_notices(day(0))
        assert read == [["r-listed"]]
        read.clear()
        d.due_process.send_due_notices(day(1))  # another day: every record again
        assert len([i for page in read for i in page]) == 4


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
