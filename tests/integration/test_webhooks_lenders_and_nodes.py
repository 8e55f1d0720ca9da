"""Integration ring, issue 15: the webhooks of lenders and partner nodes.

A lender that read a subject's opt-in score is told when the subject withdraws the
consent (docs/design.md section 9); a lender that never read it is not, and so never
learns that the subject had consented. A partner node is told when this node publishes
a bundle of one of its lists (section 10); a partner's own pull tells no one. Every
delivery goes over HTTP to a real receiver on loopback and is verified with
``standardwebhooks``, an implementation independent of ours."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from standardwebhooks.webhooks import Webhook

from tests.conftest import scenario_files
from tests.support.webhook_receiver import receiving
from xinyong.adapters.webhook_http import HttpSender
from xinyong.bootstrap import open_deployment
from xinyong.entrypoints.api.app import create_app

pytestmark = pytest.mark.integration

SUBJECT = "rid:11010519491231002X"
SCORECARD = Path(__file__).parents[2] / "catalogs" / "civic-optin.toml"
TODAY = dt.date.today().isoformat()


@pytest.fixture
def deployment(database, settings):
    settings = settings.model_copy(update={"webhook_http_hosts": "127.0.0.1"})
    deployment = open_deployment(database, settings)
    deployment.catalogs.load([*scenario_files("basic")["catalogs"], SCORECARD])
    yield deployment
    deployment.close()


@pytest.fixture
def http(deployment) -> Iterator[TestClient]:
    with TestClient(create_app(deployment)) as client:
        yield client


@pytest.fixture
def sender() -> Iterator[HttpSender]:
    sending = HttpSender(timeout=5)
    yield sending
    sending.close()


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _register(http, headers: dict[str, str], url: str) -> dict:
    answer = http.post("/v1/webhooks", json={"url": url}, headers=headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


def _import(deployment, *events: dict) -> None:
    deployment.intake.import_lines([json.dumps(e) for e in events])


def test_a_lender_that_read_a_score_is_told_of_the_withdrawal_and_no_other_lender_is(deployment, http, sender):
    reading = _bearer(deployment.tokens.create("lender", "bank-a", ("lending",))[1])
    never_read = _bearer(deployment.tokens.create("lender", "bank-b", ("lending",))[1])
    with receiving(204) as told, receiving(204) as not_told:
        endpoint = _register(http, reading, told.url)
        _register(http, never_read, not_told.url)
        _import(
            deployment,
            {
                "type": "consent_given",
                "id": "c-1",
                "subject": SUBJECT,
                "scorecard": "civic-optin",
                "sources": ["water-co"],
                "purposes": ["lending"],
                "on": TODAY,
            },
        )
        read = http.post(
            "/v1/optin/scores",
            json={"subject": SUBJECT, "scorecard": "civic-optin", "purpose": "lending"},
            headers=reading,
        )
        assert read.status_code == 200, read.text
        _import(
            deployment,
            {"type": "consent_withdrawn", "id": "w-1", "subject": SUBJECT, "scorecard": "civic-optin", "on": TODAY},
        )
        report = deployment.webhooks.deliver(sender, now=dt.datetime.now(dt.UTC))

        assert report.delivered == 1
        assert not_told.got == []
        (got,) = told.got
        message = Webhook(endpoint["secret"]).verify(got.body, got.headers)
        assert message["type"] == "consent.withdrawn"
        assert message["data"] == {"subject": SUBJECT, "scorecard": "civic-optin", "on": TODAY, "event": "w-1"}


def test_a_partner_node_is_told_of_a_bundle_published_here_but_not_of_its_own_pull(deployment, http, sender):
    partner = _bearer(deployment.tokens.create("node", "city-b")[1])
    today = dt.date.today()  # the day published, asked and told: one day, even across midnight
    with receiving(204) as told:
        endpoint = _register(http, partner, told.url)
        deployment.federation.publish("judgment-defaulters", today)
        pulled = http.get(
            "/v1/federation/lists/judgment-defaulters", params={"as_of": today.isoformat()}, headers=partner
        )
        assert pulled.status_code == 200, pulled.text
        report = deployment.webhooks.deliver(sender, now=dt.datetime.now(dt.UTC))

        assert report.delivered == 1
        (got,) = told.got
        message = Webhook(endpoint["secret"]).verify(got.body, got.headers)
        assert message["type"] == "list.bundle_published"
        data = message["data"]
        assert (data["list"], data["as_of"], data["entries"]) == ("judgment-defaulters", today.isoformat(), 0)
        assert data["pull"] == f"/v1/federation/lists/judgment-defaulters?as_of={today.isoformat()}"
