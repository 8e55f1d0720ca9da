"""The access log's group commit (``xinyong.entrypoints.api.group_commit``) over the fake
unit of work: checks of many requests committed together are each logged once, with the
reader and the purpose of their own request, however the writer groups them."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.unit.services.conftest import RESIDENT, TODAY
from xinyong.domain.access import Reader
from xinyong.entrypoints.api.group_commit import CheckLog
from xinyong.services.unit_of_work import WriteLockBusy

pytestmark = pytest.mark.unit

AIRLINE = Reader("sky-airline", "service-point", "t1", ("air_travel",))
RAILWAY = Reader("rail-co", "service-point", "t2", ("rail",))
OFFICER = Reader("officer-zhou", "officer", "t3")


def test_checks_committed_together_are_each_logged_with_their_own_reader_and_purpose(world):
    inquiries = world.services.inquiries
    asked = [
        (reader, purpose, TODAY - dt.timedelta(days=n))
        for n, (reader, purpose) in enumerate(
            [(AIRLINE, None), (RAILWAY, None), (OFFICER, "a complaint"), (OFFICER, "an audit")] * 6
        )
    ]

    async def ask_all() -> None:
        log = CheckLog(inquiries)
        await asyncio.gather(
            *(
                log.record(inquiries.decide([(RESIDENT, "air_travel.ticket", day)]), reader, purpose)
                for reader, purpose, day in asked
            )
        )
        await log.close()

    # On a thread of its own: where a browser test of the same worker is under way, this
    # thread already runs Playwright's event loop.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, ask_all()).result()
    with world.units(read_only=True) as uow:
        _total, entries = uow.access_log.entries(RESIDENT, limit=1000)
    logged = sorted(
        (e.reader, e.purpose, re.fullmatch(r"check \w+: air_travel.ticket on (\S+): \w+", e.detail or "")[1])
        for e in entries
        if e.what == "check"
    )
    assert logged == sorted((reader.name, purpose, str(day)) for reader, purpose, day in asked)


def test_checks_that_cannot_be_logged_in_time_are_refused_and_nothing_of_them_is_logged(world):
    inquiries = world.services.inquiries
    world.store.write_lock_held = True  # an import, say, holds the write lock

    async def ask(log: CheckLog) -> None:
        await log.record(inquiries.decide([(RESIDENT, "air_travel.ticket", TODAY)]), AIRLINE, None)

    async def ask_while_held() -> None:
        log = CheckLog(inquiries, wait=0.05)
        with pytest.raises(WriteLockBusy, match="held by another writer for more than"):
            await asyncio.gather(ask(log), ask(log))
        await log.close()

    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, ask_while_held()).result()
    with world.units(read_only=True) as uow:
        _total, entries = uow.access_log.entries(RESIDENT, limit=1000)
    assert [e for e in entries if e.what == "check"] == []
    # Each unit that logs asked to wait at most what was left of the first check's time.
    waits = [u.wait for u in world.units.opened if not u.read_only]
    assert waits and all(w is not None and 0 <= w <= 0.05 for w in waits)

    world.store.write_lock_held = False  # the import ended

    async def ask_after() -> None:
        log = CheckLog(inquiries, wait=0.05)
        await ask(log)
        await log.close()

    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, ask_after()).result()
    with world.units(read_only=True) as uow:
        _total, entries = uow.access_log.entries(RESIDENT, limit=1000)
    assert len([e for e in entries if e.what == "check"]) == 1
