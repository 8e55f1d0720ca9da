"""The message catalogs of the web pages: every visible word comes from them, in both
languages, and the language is chosen from the cookie or the browser."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from xinyong.domain.access import ROLES, PurposeRequired
from xinyong.domain.catalog.lint import PROFILES
from xinyong.domain.decisions import OUTCOMES
from xinyong.entrypoints.web import i18n

pytestmark = pytest.mark.unit

WEB = resources.files("xinyong.entrypoints.web")
TEMPLATES = {p.name: p.read_text("utf-8") for p in WEB.joinpath("templates").iterdir() if p.name.endswith(".html")}
PYTHON = {p.name: p.read_text("utf-8") for p in WEB.joinpath("routers").iterdir() if p.name.endswith(".py")}
PYTHON.update({p.name: p.read_text("utf-8") for p in WEB.iterdir() if p.name.endswith(".py")})
PLACEHOLDER = re.compile(r"{(\w+)}")

# Keys built from a prefix and a value: every value the pages can meet.
DYNAMIC = {
    "status.": ["counting", "pending", "suspended", "expired", "ended", "annulled"],
    "list.kind.": ["black", "red"],
    "list.removal.": ["fulfilment", "repair", "annulment"],
    "list.publish.": ["organisations", "all", "none"],
    "outcome.": ["upheld", "annulled", "granted", "refused", "confirmed", "overturned"],
    "effect.": ["deny", "review", "allow", "benefit"],
    "diff.direction.": ["harsher", "milder", "mixed", "neutral"],
    "diff.change.": ["added", "removed", "changed"],
    "kind.": ["person", "organisation"],
    "lint.profile.": list(PROFILES),
    "lint.severity.": ["error", "warning"],
    "role.": [*ROLES, "public", "operator"],
    "portal.done.": ["dispute", "repair", "review", "contact"],
    "console.done.": ["dispute", "repair", "review"],
    "access.what.": ["report", "score", "check", "public.organisation", "queue"],
    "cases.": ["dispute", "repair", "review"],
    "console.case.": ["dispute", "repair", "review"],
    "console.file.case.": ["dispute", "repair", "review"],
    "console.confirm.heading.": ["dispute", "repair", "review"],
    "console.confirm.consequence.": [f"{kind}.{o}" for kind, outcomes in OUTCOMES.items() for o in outcomes],
    "notice.kind.": [
        "record",
        "record_effective",
        "dispute_filed",
        "dispute_decided",
        "repair_applied",
        "repair_granted",
        "repair_refused",
        "review_decided",
        "annulled",
        "fulfilled",
        "list_entry_started",
        "list_entry_ended",
        "adverse_action",
        "subject_facts",
        "contact_changed",
    ],
    "signin.error.role.": ["portal", "console"],
    "signin.provider.": ["portal", "console"],
    "signin.error.oidc.": ["portal", "console", "unnamed", "failed", "state", "denied", "unavailable"],
}

# Keys of refusals the domain names, which the pages show as they are.
DOMAIN = {PurposeRequired.key}


def used_keys() -> set[str]:
    keys = set()
    for text in TEMPLATES.values():
        keys |= set(re.findall(r"""\bt\(\s*["']([\w.\-]+)["']""", text))
        keys |= {f"signin.{area}.{part}" for area in ("portal", "console") for part in ("heading", "intro", "hint")}
    for text in PYTHON.values():
        keys |= set(re.findall(r"""(?:\bt|error|render\(.*?)\(\s*["']([a-z_]+\.[\w.]+)["']""", text))
        keys |= set(re.findall(r"""(?:heading|message)=["']([a-z_]+\.[\w.]+)["']""", text))
        keys |= set(re.findall(r"""SignInRefused\(["']([\w.]+)["']\)""", text))
    for prefix, values in DYNAMIC.items():
        keys |= {prefix + v for v in values}
    keys |= DOMAIN
    return {k for k in keys if not k.endswith((".html", "."))}


def test_both_languages_have_the_same_messages_with_the_same_placeholders():
    english, chinese = i18n.catalog("en"), i18n.catalog("zh-CN")
    assert set(english) == set(chinese)
    for key, text in english.items():
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(chinese[key])), key


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_message_the_pages_use_is_in_the_catalog(language):
    missing = sorted(used_keys() - set(i18n.catalog(language)))
    assert not missing, f"{language} lacks {missing}"


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_templates_hold_no_words_of_their_own(name):
    text = re.sub(r"{#.*?#}|{%.*?%}|{{.*?}}", "", TEMPLATES[name], flags=re.S)
    attributes = re.findall(r"""\b(?:aria-label|title|alt|placeholder)="([^"]*[A-Za-z][^"]*)\"""", text)
    # What is left outside tags, attributes that macros write, and bare attribute names.
    text = re.sub(r"<[^>]*>", " ", text)
    text = re.sub(r"""[\w:-]+=["'][^"']*["']|\b(?:autofocus|selected|checked|open)\b""", " ", text)
    words = re.findall(r"[A-Za-z\u4e00-\u9fff]{2,}", text)
    assert not attributes and not words, f"{name}: {attributes + words}"


@pytest.mark.parametrize(
    ("cookie", "header", "expected"),
    [
        (None, None, "zh-CN"),
        (None, "en-US,en;q=0.9", "en"),
        (None, "zh-TW,zh;q=0.9,en;q=0.8", "zh-CN"),
        (None, "fr-FR, en;q=0.5, zh;q=0.4", "en"),
        (None, "en;q=0.2, zh-CN;q=0.8", "zh-CN"),
        (None, "de, fr", "zh-CN"),
        ("en", "zh-CN", "en"),
        ("zh-CN", "en-GB", "zh-CN"),
        ("xx", "en-GB", "en"),
    ],
)
def test_the_language_comes_from_the_cookie_then_the_browser(cookie, header, expected):
    assert i18n.negotiate(cookie, header) == expected


def test_a_message_fills_its_placeholders_and_falls_back_to_english():
    t = i18n.translator("zh-CN")
    assert t("repair.error.too_early", day="2027-04-29") == "为时过早：这条记录自 2027-04-29 起才能修复。"
    assert t("no.such.key") == "no.such.key"
    assert t("no.such.key", default="report") == "report"
