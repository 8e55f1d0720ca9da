"""Issue 4, item 1: each accepted record tells its subject, before it takes effect, what
was recorded, on what legal basis, by whom, when it takes effect and the last day to
dispute it while it does not count yet."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.due_process.conftest import NOTICE_HTTP, RC, TRAFFIC, day, iso

pytestmark = pytest.mark.e2e

TICKET_BASIS = "Rongcheng Municipal Measures on Personal Creditworthiness Scores; Road Traffic Safety Law, art. 90"
TICKET_BASIS_ZH = "《荣成市个人信用积分管理办法》；《中华人民共和国道路交通安全法》第九十条"


def _record_notice(report: dict, record_id: str) -> dict:
    found = [n for n in report["notices"] if n["kind"] == "record" and n["record"] == record_id]
    assert len(found) == 1, report["notices"]
    return found[0]


def test_a_record_imported_with_the_cli_puts_a_notice_with_its_effective_date_and_last_day_to_dispute_in_the_report(
    api,
):
    report = api.ok("notice-cli", "GET", "/v1/me/report")

    notice = _record_notice(report, "n-cli-ticket")
    fields = notice["fields"]
    # traffic.ticket has a 15-day notice window: decided today, in effect in 15 days.
    assert fields["effective_on"] == iso(15)
    assert fields["dispute_before_effect_until"] == iso(14)
    assert fields["legal_basis"] == TICKET_BASIS
    assert fields["source"] == TRAFFIC
    assert fields["reference"] == "REF-N-CLI-TICKET"
    assert fields["points"] == -5
    assert notice["to"] == "subject"
    # The text says the same to a person, and how to dispute.
    for fact in (iso(15), iso(14), TICKET_BASIS, TRAFFIC, "REF-N-CLI-TICKET", "/v1/me/disputes"):
        assert fact in notice["text"]


def test_a_record_posted_by_a_source_puts_a_notice_with_its_effective_date_and_last_day_to_dispute_in_the_report(api):
    posted = api.ok(
        "traffic-police",
        "POST",
        "/v1/events",
        json=[
            {
                "type": "record",
                "id": "n-http-ticket",
                "subject": NOTICE_HTTP,
                "rule": f"{RC}/traffic.ticket",
                "occurred_on": iso(-1),
                "decided_on": iso(0),
                "source": TRAFFIC,
                "reference": "RC-TP-HTTP-1",
            }
        ],
    )
    assert posted["written"] == 1

    notice = _record_notice(api.ok("notice-http", "GET", "/v1/me/report"), "n-http-ticket")

    fields = notice["fields"]
    assert dt.date.fromisoformat(fields["effective_on"]) == day(15)
    assert dt.date.fromisoformat(fields["dispute_before_effect_until"]) == day(15) - dt.timedelta(days=1)
    assert (fields["legal_basis"], fields["source"], fields["reference"]) == (TICKET_BASIS, TRAFFIC, "RC-TP-HTTP-1")


def test_a_record_resent_by_its_source_does_not_notify_twice(api):
    event = {
        "type": "record",
        "id": "n-http-resent",
        "subject": NOTICE_HTTP,
        "rule": f"{RC}/traffic.ticket",
        "occurred_on": iso(-1),
        "decided_on": iso(0),
        "source": TRAFFIC,
        "reference": "RC-TP-HTTP-2",
    }
    api.ok("traffic-police", "POST", "/v1/events", json=[event])
    again = api.ok("traffic-police", "POST", "/v1/events", json=[event])

    assert again["written"] == 0
    notices = [n for n in api.inbox("notice-http") if n["record"] == "n-http-resent"]
    assert [n["kind"] for n in notices] == ["record"]


def test_a_record_that_places_on_a_list_says_so_in_its_notice(api):
    report = api.ok("repair", "GET", "/v1/me/report")

    fields = _record_notice(report, "repair-default")["fields"]

    assert fields["list"] == "judgment-defaulters"
    assert fields["effective_on"] == iso(-365 + 10)
    assert fields["repairable_from"] is not None


def test_a_refused_batch_leaves_no_notice_of_its_good_records(api):
    good = {
        "type": "record",
        "id": "n-http-refused",
        "subject": NOTICE_HTTP,
        "rule": f"{RC}/traffic.ticket",
        "occurred_on": iso(-1),
        "decided_on": iso(0),
        "source": TRAFFIC,
        "reference": "RC-TP-HTTP-3",
    }
    bad = {**good, "id": "n-http-bad", "decided_on": iso(-5)}  # decided before it occurred

    answer = api.post("traffic-police", "/v1/events", json=[good, bad])

    assert answer.status_code == 422, answer.text
    assert not [n for n in api.inbox("notice-http") if n["record"] in ("n-http-refused", "n-http-bad")]


def test_the_inbox_gives_a_notice_by_its_key_and_in_chinese_when_asked(api):
    english = {n["id"]: n for n in api.ok("notice-cli", "GET", "/v1/me/notices")}
    chinese = api.ok("notice-cli", "GET", "/v1/me/notices", headers={"Accept-Language": "zh-CN"})
    notice = next(n for n in chinese if n["kind"] == "record" and n["record"] == "n-cli-ticket")
    same = english[notice["id"]]

    assert (notice["key"], notice["language"], same["language"]) == ("notice.record.new", "zh-CN", "en")
    assert (notice["fields"], notice["lines"]) == (same["fields"], same["lines"])
    assert [line["key"] for line in notice["lines"]][-1] == "notice.how_to_dispute"
    assert notice["title"].startswith("新记录") and "异议" in notice["text"]
    for fact in (iso(15), iso(14), TICKET_BASIS_ZH, TRAFFIC, "REF-N-CLI-TICKET"):
        assert fact in notice["text"]
    # The catalog's texts are quoted in the reader's language; the fields keep its own.
    assert "交通违法罚单" in notice["title"] and TICKET_BASIS not in notice["text"]
    assert TICKET_BASIS in same["text"] and notice["fields"]["legal_basis"] == TICKET_BASIS
