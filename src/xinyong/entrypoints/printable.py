"""A subject's whole file as a printable HTML page, for the API (``/v1/me/export.html``)
and the portal (``/portal/export``) alike.

Its template (``web/templates/printable/``) is in English only, outside the message
catalogs that the pages draw every word from."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

_templates = Environment(
    loader=PackageLoader("xinyong.entrypoints", "web/templates/printable"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_export(report: dict[str, Any]) -> str:
    """The page of ``report`` (:func:`xinyong.services.export.whole_file`)."""
    return _templates.get_template("export.html").render(r=report)
