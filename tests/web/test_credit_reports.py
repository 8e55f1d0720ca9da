"""The PDF credit reports (end-to-end ring, over the browser tests' server): a resident's
own report from the portal and an organisation's public report from its page, read back
with pypdf and held against the standing the service computes for the same day, the
access log, the headers, and what the public may see.

The subjects are filed here, through the deployment, with every case a report must
show: points, a yearly cap reached, a disputed record with its case open, a list entry
with its earliest repair day, an expired record, several sources; and for the firm, a
contact address, dispute grounds and an expired record that its public page does not
publish."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.identifiers import credit_code, resident_number_born
from tests.web.conftest import ROOT, World, sign_in
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.standing import earliest_repair, standing
from xinyong.entrypoints.answers import standing_json
from xinyong.entrypoints.web import i18n
from xinyong.entrypoints.web.credit_reports import duration_words
from xinyong.entrypoints.web.routers.portal import REPORT_PURPOSE

pytestmark = pytest.mark.e2e

REPORTS = ROOT / "test-artifacts" / "reports"
RC, JD, TAX = "rongcheng-personal", "national-judgment-defaulters", "enterprise-tax-credit"
GROUNDS = "PDF-GROUNDS: the return was filed on time, receipt 4471"
CONTACT = "pdf-firm-contact@example.org"


@dataclass(frozen=True)
class Filed:
    resident: SubjectRef
    resident_token: str
    firm: SubjectRef
    firm_expired: str  # a record of the firm that no longer counts: not public


def _record(record_id: str, subject: str, rule: str, decided: dt.date, source: str) -> dict:
    return {
        "type": "record",
        "id": record_id,
        "subject": subject,
        "rule": rule,
        "occurred_on": (decided - dt.timedelta(days=5)).isoformat(),
        "decided_on": decided.isoformat(),
        "source": source,
        "reference": f"REF-{record_id.upper()}",
    }


@pytest.fixture(scope="module")
def filed(world: World) -> Filed:
    d, today = world.deployment, world.today
    recent, long_ago = today - dt.timedelta(days=40), today - dt.timedelta(days=500)
    person = "rid:" + resident_number_born(dt.date(1980, 5, 5), serial=917, area="371082")
    firm = "uscc:" + credit_code("91371082MA3PDF0T7")
    # Sixteen volunteer days on one day of this year: 32 points, over the cap of 30 a year.
    volunteered = max(today - dt.timedelta(days=30), dt.date(today.year, 1, 1))
    volunteer_days = [
        _record(f"pdf-p-vol-{i:02d}", person, f"{RC}/volunteer.service_day", volunteered, "volunteer-office")
        for i in range(16)
    ]
    result = d.intake.submit(
        [
            {"type": "subject", "subject": person, "jurisdiction": "CN-SD-RC", "name": "林报告"},
            _record("pdf-p-ticket", person, f"{RC}/traffic.ticket", recent, "traffic-police"),
            _record("pdf-p-arrears", person, f"{RC}/loan.arrears_cycle", recent, "bank"),
            _record("pdf-p-default", person, f"{JD}/court.judgment_default", recent, "court"),
            _record("pdf-p-old-ticket", person, f"{RC}/traffic.ticket", long_ago, "traffic-police"),
            *volunteer_days,
            {"type": "subject", "subject": firm, "jurisdiction": "CN-SD-RC", "name": "荣成报告测试纺织有限公司"},
            {"type": "contact", "subject": firm, "email": CONTACT, "on": today.isoformat()},
            _record("pdf-f-major", firm, f"{TAX}/tax.major_violation", recent, "tax-bureau"),
            _record("pdf-f-late", firm, f"{TAX}/tax.late_return", recent, "tax-bureau"),
            _record("pdf-f-old", firm, f"{TAX}/tax.declared_unpaid", long_ago, "tax-bureau"),
        ]
    )
    assert result.rejected_count == 0, result.rejected
    resident, organisation = SubjectRef.parse(person), SubjectRef.parse(firm)
    d.due_process.file_dispute(resident, "pdf-p-arrears", "I paid on time; the bank's statement shows it.", today)
    d.due_process.file_dispute(organisation, "pdf-f-late", GROUNDS, today)
    world.taken.update({person, firm})
    return Filed(resident, world.subject_token(resident), organisation, "pdf-f-old")


def text_of(document: bytes) -> str:
    """The PDF's text, whitespace runs made one space."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(document))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def bare(text: str) -> str:
    """``text`` without any whitespace: sentences compared whatever the line breaks."""
    return re.sub(r"\s+", "", text)


def keep(document: bytes, name: str) -> Path:
    """Keep a report for people to look at (CI keeps the folder)."""
    REPORTS.mkdir(parents=True, exist_ok=True)
    path = REPORTS / name
    path.write_bytes(document)
    return path


def portal_report(new_context, filed: Filed, locale: str):
    page = new_context(locale=locale).new_page()
    sign_in(page, "portal", filed.resident_token)
    # The page's language, as the browser asks for it (a request from script sends no Accept-Language).
    return page.request.get("/portal/report.pdf", headers={"Accept-Language": locale})


def the_standings(world: World, subject: SubjectRef) -> list[dict]:
    """The ``score --json`` object of every catalog of the subject's kind, for today."""
    d = world.deployment
    registry = d.catalogs.registry()
    with d.store.reading() as connection:
        files = d.store.files_for_subject(connection, subject)
    answers = []
    for catalog_id in registry.ids():
        version = registry.in_force(catalog_id, world.today)
        if version is not None and version.subject_kind == subject.kind:
            answer = standing(subject, catalog_id, world.today, files, registry, world.jurisdiction(subject))
            answers.append({**standing_json(answer), "title": version.title, "version": version.version})
    return answers


def test_the_residents_report_in_chinese_holds_the_standing_of_the_day_as_the_score_json_gives_it(
    new_context, world: World, filed: Filed
):
    answer = portal_report(new_context, filed, "zh-CN")
    assert answer.status == 200
    document = answer.body()
    keep(document, "resident-zh-CN.pdf")
    text = text_of(document)
    t = i18n.translator("zh-CN")
    for label in ("report.resident.title", "report.summary", "report.sources", "report.dispute", "report.cases"):
        assert t(label) in text, label
    assert "林报告" in text and str(filed.resident) in text

    registry = world.deployment.catalogs.registry()
    with world.deployment.store.reading() as connection:
        files = {f.id: f for f in world.deployment.store.files_for_subject(connection, filed.resident)}
    standings = the_standings(world, filed.resident)
    assert {s["catalog"] for s in standings} >= {RC, JD}
    flags = {"disputed": 0, "capped": 0}
    for s in standings:
        version = registry.version(s["catalog"], s["version"])
        assert version is not None
        title = version.text("title", "zh-CN") or s["title"]  # the catalog's title in the report's language
        heading = f"{title} ({t('portal.version', version=s['version'])})"
        start = text.index(heading)
        section = text[start : text.index(t("report.catalog.lists"), start)]
        if s["catalog"] == RC:
            assert f"{t('portal.score')} {s['score']} · {t('portal.grade')} {s['grade']}" in section
        records = [c["record"] for c in s["contributions"]]
        for i, c in enumerate(s["contributions"]):
            at = section.index(c["record"])
            row = section[at : section.index(records[i + 1], at) if i + 1 < len(records) else len(section)]
            assert c["rule"].split("/")[-1] in row, c  # the rule's name in its catalog, the section's
            assert f"{c['points']:+d}" in row, c
            assert f"{c['effective_on']} – {c['expires_on']}" in row, c
            assert (t("common.disputed") in row) == c["disputed"], c
            cap = registry.in_force(s["catalog"], world.today).rules[c["rule"].split("/")[-1]].cap_per_year
            assert (t("report.capped", cap=cap) in row) == c["capped"], c
            flags["disputed"] += c["disputed"]
            flags["capped"] += c["capped"]
        # The list entries of the catalog, with the earliest day repair can succeed.
        lists_start = text.index(t("report.catalog.lists"), start)
        lists = text[lists_start : lists_start + 800]
        for e in s["lists"]:
            at = lists.index(e["record"])
            row = lists[at : at + 200]
            title = registry.list_definition(e["list"], world.today).title
            assert title.in_language("zh-CN") in lists[:at]
            first = earliest_repair(files[e["record"]], registry)
            assert f"{e['from']} {e['until'] or t('portal.lists.open')} {first}" in row, (e, row)
    assert flags["disputed"] >= 1 and flags["capped"] >= 2  # the cases the subject was filed with
    assert any(s["lists"] for s in standings)

    # Every record with its source, the open dispute, and how to dispute, in the portal's words.
    for record_id, file in files.items():
        assert record_id in text.split(t("report.records"), 1)[1]
        assert file.record.source in text
    cases = text.split(t("report.cases"), 1)[1]
    assert f"{t('cases.dispute')} pdf-p-arrears {world.today}" in cases
    dispute = bare(text.split(t("report.dispute"))[-1])
    assert bare(t("dispute.intro")) in dispute
    assert bare(t("repair.intro")) in dispute
    assert bare(t("dispute.heading")) in dispute and "/portal" in dispute
    deadlines = text.split(t("report.deadlines"))[-1]
    for catalog_id in (RC, JD):
        version = registry.in_force(catalog_id, world.today)
        words = (duration_words(version.dispute_deadline, t), duration_words(version.repair_deadline, t))
        assert f"{version.title.in_language('zh-CN')} {words[0]} {words[1]}" in deadlines, catalog_id


def test_the_residents_report_in_english_is_in_english(new_context, world: World, filed: Filed):
    answer = portal_report(new_context, filed, "en-US")
    assert answer.status == 200
    assert answer.headers["content-language"] == "en"
    document = answer.body()
    keep(document, "resident-en.pdf")
    text = text_of(document)
    t, zh = i18n.translator("en"), i18n.translator("zh-CN")
    for key in ("report.resident.title", "report.summary", "report.sources", "report.dispute", "portal.score"):
        assert t(key) in text, key
        assert zh(key) not in text, key
    assert bare(t("dispute.intro")) in bare(text)
    assert "Page 1 of" in text


def test_the_residents_report_is_a_pdf_download_that_no_cache_keeps(new_context, world: World, filed: Filed):
    answer = portal_report(new_context, filed, "zh-CN")
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"] == f'attachment; filename="credit-report-{world.today}.pdf"'
    assert answer.headers["cache-control"] == "no-store"
    assert answer.body().startswith(b"%PDF-")


def test_reading_the_report_is_written_to_the_access_log_at_the_time_the_report_gives(
    new_context, world: World, filed: Filed
):
    document = portal_report(new_context, filed, "en-US").body()
    with world.deployment.units(read_only=True) as uow:
        _, entries = uow.access_log.entries(filed.resident, limit=20)
    read = next(a for a in entries if a.purpose == REPORT_PURPOSE)
    assert read.what == "report" and read.role == "subject"
    made = dt.datetime.fromisoformat(read.at).astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    assert f"{made} UTC" in text_of(document)


def test_without_a_session_the_report_is_the_sign_in_form(new_context, world: World):
    answer = new_context().request.get("/portal/report.pdf")
    assert answer.status == 401
    assert answer.headers["content-type"].startswith("text/html")


def firm_report(new_context, world: World, filed: Filed, locale: str):
    return new_context(locale=locale).request.get(
        f"/org/{filed.firm.value}/report.pdf", headers={"Accept-Language": locale}
    )


def test_the_firms_public_report_holds_what_its_public_page_shows(new_context, world: World, filed: Filed):
    answer = firm_report(new_context, world, filed, "zh-CN")
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/pdf"
    expected = f'attachment; filename="credit-report-{filed.firm.value}-{world.today}.pdf"'
    assert answer.headers["content-disposition"] == expected
    document = answer.body()
    keep(document, "organisation-zh-CN.pdf")
    text = text_of(document)
    t = i18n.translator("zh-CN")
    page = world.deployment.publication.organisation(filed.firm.value, world.today)
    assert t("report.organisation.title") in text and "荣成报告测试纺织有限公司" in text
    for entry in page.lists:
        assert f"{entry.record} {entry.start} {entry.until or t('common.open_ended')}" in text
    for s in page.standings:
        assert f"{s.version} {s.score} {s.grade}" in text
    for r in page.records:
        assert r.record in text and r.source in text and r.reference in text
        assert f"{r.effective_on} – {r.until}" in text
    assert any(r.disputed for r in page.records) and t("common.disputed") in text
    dispute = bare(text.split(t("report.dispute"))[-1])
    assert bare(t("dispute.intro")) in dispute and "/portal" in dispute


def test_the_firms_public_report_publishes_nothing_its_page_does_not(new_context, world: World, filed: Filed):
    text = text_of(firm_report(new_context, world, filed, "en-US").body())
    t = i18n.translator("en")
    assert t("report.organisation.title") in text
    # Not public: a record that no longer counts, dispute grounds, the firm's contact address.
    assert filed.firm_expired not in text
    assert "PDF-GROUNDS" not in text
    assert CONTACT not in text
    # Nothing about a person: no resident subject, no resident identity number.
    assert "rid:" not in text
    without_code = text.replace(filed.firm.value, "")
    assert not re.search(r"(?<![0-9A-Z])[0-9]{17}[0-9X](?![0-9A-Z])", without_code)


def test_an_unknown_organisation_has_no_report(new_context, world: World):
    answer = new_context().request.get("/org/" + credit_code("91371082MA3PDF0N8") + "/report.pdf")
    assert answer.status == 404


def test_the_portal_and_the_org_page_link_to_their_reports_which_download_as_pdf(
    new_context, world: World, filed: Filed
):
    page = new_context(locale="zh-CN").new_page()
    sign_in(page, "portal", filed.resident_token)
    link = page.locator("#report-pdf")
    expect(link).to_have_attribute("href", "/portal/report.pdf")
    with page.expect_download() as downloading:
        link.click()
    download = downloading.value
    assert download.suggested_filename == f"credit-report-{world.today}.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF-")

    public = new_context(locale="en-US").new_page()
    public.goto(f"/org/{filed.firm.value}")
    link = public.locator("#report-pdf")
    expect(link).to_be_visible()
    with public.expect_download() as downloading:
        link.click()
    download = downloading.value
    assert download.suggested_filename == f"credit-report-{filed.firm.value}-{world.today}.pdf"
    document = Path(download.path()).read_bytes()
    assert "Public credit report" in text_of(document)
