"""Decisions are atomic across processes (issue 9): two ``xinyong serve`` processes over
ONE database, raced on the same cases. Each case is decided once, each record has one
open repair application, each notice one review, and the ledger agrees with the cases:
a granted repair has exactly one ``repaired`` event, a refused one none. On SQLite and,
with ``--backend postgresql``, on PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter

import httpx
import pytest

from tests.due_process.conftest import COURT, JD, RC, TRAFFIC, Api, opened, record, rid, start_server
from tests.due_process.fresh import build

N = 8  # cases raced of each kind

APPLY = rid("37108219900101021")  # applies for repair of the same record from both servers
DECIDE = rid("37108219900101022")  # its applications are decided from both servers at once
DISPUTE = rid("37108219900101023")  # its disputes are decided from both servers at once
REVIEW = rid("37108219900101024")  # on the judgment-defaulters list: asks for reviews
SUBJECTS = {"apply": APPLY, "decide": DECIDE, "dispute": DISPUTE, "review": REVIEW}
OTHERS = {
    "officer": ("officer", "officer-zhou", ()),
    "airline": ("service-point", "sky-airline", ("air_travel",)),
}
EVENTS = [
    *({"type": "subject", "subject": s, "jurisdiction": "CN-SD-RC", "name": f"Race {k}"} for k, s in SUBJECTS.items()),
    # Traffic tickets in effect since 5 days: repairable at once.
    *(record(f"apply-{i}", APPLY, f"{RC}/traffic.ticket", -20, TRAFFIC) for i in range(N)),
    *(record(f"decide-{i}", DECIDE, f"{RC}/traffic.ticket", -20, TRAFFIC) for i in range(N)),
    *(record(f"dispute-{i}", DISPUTE, f"{RC}/guarantee.breach", -60) for i in range(N)),
    record("review-default", REVIEW, f"{JD}/court.judgment_default", -200, COURT),
]
APPLICATION = {"proof": "receipt of payment", "commitment": "I will keep to the rules"}


@pytest.fixture(scope="module")
def servers(catalogs_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("races")
    db, tokens = build(catalogs_db, folder, EVENTS, SUBJECTS, OTHERS)
    one = start_server(db, folder, process=True)
    two = start_server(db, folder, process=True)
    apis = (Api(one.url, tokens), Api(two.url, tokens))
    yield db, apis
    for api in apis:
        api.close()
    one.stop()
    two.stop()


def race(first, second) -> tuple[httpx.Response, httpx.Response]:
    """Run two requests at the same moment, one on each server."""
    start = threading.Barrier(2)
    answers: list = [None, None]

    def run(slot: int, request) -> None:
        start.wait()
        answers[slot] = request()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return answers[0], answers[1]


def one_success(answers: tuple[httpx.Response, httpx.Response], created: int = 200) -> httpx.Response:
    """Exactly one of the answers is a success; the other is a clear refusal."""
    statuses = sorted(a.status_code for a in answers)
    won = [a for a in answers if a.status_code == created]
    lost = [a for a in answers if a.status_code != created]
    assert len(won) == 1, f"expected one success, got {statuses}: {[a.text for a in answers]}"
    assert lost[0].status_code in (409, 422), lost[0].text
    assert lost[0].headers["content-type"].startswith("application/problem+json")
    return won[0]


def ledger_changes(db, record_ids: list[str]) -> dict[str, Counter]:
    """For each record, how many later events of each type the ledger holds."""
    with opened(db) as d, d.store.reading() as c:
        files = d.store.records(c, record_ids)
    return {rid_: Counter(change.type for change in files[rid_].file.changes) for rid_ in record_ids}


def test_two_servers_applying_for_the_same_repair_open_one_application(servers):
    _db, (one, two) = servers
    for i in range(N):
        body = {"record": f"apply-{i}", **APPLICATION}
        one_success(
            race(
                lambda: one.post("apply", "/v1/me/repairs", json=body),
                lambda: two.post("apply", "/v1/me/repairs", json=body),
            ),
            created=201,
        )
    cases = Counter(
        r["record"] for r in one.ok("officer", "GET", "/v1/repairs", params={"status": "all"}) if r["subject"] == APPLY
    )
    assert cases == {f"apply-{i}": 1 for i in range(N)}


def test_two_servers_deciding_one_repair_decide_it_once_and_the_ledger_agrees(servers):
    db, (one, two) = servers
    opened_cases = [
        one.ok("decide", "POST", "/v1/me/repairs", 201, json={"record": f"decide-{i}", **APPLICATION}) for i in range(N)
    ]
    outcomes = {}
    for i, case in enumerate(opened_cases):
        # Half the races are grant against refuse, half grant against grant.
        other = "refused" if i % 2 else "granted"
        path = f"/v1/repairs/{case['id']}/decision"
        won = one_success(
            race(
                lambda: one.post("officer", path, json={"outcome": "granted", "reasons": "proof checked"}),
                lambda: two.post("officer", path, json={"outcome": other, "reasons": "proof checked"}),
            )
        )
        outcomes[case["record"]] = won.json()["status"]
    views = {
        r["record"]: r
        for r in one.ok("officer", "GET", "/v1/repairs", params={"status": "all"})
        if r["subject"] == DECIDE
    }
    changes = ledger_changes(db, list(outcomes))
    for record_id, outcome in outcomes.items():
        assert views[record_id]["status"] == outcome
        assert changes[record_id]["repaired"] == (1 if outcome == "granted" else 0), (record_id, outcome)
        if outcome == "granted":
            assert views[record_id]["repair_event"]


def test_two_servers_deciding_one_dispute_decide_it_once(servers):
    db, (one, two) = servers
    disputes = [
        one.ok("dispute", "POST", "/v1/me/disputes", 201, json={"record": f"dispute-{i}", "grounds": "not mine"})
        for i in range(N)
    ]
    for dispute in disputes:
        path = f"/v1/disputes/{dispute['id']}/decision"
        won = one_success(
            race(
                lambda: one.post("officer", path, json={"outcome": "upheld", "reasons": "the contract is signed"}),
                lambda: two.post("officer", path, json={"outcome": "annulled", "reasons": "the contract is forged"}),
            )
        ).json()
        assert won["status"] == "decided" and won["decision_id"]
    changes = ledger_changes(db, [d["record"] for d in disputes])
    assert all(c["dispute_resolved"] == 1 and c["dispute_filed"] == 1 for c in changes.values()), changes


def test_two_servers_asked_to_review_one_notice_open_one_review(servers):
    _db, (one, two) = servers
    for _ in range(N):
        assert one.check(REVIEW)["decision"] == "deny"
    notices = [n["id"] for n in one.inbox("review") if n["kind"] == "adverse_action"]
    assert len(notices) == N
    for notice in notices:
        body = {"notice": notice, "grounds": "I paid the judgment"}
        one_success(
            race(
                lambda: one.post("review", "/v1/me/reviews", json=body),
                lambda: two.post("review", "/v1/me/reviews", json=body),
            ),
            created=201,
        )
    reviews = Counter(
        r["notice"] for r in one.ok("officer", "GET", "/v1/reviews", params={"status": "all"}) if r["subject"] == REVIEW
    )
    assert reviews == {notice: 1 for notice in notices}
