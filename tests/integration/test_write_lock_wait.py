"""A writing unit of work opened with ``wait`` waits at most that long for the write lock
(``units(wait=...)``): while another writer holds it, the unit raises WriteLockBusy on
entering and writes nothing, and the holder goes on as if nothing had asked; once the
holder commits, the lock is had within the wait. On both backends: a holder in another
thread (SQLite: the turn file; PostgreSQL: the advisory lock) and one in the same thread
(SQLite: the database's own lock, under the busy timeout)."""

from __future__ import annotations

import threading
import time

import pytest

from xinyong.domain.access import Reader
from xinyong.domain.identifiers import SubjectRef
from xinyong.services.unit_of_work import WriteLockBusy

pytestmark = pytest.mark.integration

SUBJECT = SubjectRef.parse("rid:371082195001010019")
READER = Reader("gate-7", "service-point", "t1", ("rail",))


def _log(uow, detail: str) -> None:
    uow.access_log.write([SUBJECT], READER, "check", None, [detail])


def _details(deployment) -> list[str]:
    with deployment.units(read_only=True) as uow:
        _total, entries = uow.access_log.entries(SUBJECT, limit=100)
    return sorted(e.detail or "" for e in entries)


def test_a_unit_that_may_wait_only_so_long_gives_up_while_another_thread_writes(deployment):
    holding, done = threading.Event(), threading.Event()

    def hold() -> None:
        with deployment.units() as uow:
            _log(uow, "held")
            holding.set()
            done.wait(30)
            uow.commit()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(30)
        started = time.monotonic()
        with pytest.raises(WriteLockBusy, match=r"for more than 0\.2 s"), deployment.units(wait=0.2) as uow:
            _log(uow, "refused")  # not reached
            uow.commit()
        assert time.monotonic() - started >= 0.2
    finally:
        done.set()
        holder.join(30)
    with deployment.units(wait=5) as uow:
        _log(uow, "after")
        uow.commit()
    assert _details(deployment) == ["after", "held"]


def test_a_unit_that_may_wait_only_so_long_gives_up_while_its_own_thread_writes(deployment):
    with deployment.units() as holder:
        _log(holder, "held")
        with pytest.raises(WriteLockBusy), deployment.units(wait=0.1) as uow:
            _log(uow, "refused")
            uow.commit()
        holder.commit()
    assert _details(deployment) == ["held"]


def test_a_unit_that_may_wait_writes_at_once_when_no_one_holds_the_lock(deployment):
    with deployment.units(wait=0) as uow:
        _log(uow, "at once")
        uow.commit()
    assert _details(deployment) == ["at once"]
