"""Signing in and out of the portal and the console: the same form and the same seam
(:class:`xinyong.entrypoints.web.sessions.IdentityProvider`) for both, and, when one is
configured, the way through an OpenID Connect provider (``router``, installed only then:
``/{portal,console}/sign-in/oidc`` and its callback)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from xinyong.entrypoints.web.forms import local_path, read_form
from xinyong.entrypoints.web.oidc import OidcSignIn, ProviderUnavailable
from xinyong.entrypoints.web.pages import SECURITY_HEADERS, render
from xinyong.entrypoints.web.sessions import CONSOLE, PORTAL, Area, Sessions, SignInRefused

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)


def sessions(request: Request) -> Sessions:
    return request.app.state.sessions


def signin_page(
    request: Request, area: Area, error: str | None = None, status: int = 200, next_page: str | None = None
) -> HTMLResponse:
    """The sign-in form of ``area``; ``error`` is a message key, shown next to the field
    (the token form's) or above both ways of signing in (the provider's,
    ``signin.error.oidc.*``)."""
    book = sessions(request)
    token = book.signin_token(request, area)
    provider_error = error if error and error.startswith("signin.error.oidc.") else None
    response = render(
        request,
        "signin.html",
        status=status,
        area=area.name,
        signin_csrf=token,
        error=None if provider_error else error,
        provider_error=provider_error,
        provider=book.oidc.provider_name if book.oidc is not None else None,
        next_page=local_path(next_page, area.path) or "",
    )
    book.remember_signin(request, response, area, token)
    return response


async def sign_in(request: Request, area: Area) -> Response:
    form = await read_form(request)
    book = sessions(request)
    if not book.signin_ok(request, area, form.get("csrf")):
        return signin_page(request, area, "signin.error.expired", 422, form.get("next"))
    try:
        value = await run_in_threadpool(book.provider.sign_in, form, area)
    except SignInRefused as refused:
        return signin_page(request, area, refused.reason, 422, form.get("next"))
    response = RedirectResponse(local_path(form.get("next"), area.path) or area.path, status_code=303)
    book.open(request, response, area, value)
    return response


async def sign_out(request: Request, area: Area) -> Response:
    form = await read_form(request)
    book = sessions(request)
    if not book.csrf_ok(request, area, form.get("csrf")):
        return render(request, "error.html", status=403, heading="error.forbidden", message="error.csrf")
    response = RedirectResponse(area.path, status_code=303)
    book.close(request, response, area)
    return response


# ------------------------------------------------------- through an OpenID Connect provider


def _pending_cookie(area: Area) -> str:
    return f"{area.cookie}_oidc"


def _provider(request: Request) -> OidcSignIn:
    oidc = sessions(request).oidc
    assert oidc is not None, "the routes through a provider are installed only when one is configured"
    return oidc


async def oidc_start(request: Request, area: Area) -> Response:
    """Send the browser to the provider, remembering the sign-in in a sealed cookie."""
    oidc = _provider(request)
    next_page = local_path(request.query_params.get("next"), area.path) or area.path
    try:
        url, pending = await oidc.begin(area, str(request.base_url), next_page)
    except ProviderUnavailable as error:
        log.warning("sign-in through %s cannot start: %s", oidc.config.issuer, error)
        return signin_page(request, area, "signin.error.oidc.unavailable", 503, next_page)
    response = RedirectResponse(url, status_code=303, headers=SECURITY_HEADERS)
    response.set_cookie(
        _pending_cookie(area),
        pending,
        max_age=600,
        path=area.path,
        httponly=True,
        samesite="lax",  # sent when the provider sends the browser back (a top-level GET)
        secure=request.url.scheme == "https",
    )
    return response


async def oidc_callback(request: Request, area: Area) -> Response:
    """Where the provider sends the browser back: the session opens only when the state
    is the one this browser's sign-in sent and the ID token is believed."""
    oidc = _provider(request)
    pending = oidc.pending(request.cookies.get(_pending_cookie(area)), area)
    query = request.query_params
    response: Response
    if pending is None or query.get("state") != pending.state:
        # No sign-in under way in this browser, an old one, or another's (a replayed or
        # forged state): nothing the provider says here is acted on.
        response = signin_page(request, area, "signin.error.oidc.state", 400)
    elif query.get("error") or not query.get("code"):
        response = signin_page(request, area, "signin.error.oidc.denied", 403, pending.next_page)
    else:
        try:
            reader = await oidc.finish(area, str(request.base_url), pending, query["code"])
        except SignInRefused as refused:
            response = signin_page(request, area, refused.reason, 403, pending.next_page)
        except ProviderUnavailable as error:
            log.warning("sign-in through %s failed: %s", oidc.config.issuer, error)
            response = signin_page(request, area, "signin.error.oidc.unavailable", 503, pending.next_page)
        else:
            response = RedirectResponse(pending.next_page, status_code=303)
            sessions(request).open(request, response, area, oidc.session(reader))
    # Each sign-in through the provider is used once, whatever came of it.
    response.delete_cookie(_pending_cookie(area), path=area.path, httponly=True, samesite="lax")
    return response


@router.get("/portal/sign-in/oidc")
async def portal_oidc_start(request: Request) -> Response:
    return await oidc_start(request, PORTAL)


@router.get("/portal/sign-in/oidc/callback")
async def portal_oidc_callback(request: Request) -> Response:
    return await oidc_callback(request, PORTAL)


@router.get("/console/sign-in/oidc")
async def console_oidc_start(request: Request) -> Response:
    return await oidc_start(request, CONSOLE)


@router.get("/console/sign-in/oidc/callback")
async def console_oidc_callback(request: Request) -> Response:
    return await oidc_callback(request, CONSOLE)
