"""The public pages: home and search, an organisation's page, a published list, and the
language switch. Nothing here names a person: the lookup finds organisations only, and a
list shows persons only where its catalog publishes them, masked."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from xinyong.domain.identifiers import InvalidIdentifier
from xinyong.domain.lookup import code_prefix
from xinyong.entrypoints.dependencies import DeploymentDep, public_wait, today
from xinyong.entrypoints.web import credit_reports, i18n
from xinyong.entrypoints.web.forms import local_path
from xinyong.entrypoints.web.pages import language, render
from xinyong.services.publication import NotPublished

router = APIRouter(include_in_schema=False)
PER_PAGE = 25
SEARCH_PER_PAGE = 25
MAX_QUERY = 100
RESIDENT_NUMBER = re.compile(r"^(rid:)?\d{6,17}[\dXx]?$")


def page_number(page: str) -> int:
    """A ``?page=`` value as a page number: anything but a sensible number is page 1."""
    return int(page) if page.isdigit() and 0 < int(page) < 100000 else 1


def not_found(request: Request, message: str) -> HTMLResponse:
    return render(request, "error.html", status=404, heading="error.not_found", message=message)


def too_many(request: Request) -> HTMLResponse | None:
    """The public pages share the lookup's rate per client (XINYONG_PUBLIC_RATE): over it,
    a page that says to wait a moment, with ``Retry-After``."""
    wait = public_wait(request)
    if wait is None:
        return None
    page = render(
        request, "error.html", status=429, heading="error.too_many_requests", message="error.too_many_requests.message"
    )
    page.headers["Retry-After"] = str(max(1, math.ceil(wait)))
    return page


@router.get("/", response_class=HTMLResponse)
def home(request: Request, d: DeploymentDep) -> HTMLResponse:
    if (refused := too_many(request)) is not None:
        return refused
    return render(request, "home.html", lists=d.publication.lists(today()), query="", results=None)


@router.get("/lookup", response_class=HTMLResponse)
def lookup(request: Request, d: DeploymentDep, q: str = "", page: str = "1") -> HTMLResponse:
    """The search page; with htmx, the input asks it as one types and keeps its
    ``#results`` (the URL is replaced, not pushed: Back leaves the search)."""
    if (refused := too_many(request)) is not None:
        return refused
    query = q.strip()[:MAX_QUERY]
    results = d.publication.lookup(query, today(), page_number(page), SEARCH_PER_PAGE) if query else None
    # A resident number is never looked up: say so without searching for it.
    compact = unicodedata.normalize("NFKC", query).replace(" ", "")
    person = bool(RESIDENT_NUMBER.match(compact)) and not (results and results.total)
    return render(request, "lookup.html", query=query, results=results, person_query=person)


@router.get("/org/{uscc}", response_class=HTMLResponse)
def organisation(uscc: str, request: Request, d: DeploymentDep) -> HTMLResponse:
    if (refused := too_many(request)) is not None:
        return refused
    try:
        # A code as typed (lower case, grouped, full-width) is the code.
        page = d.publication.organisation(code_prefix(uscc[:60]) or uscc.strip()[:40], today())
    except (InvalidIdentifier, NotPublished, ValueError):
        return not_found(request, "org.not_found")
    return render(request, "org.html", org=page)


HELP = {"file": 2, "score": 2, "lists": 2, "dispute": 2, "repair": 1, "rights": 2}  # paragraphs a topic


@router.get("/help", response_class=HTMLResponse)
def help_page(request: Request) -> HTMLResponse:
    """What a resident or a firm should know: the file, scores, lists, disputes, repair
    and their rights, in the reader's language."""
    return render(request, "help.html", area="help", parts=list(HELP), counts=HELP)


@router.get("/lists", response_class=HTMLResponse)
@router.get("/lists/", response_class=HTMLResponse)
def lists_index(request: Request, d: DeploymentDep) -> HTMLResponse:
    """Every list the loaded catalogs define, with its entries in effect today."""
    if (refused := too_many(request)) is not None:
        return refused
    day = today()
    return render(request, "lists.html", lists=d.publication.lists(day), as_of=day)


@router.get("/org/{uscc}/report.pdf", response_class=Response)
def organisation_report(uscc: str, request: Request, d: DeploymentDep) -> Response:
    """The organisation's public credit report as a PDF in the page's language: what its
    public page shows, nothing more, with how the organisation may dispute."""
    if (refused := too_many(request)) is not None:
        return refused
    try:
        page = d.publication.organisation(code_prefix(uscc[:60]) or uscc.strip()[:40], today())
    except (InvalidIdentifier, NotPublished, ValueError):
        return not_found(request, "org.not_found")
    lang = language(request)
    portal_url = str(request.url_for("portal"))
    made = dt.datetime.now(dt.UTC)
    try:
        document = credit_reports.organisation_report(page, d.catalogs.registry(), lang, portal_url, made)
    except credit_reports.Unavailable:
        return credit_reports.unavailable(request)
    return credit_reports.attachment(document, f"credit-report-{page.code}-{page.as_of.isoformat()}.pdf", lang)


@router.get("/lists/{list_id}", response_class=HTMLResponse)
def published_list(list_id: str, request: Request, d: DeploymentDep, page: str = "1") -> HTMLResponse:
    if (refused := too_many(request)) is not None:
        return refused
    number = page_number(page)
    try:
        listing = d.publication.list_entries(list_id[:100], today(), number, PER_PAGE)
    except NotPublished:
        return not_found(request, "list.not_found")
    pages = max(1, -(-listing.total // PER_PAGE))
    return render(request, "list.html", listing=listing, pages=pages)


@router.get("/lang/{code}")
def switch_language(code: str, request: Request, next: str | None = None) -> RedirectResponse:
    """Remember the chosen language in a cookie and go back to the page it was chosen on."""
    response = RedirectResponse(local_path(next) or "/", status_code=303)
    if code in i18n.LANGUAGES:
        response.set_cookie(
            i18n.COOKIE, code, max_age=365 * 24 * 3600, path="/", samesite="lax", secure=request.url.scheme == "https"
        )
    return response
