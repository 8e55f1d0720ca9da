"""Notices in the portal are rendered from their message keys in the page's language: a
Chinese page says them in Chinese, with no API path and no English words of ours (what
is left in Latin letters is codes, dates and the texts the catalogs and sources wrote)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import World, screenshot, sign_in
from xinyong.domain.identifiers import SubjectRef

pytestmark = pytest.mark.e2e

# Fields whose values are codes, or texts written by a catalog, a source or an officer
# (translating those is the catalogs' business, not the notices').
CONTENT = {
    "record",
    "rule",
    "rule_title",
    "legal_basis",
    "list",
    "list_title",
    "list_ended",
    "source",
    "reference",
    "catalog",
    "measure",
    "action",
    "asked_by",
    "jurisdiction",
    "previous_jurisdiction",
    "name",
    "previous_name",
    "email",
    "previous_email",
    "grade",
    "reasons",
    "case",
    "version",
}


def _content(fields: dict[str, Any]) -> Iterator[str]:
    for name, value in fields.items():
        if name in CONTENT and isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            yield from _content(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    yield from _content(item)


def _richest_inbox(world: World) -> SubjectRef:
    """The resident whose inbox has the most kinds of notice."""
    outbox = world.deployment.outbox
    subjects = {f.subject for f in world.files() if f.subject.kind == "person"}
    return max(sorted(subjects, key=str), key=lambda s: len({n.kind for n in outbox.inbox(s)}))


def test_a_chinese_portal_page_says_every_notice_in_chinese_without_api_paths(new_context, world: World):
    resident = _richest_inbox(world)
    notices = {n.id: n for n in world.deployment.outbox.inbox(resident)}
    assert len({n.kind for n in notices.values()}) >= 3, "the demo gives no resident a varied inbox"
    page = new_context(locale="zh-CN").new_page()
    sign_in(page, "portal", world.subject_token(resident))
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    items = page.locator("#inbox .notice-item")
    assert items.count() == len(notices)
    screenshot(page, "portal-notices-zh-CN")

    for index in range(items.count()):
        item = items.nth(index)
        notice = notices[item.get_attribute("data-notice") or ""]
        title = item.locator(".notice-title").text_content() or ""
        text = item.locator("p").nth(2).text_content() or ""
        said = f"{title} {text}"
        assert "/v1/" not in said and "POST" not in said, said
        assert re.search(r"[\u4e00-\u9fff]{4,}", said), said
        rest = said
        for value in sorted(
            _content({**notice.fields, **{k: v for _, f in notice.lines for k, v in f.items()}}), key=len, reverse=True
        ):
            rest = rest.replace(value, "")
        rest = re.sub(r"\d{4}-\d{2}-\d{2}", "", rest)
        assert not re.search(r"[A-Za-z]", rest), f"{notice.kind}: Latin words of ours in {said!r} (left: {rest!r})"


def test_an_english_portal_page_says_the_same_notices_in_english(new_context, world: World):
    resident = _richest_inbox(world)
    notices = world.deployment.outbox.inbox(resident)
    page = new_context(locale="en-US").new_page()
    sign_in(page, "portal", world.subject_token(resident))
    first = page.locator("#inbox .notice-item").first
    title, text = notices[0].rendered("en")
    expect(first.locator(".notice-title")).to_have_text(title)
    assert not re.search(r"[\u4e00-\u9fff]", text.replace(notices[0].fields.get("name") or "", ""))
    assert "/v1/" not in (first.text_content() or "")
