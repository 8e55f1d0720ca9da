"""The public pages in a real browser: finding a firm and its blacklist entry, list
pages, the language switch, the keyboard, and that no person is ever shown."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.web.conftest import World, screenshot

pytestmark = pytest.mark.e2e


def listed_organisation(world: World) -> dict:
    """An organisation on a published list today, with its list."""
    registry = world.deployment.catalogs.registry()
    for catalog in registry.all():
        for list_id, definition in catalog.lists.items():
            if definition.publish == "none":
                continue
            page = world.deployment.publication.list_entries(list_id, world.today, 1, 500)
            for entry in page.entries:
                if entry.subject.startswith("uscc:") and entry.name:
                    return {
                        "subject": entry.subject,
                        "name": entry.name,
                        "from": entry.start.isoformat(),
                        "list": list_id,
                        "title": page.title,
                    }
    raise LookupError("no organisation is on a published list in the demo")


def test_the_public_finds_a_firm_by_name_and_sees_its_blacklist_entry(page, world: World):
    firm = listed_organisation(world)
    code = firm["subject"].removeprefix("uscc:")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.fill("#q", firm["name"][:4])
    # Results come as one types (htmx), without a page load.
    result = page.locator("#results a", has_text=firm["name"])
    expect(result).to_be_visible()
    screenshot(page, "home")
    result.click()
    expect(page).to_have_url(re.compile(f"/org/{code}$"))
    expect(page.locator("h1")).to_have_text(firm["name"])
    entry = page.locator("tr.listed", has_text=firm["title"])
    expect(entry).to_be_visible()
    expect(entry).to_contain_text(firm["from"])
    record = world.deployment.publication.organisation(code, world.today)
    listed = next(e for e in record.lists if e.list == firm["list"])
    expect(entry).to_contain_text(listed.legal_basis)
    screenshot(page, "organisation")


def test_searching_works_without_javascript(new_context, world: World):
    firm = listed_organisation(world)
    page = new_context(javascript=False).new_page()
    page.goto("/")
    page.fill("#q", firm["name"][:4])
    page.press("#q", "Enter")
    expect(page).to_have_url(re.compile(r"/lookup\?q="))
    expect(page.locator("#results a", has_text=firm["name"])).to_be_visible()


def test_a_list_page_shows_its_published_entries_with_dates(page, world: World):
    firm = listed_organisation(world)
    page.goto(f"/lists/{firm['list']}")
    expect(page.locator("h1")).to_have_text(firm["title"])
    row = page.locator("table.data tbody tr", has_text=firm["name"])
    expect(row).to_contain_text(firm["subject"].removeprefix("uscc:"))
    expect(row).to_contain_text(firm["from"])
    expect(page.locator("dl.facts")).to_contain_text("Blacklist")
    screenshot(page, "list")


def test_public_pages_never_show_a_listed_person(page, world: World):
    found: dict[str, str] = {}

    def listed(file, line) -> bool:
        if file.subject.kind == "person" and line.listed_on(world.today):
            found["list"] = line.placement.list
            return True
        return False

    person = world.take(listed).subject
    name = world.name(person)
    # The whole number, the birth date in it, and the name.
    secrets = [person.value, person.value[6:14]] + ([name] if name else [])
    registry = world.deployment.catalogs.registry()
    visited = [
        "/",
        f"/lists/{found['list']}",
        f"/org/{person.value}",
        f"/org/rid:{person.value}",
        f"/lookup?q={person.value}",
    ]
    visited += [f"/lists/{list_id}" for catalog in registry.all() for list_id in catalog.lists]
    visited += [f"/org/{r.code}" for r in world.deployment.publication.search("有限", limit=5)]
    for path in dict.fromkeys(visited):
        page.goto(path)
        # On the search page the box shows what was typed; the results must show nothing.
        shown = page.locator("#results" if path.startswith("/lookup") else "body").inner_text()
        for secret in secrets:
            assert secret not in shown, f"{path} shows {secret!r}"
            assert secret not in page.title()
    page.goto(f"/lists/{found['list']}")
    expect(page.locator("main")).to_contain_text("not published")


def test_an_unknown_organisation_is_not_found_without_echoing_the_code(page):
    response = page.goto("/org/91350100M000100Y43")
    assert response is not None and response.status == 404
    expect(page.locator("main")).not_to_contain_text("91350100M000100Y43")


def test_the_language_switch_changes_the_page_language(page):
    page.goto("/lists/judgment-defaulters")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.click("a[data-lang='zh-CN']")
    expect(page).to_have_url(re.compile("/lists/judgment-defaulters$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("a.skip-link")).to_have_text("跳到主要内容")
    page.goto("/")
    expect(page.locator("h1")).to_have_text("查询组织机构的信用记录")
    screenshot(page, "home-zh")
    page.click("a[data-lang='en']")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Look up an organisation's credit record")


def test_a_chinese_browser_gets_chinese_pages(new_context):
    page = new_context(locale="zh-CN").new_page()
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("label[for=q]")).to_have_text("组织名称或统一社会信用代码")


def test_the_first_tab_reaches_the_skip_link_and_it_moves_focus_to_the_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.locator("a.skip-link")).to_be_focused()
    expect(page.locator("a.skip-link")).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab goes on into the content: the search box.
    page.keyboard.press("Tab")
    expect(page.locator("#q")).to_be_focused()


def test_the_language_switch_comes_back_to_the_same_search(page, world: World):
    firm = listed_organisation(world)
    page.goto("/")
    page.fill("#q", firm["name"][:4])
    page.press("#q", "Enter")
    expect(page.locator("#results a", has_text=firm["name"])).to_be_visible()
    page.click("a[data-lang='zh-CN']")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("#q")).to_have_value(firm["name"][:4])
    expect(page.locator("#results a", has_text=firm["name"])).to_be_visible()


def test_the_language_switch_never_leaves_the_site(page):
    answer = page.request.get("/lang/en?next=//example.org/", max_redirects=0)
    assert answer.status == 303 and answer.headers["location"] == "/"
