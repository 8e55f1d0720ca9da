"""Read and unread notices in the portal: new notices are marked and counted, one or all
can be marked read, and the mark stays (issue 12, item 2). In Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.web.conftest import World, screenshot, sign_in

pytestmark = pytest.mark.e2e


def test_a_resident_sees_new_notices_counted_and_marks_one_then_all_read(new_context, world: World):
    resident = world.resident_record().subject
    notices = world.deployment.reports.inbox(resident)
    assert len(notices) >= 2 and all(n.read_at is None for n in notices)
    page = new_context(locale="zh-CN").new_page()
    sign_in(page, "portal", world.subject_token(resident))
    heading = page.locator("#inbox-heading")
    expect(heading).to_contain_text(f"{len(notices)} 条未读")
    unread = page.locator("#inbox li.notice-item.unread")
    expect(unread).to_have_count(len(notices))  # the first ten open, the older ones folded
    screenshot(page, "inbox-unread-zh-CN")

    first = page.locator("#inbox li.notice-item.unread").first
    notice_id = first.get_attribute("data-notice")
    first.locator("button.link-button").click()
    page.wait_for_load_state()
    marked = page.locator(f"#inbox li.notice-item[data-notice='{notice_id}']")
    expect(marked).not_to_have_class(re.compile(r"\bunread\b"))
    expect(heading).to_contain_text(f"{len(notices) - 1} 条未读")
    read = {n.id: n.read_at for n in world.deployment.reports.inbox(resident)}
    assert read[notice_id] is not None and sum(at is None for at in read.values()) == len(notices) - 1

    page.click("#inbox form[action='/portal/notices/read']:not(:has(input[name=notice])) button")
    page.wait_for_load_state()
    expect(page.locator("#inbox li.notice-item.unread")).to_have_count(0)
    expect(heading.locator(".badge-unread")).to_have_count(0)
    assert all(n.read_at is not None for n in world.deployment.reports.inbox(resident))


def test_marking_read_without_the_forms_token_changes_nothing(new_context, world: World):
    resident = world.resident_record().subject
    context = new_context()
    page = context.new_page()
    sign_in(page, "portal", world.subject_token(resident))
    answer = context.request.post("/portal/notices/read", form={"csrf": "forged"})
    assert answer.status == 403
    assert all(n.read_at is None for n in world.deployment.reports.inbox(resident))
