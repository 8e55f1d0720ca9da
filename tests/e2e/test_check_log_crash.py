"""An answered check is in the access log, whatever happens to the server (issue 11):
service points ask checks of ``xinyong serve --workers 2`` from several connections at
once, the server's whole process group is killed with SIGKILL in the middle of it, and
every check that got a 200 answer is then found in the access log, read back through
the auditor's route of a server started again. Each check asks about a day of its own,
so an answer and its log entry are matched by (subject, action, day).

The access log is written by group commit (``xinyong.entrypoints.api.group_commit``):
a check answers only once its entry is committed. A server that answered first and
logged after would lose the entries of the answers it sent just before the kill, and
this test would name them. On SQLite and, with ``--backend postgresql``, on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import signal
import threading
import time

import httpx
import pytest

from tests.due_process.conftest import JD, NO_ROUNDS, catalogs_db, opened, record, rid, start_server
from tests.due_process.fresh import build
from tests.support import server as serving

__all__ = ["catalogs_db"]  # the fixture, shared with the due-process tests

pytestmark = pytest.mark.e2e

CLIENTS = 8
KILL_AFTER = 120  # answered checks before the kill
ACTION = "air_travel.ticket"

DEFAULTER = rid("37108219900102031")  # on the judgment-defaulters list: denied, and told
PASSENGERS = [DEFAULTER, *(rid(f"3710821990010203{i}") for i in range(2, 5))]
SUBJECTS = {f"passenger-{i}": s for i, s in enumerate(PASSENGERS)}
OTHERS = {
    "airline": ("service-point", "sky-airline", ("air_travel",)),
    "auditor": ("auditor", "auditor-qian", ()),
}
EVENTS = [
    *(
        {"type": "subject", "subject": s, "jurisdiction": "CN-SD-RC", "name": f"Passenger {k}"}
        for k, s in SUBJECTS.items()
    ),
    record("crash-default", DEFAULTER, f"{JD}/court.judgment_default", -200),
]
DETAIL = re.compile(r"^check [0-9a-f]+: (?P<action>\S+) on (?P<day>\d{4}-\d{2}-\d{2}): (?P<decision>\w+)$")


def question(number: int) -> tuple[str, dt.date]:
    """The ``number``-th check: a passenger in turn, on a day no other check asks about."""
    return PASSENGERS[number % len(PASSENGERS)], dt.date.today() - dt.timedelta(days=number)


def logged_checks(url: str, token: str, subject: str) -> set[tuple[str, str, dt.date]]:
    """(subject, action, day) of every check of ``subject`` in the access log, read as an
    auditor reads it."""
    found = set()
    with httpx.Client(base_url=url, timeout=60, headers={"Authorization": f"Bearer {token}"}) as http:
        for offset in itertools.count(0, 1000):
            page = http.get("/v1/access-log", params={"subject": subject, "limit": 1000, "offset": offset})
            assert page.status_code == 200, page.text
            entries = page.json()["entries"]
            for entry in entries:
                if entry["what"] == "check":
                    matched = DETAIL.match(entry["detail"] or "")
                    assert matched, entry
                    found.add((subject, matched["action"], dt.date.fromisoformat(matched["day"])))
            if len(entries) < 1000:
                return found
    raise AssertionError("unreachable")


def test_every_answered_check_is_in_the_access_log_after_the_server_is_killed(catalogs_db, tmp_path):
    db, tokens = build(catalogs_db, tmp_path, EVENTS, SUBJECTS, OTHERS)
    served = serving.start(db.url, tmp_path, {**NO_ROUNDS, **db.env}, merged=True, process=True, workers=2)
    assert served.process is not None
    answered: set[tuple[str, str, dt.date]] = set()
    denied = 0
    asked = itertools.count()
    lock = threading.Lock()
    killed = threading.Event()

    def ask() -> None:
        nonlocal denied
        headers = {"Authorization": f"Bearer {tokens['airline']}"}
        with httpx.Client(base_url=served.url, timeout=30, headers=headers) as http:
            while not killed.is_set():
                with lock:
                    subject, day = question(next(asked))
                try:
                    answer = http.post("/v1/checks", json={"subject": subject, "action": ACTION, "as_of": str(day)})
                except httpx.TransportError:
                    return  # the server is gone
                assert answer.status_code == 200, answer.text
                body = answer.json()
                assert (body["subject"], body["action"], body["as_of"]) == (subject, ACTION, str(day))
                with lock:
                    answered.add((subject, ACTION, day))
                    denied += body["decision"] == "deny"

    clients = [threading.Thread(target=ask) for _ in range(CLIENTS)]
    for client in clients:
        client.start()
    deadline = time.monotonic() + 60
    while len(answered) < KILL_AFTER and time.monotonic() < deadline:
        time.sleep(0.005)
    os.killpg(served.process.pid, signal.SIGKILL)  # the server and its worker processes
    killed.set()
    served.process.wait(10)
    for client in clients:
        client.join(60)
    assert len(answered) >= KILL_AFTER, f"only {len(answered)} checks answered before the deadline"
    assert denied > 0  # the adverse-action notices are written in the same transaction

    again = start_server(db, tmp_path)
    try:
        logged = set().union(*(logged_checks(again.url, tokens["auditor"], s) for s in PASSENGERS))
    finally:
        again.stop()
    lost = sorted(answered - logged)
    assert not lost, f"{len(lost)} of {len(answered)} answered checks are not in the access log: {lost[:5]}"
    with opened(db) as d, d.store.reading() as connection:
        assert all(report.intact for report in d.store.verify(connection))
