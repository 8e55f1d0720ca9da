"""The pages speak the reader's language, catalog content included (end-to-end ring).

What is measured: the page's visible text (``document.body.innerText``) less

- identifiers and codes: the text of ``<code>``, ``<kbd>`` and of elements of class
  ``code`` (catalog, rule and list ids, record ids, subject codes, sources);
- what is not in the page's language by design: elements marked ``aria-hidden="true"``
  (the brand's mark 信) and elements whose ``lang`` is another language (the language
  switch names each language in itself: 中文, English);
- the demo's synthetic names: every organisation and person name the deployment knows,
  removed from the text wherever it appears.

Of what is left, the Latin share is the number of Latin letters (A-Z, a-z) over the
number of Latin letters and CJK characters (U+3400-U+9FFF); digits, punctuation and
spaces count for neither. A Chinese page must stay at or under 5 %; an English page
must have no CJK character at all."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from tests.web.conftest import SCORING, World, screenshot, sign_in
from tests.web.test_public import listed_organisation
from xinyong.domain.identifiers import SubjectRef

pytestmark = pytest.mark.e2e

CHINESE_LATIN_AT_MOST = 0.05
LATIN = re.compile(r"[A-Za-z]")
CJK = re.compile(r"[\u3400-\u9fff]")
# The page's visible text with identifiers and codes taken out, and what people wrote in
# their own words (a resident's grounds, an officer's purpose, a file's name: q, .said).
VISIBLE_TEXT = """() => {
  let text = document.body.innerText;
  const other = `[lang]:not([lang="${document.documentElement.lang}"])`;
  for (const e of document.body.querySelectorAll(`code, kbd, .code, q, .said, [aria-hidden="true"], ${other}`)) {
    const shown = e.innerText;
    if (shown) text = text.replace(shown, " ");
  }
  return text;
}"""
_NAMES: dict[str, tuple[str, ...]] = {}


def demo_names(world: World) -> tuple[str, ...]:
    """Every name the demo gave a subject, longest first (so that no shorter name that is
    part of a longer one is removed first)."""
    if world.db not in _NAMES:
        names: set[str] = set()
        with world.deployment.store.reading() as connection:
            for subject in {file.subject for file in world.files()}:
                facts = world.deployment.store.subject_facts(connection, subject)
                if facts is not None and facts.name:
                    names.add(facts.name)
        _NAMES[world.db] = tuple(sorted(names, key=len, reverse=True))
    return _NAMES[world.db]


def shown_text(page, world: World) -> str:
    text = page.evaluate(VISIBLE_TEXT)
    for name in demo_names(world):
        text = text.replace(name, " ")
    return text


def latin_share(text: str) -> float:
    latin, cjk = len(LATIN.findall(text)), len(CJK.findall(text))
    return latin / (latin + cjk) if latin + cjk else 0.0


def latin_words(text: str) -> str:
    """The Latin words of ``text``, the most frequent first: what a failure shows."""
    counts = Counter(re.findall(r"[A-Za-z]+", text))
    return " ".join(f"{word}×{n}" for word, n in counts.most_common(40))


def public_pages(world: World) -> dict[str, str]:
    firm = listed_organisation(world)
    return {
        "home": "/",
        "lists": "/lists",
        "list": f"/lists/{firm['list']}",
        "org": f"/org/{firm['subject'].removeprefix('uscc:')}",
        "help": "/help",
        "portal sign-in": "/portal",
        "not found": "/nonexistent",
    }


def test_chinese_public_pages_are_at_most_5_percent_latin(new_context, world: World):
    page = new_context(locale="zh-CN").new_page()
    shares, words = {}, {}
    firm = listed_organisation(world)
    searched = {"search": f"/lookup?q={firm['name'][:2]}"}  # its results are firms' names
    for name, path in {**public_pages(world), **searched}.items():
        page.goto(path)
        text = shown_text(page, world)
        shares[name], words[name] = latin_share(text), latin_words(text)
        screenshot(page, f"zh-{name}")
    print("zh-CN Latin shares:", {k: f"{v:.1%}" for k, v in shares.items()})
    over = {k: f"{v:.1%}: {words[k]}" for k, v in shares.items() if v > CHINESE_LATIN_AT_MOST}
    assert not over, over


def test_chinese_catalog_page_is_at_most_5_percent_latin(new_context, world: World):
    page = new_context(locale="zh-CN").new_page()
    sign_in(page, "console", world.token("officer"))
    page.goto(f"/console/catalogs/{SCORING}")
    text = shown_text(page, world)
    share = latin_share(text)
    screenshot(page, "zh-catalog")
    print(f"zh-CN catalog page Latin share: {share:.1%}")
    assert share <= CHINESE_LATIN_AT_MOST, f"{share:.1%}: {latin_words(text)}"


def test_english_public_pages_have_no_chinese_but_names(new_context, world: World):
    page = new_context(locale="en-US").new_page()
    for name, path in public_pages(world).items():
        page.goto(path)
        found = CJK.findall(shown_text(page, world))
        assert not found, f"{name} ({path}) shows Chinese: {''.join(found)[:80]}"


def test_english_catalog_page_has_no_chinese(new_context, world: World):
    page = new_context(locale="en-US").new_page()
    sign_in(page, "console", world.token("officer"))
    page.goto(f"/console/catalogs/{SCORING}")
    found = CJK.findall(shown_text(page, world))
    assert not found, "".join(found)[:80]


@pytest.mark.parametrize("listed", [False, True])
def test_chinese_portal_is_at_most_5_percent_latin(new_context, world: World, listed: bool):
    """A resident's portal in Chinese, a listed one's too (the situation, the measures
    and the list first): the catalog's texts in Chinese, no English rule title, and at
    most 5 % Latin letters once identifiers are set aside."""
    file = world.listed_record() if listed else world.resident_record()
    subject = SubjectRef.parse(str(file.subject))
    registry = world.deployment.catalogs.registry()
    version = registry.in_force(file.record.catalog_id, file.record.occurred_on)
    assert version is not None
    rule = file.record.rule.split("/", 1)[1]
    page = new_context(locale="zh-CN").new_page()
    sign_in(page, "portal", world.subject_token(subject))
    text = shown_text(page, world)
    print(f"zh-CN portal Latin share: {latin_share(text):.1%}: {latin_words(text)}")
    screenshot(page, "zh-portal")
    assert version.text(f"rules.{rule}.title", "zh-CN") in text
    assert version.rules[rule].title not in text
    assert latin_share(text) <= CHINESE_LATIN_AT_MOST, latin_words(text)


def test_english_portal_has_no_chinese_but_names(new_context, world: World):
    file = world.resident_record()
    page = new_context(locale="en-US").new_page()
    sign_in(page, "portal", world.subject_token(SubjectRef.parse(str(file.subject))))
    found = CJK.findall(shown_text(page, world))
    assert not found, "".join(found)[:80]


def test_chinese_console_pages_are_at_most_5_percent_latin(new_context, world: World):
    """The officer's pages in Chinese: the queue, the catalogs, the overview and a file."""
    page = new_context(locale="zh-CN").new_page()
    sign_in(page, "console", world.token("officer"))
    shares, words = {}, {}

    def measure(name: str) -> None:
        text = shown_text(page, world)
        shares[name], words[name] = latin_share(text), latin_words(text)

    measure("console")
    for name, path in (
        ("catalogs", "/console/catalogs"),
        ("overview", "/console/overview"),
    ):
        page.goto(path)
        measure(name)
    page.goto("/console")
    page.fill("#lookup-subject", world.resident_record().subject.value)
    page.fill("#lookup-purpose", "测试：核对档案")
    page.click("#lookup button[type=submit]")
    page.wait_for_load_state()
    measure("subject file")
    print("zh-CN console Latin shares:", {k: f"{v:.1%}: {words[k]}" for k, v in shares.items()})
    over = {k: f"{v:.1%}: {words[k]}" for k, v in shares.items() if v > CHINESE_LATIN_AT_MOST}
    assert not over, over
