"""A case's timeline in the portal: a dispute the resident files shows the day it was
filed, its grounds and the day the authority must decide by; once decided, the decision
and its reasons (issue 12, item 2). In Chromium, both languages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.web.conftest import World, screenshot, sign_in
from xinyong.domain.access import Reader

pytestmark = pytest.mark.e2e

OFFICER = Reader("Officer Wang (demo)", "officer", "web-test")


@pytest.mark.parametrize("locale", ["zh-CN"])  # one subject: the demo has few disputable penalties
def test_a_filed_dispute_shows_its_timeline_then_its_decision(new_context, world: World, locale):
    file = world.disputable_penalty()
    resident = file.subject
    page = new_context(locale=locale).new_page()
    sign_in(page, "portal", world.subject_token(resident))
    page.select_option("#dispute-record", file.id)
    grounds = "The fine was paid before the decision; receipt no. 2026-0415."
    page.fill("#dispute-grounds", grounds)
    page.click("#dispute-form button[type=submit]")
    expect(page.locator("#done")).to_be_visible()

    cases = world.deployment.due_process.cases_of(resident, world.today)
    (dispute,) = [v for v in cases.disputes if v.record == file.id]
    case = page.locator("#cases .case-dispute", has_text=file.id)
    steps = case.locator("ol.timeline > li")
    expect(steps.first).to_contain_text(world.today.isoformat())
    expect(steps.first).to_contain_text(grounds)
    if dispute.decide_by is not None:
        expect(case.locator("ol.timeline > li.ahead")).to_contain_text(dispute.decide_by.isoformat())
    screenshot(page, f"case-timeline-open-{locale}")

    reasons = "The receipt shows payment before the decision."
    world.deployment.due_process.decide_dispute(dispute.id, "annulled", reasons, OFFICER, world.today)
    page.reload()  # the filing was answered in place (htmx): the page is still /portal
    decided = page.locator("#cases .case-dispute", has_text=file.id).locator("ol.timeline > li").last
    expect(decided).to_contain_text(world.today.isoformat())
    expect(decided).to_contain_text(reasons)
    expect(decided).to_contain_text("annulled" if locale == "en-US" else "已作出决定")
