"""The resident portal in a real browser: signing in, reading the score and its chart,
disputing a record, applying for repair too early, exporting, and the guards around it
(session cookie, roles, CSRF)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.web.conftest import SCORING, World, screenshot, sign_in
from xinyong.domain.standing import earliest_repair, rule_in_force

pytestmark = pytest.mark.e2e


def test_a_resident_reads_the_score_and_chart_files_a_dispute_and_sees_it_in_the_inbox(page, world: World):
    file = world.disputable_penalty()
    resident = file.subject
    sign_in(page, "portal", world.subject_token(resident))

    card = page.locator(f"article[data-catalog='{SCORING}']")
    expect(card.locator(".score-value")).to_have_text(str(world.score(resident)))
    # The chart is drawn on the server: a line for the past and one for the way ahead.
    chart = card.locator("svg.score-chart")
    expect(chart).to_be_visible()
    assert chart.locator("path.line.past").count() == 1
    assert chart.locator("rect.band").count() >= 2  # the grades, shaded
    grade = card.locator(".grade-value").inner_text()
    assert grade in (chart.locator("text.band-label").all_text_contents())
    _, rule = rule_in_force(file.record, world.deployment.catalogs.registry())
    contribution = card.locator(".contributions li", has_text=file.id)
    expect(contribution).to_contain_text(f"{rule.points:+d}")
    expect(contribution).to_contain_text(rule.legal_basis)
    screenshot(page, "portal")

    page.select_option("#dispute-record", file.id)
    page.fill("#dispute-grounds", "I was not driving that day; the car was in the garage for repair.")
    page.click("#dispute-form button[type=submit]")
    expect(page.locator("#done")).to_be_visible()
    expect(page.locator("#inbox .notice-item[data-kind='dispute_filed']", has_text=file.id)).to_be_visible()
    expect(page.locator("#cases .case-dispute", has_text=file.id)).to_contain_text("open")
    # The dispute is in the ledger, with its grounds.
    queue = world.deployment.due_process.disputes(world.today, "open")
    assert any(v.record == file.id and v.grounds.startswith("I was not driving") for v in queue)


def test_the_session_cookie_is_http_only_and_same_site_lax(new_context, world: World):
    context = new_context()
    page = context.new_page()
    resident = world.resident_record().subject
    sign_in(page, "portal", world.subject_token(resident))
    cookie = next(c for c in context.cookies() if c["name"] == "xy_portal")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/portal"
    assert not cookie["secure"]  # served over http here; over https the cookie is Secure
    assert page.evaluate("document.cookie").find("xy_portal") == -1


def test_a_repair_applied_for_too_early_shows_the_first_day_next_to_the_record(page, world: World):
    registry = world.deployment.catalogs.registry()
    today = world.today

    def early(file, line) -> bool:
        first = earliest_repair(file, registry)
        return (
            file.subject.kind == "person"
            and first is not None
            and first > today
            and line.ends_on > today
            and not line.annulled
        )

    file = world.take(early)
    first = earliest_repair(file, registry)
    sign_in(page, "portal", world.subject_token(file.subject))
    option = page.locator(f"#repair-record option[value='{file.id}']")
    expect(option).to_contain_text(first.isoformat())
    page.select_option("#repair-record", file.id)
    page.fill("#repair-proof", "Receipt of payment no. 2026-118")
    page.fill("#repair-commitment", "I commit to meeting my obligations on time.")
    page.click("#repair-form button[type=submit]")
    error = page.locator("#repair-record-error")
    expect(error).to_contain_text(first.isoformat())
    expect(page.locator("#repair-record")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#repair-record")).to_be_focused()
    # What was typed is kept, and nothing was applied for.
    expect(page.locator("#repair-proof")).to_have_value("Receipt of payment no. 2026-118")
    assert not any(v.record == file.id for v in world.deployment.due_process.repairs(today, "all"))


def test_a_dispute_without_grounds_is_refused_next_to_the_field(page, world: World):
    file = world.resident_record()
    sign_in(page, "portal", world.subject_token(file.subject))
    page.select_option("#dispute-record", file.id)
    page.click("#dispute-form button[type=submit]")
    expect(page.locator("#dispute-grounds-error")).to_be_visible()
    expect(page.locator("#dispute-record")).to_have_value(file.id)
    assert not any(v.record == file.id for v in world.deployment.due_process.disputes(world.today, "all"))


def test_a_resident_sets_the_email_address_for_notices_and_is_told(page, world: World):
    from xinyong.services.delivery import contact_address

    resident = world.take(lambda file, line: file.subject.kind == "person").subject
    sign_in(page, "portal", world.subject_token(resident))
    expect(page.locator("#contact .contact-current")).to_be_visible()

    page.fill("#contact-email", "not an address")
    page.click("#contact-form button[type=submit]")
    expect(page.locator("#contact-email-error")).to_be_visible()
    expect(page.locator("#contact-email")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#contact-email")).to_have_value("not an address")
    assert contact_address(world.deployment.units, resident) is None

    page.fill("#contact-email", "resident.portal@example.org")
    page.click("#contact-form button[type=submit]")
    expect(page.locator("#done")).to_be_visible()
    expect(page.locator("#contact .contact-current")).to_contain_text("resident.portal@example.org")
    expect(page.locator("#inbox .notice-item[data-kind='contact_changed']")).to_contain_text("r***@example.org")
    assert contact_address(world.deployment.units, resident) == "resident.portal@example.org"


def test_the_export_is_one_click_and_holds_the_whole_file(page, world: World):
    resident = world.resident_record().subject
    sign_in(page, "portal", world.subject_token(resident))
    with page.expect_download() as download:
        page.click("a[href='/portal/export']")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert str(resident) in text
    assert "Who looked at this file" in text and "Standing" in text
    assert "export of its file" in text  # this very export is in the access log


def test_the_access_log_shows_who_looked_and_why(page, world: World):
    resident = world.resident_record().subject
    officer = world.deployment.tokens.reader(world.token("officer"))
    world.deployment.reports.report(resident, world.today, officer, "checking a loan application, case 7")
    sign_in(page, "portal", world.subject_token(resident))
    row = page.locator("#access tbody tr", has_text="checking a loan application, case 7")
    expect(row).to_contain_text("Officer Wang (demo)")
    expect(row).to_contain_text("officer")


def test_an_officer_token_does_not_open_the_portal(page, world: World):
    sign_in(page, "portal", world.token("officer"))
    expect(page.locator("#token-error")).to_contain_text("not a resident's token")
    expect(page.locator("#token")).to_have_attribute("aria-invalid", "true")


def test_a_form_without_its_csrf_token_changes_nothing(new_context, world: World):
    context = new_context()
    page = context.new_page()
    file = world.resident_record()
    sign_in(page, "portal", world.subject_token(file.subject))
    answer = context.request.post("/portal/disputes", form={"record": file.id, "grounds": "forged"})
    assert answer.status == 403
    answer = context.request.post("/portal/disputes", form={"record": file.id, "grounds": "forged", "csrf": "0" * 64})
    assert answer.status == 403
    assert not any(v.record == file.id for v in world.deployment.due_process.disputes(world.today, "all"))


def test_the_portal_reads_without_javascript_and_signing_out_ends_the_session(new_context, world: World):
    page = new_context(javascript=False).new_page()
    resident = world.resident_record().subject
    sign_in(page, "portal", world.subject_token(resident))
    expect(page.locator(f"article[data-catalog='{SCORING}'] .score-value")).to_have_text(str(world.score(resident)))
    expect(page.locator("svg.score-chart")).to_be_visible()
    page.click("form[action='/portal/sign-out'] button")
    expect(page).to_have_url(re.compile("/portal$"))
    expect(page.locator("#token")).to_be_visible()
    page.goto("/portal/export")
    expect(page.locator("#token")).to_be_visible()
