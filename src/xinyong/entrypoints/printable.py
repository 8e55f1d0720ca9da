"""A subject's whole file as a printable HTML page, for the API (``/v1/me/export.html``)
and the portal (``/portal/export``) alike.

Its template (``web/templates/printable/``) is in English only, outside the message
catalogs that the pages draw every word from."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from xinyong.domain.catalog import Text
from xinyong.services.export import WholeFile
from xinyong.services.unit_of_work import Notice


def _english(value: Any) -> Any:
    """A catalog's text in English, like every other word of the page."""
    return value.in_language("en") if isinstance(value, Text) else value


_templates = Environment(
    loader=PackageLoader("xinyong.entrypoints", "web/templates/printable"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
    finalize=_english,
)


def _notice_words(n: Notice) -> tuple[str, str]:
    """A notice of the report as its title and text, in English with the portal's wording."""
    return n.rendered("en")


# Notices are stored as message keys: the page renders them.
_templates.globals["notice_words"] = _notice_words


def render_export(report: WholeFile) -> str:
    """The page of ``report`` (:func:`xinyong.services.export.whole_file`)."""
    return _templates.get_template("export.html").render(r=report)
