"""Issue 4: nothing of due process is lost when the server is stopped and started again,
and the running server itself lets time pass: its background rounds write the notices
that time brings and deliver email."""

from __future__ import annotations

import time

import pytest

from tests.due_process.conftest import (
    RESTART,
    Api,
    copy_database,
    day,
    opened,
    start_server,
)
from tests.due_process.test_email import smtp_env, smtp_server
from tests.support.ports import free_port

pytestmark = pytest.mark.e2e

ADDRESS = "restart@example.org"


def _state(api: Api) -> dict:
    return {
        "inbox": api.inbox("restart"),
        "disputes": [d for d in api.ok("officer", "GET", "/v1/disputes") if d["subject"] == RESTART],
        "reviews": [r for r in api.ok("officer", "GET", "/v1/reviews") if r["subject"] == RESTART],
        "sources": api.ok("traffic-police", "GET", "/v1/source/notices"),
        "ledger": api.ledger_events(),
        "counted": sorted(api.counted("restart", RESTART, day(20))),
    }


def test_disputes_reviews_and_notices_survive_a_restart_of_the_server(template, tmp_path):
    db = copy_database(template.db, tmp_path)
    first = start_server(db, tmp_path, process=True)
    api = Api(first.url, template.tokens)
    try:
        api.ok("restart", "POST", "/v1/me/disputes", 201, json={"record": "restart-ticket", "grounds": "wrong plate"})
        assert api.check(RESTART)["decision"] == "deny"
        denial = next(n for n in api.inbox("restart") if n["kind"] == "adverse_action")
        api.ok("restart", "POST", "/v1/me/reviews", 201, json={"notice": denial["id"], "grounds": "paid"})
        before = _state(api)
    finally:
        api.close()
        first.stop()
    assert first.process.returncode is not None

    second = start_server(db, tmp_path, process=True)
    api = Api(second.url, template.tokens)
    try:
        after = _state(api)
        verified = api.ok("auditor", "GET", "/v1/ledger/verify")
    finally:
        api.close()
        second.stop()

    assert after == before
    assert {n["kind"] for n in after["inbox"]} >= {"record", "dispute_filed", "adverse_action"}
    assert [d["record"] for d in after["disputes"]] == ["restart-ticket"]
    assert len(after["reviews"]) == 1 and after["reviews"][0]["notice"] == denial["id"]
    assert "restart-ticket" not in after["counted"]  # still suspended by its open dispute
    assert verified["intact"] is True


def test_the_running_server_writes_due_notices_and_emails_them_in_its_background_rounds(template, tmp_path):
    db = copy_database(template.db, tmp_path)
    with opened(db) as d:
        d.intake.submit(
            [
                {
                    "type": "subject",
                    "subject": RESTART,
                    "jurisdiction": "CN-SD-RC",
                    "name": "Test Restart",
                    "email": ADDRESS,
                }
            ]
        )
    port = free_port()
    controller, collector = smtp_server(port)
    running = start_server(db, tmp_path, XINYONG_NOTICE_INTERVAL="0.5", **smtp_env(port))
    api = Api(running.url, template.tokens)
    try:
        # Two record notices, and two that time brought: in effect, and on the list; and
        # the notices of the registration and of the address set.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(collector.messages) < 6:
            time.sleep(0.1)
        inbox = api.inbox("restart")
        # Email goes out in Chinese: the inbox as a reader of Chinese asks for it.
        chinese = api.ok("restart", "GET", "/v1/me/notices", headers={"Accept-Language": "zh-CN"})
    finally:
        api.close()
        running.stop()
        controller.stop()

    kinds = sorted(n["kind"] for n in inbox)
    # restart-default has been in effect, and on the list, for 190 days.
    assert kinds == ["contact_changed", "list_entry_started", "record", "record", "record_effective", "subject_facts"]
    assert all(rcpt == [ADDRESS] for rcpt, _ in collector.messages)
    # (a long Subject is folded after "Subject:", which leaves a leading space once parsed)
    assert sorted(m["Subject"].strip() for _, m in collector.messages) == sorted(n["title"] for n in chinese)
