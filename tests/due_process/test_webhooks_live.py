"""Issue 15, "What it must show": a webhook receiver gets a signed, verifiable delivery
for a dispute on a source's record, and a retry after it first refuses, from the running
server's own background rounds (``xinyong serve``), with no test clock.

The signatures are checked with ``standardwebhooks``, an implementation of the
specification independent of ours."""

from __future__ import annotations

import time

import pytest
from standardwebhooks.webhooks import Webhook

from tests.due_process.conftest import COURT, LATE, Api, copy_database, start_server
from tests.support.webhook_receiver import receiving

pytestmark = pytest.mark.e2e


def _wait_for(condition, seconds: float = 40) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():
        time.sleep(0.1)


def test_a_sources_receiver_gets_a_signed_dispute_and_its_retry_from_the_running_server(template, tmp_path):
    db = copy_database(template.db, tmp_path)
    settings = {
        "XINYONG_NOTICE_INTERVAL": "0.5",
        "XINYONG_WEBHOOK_INTERVAL": "0.5",
        "XINYONG_WEBHOOK_HTTP_HOSTS": "127.0.0.1",
    }
    with receiving(500, 204) as receiver:
        running = start_server(db, tmp_path, process=True, **settings)
        api = Api(running.url, template.tokens)
        try:
            endpoint = api.ok("court", "POST", "/v1/webhooks", 201, json={"url": receiver.url})
            dispute = api.ok("late", "POST", "/v1/me/disputes", 201, json={"record": "late-breach", "grounds": "no"})
            # Refused first, taken on the retry some 5 seconds later.
            _wait_for(lambda: len(receiver.got) >= 2)
            attempts = api.ok("court", "GET", f"/v1/webhooks/{endpoint['id']}/attempts")
            hidden = api.get("traffic-police", f"/v1/webhooks/{endpoint['id']}/attempts")
        finally:
            api.close()
            running.stop()

    refused, taken = receiver.got[:2]
    verifier = Webhook(endpoint["secret"])
    messages = [verifier.verify(got.body, got.headers) for got in (refused, taken)]
    assert messages[0] == messages[1]
    assert messages[0]["type"] == "record.dispute_filed"
    data = messages[0]["data"]
    assert (data["record"], data["source"], data["event"]) == ("late-breach", COURT, dispute["filing_id"])
    assert taken.headers["webhook-id"] == refused.headers["webhook-id"]
    assert int(taken.headers["webhook-timestamp"]) >= int(refused.headers["webhook-timestamp"]) + 4
    assert [(a["attempt"], a["status"], a["outcome"]) for a in attempts] == [(2, 204, "delivered"), (1, 500, "failed")]
    assert hidden.status_code == 404
    # The subject is not named in a source's webhook (nor in its source notices).
    assert LATE.split(":")[1] not in taken.body.decode()
