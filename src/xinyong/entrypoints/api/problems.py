"""Errors as RFC 9457 problem details, each with a stable ``type``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from xinyong.domain.validation import field_problems

BASE = "https://xinyong.invalid/problems/"
MEDIA_TYPE = "application/problem+json"


class ProblemDetail(BaseModel):
    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[dict[str, Any]] | None = None


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


def _document(app: FastAPI) -> None:
    """Say in the OpenAPI schema what every error answer is: a problem document (not
    FastAPI's default validation error). A route with a body may also meet a malformed
    (400) or oversize (413) one, whatever it declares."""
    generate = app.openapi
    problem = {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/ProblemDetail"}}}

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        schema.setdefault("components", {}).setdefault("schemas", {})["ProblemDetail"] = (
            ProblemDetail.model_json_schema(ref_template="#/components/schemas/{model}")
        )
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                if "requestBody" in operation:
                    responses.setdefault("400", {"description": "The body is not valid JSON"})
                    responses.setdefault("413", {"description": "The body or the batch is too large"})
                for status, answer in responses.items():
                    if status[0] in "45":
                        answer["content"] = problem
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def install(app: FastAPI) -> None:
    _document(app)

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem):
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
        return response(exc, request, {**headers, **exc.headers} or None)

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
