"""Rendering pages: the templates, the language of the request, and the headers every
page carries."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup

from xinyong.domain import attachments, calendar
from xinyong.domain.catalog import CatalogRegistry
from xinyong.entrypoints.web import i18n
from xinyong.entrypoints.web.forms import EMAIL_INPUT_PATTERN, LIMITS


@pass_context
def _shown(context: Context, value: Any) -> Any:
    """Every value a page prints: a catalog's text (a rule's title, a legal basis...) in
    the page's language, whichever template prints it and however it got there."""
    return i18n.in_page_language(value, context.get("lang", i18n.DEFAULT))


@pass_context
def _place(context: Context, code: str | None) -> Markup:
    """A jurisdiction as its place name in the page's language, its code in the title."""
    return i18n.place(code, context.get("lang", i18n.DEFAULT))


templates = Environment(
    loader=PackageLoader("xinyong.entrypoints.web", "templates"),
    autoescape=select_autoescape(["html", "svg"]),
    trim_blocks=True,
    lstrip_blocks=True,
    finalize=_shown,
)
templates.globals.update(
    limits=LIMITS,
    email_pattern=EMAIL_INPUT_PATTERN,
    accept=attachments.ACCEPT,
    attachment_limits={"count": attachments.MAX_PER_CASE, "mib": attachments.MAX_BYTES // (1024 * 1024)},
)
templates.filters["place"] = _place
templates.filters["code"] = i18n.code
templates.filters["said"] = i18n.said


@pass_context
def _duration(context: Context, value: Any) -> str:
    """An ISO 8601 duration in words of the page's language."""
    return i18n.duration(value, context.get("lang", i18n.DEFAULT))


templates.filters["duration"] = _duration


def _registry(request: Request) -> Callable[[], CatalogRegistry | None]:
    def read() -> CatalogRegistry | None:
        deployment = getattr(request.app.state, "deployment", None)
        return deployment.catalogs.registry() if deployment is not None else None

    return read


# No inline script or style anywhere: htmx is told not to add its indicator style.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def language(request: Request) -> str:
    return i18n.negotiate(request.cookies.get(i18n.COOKIE), request.headers.get("accept-language"))


def here(request: Request) -> str:
    """The current path and query, for the language switch to come back to."""
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    lang = language(request)
    words = i18n.CatalogWords(_registry(request), lang, calendar.today())
    page = templates.get_template(template).render(
        t=i18n.translator(lang),
        notice_words=partial(i18n.notice, lang, words),
        catalog_text=words,
        lang=lang,
        languages=i18n.LANGUAGES,
        language_names=i18n.NAMES,
        next=quote(here(request), safe="/"),
        path=request.url.path,
        **context,
    )
    response = HTMLResponse(page, status_code=status, headers=SECURITY_HEADERS)
    response.headers["Content-Language"] = lang
    response.headers["Vary"] = "Accept-Language, Cookie"
    return response


def svg(markup: str) -> Markup:
    """Mark chart markup built by :mod:`xinyong.entrypoints.web.charts` (which escapes its text) as safe."""
    return Markup(markup)
