"""A subject's whole file as a printable HTML page, for the API (``/v1/me/export.html``)
and the portal (``/portal/export``) alike, in the reader's language: its words are the
words of ``xinyong/messages/export.LANG.json`` (shared by both entrypoints), the
catalogs' texts are given in that language, and notices are rendered in it."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from xinyong import messages
from xinyong.domain.catalog import Text
from xinyong.domain.catalog.registry import CatalogRegistry
from xinyong.services.export import WholeFile
from xinyong.services.unit_of_work import Notice


@pass_context
def _in_language(context: Context, value: Any) -> Any:
    """A catalog's text in the page's language, like every other word of the page."""
    return value.in_language(context.get("lang", messages.FALLBACK)) if isinstance(value, Text) else value


_templates = Environment(
    loader=PackageLoader("xinyong.entrypoints", "web/templates/printable"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
    finalize=_in_language,
)


@cache
def _words(language: str) -> dict[str, str]:
    """The export's words in ``language`` (``xinyong/messages/export.LANG.json``): the
    page's own, apart from the notices' catalogs, which hold the domain's keys only."""
    text = resources.files("xinyong.messages").joinpath(f"export.{language}.json").read_text("utf-8")
    words: dict[str, str] = json.loads(text)
    return words


def render_export(report: WholeFile, language: str = messages.FALLBACK, catalogs: CatalogRegistry | None = None) -> str:
    """The page of ``report`` (:func:`xinyong.services.export.whole_file`) in ``language``;
    with ``catalogs``, the rule titles and legal bases its notices quote are in it too."""
    if language not in messages.LANGUAGES:
        language = messages.FALLBACK

    own, english = _words(language), _words(messages.FALLBACK)

    def t(key: str, **fields: Any) -> str:
        """The export's words for ``key`` (``export.NAME``), filled from ``fields``."""
        name = key.removeprefix("export.")
        template = own.get(name) or english.get(name) or key
        return template.format(**{k: v.in_language(language) if isinstance(v, Text) else v for k, v in fields.items()})

    def word(prefix: str, value: str) -> str:
        """The word for ``value`` among ``export.PREFIX.*``, else the value as stored."""
        return t(f"{prefix}.{value}") if f"{prefix}.{value}" in english else value

    def notice_words(n: Notice) -> tuple[str, str]:
        return n.rendered(language, catalogs=catalogs)

    def source(source: str, rule: str | None = None) -> str:
        """The authority's name as the catalogs give it, else its id."""
        name = catalogs.source_name(source, rule.split("/", 1)[0] if rule else None) if catalogs else None
        return name.in_language(language) if name is not None else source

    def place(code: str | None) -> str:
        return messages.place(code, language) or t("export.no_jurisdiction")

    return _templates.get_template("export.html").render(
        r=report, lang=language, t=t, word=word, notice_words=notice_words, place=place, source=source
    )
