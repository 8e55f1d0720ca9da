"""``xinyong serve --workers 2`` (issue 11): two server processes over one database, each
with its own connections, group-commit writer and memory of tokens. A token revoked
from the command line is refused by both within a second; the rounds that send email
run in one process only, so a notice is emailed once; an ``Idempotency-Key`` holds
across the processes. On SQLite and, with ``--backend postgresql``, on PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections import Counter

import httpx
import pytest
from sqlalchemy import select

from tests.due_process.conftest import (
    NO_ROUNDS,
    RC,
    TRAFFIC,
    Cli,
    catalogs_db,
    opened,
    record,
    rid,
)
from tests.due_process.fresh import build
from tests.due_process.test_email import SENDER, smtp_env, smtp_server
from tests.support import server as serving
from tests.support.ports import free_port
from xinyong.adapters.storage.tables import ledger
from xinyong.adapters.storage.tokens import FRESH_FOR
from xinyong.entrypoints.api.app import per_process
from xinyong.settings import Rate

__all__ = ["catalogs_db"]  # the fixture, shared with the due-process tests

pytestmark = pytest.mark.e2e

PASSENGER = rid("37108219900103041")
MAILED = [rid(f"3710821990010305{i}") for i in range(10)]  # each with an address
SUBJECTS = {"passenger": PASSENGER}
OTHERS = {
    "airline": ("service-point", "sky-airline", ("air_travel",)),
    "traffic-police": ("source", TRAFFIC, ("rongcheng-personal/traffic.*",)),
}
EVENTS = [
    {"type": "subject", "subject": PASSENGER, "jurisdiction": "CN-SD-RC", "name": "Passenger"},
    *(
        {"type": "subject", "subject": s, "jurisdiction": "CN-SD-RC", "name": f"Mailed {i}", "email": f"m{i}@ex.org"}
        for i, s in enumerate(MAILED)
    ),
    *(
        record(f"mailed-{i}-{n}", s, f"{RC}/traffic.ticket", -n, TRAFFIC)
        for i, s in enumerate(MAILED)
        for n in range(3)
    ),
]


def fresh_connections(url: str, token: str, count: int) -> list[int]:
    """The statuses of ``count`` checks, each on a new connection (so that the kernel
    hands them to both server processes), sent from several threads at once."""
    statuses: list[int] = []
    lock = threading.Lock()

    def ask(n: int) -> None:
        for _ in range(n):
            answer = httpx.post(
                url + "/v1/checks",
                json={"subject": PASSENGER, "action": "air_travel.ticket"},
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            )
            with lock:
                statuses.append(answer.status_code)

    threads = [threading.Thread(target=ask, args=(count // 4,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return statuses


@pytest.fixture
def world(catalogs_db, tmp_path):
    db, tokens = build(catalogs_db, tmp_path, EVENTS, SUBJECTS, OTHERS)
    return db, tokens, tmp_path


def test_a_token_revoked_on_the_command_line_is_refused_by_every_server_process_within_a_second(world):
    db, tokens, folder = world
    with serving.running(db.url, folder, {**NO_ROUNDS, **db.env}, merged=True, process=True, workers=2) as served:
        # Both processes have seen the token (and remember it) before it is revoked.
        assert Counter(fresh_connections(served.url, tokens["airline"], 40)) == {200: 40}
        with opened(db) as d:
            [airline] = [t for t in d.tokens.list() if t.name == "sky-airline"]
        Cli(db, folder)("token", "revoke", airline.id)
        time.sleep(FRESH_FOR + 0.5)
        assert Counter(fresh_connections(served.url, tokens["airline"], 40)) == {401: 40}


def test_each_notice_is_emailed_once_by_a_server_of_two_processes(world):
    from xinyong.domain.identifiers import SubjectRef

    db, _tokens, folder = world
    with opened(db) as d:
        notices = [n for s in MAILED for n in d.outbox.inbox(SubjectRef.parse(s))]
    assert len(notices) >= 3 * len(MAILED)  # each to the one address of its subject
    port = free_port()
    controller, collector = smtp_server(port)
    try:
        settings = {**db.env, **smtp_env(port), "XINYONG_NOTICE_INTERVAL": "0.2"}
        with serving.running(db.url, folder, settings, merged=True, process=True, workers=2):
            deadline = time.monotonic() + 30
            while len(collector.messages) < len(notices) and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(2)  # further rounds, in both processes, send nothing again
    finally:
        controller.stop()
    sent = Counter((tuple(to), message["Subject"], message.get_content()) for to, message in collector.messages)
    assert len(collector.messages) == len(notices), f"{len(collector.messages)} messages for {len(notices)} notices"
    assert set(sent.values()) == {1}
    assert all(message["From"] == SENDER for _to, message in collector.messages)
    with opened(db) as d:
        assert all([a["outcome"] for a in d.outbox.attempts(n.id)] == ["sent"] for n in notices)


def test_an_idempotency_key_holds_across_server_processes(world):
    db, tokens, folder = world
    batch = [record("idem-ticket", PASSENGER, f"{RC}/traffic.ticket", 0, TRAFFIC)]
    headers = {"Authorization": f"Bearer {tokens['traffic-police']}", "Idempotency-Key": "one-ticket"}
    with serving.running(db.url, folder, {**NO_ROUNDS, **db.env}, merged=True, process=True, workers=2) as served:
        answers: list[httpx.Response] = []
        lock = threading.Lock()
        start = threading.Barrier(8)

        def post() -> None:
            start.wait()
            answer = httpx.post(served.url + "/v1/events", json=batch, headers=headers, timeout=30)
            with lock:
                answers.append(answer)

        threads = [threading.Thread(target=post) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        # Once the first has finished, every later one is its replay.
        later = httpx.post(served.url + "/v1/events", json=batch, headers=headers, timeout=30)
    statuses = Counter(a.status_code for a in answers)
    assert set(statuses) <= {200, 409}, [a.text for a in answers]
    written = [a for a in answers if a.status_code == 200 and "Idempotent-Replayed" not in a.headers]
    assert len(written) == 1, [a.text for a in answers]
    assert later.status_code == 200 and later.headers["Idempotent-Replayed"] == "true"
    assert later.json() == written[0].json()
    with opened(db) as d, d.store.reading() as connection:
        rows = connection.execute(select(ledger.c.seq).where(ledger.c.record_id == "idem-ticket")).all()
    assert len(rows) == 1


@pytest.mark.backend_independent
def test_the_public_rate_is_shared_out_among_the_server_processes():
    assert per_process(Rate(10, 60), 1) == Rate(10, 60)
    assert per_process(Rate(10, 60), 2) == Rate(5, 30)
    assert per_process(Rate(10, 60), 4) == Rate(2.5, 15)
    assert per_process(Rate(1, 1), 3) == Rate(1 / 3, 1)  # a burst of at least one
    assert not per_process(Rate(0, 1), 4).limited
