"""Signing in and out of the portal and the console: the same form and the same seam
(:class:`xinyong.entrypoints.web.sessions.IdentityProvider`) for both."""

from __future__ import annotations

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from xinyong.entrypoints.web.forms import local_path, read_form
from xinyong.entrypoints.web.pages import render
from xinyong.entrypoints.web.sessions import Area, Sessions, SignInRefused


def sessions(request: Request) -> Sessions:
    return request.app.state.sessions


def signin_page(
    request: Request, area: Area, error: str | None = None, status: int = 200, next_page: str | None = None
) -> HTMLResponse:
    """The sign-in form of ``area``; ``error`` is a message key shown next to the field."""
    book = sessions(request)
    token = book.signin_token(request, area)
    response = render(
        request,
        "signin.html",
        status=status,
        area=area.name,
        signin_csrf=token,
        error=error,
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
