"""A check waits for the database's write lock only so long (``XINYONG_CHECK_LOCK_WAIT``):
while another writer holds it, as an import does until it commits, the service point is
answered 503 at once, with Retry-After, and nothing of the check is logged, rather than
kept waiting until the import ends. Once the lock is free, checks are answered and
logged again. On both backends, over a served database and a unit of work of another
process's kind holding the lock (units() of a deployment opened beside the server)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.service.conftest import SINGLE_CHECK, Api, Database, assert_problem, running_server
from xinyong.bootstrap import open_deployment
from xinyong.settings import Settings

pytestmark = pytest.mark.e2e

WAIT = 0.5


@contextmanager
def write_lock_held(db: Database, folder) -> Iterator[None]:
    """A writing unit of work, open (holding the write lock) until the block ends."""
    deployment = open_deployment(db.url, Settings(db=db.url, key_file=str(db.key), notice_interval=0))
    holding, done = threading.Event(), threading.Event()
    failed: list[BaseException] = []

    def hold() -> None:
        try:
            with deployment.units():
                holding.set()
                done.wait(60)
        except BaseException as error:  # noqa: BLE001 - told to the test below
            failed.append(error)
            holding.set()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(30) and not failed, failed
        yield
    finally:
        done.set()
        holder.join(30)
        deployment.close()


def test_a_check_while_another_writer_holds_the_lock_is_refused_at_once_and_not_logged(template, tmp_path):
    with running_server(template, tmp_path, env={"XINYONG_CHECK_LOCK_WAIT": str(WAIT)}) as server:
        api = Api(server, template.tokens)
        try:
            logged = api.access_log_total()
            with write_lock_held(server.db, tmp_path):
                started = time.monotonic()
                answer = api.post("service-point", "/v1/checks", json=SINGLE_CHECK)
                waited = time.monotonic() - started
                body = assert_problem(answer, 503, "write-lock-busy")
                assert answer.headers["Retry-After"] == "1"
                assert "held by another writer" in body["detail"] and "nothing was logged" in body["detail"]
                # Told within the wait, not when the holder let go (a minute later).
                assert waited < 30
            assert api.access_log_total() == logged
            # The lock free again: answered, and logged.
            answer = api.post("service-point", "/v1/checks", json=SINGLE_CHECK)
            assert answer.status_code == 200, answer.text
            assert api.access_log_total() == logged + 1
        finally:
            api.close()
