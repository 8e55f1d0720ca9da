"""Event ids over HTTP (issue 9): a repeat made on purpose is filed and answered with
its own id, never with the old case; an id taken by other content is a 409; events dated
after today are refused; an Idempotency-Key replays the first answer."""

from __future__ import annotations

import pytest

from tests.due_process.conftest import COURT, RC, TRAFFIC, Api, assert_problem, iso, record, rid, start_server
from tests.due_process.fresh import build

AGAIN = rid("37108219900101031")  # disputes one record twice on the same grounds
KEYED = rid("37108219900101032")  # sends its requests with Idempotency-Keys
SUBJECTS = {"again": AGAIN, "keyed": KEYED}
OTHERS = {
    "officer": ("officer", "officer-zhou", ()),
    "court": ("source", COURT, ("rongcheng-personal/court.*", "rongcheng-personal/guarantee.*")),
    "traffic-police": ("source", TRAFFIC, ("rongcheng-personal/traffic.*",)),
}
EVENTS = [
    *({"type": "subject", "subject": s, "jurisdiction": "CN-SD-RC", "name": f"Ids {k}"} for k, s in SUBJECTS.items()),
    record("again-breach", AGAIN, f"{RC}/guarantee.breach", -60),
    record("keyed-breach", KEYED, f"{RC}/guarantee.breach", -60),
    record("keyed-other", KEYED, f"{RC}/guarantee.breach", -60),
]


@pytest.fixture(scope="module")
def api(catalogs_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("event-ids")
    db, tokens = build(catalogs_db, folder, EVENTS, SUBJECTS, OTHERS)
    server = start_server(db, folder)
    client = Api(server.url, tokens)
    yield client
    client.close()
    server.stop()


def test_a_second_dispute_on_the_same_grounds_is_a_new_dispute_decided_on_its_own(api):
    grounds = {"record": "again-breach", "grounds": "I never signed this guarantee"}
    decision = {"outcome": "upheld", "reasons": "the signature matches"}
    first = api.ok("again", "POST", "/v1/me/disputes", 201, json=grounds)
    api.ok("officer", "POST", f"/v1/disputes/{first['id']}/decision", json=decision)
    before = api.ledger_events()

    second = api.ok("again", "POST", "/v1/me/disputes", 201, json=grounds)
    assert api.ledger_events() == before + 1
    assert second["id"] != first["id"] and second["filing_id"] != first["filing_id"]
    assert second["status"] == "open"

    decided = api.ok("officer", "POST", f"/v1/disputes/{second['id']}/decision", json=decision)
    assert api.ledger_events() == before + 2
    assert decided["status"] == "decided" and decided["decision_id"]
    queue = {d["id"]: d for d in api.ok("officer", "GET", "/v1/disputes", params={"status": "all"})}
    assert queue[second["id"]]["status"] == "decided"


def test_a_dispute_while_one_is_open_is_refused_with_the_reason(api):
    body = {"record": "keyed-other", "grounds": "not mine"}
    api.ok("keyed", "POST", "/v1/me/disputes", 201, json=body)
    before = api.ledger_events()
    problem = assert_problem(api.post("keyed", "/v1/me/disputes", json=body), 422)
    assert "still open" in problem["detail"]
    assert api.ledger_events() == before


def test_an_event_id_taken_by_other_content_is_a_409_and_the_same_content_a_replay(api):
    ticket = record("ids-ticket", AGAIN, f"{RC}/traffic.ticket", -20, TRAFFIC)
    paid = {"type": "fulfilled", "id": "ids-ticket-paid", "record": "ids-ticket", "on": iso(-2)}
    written = api.ok("traffic-police", "POST", "/v1/events", json=[ticket, paid])
    assert [(e["id"], e["outcome"]) for e in written["events"]] == [
        ("ids-ticket", "written"),
        ("ids-ticket-paid", "written"),
    ]
    before = api.ledger_events()

    replay = api.ok("traffic-police", "POST", "/v1/events", json=[ticket, paid])
    assert (replay["written"], replay["unchanged"]) == (0, 2)
    assert [e["outcome"] for e in replay["events"]] == ["replayed", "replayed"]

    problem = assert_problem(
        api.post("traffic-police", "/v1/events", json=[{**paid, "on": iso(-1)}]), 409, "id-conflict"
    )
    assert problem["errors"][0]["index"] == 1 and "ids-ticket-paid" in problem["errors"][0]["reason"]
    assert api.ledger_events() == before


def test_later_events_without_ids_get_derived_ids_and_a_repeat_in_one_batch_is_filed(api):
    ticket = record("ids-twice", AGAIN, f"{RC}/traffic.ticket", -20, TRAFFIC)
    filed = {"type": "dispute_filed", "record": "ids-twice", "on": iso(-3), "grounds": "no"}
    resolved = {"type": "dispute_resolved", "record": "ids-twice", "on": iso(-2), "outcome": "upheld"}
    batch = [ticket, filed, resolved, filed, resolved]
    # The second filing and decision repeat the first ones' content: new events, filed.
    first = api.ok("traffic-police", "POST", "/v1/events", json=batch)
    assert first["written"] == 5 and len({e["id"] for e in first["events"]}) == 5
    again = api.ok("traffic-police", "POST", "/v1/events", json=batch)
    assert again["written"] == 0 and [e["id"] for e in again["events"]] == [e["id"] for e in first["events"]]


@pytest.mark.parametrize(
    "dates, field",
    [
        ({"occurred_on": iso(1), "decided_on": iso(2)}, f"occurred_on {iso(1)}"),
        ({"occurred_on": "2999-01-01", "decided_on": "2999-01-02"}, "occurred_on 2999-01-01"),
        ({"decided_on": iso(1)}, f"decided_on {iso(1)}"),
    ],
)
def test_a_record_dated_after_today_is_refused(api, dates, field):
    before = api.ledger_events()
    future = {**record("ids-future", AGAIN, f"{RC}/traffic.ticket", 0, TRAFFIC), **dates}
    problem = assert_problem(api.post("traffic-police", "/v1/events", json=[future]), 422, "events-refused")
    assert field in problem["errors"][0]["reason"] and "after today" in problem["errors"][0]["reason"]
    assert api.ledger_events() == before


def test_a_later_event_dated_after_today_is_refused(api):
    api.ok(
        "traffic-police", "POST", "/v1/events", json=[record("ids-later", AGAIN, f"{RC}/traffic.ticket", -20, TRAFFIC)]
    )
    problem = assert_problem(
        api.post("traffic-police", "/v1/events", json=[{"type": "fulfilled", "record": "ids-later", "on": iso(1)}]), 422
    )
    assert f"on {iso(1)} is after today" in problem["errors"][0]["reason"]


def test_an_idempotency_key_replays_the_first_answer(api):
    body = {"record": "keyed-breach", "grounds": "a forged signature"}
    headers = {"Idempotency-Key": "dispute-keyed-breach-1"}
    first = api.post("keyed", "/v1/me/disputes", json=body, headers=headers)
    assert first.status_code == 201, first.text
    before = api.ledger_events()

    again = api.post("keyed", "/v1/me/disputes", json=body, headers=headers)

    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert api.ledger_events() == before
    other = assert_problem(
        api.post("keyed", "/v1/me/disputes", json={**body, "grounds": "other"}, headers=headers),
        422,
        "idempotency-key-reused",
    )
    assert "dispute-keyed-breach-1" in other["detail"]
    # Keys belong to a token: another token's same key is another request.
    assert_problem(api.post("again", "/v1/me/disputes", json=body, headers=headers), 404)


def test_an_idempotency_key_that_is_not_visible_ascii_is_refused(api):
    assert_problem(
        api.post(
            "keyed",
            "/v1/me/disputes",
            json={"record": "keyed-breach", "grounds": "x"},
            headers={"Idempotency-Key": "x" * 201},
        ),
        422,
        "invalid-idempotency-key",
    )
