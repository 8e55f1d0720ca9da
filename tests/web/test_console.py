"""The officer console in a real browser: the queues and their decision forms, the
subject look-up that asks for a purpose and logs it, the catalog viewer and its diff,
and the overview."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.web.conftest import SCORING, World, screenshot, sign_in
from xinyong.domain.standing import rule_in_force

pytestmark = pytest.mark.e2e


def test_an_officer_annuls_a_dispute_and_the_residents_score_changes(new_context, world: World):
    file = world.disputable_penalty()
    resident = file.subject
    world.deployment.due_process.file_dispute(
        resident, file.id, "The decision was addressed to someone else.", world.today
    )
    _, rule = rule_in_force(file.record, world.deployment.catalogs.registry())
    before = world.score(resident)

    home = new_context().new_page()
    sign_in(home, "portal", world.subject_token(resident))
    score = home.locator(f"article[data-catalog='{SCORING}'] .score-value")
    expect(score).to_have_text(str(before))

    console = new_context().new_page()
    sign_in(console, "console", world.token("officer"))
    item = console.locator(f"li.queue-item[data-record='{file.id}']")
    expect(item).to_contain_text("The decision was addressed to someone else.")
    screenshot(console, "console")
    item.locator("input[value='annulled']").check()
    item.locator("textarea[name='reasons']").fill("The source could not produce the decision behind the record.")
    item.locator("button[type=submit]").click()
    console.click("#confirm-decision")
    expect(console.locator("#done")).to_be_visible()
    expect(console.locator(f"li.queue-item[data-record='{file.id}']")).to_have_count(0)

    home.reload()
    expect(score).to_have_text(str(before - rule.points))
    assert world.score(resident) == before - rule.points
    expect(home.locator("#inbox .notice-item[data-kind='dispute_decided']", has_text=file.id)).to_be_visible()


def test_a_decision_without_reasons_is_refused_next_to_the_field(page, world: World):
    sign_in(page, "console", world.token("officer"))
    item = page.locator("li.queue-item").first
    item_id = item.get_attribute("id")
    item.locator("input[value='upheld']").check()
    item.locator("button[type=submit]").click()
    reasons = page.locator(f"#{item_id} textarea[name='reasons']")
    expect(page.locator(f"#{item_id}-reasons-error")).to_be_visible()
    expect(reasons).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#{item_id}-upheld")).to_be_checked()


def test_the_dispute_queue_is_ordered_by_deadline_with_overdue_ones_marked(page, world: World):
    sign_in(page, "console", world.token("officer"))
    queue = world.deployment.due_process.disputes(world.today, "open")
    items = page.locator("#disputes li.queue-item")
    expect(items).to_have_count(len(queue))
    assert [items.nth(i).get_attribute("data-record") for i in range(len(queue))] == [v.record for v in queue]
    overdue = [v for v in queue if v.overdue]
    assert overdue, "the demo has overdue disputes"
    for view in overdue:
        item = page.locator(f"li.queue-item[data-record='{view.record}']")
        expect(item).to_have_class(re.compile("overdue"))
        expect(item.locator(".badge-overdue")).to_be_visible()


def test_looking_up_a_subject_asks_for_a_purpose_and_logs_it(page, world: World):
    resident = world.resident_record().subject
    sign_in(page, "console", world.token("officer"))
    page.fill("#lookup-subject", resident.value)
    page.click("#lookup button[type=submit]")
    expect(page.locator("#lookup-purpose-error")).to_be_visible()
    expect(page.locator("#lookup-subject")).to_have_value(resident.value)
    _, logged = world.deployment.access_log.entries(resident, limit=5)
    assert not any(a.role == "officer" and a.what == "report" for a in logged)

    page.fill("#lookup-purpose", "Complaint 2026-311: checking the arrears record")
    page.click("#lookup button[type=submit]")
    expect(page.locator("h1")).to_contain_text(resident.value)
    expect(page.locator("main")).to_contain_text(str(world.score(resident)))
    _, logged = world.deployment.access_log.entries(resident, limit=1)
    assert (logged[0].reader, logged[0].purpose) == (
        "Officer Wang (demo)",
        "Complaint 2026-311: checking the arrears record",
    )


def test_the_catalog_viewer_shows_rules_lint_findings_and_a_side_by_side_diff(page, world: World):
    sign_in(page, "console", world.token("officer"))
    page.goto("/console/catalogs")
    page.click(f"a[href='/console/catalogs/{SCORING}']")
    expect(page.locator("#rules-heading")).to_be_visible()
    expect(page.locator("table.data", has_text="traffic.ticket")).to_be_visible()
    expect(page.locator("#lint-heading")).to_be_visible()
    page.click("a[href*='profile=eu']")
    expect(page.locator("nav.tabs a[aria-current='page']", has_text="EU AI Act")).to_be_visible()
    expect(page.locator(".finding-error").first).to_be_visible()  # the grade-based reviews fail under the EU profile

    page.click("form[action$='/diff'] button[type=submit]")
    expect(page).to_have_url(re.compile(f"/console/catalogs/{SCORING}/diff"))
    ticket = page.locator("tr[data-rule='traffic.ticket']")
    expect(ticket).to_contain_text("harsher")
    expect(ticket.locator("td").nth(0)).to_contain_text("-5")
    expect(ticket.locator("td").nth(1)).to_contain_text("-10")
    expect(page.locator("tr[data-rule='volunteer.service_day']")).to_contain_text("milder")
    expect(page.locator("tr[data-rule='court.contract_breach']")).to_contain_text("unchanged")
    screenshot(page, "catalog-diff")


def test_the_overview_shows_grades_lists_disputes_and_overdue_counts(page, world: World):
    sign_in(page, "console", world.token("officer"))
    page.goto("/console/overview")
    queue = world.deployment.due_process.disputes(world.today, "open")
    expect(page.locator("#open-disputes")).to_have_text(str(len(queue)))
    expect(page.locator("#overdue-disputes")).to_have_text(str(sum(1 for v in queue if v.overdue)))
    grades = page.locator(f"figure.grade-distribution[data-catalog='{SCORING}']")
    expect(grades.locator("svg.bar-chart")).to_be_visible()
    counts = [int(n) for n in grades.locator("tbody td.num").all_text_contents()]
    total = int(re.search(r"(\d+) subjects", grades.locator("figcaption").inner_text()).group(1))
    assert sum(counts) == total > 0
    assert page.locator("svg.line-chart polyline.series").count() >= 4  # one line per list
    assert page.locator("svg.column-chart rect.bar").count() > 0
    screenshot(page, "overview")


def test_a_subject_token_does_not_open_the_console(page, world: World):
    resident = world.resident_record().subject
    sign_in(page, "console", world.subject_token(resident))
    expect(page.locator("#token-error")).to_contain_text("not an officer's token")
    response = page.goto("/console/overview")
    assert response is not None and response.status == 401
