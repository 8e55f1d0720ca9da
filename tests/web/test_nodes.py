"""Partner nodes in a real browser (docs/design.md section 10): the officer console
shows the partners trusted, their keys' fingerprints and the latest bundle of each
foreign list with its age; a resident's portal shows the foreign entries about them,
with the node to dispute with. In English and in Chinese."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.identifiers import resident_number_born
from tests.web.conftest import World, screenshot, sign_in
from tests.web.test_languages import CHINESE_LATIN_AT_MOST, CJK, latin_share, latin_words, shown_text
from xinyong.adapters.storage.checkpoint import NodeKey
from xinyong.domain.federation import Bundle, BundleEntry, canonical
from xinyong.domain.identifiers import SubjectRef

pytestmark = pytest.mark.e2e

PARTNER = "court-a"
LIST = f"{PARTNER}/judgment-defaulters"


@pytest.fixture(scope="module")
def partner(world: World, tmp_path_factory: pytest.TempPathFactory):
    """A partner node trusted by the demo deployment, one of whose bundles, as of two
    days ago, lists a resident that the demo deployment has no record of."""
    folder: Path = tmp_path_factory.mktemp("partner")
    key, _ = NodeKey.init(folder / "node.key", PARTNER)
    resident = SubjectRef.parse("rid:" + resident_number_born(dt.date(1975, 6, 1), 917, "370102"))
    as_of = world.today - dt.timedelta(days=2)
    bundle = Bundle(
        PARTNER,
        key.public_key,
        "judgment-defaulters",
        "Dishonest persons subject to enforcement",
        as_of,
        (BundleEntry(str(resident), "court-a-2026-17", as_of - dt.timedelta(days=30), None, "Civil Procedure Law"),),
    )
    signed = replace(bundle, signature=key.sign(canonical(bundle.unsigned())))
    federation = world.deployment.federation
    federation.trust(PARTNER, key.public_key, "https://court-a.example")
    federation.import_bundle(signed.document(), None, "web test")
    return key, resident


def test_the_console_shows_partners_their_fingerprints_and_each_lists_age(new_context, world: World, partner):
    key, _ = partner
    page = new_context().new_page()
    sign_in(page, "console", world.token("officer"))
    page.click("a[href='/console/nodes']")
    expect(page.locator("h1")).to_have_text("Partner nodes and their lists")
    row = page.locator(f"tr[data-partner='{PARTNER}']")
    expect(row).to_contain_text(key.fingerprint[:16])
    expect(row).to_contain_text("https://court-a.example")
    listed = page.locator(f"tr[data-list='{LIST}']")
    expect(listed).to_contain_text((world.today - dt.timedelta(days=2)).isoformat())
    expect(listed).to_contain_text("2 days")
    expect(listed.locator(".badge")).to_have_text("current")
    expect(page.locator("#this-node")).to_contain_text(world.deployment.node_key().fingerprint)
    screenshot(page, "console-nodes")


def test_the_portal_shows_a_foreign_entry_with_its_node(new_context, world: World, partner):
    _, resident = partner
    page = new_context().new_page()
    sign_in(page, "portal", world.subject_token(resident))
    row = page.locator(f"#lists tr[data-list='{LIST}']")
    expect(row).to_contain_text(PARTNER)
    expect(row).to_contain_text("court-a-2026-17")
    expect(row).to_contain_text("dispute it here")
    expect(page.locator("#lists .empty")).to_have_count(0)
    # The situation leads with it: no measure here names the list yet, and the subject
    # is told whom to dispute it with.
    card = page.locator(f"#situation article.foreign-listing[data-list='{LIST}']")
    expect(card).to_contain_text(f"Node {PARTNER} lists you")
    expect(card).to_contain_text("court-a-2026-17")
    expect(page.locator("#situation .calm")).to_have_count(0)


def test_the_nodes_pages_speak_chinese_and_english(new_context, world: World, partner):
    _, resident = partner
    shares = {}
    for area, token, path in (
        ("console", world.token("officer"), "/console/nodes"),
        ("portal", world.subject_token(resident), "/portal"),
    ):
        chinese = new_context(locale="zh-CN").new_page()
        sign_in(chinese, area, token)
        chinese.goto(path)
        text = shown_text(chinese, world)
        shares[path] = (latin_share(text), latin_words(text))
        english = new_context(locale="en-US").new_page()
        sign_in(english, area, token)
        english.goto(path)
        found = CJK.findall(shown_text(english, world))
        assert not found, (path, "".join(found)[:80])
    over = {k: v for k, v in shares.items() if v[0] > CHINESE_LATIN_AT_MOST}
    assert not over, over
