"""Nothing acknowledged is lost and nothing is written twice (issue 9): writers post
batches of events with ids and Idempotency-Keys to a server, which is killed with
SIGKILL while they write and started again; every batch it acknowledged is in the
ledger, and when the writers send everything again (acknowledged or not, with their
keys and without) nothing is written twice."""

from __future__ import annotations

import signal
import threading
import time
from collections import Counter

import httpx
import pytest
from sqlalchemy import select

from tests.due_process.conftest import RC, TRAFFIC, iso, opened, record, rid, start_server
from tests.due_process.fresh import build
from xinyong.adapters.storage.tables import ledger

WRITERS = 4
BATCHES = 40  # per writer
KILL_AFTER = 30  # acknowledged batches before the kill

DRIVERS = [rid(f"371082199001020{i:02d}") for i in range(WRITERS)]
SUBJECTS = {f"driver-{i}": s for i, s in enumerate(DRIVERS)}
OTHERS = {"traffic-police": ("source", TRAFFIC, ("rongcheng-personal/traffic.*",))}
EVENTS = [
    {"type": "subject", "subject": s, "jurisdiction": "CN-SD-RC", "name": f"Driver {k}"} for k, s in SUBJECTS.items()
]


def batch(writer: int, number: int) -> list[dict]:
    """A ticket, its fulfilment (no id: identified by its content) and a dispute with an id."""
    record_id = f"crash-{writer}-{number}"
    return [
        record(record_id, DRIVERS[writer], f"{RC}/traffic.ticket", -20, TRAFFIC),
        {"type": "fulfilled", "record": record_id, "on": iso(-2)},
        {
            "type": "dispute_filed",
            "id": f"{record_id}-dispute",
            "record": record_id,
            "on": iso(-1),
            "grounds": "the light was green",
        },
    ]


def post(http: httpx.Client, token: str, writer: int, number: int, keyed: bool = True) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    if keyed:
        headers["Idempotency-Key"] = f"writer-{writer}-batch-{number}"
    return http.post("/v1/events", json=batch(writer, number), headers=headers)


@pytest.fixture
def crashed(catalogs_db, tmp_path):
    db, tokens = build(catalogs_db, tmp_path, EVENTS, SUBJECTS, OTHERS)
    server = start_server(db, tmp_path, process=True)
    acknowledged: set[tuple[int, int]] = set()
    lock = threading.Lock()
    stop = threading.Event()

    def write(writer: int) -> None:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            for number in range(BATCHES):
                if stop.is_set():
                    return
                try:
                    answer = post(http, tokens["traffic-police"], writer, number)
                except httpx.TransportError:
                    return  # the server is gone
                if answer.is_success:
                    with lock:
                        acknowledged.add((writer, number))
                else:
                    assert answer.status_code >= 500, answer.text

    threads = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 120
    while len(acknowledged) < KILL_AFTER and time.monotonic() < deadline:
        time.sleep(0.01)
    server.process.send_signal(signal.SIGKILL)
    server.process.wait(10)
    stop.set()
    for thread in threads:
        thread.join(60)
    assert KILL_AFTER <= len(acknowledged) < WRITERS * BATCHES, "the kill must come while the writers write"
    restarted = start_server(db, tmp_path)  # any server may pick up after the crash
    yield db, restarted, tokens, acknowledged
    restarted.stop()


def ledger_counts(db) -> Counter:
    with opened(db) as d, d.store.reading() as c:
        rows = c.execute(select(ledger.c.kind, ledger.c.record_id).where(ledger.c.kind != "subject")).all()
    return Counter((row.kind, row.record_id) for row in rows)


def resend_everything(url: str, token: str, keyed: bool) -> None:
    with httpx.Client(base_url=url, timeout=60) as http:
        for writer in range(WRITERS):
            for number in range(BATCHES):
                for _ in range(60):
                    answer = post(http, token, writer, number, keyed)
                    # A key reserved by a request the kill cut short is free again shortly.
                    if answer.status_code == 409 and "idempotency-key-in-use" in answer.text:
                        time.sleep(1)
                        continue
                    break
                assert answer.is_success, answer.text


def test_acknowledged_events_survive_a_kill_and_resending_writes_nothing_twice(crashed):
    db, server, tokens, acknowledged = crashed

    counts = ledger_counts(db)
    for writer, number in acknowledged:
        record_id = f"crash-{writer}-{number}"
        for kind in ("record", "fulfilled", "dispute_filed"):
            assert counts[(kind, record_id)] == 1, (kind, record_id)

    resend_everything(server.url, tokens["traffic-police"], keyed=True)
    resend_everything(server.url, tokens["traffic-police"], keyed=False)

    counts = ledger_counts(db)
    expected = {
        (kind, f"crash-{w}-{n}"): 1
        for w in range(WRITERS)
        for n in range(BATCHES)
        for kind in ("record", "fulfilled", "dispute_filed")
    }
    assert dict(counts) == expected
    with opened(db) as d, d.store.reading() as c:
        assert all(report.intact for report in d.store.verify(c))
