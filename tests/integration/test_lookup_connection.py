"""Read-only units of work opened on an event loop's thread (the server's, where every
check reads its subject's read model) share one connection held for that thread
(``xinyong.adapters.storage.unit_of_work``): each unit is still a transaction of its
own that sees what was committed before it began, a unit opened inside another takes a
connection of its own, a connection that failed is not kept, and the held connections
are closed with the deployment."""

from __future__ import annotations

import asyncio
import concurrent.futures

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from xinyong.adapters.storage.unit_of_work import SqlUnitsOfWork

pytestmark = pytest.mark.integration


def _units(deployment) -> SqlUnitsOfWork:
    return SqlUnitsOfWork(deployment.store)


def _on_a_loop(work):
    """``work()`` run by a coroutine on an event loop of a thread of its own, as the
    server runs its checks: the test's own thread may already have a loop running (the
    browser tests' driver leaves one in the worker)."""

    async def run():
        return work()

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, run()).result()


def _catalogs(uow) -> int:
    return uow.catalogs.count()


def test_a_unit_on_the_loop_sees_what_was_committed_after_the_previous_one(deployment):
    units = _units(deployment)

    def read_twice():
        with units(read_only=True) as uow:
            before = _catalogs(uow)
            first = uow._bound.connection
        deployment.catalogs.load(_catalog_files())
        with units(read_only=True) as uow:
            after = _catalogs(uow)
            second = uow._bound.connection
        return before, after, first is second

    before, after, same = _on_a_loop(read_twice)
    assert same  # held: the one connection of the loop's thread
    assert after > before


def test_a_unit_off_the_loop_takes_a_connection_from_the_pool(deployment):
    units = _units(deployment)

    def read_twice():
        with units(read_only=True) as uow:
            first = uow._bound.connection
        with units(read_only=True) as uow:
            second = uow._bound.connection
        return first, second

    # On a thread of its own, which runs no event loop (see _on_a_loop).
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        first, second = pool.submit(read_twice).result()
    assert first is not second
    assert first.closed


def test_a_unit_opened_inside_another_on_the_loop_has_its_own_connection(deployment):
    units = _units(deployment)

    def nested():
        with units(read_only=True) as outer, units(read_only=True) as inner:
            assert _catalogs(inner) == _catalogs(outer)
            return outer._bound.connection is not inner._bound.connection

    assert _on_a_loop(nested)


def test_a_held_connection_that_failed_is_replaced(deployment):
    units = _units(deployment)

    def fail_then_read():
        with pytest.raises(DBAPIError), units(read_only=True) as uow:
            failed = uow._bound.connection
            uow._bound.connection.execute(text("SELECT * FROM no_such_table"))
        with units(read_only=True) as uow:
            return failed, uow._bound.connection, _catalogs(uow)

    failed, then, count = _on_a_loop(fail_then_read)
    assert then is not failed
    assert failed.closed
    assert count >= 0


def test_held_connections_are_closed_with_the_deployment(deployment):
    units = _units(deployment)

    def hold():
        with units(read_only=True) as uow:
            return uow._bound.connection

    held = _on_a_loop(hold)
    driver = held.connection.driver_connection
    assert not held.closed
    deployment.close()
    assert held.closed
    # Closed in the database driver too, not only handed back to a pool the engine has
    # already let go of (a PostgreSQL session left open keeps its database in use).
    with pytest.raises(Exception, match="closed"):
        driver.execute("SELECT 1")


def _catalog_files():
    from tests.conftest import scenario_files

    return scenario_files("basic")["catalogs"]
