"""Web sessions for the resident portal and the officer console, and the seams where
identity providers plug in.

A session is a cookie scoped to its area (``/portal`` or ``/console``), http-only,
SameSite=Lax and Secure over https. What the cookie holds is decided by the identity
provider that opened it: the one built in signs in with a bearer token (``xinyong token
create``) and keeps it in the cookie, resolving it on every request, so that revoking
the token ends the session at once; sign-in through an OpenID Connect provider
(:mod:`xinyong.entrypoints.web.oidc`, when configured) keeps a sealed reader that
expires after :data:`SESSION_SECONDS`.

Forms that change things carry a CSRF token bound to the session (a keyed hash of it),
checked on every POST; the sign-in forms, before there is a session, carry a
double-submit token instead."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from fastapi import Request
from fastapi.responses import Response

from xinyong.bootstrap import Deployment
from xinyong.domain.access import Reader

if TYPE_CHECKING:
    from xinyong.entrypoints.web.oidc import OidcSignIn


@dataclass(frozen=True)
class Area:
    """A signed-in part of the site: its cookie, where the cookie goes, and who may enter."""

    name: str
    cookie: str
    path: str
    role: str


PORTAL = Area("portal", "xy_portal", "/portal", "subject")
CONSOLE = Area("console", "xy_console", "/console", "officer")
SESSION_SECONDS = 8 * 3600
# What a session cookie opened through an OpenID Connect provider starts with (a token
# session holds the token, ``xy_...``).
OIDC_SESSION = "oidc."


class SignInRefused(Exception):
    """A sign-in that did not succeed; ``reason`` is a message key."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class IdentityProvider(Protocol):
    """Signs a person in to an area and recognises the session afterwards."""

    def sign_in(self, form: Mapping[str, str], area: Area) -> str:
        """Verify what the sign-in form sent; return the value the session cookie keeps,
        or raise :class:`SignInRefused`."""
        ...

    def reader(self, session: str) -> Reader | None:
        """Who a session cookie stands for; None when it is no longer valid."""
        ...


class TokenSignIn:
    """The built-in provider: sign in with a bearer token of the area's role."""

    def __init__(self, deployment: Deployment):
        self.deployment = deployment

    def sign_in(self, form: Mapping[str, str], area: Area) -> str:
        token = (form.get("token") or "").strip()
        if not token:
            raise SignInRefused("signin.error.empty")
        reader = self.deployment.tokens.reader(token)
        if reader is None:
            raise SignInRefused("signin.error.unknown")
        if reader.role != area.role:
            raise SignInRefused(f"signin.error.role.{area.name}")
        return token

    def reader(self, session: str) -> Reader | None:
        return self.deployment.tokens.reader(session)


class Sessions:
    """The sessions of both areas: ``provider`` signs in with the form, ``oidc`` (None
    when not configured) through an OpenID Connect provider."""

    def __init__(self, provider: IdentityProvider, csrf_key: bytes, oidc: OidcSignIn | None = None):
        self.provider = provider
        self.oidc = oidc
        self._csrf_key = csrf_key

    # ------------------------------------------------------------------- sessions

    def reader(self, request: Request, area: Area) -> Reader | None:
        """The signed-in reader of ``area``, or None (no cookie, unknown, revoked, or a
        token of another role)."""
        value = request.cookies.get(area.cookie)
        if not value:
            return None
        if self.oidc is not None and value.startswith(OIDC_SESSION):
            reader = self.oidc.reader(value)
        else:
            reader = self.provider.reader(value)
        if reader is None or reader.role != area.role:
            return None
        return reader

    def open(self, request: Request, response: Response, area: Area, value: str) -> None:
        response.set_cookie(
            area.cookie,
            value,
            max_age=SESSION_SECONDS,
            path=area.path,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
        response.delete_cookie(self._signin_cookie(area), path=area.path)

    def close(self, request: Request, response: Response, area: Area) -> None:
        response.delete_cookie(
            area.cookie, path=area.path, httponly=True, samesite="lax", secure=request.url.scheme == "https"
        )

    # ----------------------------------------------------------------------- CSRF

    def csrf(self, request: Request, area: Area) -> str:
        """The CSRF token of the current session (empty without one)."""
        value = request.cookies.get(area.cookie) or ""
        if not value:
            return ""
        return hmac.new(self._csrf_key, f"{area.name}:{value}".encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, request: Request, area: Area, submitted: str | None) -> bool:
        expected = self.csrf(request, area)
        return bool(expected) and hmac.compare_digest(expected, submitted or "")

    def bound(self, request: Request, area: Area, *parts: str) -> str:
        """A keyed hash of ``parts`` bound to the current session (empty without one): a
        form that carries it back shows that this session was shown exactly these values
        (the confirmation of a decision restates the decision it confirms)."""
        value = request.cookies.get(area.cookie) or ""
        if not value:
            return ""
        text = "\x1f".join((area.name, "bound", value, *parts))
        return hmac.new(self._csrf_key, text.encode(), hashlib.sha256).hexdigest()

    def bound_ok(self, request: Request, area: Area, submitted: str | None, *parts: str) -> bool:
        expected = self.bound(request, area, *parts)
        return bool(expected) and hmac.compare_digest(expected, submitted or "")

    @staticmethod
    def _signin_cookie(area: Area) -> str:
        return f"{area.cookie}_signin"

    def signin_token(self, request: Request, area: Area) -> str:
        """The sign-in form's double-submit token: the one already set, or a new one."""
        return request.cookies.get(self._signin_cookie(area)) or secrets.token_urlsafe(24)

    def remember_signin(self, request: Request, response: Response, area: Area, token: str) -> None:
        """Set the sign-in form's double-submit token as a cookie of ``area``."""
        response.set_cookie(
            self._signin_cookie(area),
            token,
            max_age=3600,
            path=area.path,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )

    def signin_ok(self, request: Request, area: Area, submitted: str | None) -> bool:
        expected = request.cookies.get(self._signin_cookie(area)) or ""
        return bool(expected) and hmac.compare_digest(expected, submitted or "")
