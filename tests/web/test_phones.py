"""Every page on a phone and on a desktop, in both languages (end-to-end ring): nothing
wider than the screen, tables that stack into cards, names that do not wrap one
character a line. Driven by Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support.samples import sample_catalogs
from tests.web.conftest import SCORING, World, sign_in
from xinyong.entrypoints.web import i18n

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
LANGUAGES = ("en", "zh-CN")
# Pictures of a few pages for people to look at.
SHOTS = Path(os.environ.get("XINYONG_PHONE_SHOTS", "/tmp/shots/phones"))

# What is wider than the screen, for the failure message: the widest elements that stick
# out on the right, with their tag and class.
_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1) {
      out.push(`${el.tagName.toLowerCase()}.${el.className.baseVal ?? el.className} right=${Math.round(box.right)}`);
    }
  }
  return {
    scroll: document.documentElement.scrollWidth,
    clipped: [getComputedStyle(document.documentElement).overflowX, getComputedStyle(document.body).overflowX],
    out: out.slice(0, 8),
  };
}"""


def _listed_firm(world: World) -> dict[str, str]:
    registry = world.deployment.catalogs.registry()
    for catalog in registry.all():
        for list_id, definition in catalog.lists.items():
            if definition.publish == "none":
                continue
            for entry in world.deployment.publication.list_entries(list_id, world.today, 1, 500).entries:
                if entry.subject.startswith("uscc:") and entry.name:
                    return {"code": entry.subject.removeprefix("uscc:"), "name": entry.name, "list": list_id}
    raise LookupError("no organisation is on a published list in the demo")


def _console_subject(page: Page, world: World) -> None:
    resident = world.resident_record().subject
    page.goto("/console")
    page.fill("#lookup-subject", resident.value)
    page.fill("#lookup-purpose", "Complaint 2026-311: checking the arrears record")
    page.click("#lookup button[type=submit]")
    expect(page.locator("h1")).to_contain_text(resident.value)


# Each page: who must be signed in ('public', 'portal', 'console') and how to get there.
Visit = Callable[[Page, World], None]


def _go(path: str | Callable[[World], str]) -> Visit:
    def visit(page: Page, world: World) -> None:
        page.goto(path(world) if callable(path) else path)

    return visit


# The sample catalogs the demo loads, and their lists.
CATALOGS = {
    data["id"]: list(data.get("lists", {}))
    for data in (tomllib.loads(path.read_text("utf-8")) for path in sample_catalogs())
}

PAGES: dict[str, tuple[str, Visit]] = {
    "home": ("public", _go("/")),
    "lookup": ("public", _go(lambda w: f"/lookup?q={_listed_firm(w)['name'][:2]}")),
    "org": ("public", _go(lambda w: f"/org/{_listed_firm(w)['code']}")),
    **{f"list {list_id}": ("public", _go(f"/lists/{list_id}")) for lists in CATALOGS.values() for list_id in lists},
    "not-found": ("public", _go("/nonexistent")),
    "portal-sign-in": ("public", _go("/portal")),
    "console-sign-in": ("public", _go("/console")),
    "portal": ("portal", _go("/portal")),
    "portal of a firm": ("portal-firm", _go("/portal")),
    "console": ("console", _go("/console")),
    "console-subject": ("console", _console_subject),
    "catalogs": ("console", _go("/console/catalogs")),
    **{f"catalog {catalog}": ("console", _go(f"/console/catalogs/{catalog}")) for catalog in CATALOGS},
    "catalog-eu-lint": ("console", _go(f"/console/catalogs/{SCORING}?profile=eu")),
    "catalog-diff": ("console", _go(f"/console/catalogs/{SCORING}/diff")),
    "overview": ("console", _go("/console/overview")),
}


@pytest.fixture(scope="module")
def viewer(browser, server: str, world: World) -> Iterator[Callable[[str, str], Page]]:
    """A page of a browser profile per area and language, signed in once."""
    contexts: dict[tuple[str, str], Page] = {}

    def open_page(area: str, language: str) -> Page:
        if (area, language) not in contexts:
            context = browser.new_context(base_url=server, locale=language, viewport=PHONE)
            context.set_default_timeout(30000)
            page = context.new_page()
            if area == "portal":
                sign_in(page, "portal", world.subject_token(world.resident_record().subject))
            elif area == "portal-firm":
                firm = world.take(lambda file, line: file.subject.kind == "organisation").subject
                sign_in(page, "portal", world.subject_token(firm))
            elif area == "console":
                sign_in(page, "console", world.token("officer"))
            contexts[area, language] = page
        return contexts[area, language]

    yield open_page
    for page in contexts.values():
        page.context.close()


def _width(page: Page, viewport: dict[str, int]) -> dict:
    page.set_viewport_size(viewport)
    return page.evaluate(_OVERFLOW)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(PAGES))
def test_no_page_is_wider_than_a_phone_or_a_desktop_screen(viewer, world: World, name: str, language: str):
    area, visit = PAGES[name]
    page = viewer(area, language)
    page.set_viewport_size(PHONE)
    visit(page, world)
    expect(page.locator("html")).to_have_attribute("lang", language)
    if name != "not-found":  # the page asked for, not a page saying it is not there
        expect(page.locator("h1")).not_to_have_text(i18n.translator(language)("error.not_found"))
    phone = _width(page, PHONE)
    if name in ("home", "org", "portal", "overview", "catalog-diff", "console-subject"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}-{language}.png"), full_page=True)
    desktop = _width(page, DESKTOP)
    # Overflow hidden on the page would hide what sticks out rather than fit it.
    assert phone["clipped"] == ["visible", "visible"]
    assert phone["scroll"] <= PHONE["width"], f"{name} is {phone['scroll']} px wide on a phone: {phone['out']}"
    assert desktop["scroll"] <= DESKTOP["width"], f"{name} is {desktop['scroll']} px wide: {desktop['out']}"


# The size on screen of each chart's words: its font size in the chart's own units,
# scaled as the chart is drawn.
_CHART_TEXT = """() => [...document.querySelectorAll('svg.chart')].map(svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const sizes = [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
  const width = Math.round(svg.getBoundingClientRect().width);
  return {chart: svg.getAttribute('class'), width, smallest: Math.min(...sizes)};
})"""


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", ["portal", "overview"])
def test_charts_fill_a_phone_screen_with_words_of_a_readable_size(viewer, world: World, name: str, language: str):
    area, visit = PAGES[name]
    page = viewer(area, language)
    for viewport in (PHONE, {"width": 700, "height": 900}, DESKTOP):
        page.set_viewport_size(viewport)
        visit(page, world)
        charts = page.evaluate(_CHART_TEXT)
        assert charts, f"{name} shows no chart"
        for chart in charts:
            assert chart["smallest"] >= 11, f"at {viewport['width']} px: {chart}"
            if viewport is PHONE:
                assert chart["width"] >= PHONE["width"] * 0.75, f"does not fill the screen: {chart}"


def _longest_listed_name(world: World) -> dict[str, str]:
    """The organisation with the longest name on a published list, and its list."""
    found: list[tuple[int, str, str]] = []
    registry = world.deployment.catalogs.registry()
    for catalog in registry.all():
        for list_id, definition in catalog.lists.items():
            if definition.publish == "none":
                continue
            for entry in world.deployment.publication.list_entries(list_id, world.today, 1, 25).entries:
                if entry.subject.startswith("uscc:") and entry.name:
                    found.append((len(entry.name), entry.name, list_id))
    _, name, list_id = max(found)
    return {"name": name, "list": list_id}


# The width of a cell in its own em, and how many lines its text takes.
_CELL = """cell => {
  const style = getComputedStyle(cell);
  const size = parseFloat(style.fontSize);
  const range = document.createRange();
  range.selectNodeContents(cell);
  const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
  return {em: cell.getBoundingClientRect().width / size, lines};
}"""


@pytest.mark.parametrize("width", [PHONE["width"], 560, 700, 1024, DESKTOP["width"]])
def test_a_firms_name_on_a_list_never_wraps_a_character_a_line(viewer, world: World, width: int):
    firm = _longest_listed_name(world)
    page = viewer("public", "zh-CN")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/lists/{firm['list']}")
    cell = page.locator("table.data td.name", has_text=firm["name"])
    shape = cell.evaluate(_CELL)
    # A name of n characters takes a line for every six or more of them, at most.
    assert shape["em"] >= 6, f"{firm['name']} at {width} px: {shape}"
    assert shape["lines"] <= max(1, -(-len(firm["name"]) // 6)), f"{firm['name']} at {width} px: {shape}"


@pytest.mark.parametrize("width", [PHONE["width"], 700, DESKTOP["width"]])
def test_a_list_title_on_an_organisations_page_never_wraps_a_character_a_line(viewer, world: World, width: int):
    firm = _listed_firm(world)
    page = viewer("public", "en")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/org/{firm['code']}")
    shape = page.locator("tr.listed td.name").first.evaluate(_CELL)
    assert shape["em"] >= 6, f"at {width} px: {shape}"
