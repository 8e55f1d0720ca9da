"""Issue 4, item 6 of the build list: a subject downloads its whole file (report, notices,
disputes, repairs, access log) as JSON and as a printable HTML page."""

from __future__ import annotations

import html

import pytest

from tests.due_process.conftest import EXPORT, NAMES, RC, TODAY, iso

pytestmark = pytest.mark.e2e

PURPOSE = "verifying a loan application at the counter"


@pytest.fixture(scope="module")
def history(api) -> dict:
    """The subject disputes one record, applies to repair another; an officer reads its
    score with a purpose; a service point checks it."""
    dispute = api.ok(
        "export",
        "POST",
        "/v1/me/disputes",
        201,
        json={"record": "export-breach", "grounds": "the lender never sent a demand"},
    )
    repair = api.ok(
        "export",
        "POST",
        "/v1/me/repairs",
        201,
        json={"record": "export-ticket", "proof": "fine paid on 1 March", "commitment": "I will drive carefully"},
    )
    api.ok("officer", "GET", f"/v1/subjects/{EXPORT}/score", params={"catalog": RC, "purpose": PURPOSE})
    return {"dispute": dispute, "repair": repair}


def test_the_json_export_holds_the_report_notices_disputes_repairs_and_access_log(api, history):
    exported = api.ok("export", "GET", "/v1/me/export")

    assert exported["subject"] == EXPORT and exported["as_of"] == TODAY.isoformat()
    assert exported["name"] == NAMES["export"]
    assert {r["record"] for r in exported["records"]} == {"export-ticket", "export-breach"}
    standing = next(s for s in exported["standings"] if s["catalog"] == RC)
    assert [c["record"] for c in standing["contributions"]] == ["export-ticket"]
    assert {n["kind"] for n in exported["notices"]} >= {"record", "dispute_filed", "repair_applied"}
    assert [(d["id"], d["record"], d["grounds"]) for d in exported["disputes"]] == [
        (history["dispute"]["id"], "export-breach", "the lender never sent a demand")
    ]
    assert [(r["id"], r["record"], r["proof"]) for r in exported["repairs"]] == [
        (history["repair"]["id"], "export-ticket", "fine paid on 1 March")
    ]
    assert "reviews" in exported
    officer_reads = [a for a in exported["access_log"] if a["role"] == "officer"]
    assert [(a["reader"], a["purpose"]) for a in officer_reads] == [("officer-zhou", PURPOSE)]


def test_the_json_export_holds_nothing_of_other_subjects(api, history):
    exported = api.ok("export", "GET", "/v1/me/export")

    assert all(x["subject"] == EXPORT for key in ("disputes", "repairs", "reviews") for x in exported[key])
    assert all(n["to"] == "subject" for n in exported["notices"])


def test_the_export_is_itself_written_to_the_access_log(api, history):
    api.ok("export", "GET", "/v1/me/export")

    exported = api.ok("export", "GET", "/v1/me/export")

    assert any(a["purpose"] == "subject's export of its file" for a in exported["access_log"])


def test_the_printable_export_shows_the_records_notices_disputes_repairs_and_who_looked(api, history):
    answer = api.get("export", "/v1/me/export.html")

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    page = html.unescape(answer.text)
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert "@media print" in page
    assert f"Credit file of {NAMES['export']}" in page
    for shown in (
        "export-ticket",
        "export-breach",
        "A traffic violation ticket",
        "REF-EXPORT-TICKET",
        "Breach of a private lending contract",
    ):
        assert shown in page
    # Disputes and repair applications, each with its day.
    disputes = page.split("<h2>Disputes</h2>")[1].split("<h2>")[0]
    assert "export-breach" in disputes and iso(0) in disputes and iso(30) in disputes
    repairs = page.split("<h2>Repair applications</h2>")[1].split("<h2>")[0]
    assert "export-ticket" in repairs and iso(20) in repairs
    notices = page.split("<h2>Notices</h2>")[1].split("<h2>")[0]
    assert "New record: A traffic violation ticket" in notices
    looked = page.split("<h2>Who looked at this file</h2>")[1]
    assert "officer-zhou" in looked and PURPOSE in looked


def test_the_printable_export_needs_the_subjects_own_token(api):
    assert api.get("officer", "/v1/me/export.html").status_code == 403
    assert api.get(None, "/v1/me/export.html").status_code == 401


def test_the_printable_export_is_in_the_language_asked_for(api, history):
    """Issue 12: the export speaks the reader's language, catalog texts included; English
    words of the page are not left in a Chinese export."""
    answer = api.get("export", "/v1/me/export.html", headers={"Accept-Language": "zh-CN"})
    assert answer.status_code == 200
    page = html.unescape(answer.text)
    assert '<html lang="zh-CN">' in page
    assert f"{NAMES['export']} 的信用档案" in page
    for heading in ("信用状况", "名单记录", "全部记录", "异议", "信用修复申请", "通知", "谁查阅了本档案"):
        assert f"<h2>{heading}</h2>" in page
    disputes = page.split("<h2>异议</h2>")[1].split("<h2>")[0]
    assert "export-breach" in disputes and iso(0) in disputes and iso(30) in disputes
    notices = page.split("<h2>通知</h2>")[1].split("<h2>")[0]
    assert "新记录" in notices
    english_words = ("Credit file of", "Standing", "List entries", "Who looked at this file")
    for english in (*english_words, "A traffic violation ticket"):
        assert english not in page
    # The catalog's own Chinese title of the rule, not its English one.
    assert "交通" in page
