"""The languages of the web pages: a small message catalog per language, and the choice
of language from the ``lang`` cookie or the browser's Accept-Language. The words of the
domain's messages (notices) come from ``xinyong.messages``; ``notice`` renders them in
the page's language, with the portal's wording (no API paths)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

from markupsafe import Markup, escape

from xinyong import messages
from xinyong.domain.calendar import Duration
from xinyong.domain.catalog import CatalogRegistry, Text
from xinyong.services.unit_of_work import Notice

LANGUAGES: tuple[str, ...] = ("zh-CN", "en")
DEFAULT = "zh-CN"
COOKIE = "lang"
# Each language's name in itself, for the switch.
NAMES = {"zh-CN": "中文", "en": "English"}


@cache
def catalog(language: str) -> dict[str, str]:
    """The pages' messages in ``language``, by key."""
    text = resources.files("xinyong.entrypoints.web").joinpath("messages", f"{language}.json").read_text("utf-8")
    return json.loads(text)


def negotiate(cookie: str | None, accept_language: str | None) -> str:
    """The page language: the cookie if it names one we have, else the best match in
    Accept-Language (by q-value, then order), else Chinese."""
    if cookie in LANGUAGES:
        return cookie  # type: ignore[return-value]
    return messages.negotiate(accept_language, DEFAULT)


def translator(language: str) -> Callable[..., str]:
    """``t(key, **values)``: the message in ``language`` (English if it lacks one), with
    ``{name}`` placeholders filled; ``default`` (else the key) when neither has it."""
    messages = catalog(language)
    fallback = catalog("en")

    def t(key: str, default: str | None = None, **values: object) -> str:
        text = messages.get(key) or fallback.get(key) or (key if default is None else default)
        if not values:
            return text
        shown = {name: in_page_language(value, language) for name, value in values.items()}
        if any(isinstance(value, Markup) for value in shown.values()):
            # A value that is markup (an identifier set apart as code): the message and
            # the other values are escaped around it.
            return Markup(escape(text)).format(**shown)
        return text.format(**shown)

    return t


def code(value: object) -> Markup:
    """``value`` set apart as code (an identifier, a reference) inside a sentence."""
    return Markup('<span class="code">{}</span>').format(value)


def said(value: object) -> Markup:
    """``value`` set apart as another's own words (a partner node's list title) inside
    a sentence: shown as written, whatever the page's language."""
    return Markup('<span class="said">{}</span>').format(value)


def in_page_language(value: Any, language: str) -> Any:
    """A catalog's text in ``language`` (its own text where it has no translation); any
    other value as it is."""
    return value.in_language(language) if isinstance(value, Text) else value


def place(code: str | None, language: str) -> Markup:
    """Jurisdiction ``code`` as its place name in ``language``, with the code (and its
    GB/T 2260 division code) in the title; the code itself where we know no name."""
    if not code:
        return Markup("—")
    name = messages.place(code, language)
    if name == code:
        return Markup('<span class="code">{}</span>').format(code)
    division = messages.division(code)
    title = f"{code} · {division}" if division else code
    return Markup('<span class="place" title="{}">{}</span>').format(title, escape(name))


# The fields of a notice that name things by their code (a record, a rule, a reference,
# an action...): a page sets them apart as code, as it does every identifier it shows.
IDENTIFIERS = frozenset(
    ("record", "rule", "reference", "catalog", "catalog_version", "version", "measure", "list", "action", "source")
)
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/@+-]*")
_MARK = re.compile(r"\x02(\d+)\x03")


def notice(language: str, words: CatalogWords, n: Notice) -> tuple[Markup, Markup]:
    """A notice of a report as its title and text in ``language``, the catalog texts it
    quotes (rule titles, legal bases) included, escaped for the page, with the codes it
    names (record, rule, reference...) set apart as code."""
    codes: list[str] = []

    def mark(name: str, value: Any) -> Any:
        if isinstance(value, str):
            value = value.replace("\x02", "").replace("\x03", "")
            if name in IDENTIFIERS and _CODE.fullmatch(value):  # an authority by its name is not a code
                codes.append(value)
                return f"\x02{len(codes) - 1}\x03"
        return value

    def shown(text: str) -> Markup:
        return Markup(
            _MARK.sub(lambda m: f'<span class="code">{escape(codes[int(m.group(1))])}</span>', str(escape(text)))
        )

    title, text = n.rendered(language, catalogs=words.registry, mark=mark)
    return shown(title), shown(text)


def duration(value: Duration | str | None, language: str) -> str:
    """An ISO 8601 duration (``P1Y6M``) in words of ``language``: 1 年 6 个月, 1 year 6 months."""
    if value is None:
        return "—"
    period = value if isinstance(value, Duration) else Duration.parse(value)
    t = translator(language)
    parts = [
        t(f"duration.{unit}", count=count)
        for unit, count in (("years", period.years), ("months", period.months), ("days", period.days))
        if count
    ]
    return messages.join(parts, language) if parts else t("duration.days", count=0)


class CatalogWords:
    """``catalog_text(catalog_id, path, default)`` in a page: the text at ``path`` of the
    catalog's version in force today (else its latest version that has it) in the page's
    language, else ``default``. For what a page has as an id and a name, not as a catalog's
    text: a grade (``grades.NAME``), a catalog's title by its id. The catalogs are read
    once per page, and only by a page that asks."""

    def __init__(self, registry: Callable[[], CatalogRegistry | None], language: str, today: dt.date):
        self._registry = registry
        self._loaded: CatalogRegistry | None = None
        self.language = language
        self.today = today

    @property
    def registry(self) -> CatalogRegistry:
        if self._loaded is None:
            self._loaded = self._registry() or CatalogRegistry()
        return self._loaded

    def __call__(self, catalog_id: str, path: str, default: str | None = None) -> str | None:
        versions = self.registry.versions(catalog_id)
        current = self.registry.in_force(catalog_id, self.today)
        for version in [current, *reversed(versions)] if current is not None else reversed(versions):
            found = version.text(path, self.language)
            if found is not None:
                return found
        return default

    def list_title(self, list_id: str) -> str:
        """A list's title, whichever catalog defines it; its id when it has none."""
        owner = self.registry.list_owner(list_id)
        if owner is None:
            return list_id
        return self(owner.catalog_id, f"lists.{list_id}.title", list_id) or list_id

    def grade(self, catalog_id: str, name: str) -> str:
        """A grade's name in the page's language: a word is translated, a code is not."""
        return self(catalog_id, f"grades.{name}", name) or name

    def source(self, source: str, rule: str | None = None) -> str:
        """The name of the authority ``source`` in the page's language, as the catalog of
        ``rule`` (``CATALOG/RULE``, or a catalog id) names it, else any catalog; the id
        itself when no catalog names it."""
        catalog_id = rule.split("/", 1)[0] if rule else None
        name = self.registry.source_name(source, catalog_id)
        return name.in_language(self.language) if name is not None else source
