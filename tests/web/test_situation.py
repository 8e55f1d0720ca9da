"""The portal leads with the resident's situation: a listed resident's first screen names
the list, the day the entry ends and what it bars; a resident with nothing against them
is told so; the factors of the score are ranked by impact. In Chromium, both languages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.web.conftest import SCORING, SCREENSHOTS, World, screenshot, sign_in
from xinyong.domain.access import operator
from xinyong.domain.catalog import Text
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.standing import Timeline, timeline

pytestmark = pytest.mark.e2e

FIRST_SCREEN = {"width": 1366, "height": 900}


def listed_resident(world: World, ending: bool) -> tuple[SubjectRef, Timeline]:
    """A person on a list today whose entry ends on a known day (``ending``) or has none.
    These tests only read: the subject is not taken from the tests that act."""
    registry = world.deployment.catalogs.registry()
    today = world.today
    for file in world.files():
        subject = file.subject
        if subject.kind != "person":
            continue
        line = timeline(file, registry)
        placement = line.placement
        if placement is None or not line.listed_on(today):
            continue
        if (placement.until is not None) != ending:
            continue
        return subject, line
    raise LookupError("the demo has no listed resident of that kind")


def on_first_screen(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] + box["height"] <= FIRST_SCREEN["height"]


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_a_listed_residents_first_screen_names_the_list_and_the_day_it_ends(new_context, world: World, locale):
    subject, line = listed_resident(world, ending=True)
    placement = line.placement
    assert placement is not None and placement.until is not None
    definition = world.deployment.catalogs.registry().list_definition(placement.list, world.today)
    assert definition is not None
    page = new_context(locale=locale).new_page()
    page.set_viewport_size(FIRST_SCREEN)
    sign_in(page, "portal", world.subject_token(subject))
    listing = page.locator(f"#situation article.listing[data-list='{placement.list}']").first
    expect(listing).to_be_visible()
    heading = listing.locator("h3")
    until = listing.locator(".listing-until")
    expect(until).to_contain_text(placement.until.isoformat())
    # Named (title or id) and dated within the first screen, before any scrolling.
    assert on_first_screen(page, heading) and on_first_screen(page, until)
    title = definition.title.in_language(locale) if isinstance(definition.title, Text) else definition.title
    expect(heading).to_contain_text(title or placement.list)
    # What it bars: every deny or review measure that names the list, as a check finds it.
    barred = listing.locator("ul.measures li")
    expect(barred.first).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"situation-first-screen-{locale}.png"))  # what is seen unscrolled
    screenshot(page, f"situation-listed-{locale}")


def test_the_situation_lists_what_a_check_would_deny(new_context, world: World):
    """The measures shown are those that fall on the subject: a check of each action the
    card names is denied or sent to review, with the list as its reason."""
    subject, line = listed_resident(world, ending=True)
    assert line.placement is not None
    page = new_context().new_page()
    sign_in(page, "portal", world.subject_token(subject))
    report = world.deployment.reports.report(subject, world.today, operator(), "test: the situation's measures")
    named = [r for r in report.measures if r.trigger.get("list") == line.placement.list and r.effect != "benefit"]
    assert named, "the demo's list has measures"
    items = page.locator(f"#situation article.listing[data-list='{line.placement.list}'] ul.measures li")
    expect(items).to_have_count(len({(r.catalog, r.measure) for r in named}))
    for reason in named:
        decision = world.deployment.inquiries.decide([(subject, reason.action, world.today)])[0]
        assert decision.decision in ("deny", "review")
        assert any(r.trigger.get("list") == line.placement.list for r in decision.reasons)


def test_a_resident_with_nothing_against_them_is_told_so_and_factors_are_ranked(new_context, world: World):
    registry = world.deployment.catalogs.registry()
    today = world.today
    listed = set()
    for file in world.files():
        line = timeline(file, registry)
        if line.placement is not None and (line.placement.until is None or line.placement.until > today):
            listed.add(str(file.subject))
    resident = world.take(
        lambda file, line: (
            file.subject.kind == "person"
            and file.record.catalog_id == SCORING
            and line.counts_on(today)
            and str(file.subject) not in listed
        )
    ).subject
    report = world.deployment.reports.report(resident, today, operator(), "test: the situation of a calm resident")
    if any(r.effect in ("deny", "review") for r in report.measures):
        pytest.skip("the resident found has a grade measure against them")
    page = new_context(locale="zh-CN").new_page()
    sign_in(page, "portal", world.subject_token(resident))
    expect(page.locator("#situation .calm")).to_contain_text("您未被列入任何名单")
    points = [
        int(text.replace("+", ""))
        for text in page.locator(f"#standing-{SCORING} ul.contributions .points").all_inner_texts()
    ]
    assert points and [abs(p) for p in points] == sorted((abs(p) for p in points), reverse=True)


def test_the_situation_is_drawn_without_javascript(new_context, world: World):
    subject, _ = listed_resident(world, ending=True)
    page = new_context(javascript=False).new_page()
    sign_in(page, "portal", world.subject_token(subject))
    expect(page.locator("#situation article.listing .listing-until").first).to_be_visible()
