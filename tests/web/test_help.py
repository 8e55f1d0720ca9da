"""The help page: what a resident or a firm should know about their file and rights, in
the reader's language, reached from every page (issue 12: help)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.web.conftest import screenshot
from tests.web.test_languages import CHINESE_LATIN_AT_MOST, CJK, latin_share, shown_text

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_help_is_reached_from_every_page_and_speaks_the_readers_language(new_context, world, locale):
    page = new_context(locale=locale).new_page()
    page.goto("/lists")
    page.click("nav.site-nav a[href='/help']")
    expect(page).to_have_url(page.url.split("/help")[0] + "/help")
    sections = page.locator("main section")
    expect(sections).to_have_count(6)
    page.click("nav.toc a[href='#dispute']")
    expect(page.locator("#dispute")).to_be_in_viewport()
    text = shown_text(page, world)
    if locale == "zh-CN":
        assert latin_share(text) <= CHINESE_LATIN_AT_MOST
    else:
        assert not CJK.findall(text)
    screenshot(page, f"help-{locale}")
