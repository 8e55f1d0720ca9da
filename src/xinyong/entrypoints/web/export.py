"""A subject's whole file as a printable HTML page, for the API and the portal alike.

Its template (templates/printable/) is in English only, outside the message catalogs
that the pages draw every word from."""

from __future__ import annotations

from functools import partial
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from xinyong.entrypoints.web import i18n

templates = Environment(
    loader=PackageLoader("xinyong.entrypoints.web", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
# Notices are stored as message keys: the page renders them in its language.
templates.globals["notice_words"] = partial(i18n.notice, "en")


def render_export(report: dict[str, Any]) -> str:
    return templates.get_template("printable/export.html").render(r=report)
