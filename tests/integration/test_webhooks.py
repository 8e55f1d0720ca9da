"""Integration ring, issue 15: webhooks after the Standard Webhooks specification.

A source registers a receiver over the API (the real app in process, over a real
database); a dispute on one of its records writes a message in the same transaction;
a delivery round, run directly with a clock the test sets, sends it over HTTP to a real
receiver on loopback, which refuses it first and takes it next. Every signature is
checked with ``standardwebhooks``, an implementation independent of ours."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.conftest import scenario_files
from tests.support.webhook_receiver import Receiver, receiving
from xinyong.adapters.webhook_http import HttpSender
from xinyong.bootstrap import open_deployment
from xinyong.domain import webhooks as spec
from xinyong.entrypoints.api.app import create_app

pytestmark = pytest.mark.integration

SOURCE = "test-source"
SUBJECT = "rid:11010519491231002X"
RULE = "city-personal/traffic.red_light"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving(500, 204) as kept:
        yield kept


@pytest.fixture
def deployment(database, settings):
    settings = settings.model_copy(update={"webhook_http_hosts": "127.0.0.1"})
    deployment = open_deployment(database, settings)
    deployment.catalogs.load(scenario_files("basic")["catalogs"])
    yield deployment
    deployment.close()


@pytest.fixture
def http(deployment) -> Iterator[TestClient]:
    with TestClient(create_app(deployment)) as client:
        yield client


@pytest.fixture
def tokens(deployment) -> dict[str, dict[str, str]]:
    made = {
        "source": deployment.tokens.create("source", SOURCE, ("city-personal/traffic.*",))[1],
        "other-source": deployment.tokens.create("source", "other-source", ("city-personal/traffic.*",))[1],
        "officer": deployment.tokens.create("officer", "officer-li")[1],
    }
    return {name: {"Authorization": f"Bearer {secret}"} for name, secret in made.items()}


@pytest.fixture
def sender() -> Iterator[HttpSender]:
    sending = HttpSender(timeout=5)
    yield sending
    sending.close()


def _record_and_dispute(deployment, record_id: str = "wh-1") -> None:
    today = dt.date.today().isoformat()
    deployment.intake.import_lines(
        [
            json.dumps(e)
            for e in (
                {
                    "type": "record",
                    "id": record_id,
                    "subject": SUBJECT,
                    "rule": RULE,
                    "occurred_on": today,
                    "decided_on": today,
                    "source": SOURCE,
                    "reference": "TP-1",
                },
                {"type": "dispute_filed", "id": f"{record_id}-d1", "record": record_id, "on": today, "grounds": "G"},
            )
        ]
    )


def _register(http, tokens, url: str, who: str = "source", **extra) -> dict:
    answer = http.post("/v1/webhooks", json={"url": url, **extra}, headers=tokens[who])
    assert answer.status_code == 201, answer.text
    return answer.json()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def test_a_dispute_on_a_sources_record_is_delivered_signed_and_retried_after_a_refusal(
    deployment, http, tokens, receiver, sender
):
    endpoint = _register(http, tokens, receiver.url)
    _record_and_dispute(deployment)
    # The shortest wait the jitter allows (4.5 s), from a whole second: a retry is not
    # made at 4.6 s (a time kept to the second, rounded down, would make it then).
    start = _now().replace(microsecond=0)
    shortest = lambda: 0.0  # noqa: E731 - the draw of the jitter

    first = deployment.webhooks.deliver(sender, now=start, draw=shortest)
    too_early = deployment.webhooks.deliver(sender, now=start + dt.timedelta(seconds=4.6), draw=shortest)
    second = deployment.webhooks.deliver(sender, now=start + dt.timedelta(seconds=6), draw=shortest)

    assert (first.failed, too_early.failed + too_early.delivered, second.delivered) == (1, 0, 1)
    refused, taken = receiver.got
    verifier = Webhook(endpoint["secret"])
    for got in (refused, taken):
        message = verifier.verify(got.body, got.headers)
        assert message["type"] == "record.dispute_filed"
    assert taken.headers["webhook-id"] == refused.headers["webhook-id"]
    assert int(taken.headers["webhook-timestamp"]) == int(refused.headers["webhook-timestamp"]) + 6
    assert taken.body == refused.body
    data = json.loads(taken.body)["data"]
    assert (data["record"], data["rule"], data["event"], data["reference"]) == ("wh-1", RULE, "wh-1-d1", "TP-1")
    # Neither the subject nor what it wrote leaves in a webhook.
    assert SUBJECT.split(":")[1] not in taken.body.decode() and "grounds" not in data


def test_a_tampered_body_fails_verification(deployment, http, tokens, receiver, sender):
    receiver.answers[:] = [204]
    endpoint = _register(http, tokens, receiver.url)
    _record_and_dispute(deployment)
    deployment.webhooks.deliver(sender)

    (got,) = receiver.got
    tampered = got.body.replace(b"wh-1", b"wh-2")
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint["secret"]).verify(tampered, got.headers)


def test_every_attempt_is_visible_to_the_owner_and_to_no_one_else(deployment, http, tokens, receiver, sender):
    endpoint = _register(http, tokens, receiver.url)
    _record_and_dispute(deployment)
    start = _now()
    # 7 s: past the longest first wait (5.5 s), kept to the second.
    deployment.webhooks.deliver(sender, now=start)
    deployment.webhooks.deliver(sender, now=start + dt.timedelta(seconds=7))

    own = http.get(f"/v1/webhooks/{endpoint['id']}/attempts", headers=tokens["source"])
    theirs = http.get(f"/v1/webhooks/{endpoint['id']}/attempts", headers=tokens["other-source"])
    officer = http.get(f"/v1/webhooks/{endpoint['id']}/attempts", headers=tokens["officer"])

    assert own.status_code == 200
    delivered, failed = own.json()
    assert (failed["attempt"], failed["status"], failed["outcome"]) == (1, 500, "failed")
    assert failed["next_attempt_at"] is not None and failed["error"] == "the receiver answered HTTP 500"
    assert (delivered["attempt"], delivered["status"], delivered["outcome"]) == (2, 204, "delivered")
    assert delivered["message"] == failed["message"] == receiver.got[0].headers["webhook-id"]
    assert theirs.status_code == 404 and theirs.headers["content-type"] == "application/problem+json"
    assert officer.status_code == 403
    assert http.get("/v1/webhooks", headers=tokens["other-source"]).json() == []


def test_only_the_owners_sources_records_reach_its_endpoint(deployment, http, tokens, receiver, sender):
    receiver.answers[:] = [204]
    _register(http, tokens, receiver.url, who="other-source")
    _record_and_dispute(deployment)

    assert deployment.webhooks.deliver(sender).delivered == 0
    assert receiver.got == []


def test_during_the_grace_period_both_the_new_and_the_old_secret_verify(deployment, http, tokens, receiver, sender):
    receiver.answers[:] = [204]
    endpoint = _register(http, tokens, receiver.url)
    rotated = http.post(f"/v1/webhooks/{endpoint['id']}/rotate", headers=tokens["source"])
    assert rotated.status_code == 200
    _record_and_dispute(deployment)
    deployment.webhooks.deliver(sender)

    (got,) = receiver.got
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    for secret in (endpoint["secret"], rotated.json()["secret"]):
        Webhook(secret).verify(got.body, got.headers)
    listed = http.get("/v1/webhooks", headers=tokens["source"]).json()
    assert listed[0]["secret_rotated_at"] is not None and "secret" not in listed[0]


def test_after_the_grace_period_only_the_new_secret_signs(deployment, http, tokens, receiver, sender):
    receiver.answers[:] = [204]
    endpoint = _register(http, tokens, receiver.url)
    rotated = http.post(f"/v1/webhooks/{endpoint['id']}/rotate", headers=tokens["source"]).json()
    _record_and_dispute(deployment)
    later = _now() + spec.ROTATION_GRACE + dt.timedelta(minutes=1)
    deployment.webhooks.deliver(sender, now=later)

    (got,) = receiver.got
    timestamp = int(got.headers["webhook-timestamp"])
    key = Webhook(rotated["secret"])._whsecret
    assert got.headers["webhook-signature"] == spec.signature(key, got.headers["webhook-id"], timestamp, got.body)
    assert Webhook(endpoint["secret"]).sign(
        got.headers["webhook-id"], dt.datetime.fromtimestamp(timestamp, dt.UTC), got.body.decode()
    ) not in got.headers["webhook-signature"].split(" ")


def test_a_message_is_given_up_after_the_last_retry(deployment, http, tokens, receiver, sender):
    receiver.answers[:] = [503]
    endpoint = _register(http, tokens, receiver.url)
    _record_and_dispute(deployment)
    moment = _now()
    for _ in range(spec.MAX_ATTEMPTS + 1):
        deployment.webhooks.deliver(sender, now=moment, draw=lambda: 0.99)
        moment += dt.timedelta(hours=12)

    attempts = http.get(f"/v1/webhooks/{endpoint['id']}/attempts", headers=tokens["source"]).json()
    assert len(receiver.got) == spec.MAX_ATTEMPTS == len(attempts)
    assert attempts[0]["outcome"] == "given_up" and attempts[0]["next_attempt_at"] is None
    assert {a["outcome"] for a in attempts[1:]} == {"failed"}


def test_a_disabled_endpoint_gets_nothing_more(deployment, http, tokens, receiver, sender):
    receiver.answers[:] = [204]
    endpoint = _register(http, tokens, receiver.url)
    disabled = http.delete(f"/v1/webhooks/{endpoint['id']}", headers=tokens["source"])
    _record_and_dispute(deployment)

    assert disabled.status_code == 200 and disabled.json()["disabled_at"] is not None
    assert deployment.webhooks.deliver(sender).delivered == 0
    assert http.post(f"/v1/webhooks/{endpoint['id']}/rotate", headers=tokens["source"]).status_code == 409
    assert http.delete(f"/v1/webhooks/{endpoint['id']}", headers=tokens["other-source"]).status_code == 404


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://receiver.example/hooks", "https"),
        ("https://user:pw@receiver.example/hooks", "credentials"),
        ("https://10.0.0.7/hooks", "private"),
        ("ftp://receiver.example/hooks", "https"),
    ],
)
def test_a_receiver_address_that_is_not_allowed_is_refused_and_nothing_is_written(http, tokens, url, why):
    answer = http.post("/v1/webhooks", json={"url": url}, headers=tokens["source"])

    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "url" and why in answer.json()["detail"]
    assert http.get("/v1/webhooks", headers=tokens["source"]).json() == []


def test_an_event_type_the_role_does_not_receive_is_refused(http, tokens, receiver):
    answer = http.post(
        "/v1/webhooks", json={"url": receiver.url, "types": ["list.bundle_published"]}, headers=tokens["source"]
    )

    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "types"


def test_webhook_rows_are_append_only(deployment, http, tokens, receiver):
    _register(http, tokens, receiver.url)
    with pytest.raises(DBAPIError, match="append-only"), deployment.store.engine.begin() as connection:
        connection.execute(text("DELETE FROM webhook_endpoints"))


def test_the_secret_is_sealed_at_rest(deployment, http, tokens, receiver):
    endpoint = _register(http, tokens, receiver.url)
    key = Webhook(endpoint["secret"])._whsecret
    with deployment.store.engine.connect() as connection:
        stored = connection.execute(text("SELECT sealed_secret FROM webhook_endpoint_changes")).scalar_one()

    assert key not in bytes(stored)


def test_a_decision_after_the_dispute_was_delivered_is_sent_too(deployment, http, tokens, receiver, sender):
    receiver.answers[:] = [204]
    endpoint = _register(http, tokens, receiver.url)
    _record_and_dispute(deployment)
    deployment.webhooks.deliver(sender)
    decision = {"type": "dispute_resolved", "id": "wh-1-x1", "record": "wh-1", "on": dt.date.today().isoformat()}
    deployment.intake.import_lines([json.dumps({**decision, "outcome": "annulled", "reasons": "R"})])
    deployment.webhooks.deliver(sender)

    filed, decided = (Webhook(endpoint["secret"]).verify(got.body, got.headers) for got in receiver.got)
    assert (filed["type"], decided["type"]) == ("record.dispute_filed", "record.dispute_decided")
    assert (decided["data"]["outcome"], decided["data"]["event"]) == ("annulled", "wh-1-x1")
    assert "reasons" not in decided["data"]


def test_a_disabled_endpoints_messages_hold_back_no_other_endpoints(deployment, http, tokens, receiver, sender):
    receiver.answers[:] = [204]
    first = _register(http, tokens, receiver.url)
    _record_and_dispute(deployment, "wh-1")  # a message to the first endpoint, never sent
    http.delete(f"/v1/webhooks/{first['id']}", headers=tokens["source"])
    deployment.webhooks.deliver(sender)
    second = _register(http, tokens, receiver.url)
    _record_and_dispute(deployment, "wh-2")
    deployment.webhooks.deliver(sender)

    (got,) = receiver.got
    assert Webhook(second["secret"]).verify(got.body, got.headers)["data"]["record"] == "wh-2"


def test_an_endpoint_that_fails_is_tried_once_a_round_and_its_other_messages_wait(
    deployment, http, tokens, receiver, sender
):
    receiver.answers[:] = [500, 204]
    _register(http, tokens, receiver.url)
    _record_and_dispute(deployment, "wh-1")
    _record_and_dispute(deployment, "wh-2")
    start = _now()

    first = deployment.webhooks.deliver(sender, now=start)
    second = deployment.webhooks.deliver(sender, now=start + dt.timedelta(seconds=1))
    third = deployment.webhooks.deliver(sender, now=start + dt.timedelta(seconds=7))

    assert (first.failed, first.deferred) == (1, 1)
    assert (second.delivered, second.failed) == (1, 0)  # wh-2's first attempt
    assert third.delivered == 1  # wh-1's retry
    records = [json.loads(got.body)["data"]["record"] for got in receiver.got]
    assert records == ["wh-1", "wh-2", "wh-1"]


def test_an_owner_has_at_most_ten_enabled_endpoints(http, tokens, receiver):
    made = [_register(http, tokens, receiver.url) for _ in range(spec.MAX_ENDPOINTS)]
    refused = http.post("/v1/webhooks", json={"url": receiver.url}, headers=tokens["source"])
    http.delete(f"/v1/webhooks/{made[0]['id']}", headers=tokens["source"])
    again = http.post("/v1/webhooks", json={"url": receiver.url}, headers=tokens["source"])

    assert refused.status_code == 409 and refused.json()["type"].endswith("/too-many-endpoints")
    assert again.status_code == 201
    assert len(http.get("/v1/webhooks", headers=tokens["source"]).json()) == spec.MAX_ENDPOINTS + 1
