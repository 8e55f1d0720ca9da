"""Request dependencies: the deployment, the reader behind a bearer token, and common
parameters."""

from __future__ import annotations

import datetime as dt
import math
import re
import typing
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import APIRoute, APIRouter
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from xinyong import messages
from xinyong.domain.access import PurposeRequired, Reader
from xinyong.domain.calendar import in_range
from xinyong.domain.identifiers import InvalidIdentifier, SubjectRef
from xinyong.domain.webhooks import RECEIVES
from xinyong.entrypoints.api.problems import Problem, forbidden, unauthenticated
from xinyong.entrypoints.api.rate import RateLimiter
from xinyong.entrypoints.dependencies import public_quota

bearer = HTTPBearer(auto_error=False, description="A token from `xinyong token create`.")


# The dependencies below are coroutines: FastAPI runs a plain function in a worker
# thread, a hop that costs more than the work of most of them.


async def reader(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Reader:
    """The reader behind the request's bearer token; a 401 problem without a known one.
    A token seen within the last second is answered from memory (revocation reaches
    every process within that bound: :mod:`xinyong.adapters.storage.tokens`)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise unauthenticated("send 'Authorization: Bearer TOKEN'")
    tokens = request.app.state.deployment.tokens
    found = tokens.fresh(credentials.credentials)
    if found is None:
        found = await run_in_threadpool(tokens.reader, credentials.credentials)
    if found is None:
        raise unauthenticated("the token is unknown or revoked")
    return found


def role(*roles: str) -> Callable[..., Awaitable[Reader]]:
    """A dependency that admits only readers of ``roles`` (one dependency of the bearer
    scheme: every route pays for each level of dependencies it has)."""

    async def admit(
        request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
    ) -> Reader:
        return await _admitted(request, credentials, roles)

    return admit


async def _admitted(
    request: Request, credentials: HTTPAuthorizationCredentials | None, roles: tuple[str, ...]
) -> Reader:
    who = await reader(request, credentials)
    if who.role not in roles:
        taken = " or ".join(roles)
        raise forbidden(
            f"{_article(who.role)} {who.role} token cannot do this; it takes {_article(taken)} {taken} token"
        )
    return who


def _article(role: str) -> str:
    """The article before a role's name: an officer, a source."""
    return "an" if role[:1] in "aeiou" else "a"


# The security requirement FastAPI writes for a route that depends on ``bearer``, for a
# route that asks :func:`admitted` itself.
BEARER_SECURITY: list[dict[str, list[str]]] = [{"HTTPBearer": []}]


async def admitted(request: Request, *roles: str) -> Reader:
    """What the dependency ``role(*roles)`` gives, asked by the route itself: the same
    401 and 403 problems, without FastAPI's dependency solving, which costs the service
    points' hot path more than the token lookup (declare ``BEARER_SECURITY`` on the
    route so that the schema says it as before)."""
    return await _admitted(request, await bearer(request), roles)


class RequestRoute(APIRoute):
    """A route whose endpoint takes the request alone and returns its :class:`Response`
    (the checks, the service points' hot path): FastAPI calls it without solving
    dependencies or reading a body for it, which cost such a route more than its own
    work. Such an endpoint has no parameter for the app's dependency
    (:func:`parameters_in_range`) to check, and declares no dependency of its own:
    this class refuses one that does. Errors it raises are answered as on every route."""

    def __init__(self, path: str, endpoint: Callable[..., typing.Any], **options: typing.Any):
        super().__init__(path, endpoint, **options)
        dependant = self.dependant
        declared = (
            dependant.path_params,
            dependant.query_params,
            dependant.header_params,
            dependant.cookie_params,
            dependant.body_params,
            dependant.dependencies,
        )
        if any(declared) or dependant.request_param_name is None:
            raise TypeError(f"{path}: a RequestRoute's endpoint takes the request alone")

    def get_route_handler(self) -> Callable[[Request], typing.Coroutine[typing.Any, typing.Any, Response]]:
        return typing.cast(Callable[[Request], typing.Coroutine[typing.Any, typing.Any, Response]], self.endpoint)


def post_request_route(
    router: APIRouter, path: str, **options: typing.Any
) -> Callable[[Callable[[Request], Awaitable[Response]]], Callable[[Request], Awaitable[Response]]]:
    """``@router.post(path, **options)`` for an endpoint that is a :class:`RequestRoute`."""

    def add(endpoint: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
        router.add_api_route(path, endpoint, methods=["POST"], route_class_override=RequestRoute, **options)
        return endpoint

    return add


# Who a route admits, as the parameter that receives the reader.
Officer = Annotated[Reader, Depends(role("officer"))]
OfficerOrSubject = Annotated[Reader, Depends(role("officer", "subject"))]
SubjectReader = Annotated[Reader, Depends(role("subject"))]
Source = Annotated[Reader, Depends(role("source"))]
SourceOrRegistry = Annotated[Reader, Depends(role("source", "registry"))]
CHECKERS = ("service-point", "officer")  # who asks checks
Checker = Annotated[Reader, Depends(role(*CHECKERS))]
Auditor = Annotated[Reader, Depends(role("auditor"))]
Lender = Annotated[Reader, Depends(role("lender"))]
# The roles that register webhook endpoints: those with events to receive.
WebhookOwner = Annotated[Reader, Depends(role(*RECEIVES))]


def officer_purpose(who: Reader, purpose: str | None, field: str = "purpose") -> str | None:
    """:meth:`Reader.stated_purpose` (the console applies the same rule), refused with a
    422 problem naming ``field``."""
    try:
        return who.stated_purpose(purpose)
    except PurposeRequired as refused:
        raise Problem(
            422,
            refused.key.replace(".", "-"),
            "An officer states a purpose",
            str(refused),
            errors=[{"field": field, "message": "required for officers"}],
        ) from None


async def public_rate_limit(request: Request, response: Response) -> None:
    """The public lookup's dependency: the client's quota in ``RateLimit-Policy`` and
    ``RateLimit`` on every answer, and a 429 problem with ``Retry-After`` to a client
    over its rate (see :mod:`xinyong.entrypoints.api.rate`)."""
    limiter: RateLimiter = request.app.state.public_limiter
    quota = public_quota(request)
    policy = limiter.policy()
    fields = {"RateLimit-Policy": policy, "RateLimit": limiter.field(quota)} if policy is not None else {}
    response.headers.update(fields)
    wait = quota.wait
    if wait is not None:
        seconds = max(1, math.ceil(wait))
        raise Problem(
            429,
            "too-many-requests",
            "Too many requests",
            f"the public lookup answers each client {limiter.rate.per_second:g} requests a second "
            f"(up to {limiter.rate.burst} at once); try again in {seconds} s",
            headers={"Retry-After": str(seconds), **fields},
            retry_after=seconds,
        )


def subject_ref(text: str, field: str = "subject") -> SubjectRef:
    try:
        return SubjectRef.parse(text)
    except InvalidIdentifier as error:
        raise Problem(
            422,
            "invalid-identifier",
            "Invalid subject identifier",
            str(error),
            errors=[{"field": field, "message": str(error)}],
        ) from None


async def language(request: Request) -> str:
    """The language of the words in an answer (notices, the outlook, how to dispute):
    English, or Chinese when Accept-Language prefers it."""
    return messages.negotiate(request.headers.get("accept-language"), "en")


Language = Annotated[str, Depends(language)]


# ------------------------------------------------------------------ parameters in range

# Integers a path or query parameter may carry: what a 64-bit database column holds.
SMALLEST_INT, LARGEST_INT = -(2**63), 2**63 - 1


def out_of_range(field: str, message: str) -> Problem:
    return Problem(
        422,
        "out-of-range",
        "A value is out of range",
        f"{field}: {message}",
        errors=[{"field": field, "message": message}],
    )


def day_in_range(day: dt.date, field: str) -> dt.date:
    """``day`` if it lies within the calendar's years (docs/design.md section 4), else a 422."""
    try:
        return in_range(day)
    except ValueError as error:
        raise out_of_range(field, str(error)) from None


def _kind(annotation: object) -> str | None:
    """'date' or 'int' for a parameter annotated with one of them (optionally ``| None``)."""
    members = typing.get_args(annotation) or (annotation,)
    for member in members:
        if member is dt.date:
            return "date"
        if member is int:
            return "int"
    return None


_BOUNDED: dict[int, tuple[tuple[str, str, str], ...]] = {}  # by id(route): routes live as long as the app


def _bounded_parameters(route: object) -> tuple[tuple[str, str, str], ...]:
    """(where, name, kind) of every path and query parameter of ``route`` that is a date
    or an integer, its dependencies' included."""
    known = _BOUNDED.get(id(route))
    if known is not None:
        return known
    found: list[tuple[str, str, str]] = []
    pending = [getattr(route, "dependant", None)]
    while pending:
        dependant = pending.pop()
        if dependant is None:
            continue
        for where, fields in (("path", dependant.path_params), ("query", dependant.query_params)):
            for field in fields:
                kind = _kind(field.field_info.annotation)
                if kind is not None:
                    found.append((where, field.alias, kind))
        pending.extend(dependant.dependencies)
    _BOUNDED[id(route)] = tuple(found)
    return _BOUNDED[id(route)]


async def parameters_in_range(request: Request) -> None:
    """Every route's dependency: a date parameter outside the calendar's years, or an
    integer parameter larger than a database can hold, is a 422 problem naming it,
    before the route sees it. (Values that are not dates or integers at all are left to
    the route's own validation, which names them too.)"""
    route = request.scope.get("route")
    if route is None:
        return
    for where, name, kind in _bounded_parameters(route):
        raw = (request.path_params if where == "path" else request.query_params).get(name)
        if raw is None:
            continue
        if kind == "date":
            try:
                day = dt.date.fromisoformat(raw) if len(raw) == 10 else None
            except ValueError:
                continue
            if day is not None:
                day_in_range(day, name)
        elif re.fullmatch(r"\s*[-+]?[0-9_]+\s*", raw):
            digits = raw.strip().replace("_", "").lstrip("+-")
            if len(digits.lstrip("0")) > 19 or not SMALLEST_INT <= int(raw.strip().replace("_", "")) <= LARGEST_INT:
                raise out_of_range(name, f"an integer between {SMALLEST_INT} and {LARGEST_INT}")


async def json_body(request: Request) -> object:
    """The request body decoded as JSON, or a 400 problem saying where it breaks."""
    import json

    raw = await request.body()
    if not raw.strip():
        raise Problem(400, "malformed-json", "The request body is not valid JSON", "the body is empty")
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise Problem(400, "malformed-json", "The request body is not valid JSON", str(error)) from None
    except ValueError:
        # Python refuses to convert an integer of more than 4300 digits (sys.int_info).
        raise out_of_range("body", "a number in the body has too many digits") from None
    except RecursionError:
        raise Problem(
            400, "malformed-json", "The request body is not valid JSON", "the body is nested too deeply"
        ) from None


Node = Annotated[Reader, Depends(role("node"))]
