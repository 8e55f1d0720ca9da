"""Errors as RFC 9457 problem details, each with a stable ``type``."""

from __future__ import annotations

import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from xinyong.domain.standing import NotInForce
from xinyong.domain.validation import field_problems
from xinyong.services.due_process import DueProcessError
from xinyong.services.publication import NotPublished
from xinyong.services.unit_of_work import WriteLockBusy

BASE = "https://xinyong.invalid/problems/"
MEDIA_TYPE = "application/problem+json"


class ProblemError(BaseModel):
    """One thing that does not fit: a field (``field``, ``message``), or an event of a
    batch (``index`` from 1, ``reason``); some carry more (a message ``key`` and its
    ``fields``)."""

    model_config = ConfigDict(extra="allow")

    field: str | None = None
    message: str | None = None
    index: int | None = None
    reason: str | None = None


class ProblemDetail(BaseModel):
    """An error, as RFC 9457 describes it: branch on ``type``, never on ``title``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": BASE + "invalid-request",
                    "title": "The request does not fit",
                    "status": 422,
                    "detail": "action: at least 1 character",
                    "instance": "/v1/checks",
                    "errors": [{"field": "action", "message": "at least 1 character"}],
                }
            ]
        }
    )

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[ProblemError] | None = None


class Problem(Exception):
    """Raise to answer with a problem document."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ):
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra

    def body(self, instance: str | None = None) -> dict[str, Any]:
        body = {"type": BASE + self.slug, "title": self.title, "status": self.status}
        if self.detail:
            body["detail"] = self.detail
        if instance:
            body["instance"] = instance
        body.update(self.extra)
        return body


def response(problem: Problem, request: Request | None = None, headers: dict | None = None) -> JSONResponse:
    return JSONResponse(
        problem.body(request.url.path if request is not None else None),
        status_code=problem.status,
        media_type=MEDIA_TYPE,
        headers=headers,
    )


def unauthenticated(detail: str) -> Problem:
    return Problem(401, "unauthenticated", "Authentication required", detail)


def forbidden(detail: str) -> Problem:
    return Problem(403, "forbidden", "Not allowed for this token", detail)


def not_found(detail: str) -> Problem:
    return Problem(404, "not-found", "Not found", detail)


def _field(loc: tuple) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


# What each problem status means, as every route that may answer with it declares it.
_MEANINGS = {
    400: "The body is not valid JSON",
    401: "No bearer token, or one that is unknown or revoked",
    403: "Outside this token's role or scopes; nothing was done",
    404: "Not found",
    409: "In conflict with what is already there; nothing was written",
    413: "The body or the batch is too large",
    422: "The request does not fit; each error names its field",
    429: "Too many requests from this client: wait for the seconds in Retry-After",
    503: "Another writer (an import) holds the database's write lock, so the answer cannot be logged now; "
    "nothing was logged: ask again after the seconds in Retry-After",
}
# The quota fields of draft-ietf-httpapi-ratelimit-headers, on every answer of a
# rate-limited route (structured fields: see xinyong.entrypoints.api.rate).
RATE_LIMIT_HEADERS = {
    "RateLimit-Policy": {
        "description": 'the quota policy: `"public";q=BURST;w=SECONDS`',
        "schema": {"type": "string", "examples": ['"public";q=60;w=6']},
    },
    "RateLimit": {
        "description": 'the quota left: `"public";r=REMAINING;t=SECONDS_UNTIL_FULL`',
        "schema": {"type": "string", "examples": ['"public";r=59;t=1']},
    },
}
_HEADERS = {
    429: {
        "Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}},
        **RATE_LIMIT_HEADERS,
    },
    503: {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}},
}
# A named component, which the document gets with the others the routes document without
# FastAPI knowing them (xinyong.entrypoints.api.app).
_PROBLEM = {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/ProblemDetail"}}}


def problem_responses(*statuses: int, body: bool = False) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route that may answer with problems of ``statuses``: each
    declared as a problem document. A route with a ``body`` may also meet a malformed
    (400) or oversize (413) one, whatever else it declares."""
    declared = sorted({*statuses, *((400, 413) if body else ())})
    return {
        status: {
            "description": _MEANINGS[status],
            "content": _PROBLEM,
            **({"headers": _HEADERS[status]} if status in _HEADERS else {}),
        }
        for status in declared
    }


def install(app: FastAPI) -> None:
    """Answer every error with a problem document: those raised as :class:`Problem`, the
    services' refusals, and FastAPI's own."""

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem):
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
        return response(exc, request, {**headers, **exc.headers} or None)

    @app.exception_handler(DueProcessError)
    async def _due_process(request: Request, exc: DueProcessError):
        return response(Problem(exc.status, exc.slug, "Not possible", str(exc), **exc.fields), request)

    @app.exception_handler(WriteLockBusy)
    async def _busy(request: Request, exc: WriteLockBusy):
        seconds = max(math.ceil(exc.waited), 1)
        problem = Problem(
            503,
            "write-lock-busy",
            "The answer cannot be logged now",
            f"{exc}; nothing was logged: ask again in {seconds} s",
        )
        return response(problem, request, {"Retry-After": str(seconds)})

    @app.exception_handler(NotInForce)
    @app.exception_handler(NotPublished)
    async def _not_found(request: Request, exc: Exception):
        return response(not_found(str(exc)), request)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            ctx = next(e for e in errors if e.get("type") == "json_invalid").get("ctx", {})
            return response(
                Problem(
                    400, "malformed-json", "The request body is not valid JSON", str(ctx.get("error", "malformed JSON"))
                ),
                request,
            )
        listed = [
            {"field": _field(tuple(e.get("loc", ()))), "message": p.message}
            for e, p in zip(errors, field_problems(errors), strict=True)
        ]
        detail = "; ".join(f"{x['field']}: {x['message']}" for x in listed)
        return response(Problem(422, "invalid-request", "The request does not fit", detail, errors=listed), request)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 400:  # FastAPI's answer to a body it cannot decode (not UTF-8)
            return response(
                Problem(400, "malformed-json", "The request body is not valid JSON", str(exc.detail)), request
            )
        slug = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        return response(Problem(exc.status_code, slug, str(exc.detail)), request)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):  # pragma: no cover - a bug
        # Reached only by a failure outside the request middleware (service.observe),
        # which answers, counts and logs every other one.
        import logging

        request_id = getattr(request.state, "request_id", None)
        route = getattr(request.scope.get("route"), "path", "unmatched")
        logging.getLogger("xinyong.service").error(
            "unexpected error on %s, request %s: %s", route, request_id, type(exc).__name__
        )
        return response(Problem(500, "internal-error", "Internal error", request_id=request_id), request)
