"""The public search in a real browser: the true number of organisations a query finds
and pages through them, search-as-you-type that leaves no history entry per keystroke,
codes typed full-width in lower case, each result's status, and the index of lists; in
English and in Chinese."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.web.conftest import World, screenshot
from tests.web.test_public import listed_organisation
from xinyong.entrypoints.web.routers.public import SEARCH_PER_PAGE

pytestmark = pytest.mark.e2e

QUERY = "有限"  # in nearly every demo firm's name (有限公司)


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def total(world: World, query: str = QUERY) -> int:
    found = world.deployment.publication.lookup(query, world.today, 1, SEARCH_PER_PAGE).total
    assert found > SEARCH_PER_PAGE, "the demo has too few firms for more than one page: grow it in conftest"
    return found


def test_typing_a_query_shows_results_and_the_true_total(page, world: World):
    found = total(world)
    page.goto("/")
    page.type("#q", QUERY, delay=50)
    expect(page.locator("#results-count")).to_have_text(f"Showing 1–{SEARCH_PER_PAGE} of {found} found")
    expect(page.locator("#results tbody tr")).to_have_count(SEARCH_PER_PAGE)
    expect(page.locator("#results nav.pager")).to_contain_text(f"Page 1 of {-(-found // SEARCH_PER_PAGE)}")
    screenshot(page, "search-total")


def test_the_results_page_through_every_match(page, world: World):
    found = total(world)
    pages = -(-found // SEARCH_PER_PAGE)
    page.goto(f"/lookup?q={quote(QUERY)}")
    page.click("#results a[rel=next]")
    expect(page).to_have_url(re.compile(r"[?&]page=2$"))
    second = f"Showing {SEARCH_PER_PAGE + 1}–{min(2 * SEARCH_PER_PAGE, found)} of {found} found"
    expect(page.locator("#results-count")).to_have_text(second)
    page.goto(f"/lookup?q={quote(QUERY)}&page={pages}")
    first = (pages - 1) * SEARCH_PER_PAGE + 1
    expect(page.locator("#results-count")).to_have_text(f"Showing {first}–{found} of {found} found")
    expect(page.locator("#results tbody tr")).to_have_count(found - first + 1)
    expect(page.locator("#results a[rel=next]")).to_have_count(0)
    page.click("#results a[rel=prev]")
    expect(page).to_have_url(re.compile(f"[?&]page={pages - 1}$"))
    # Every firm is on exactly one page: the pages' names are all different.
    seen: list[str] = []
    for number in range(1, pages + 1):
        page.goto(f"/lookup?q={quote(QUERY)}&page={number}")
        seen += page.locator("#results tbody tr td:first-child").all_inner_texts()
    assert len(seen) == len(set(seen)) == found


def test_the_pages_say_how_many_they_show_in_chinese(new_context, world: World):
    found = total(world)
    page = new_context(locale="zh-CN").new_page()
    page.goto(f"/lookup?q={quote(QUERY)}&page=2")
    last = min(2 * SEARCH_PER_PAGE, found)
    expect(page.locator("#results-count")).to_have_text(
        f"共找到 {found} 个组织，显示第 {SEARCH_PER_PAGE + 1}–{last} 个"
    )
    expect(page.locator("#results a[rel=prev]")).to_have_text("上一页")


def test_typing_adds_no_history_entry_and_back_leaves_the_search(page, world: World):
    firm = listed_organisation(world)
    page.goto("/lists")
    page.goto("/")
    before = page.evaluate("history.length")
    # Five keystrokes, each slower than the input's delay: each one asks the server.
    with page.expect_response(lambda r: "/lookup?q=" in r.url and r.request.headers.get("hx-request") == "true"):
        page.type("#q", firm["name"][:5], delay=450)
    expect(page.locator("#results a", has_text=firm["name"])).to_be_visible()
    expect(page).to_have_url(re.compile(r"/lookup\?q="))
    assert page.evaluate("history.length") == before
    page.go_back()
    expect(page).to_have_url(re.compile(r"/lists$"))
    expect(page.locator("h1")).to_have_text("Published lists")


def test_back_from_a_result_comes_back_to_the_search_and_its_results(page, world: World):
    firm = listed_organisation(world)
    page.goto("/")
    page.type("#q", firm["name"][:4], delay=50)
    result = page.locator("#results a", has_text=firm["name"])
    result.click()
    expect(page).to_have_url(re.compile(r"/org/"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"/lookup\?q="))
    expect(page.locator("#q")).to_have_value(firm["name"][:4])
    expect(page.locator("#results a", has_text=firm["name"])).to_be_visible()


def test_a_page_loaded_with_a_query_shows_its_results_without_javascript(new_context, world: World):
    found = total(world)
    page = new_context(javascript=False).new_page()
    page.goto(f"/lookup?q={quote(QUERY)}&page=2")
    expect(page.locator("#results-count")).to_contain_text(f"of {found} found")
    page.click("#results a[rel=next]")
    expect(page).to_have_url(re.compile(r"[?&]page=3$"))


def test_a_full_width_lower_case_code_finds_the_firm_and_shows_its_list(page, world: World):
    firm = listed_organisation(world)
    code = firm["subject"].removeprefix("uscc:")
    typed = full_width(code.lower())
    typed = f"{typed[:6]}\u3000{typed[6:]}"
    page.goto("/")
    page.fill("#q", typed)
    row = page.locator("#results tbody tr", has=page.locator(f"a[href='/org/{code}']"))
    expect(row).to_have_count(1)
    expect(page.locator("#results-count")).to_have_text("Showing 1–1 of 1 found")
    badge = row.locator(f"a.badge[href='/lists/{firm['list']}']")
    expect(badge).to_have_text(f"Blacklist: {firm['title']}")
    screenshot(page, "search-code")


def test_a_result_shows_its_grade_where_its_page_publishes_one(page, world: World):
    firm = listed_organisation(world)
    code = firm["subject"].removeprefix("uscc:")
    standings = world.deployment.publication.organisation(code, world.today).standings
    graded = [s for s in standings if s.grade != "not-scored"]
    assert graded, "the listed demo firm has no grade under a grading catalog"
    page.goto(f"/lookup?q={code}")
    row = page.locator("#results tbody tr").first
    expect(row.locator(".grade-pill")).to_have_text([s.grade for s in graded])


@pytest.mark.parametrize("address", ["/lists/", "/lists"])
def test_the_index_of_lists_shows_every_list_with_its_entries_in_effect(page, world: World, address):
    index = world.deployment.publication.lists(world.today)
    defined = {list_id for catalog in world.deployment.catalogs.registry().all() for list_id in catalog.lists}
    assert {summary.list for summary in index} == defined
    response = page.goto(address)
    assert response is not None and response.status == 200
    assert response.headers["content-type"].startswith("text/html")
    expect(page.locator("table.lists-index tbody tr")).to_have_count(len(defined))
    for summary in index:
        row = page.locator(f"tr[data-list='{summary.list}']")
        expect(row.locator("td.num")).to_have_text(str(summary.in_effect))
        expect(row.locator(f"a[href='/lists/{summary.list}']")).to_have_text(summary.title or summary.list)
    assert any(summary.in_effect for summary in index)
    screenshot(page, "lists-index")


def test_the_index_of_lists_is_reached_from_the_navigation_in_chinese(new_context):
    page = new_context(locale="zh-CN").new_page()
    page.goto("/")
    page.click("nav.site-nav a[href='/lists']")
    expect(page).to_have_url(re.compile(r"/lists$"))
    expect(page.locator("h1")).to_have_text("公开的名单")
    expect(page.locator("table.lists-index thead")).to_contain_text("今日有效条目")
