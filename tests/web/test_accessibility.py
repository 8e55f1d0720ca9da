"""Accessibility of every page, as axe-core (vendored, tests/support/vendor/axe-core)
judges it in Debian's Chromium: no serious or critical violation on any page, in both
languages, at a desktop and a phone width. The pages' Content Security Policy refuses an
injected script tag, so axe's source is evaluated through Playwright."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import SCORING, World, sign_in
from tests.web.test_public import listed_organisation

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parents[1] / "support" / "vendor" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14.1"
BLOCKING = ("serious", "critical")
WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
LANGUAGES = ("en-US", "zh-CN")


def violations(page) -> list[dict]:
    """axe-core's violations on the page as it stands (WCAG 2.x A and AA, best practices).
    A page on which axe found nothing to check fails: the check must have run."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => {
            const result = await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
            });
            return {passes: result.passes.length, violations: result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
            }))};
        }"""
    )
    assert result["passes"] > 10, f"axe checked almost nothing on {page.url}"
    return result["violations"]


def tour(page, world: World) -> Iterator[str]:
    """Visit every page a member of the public, a resident and an officer meet; yield the
    name of each once it is loaded."""
    firm = listed_organisation(world)
    for name, path in (
        ("home", "/"),
        ("search", "/lookup?q=" + firm["name"][:2]),
        ("organisation", "/org/" + firm["subject"].removeprefix("uscc:")),
        ("list", "/lists/" + firm["list"]),
        ("lists", "/lists"),
        ("not found", "/nonexistent"),
        ("help", "/help"),
        ("portal sign-in", "/portal"),
        ("console sign-in", "/console"),
    ):
        page.goto(path)
        yield name
    resident = world.resident_record().subject
    sign_in(page, "portal", world.subject_token(resident))
    yield "portal"
    page.goto("/portal/export")
    yield "portal export"
    page.goto("/portal")
    page.click("form[action$='/sign-out'] button[type=submit]")
    page.wait_for_load_state()
    sign_in(page, "console", world.token("officer"))
    yield "console"
    for name, path in (
        ("catalogs", "/console/catalogs"),
        ("catalog", f"/console/catalogs/{SCORING}"),
        ("catalog diff", f"/console/catalogs/{SCORING}/diff"),
        ("overview", "/console/overview"),
        ("partner nodes", "/console/nodes"),
    ):
        page.goto(path)
        yield name
    page.goto("/console")
    page.fill("#lookup-subject", resident.value)
    page.fill("#lookup-purpose", "Accessibility review of the officer's file view")
    page.click("#lookup button[type=submit]")
    page.wait_for_load_state()
    yield "subject file"


def test_the_vendored_axe_is_the_version_this_test_names():
    assert f"axe v{AXE_VERSION}" in AXE.read_text(encoding="utf-8")[:200]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("locale", LANGUAGES)
def test_no_page_has_a_serious_or_critical_accessibility_violation(new_context, world: World, locale, width):
    context = new_context(locale=locale)
    page = context.new_page()
    page.set_viewport_size(WIDTHS[width])
    found: dict[str, list[dict]] = {}
    visited = []
    for name in tour(page, world):
        visited.append(name)
        blocking = [v for v in violations(page) if v["impact"] in BLOCKING]
        if blocking:
            found[name] = blocking
    assert len(visited) == 18
    assert not found, "\n".join(
        f"{name}: {v['impact']} {v['id']} ({v['help']}) at {', '.join(v['targets'])}"
        for name, listed in found.items()
        for v in listed
    )


def test_axe_finds_a_violation_where_there_is_one(new_context):
    """The check can fail: a page with an unlabelled field and an image without text."""
    page = new_context().new_page()
    page.goto("/")
    page.evaluate(
        """() => {
            const input = document.createElement('input');
            input.type = 'text';
            document.querySelectorAll('label').forEach(l => l.remove());
            document.body.appendChild(input);
            const img = document.createElement('img');
            img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
            document.body.appendChild(img);
        }"""
    )
    ids = {v["id"] for v in violations(page) if v["impact"] in BLOCKING}
    assert {"label", "image-alt"} <= ids
