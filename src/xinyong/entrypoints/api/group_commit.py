"""Group commit of the access log: concurrent requests hand their log entries to one
writer, which commits all that are waiting in one transaction; each request answers only
once its entries are durable. Every read stays logged, at a fraction of the cost of one
transaction per request.

There is one writer per server process (``xinyong serve --workers N`` has N); they take
turns at the database's write lock like any other writers (on SQLite, in the order they
asked: adapters/storage/writer_turns.py).

A check waits for that lock at most ``wait`` seconds from when it asked to be logged
(``XINYONG_CHECK_LOCK_WAIT``): an import holds the lock until it commits, which may be an
hour, and a service point is better told at once that no answer can be given now than
kept waiting. Checks not logged in time are refused
(:class:`~xinyong.services.unit_of_work.WriteLockBusy`): they were
not answered, so nothing of them is logged."""

from __future__ import annotations

import asyncio

from fastapi.concurrency import run_in_threadpool

from xinyong.domain.access import Reader
from xinyong.domain.standing import CheckDecision
from xinyong.services.inquiries import Inquiries


class CheckLog:
    def __init__(self, inquiries: Inquiries, wait: float | None = None):
        self.inquiries = inquiries
        self.wait = wait
        self._pending: list[tuple[list[CheckDecision], Reader, str | None, asyncio.Future]] = []
        self._first_asked = 0.0  # when the first of the pending checks asked (the loop's clock)
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task | None = None

    async def record(self, decisions: list[CheckDecision], reader: Reader, purpose: str | None) -> None:
        """Log ``decisions``; returns when they are committed (raises if they were not)."""
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done():
            self._wake = asyncio.Event()
            self._task = loop.create_task(self._run())
        future: asyncio.Future = loop.create_future()
        if not self._pending:
            self._first_asked = loop.time()
        self._pending.append((decisions, reader, purpose, future))
        assert self._wake is not None
        self._wake.set()
        await future

    async def _run(self) -> None:
        assert self._wake is not None
        while True:
            await self._wake.wait()
            self._wake.clear()
            batch, self._pending = self._pending, []
            if not batch:
                continue
            # The batch waits for the lock only as long as its first check may still wait.
            waited = asyncio.get_running_loop().time() - self._first_asked
            wait = None if self.wait is None else max(self.wait - waited, 0.0)
            try:
                await run_in_threadpool(self.inquiries.record_checks_of_many, _merged(batch), wait)
            except Exception as error:  # noqa: BLE001 - nothing of the batch was committed: tell each request
                for *_, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            for *_, future in batch:
                if not future.done():
                    future.set_result(None)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()


def _merged(
    batch: list[tuple[list[CheckDecision], Reader, str | None, asyncio.Future]],
) -> list[tuple[list[CheckDecision], Reader, str | None]]:
    """The checks of a batch, those of one reader asking for one purpose put together
    (in the order they came): each group is written with one append to the access log,
    each check still its own entry, and the notices are the same."""
    groups: dict[tuple[Reader, str | None], list[CheckDecision]] = {}
    for decisions, reader, purpose, _ in batch:
        groups.setdefault((reader, purpose), []).extend(decisions)
    return [(decisions, reader, purpose) for (reader, purpose), decisions in groups.items()]
