"""Errors as pages for a browser: a request that asks for HTML (a browser following a
link or typing an address) and meets an error the service answers with a problem
document (RFC 9457) gets a page in its language instead, with the same status and
headers. The API (``/v1/...``) and every client that asks for JSON keep the problem
document exactly as it was. A failure's page names the request id, never the failure."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from xinyong.entrypoints.web.pages import render

PROBLEM = b"application/problem+json"
JSON_TYPES = ("application/json", "application/problem+json")
# The page for each status: its heading and its message (both message keys).
PAGES = {
    404: ("error.not_found", "error.not_found.message"),
    405: ("error.method_not_allowed", "error.method_not_allowed.message"),
    413: ("error.too_large", "error.too_large.message"),
    422: ("error.bad_address", "error.bad_address.message"),
    429: ("error.too_many_requests", "error.too_many_requests.message"),
}
SERVER_ERROR = ("error.internal", "error.internal.message")
OTHER = ("error.other", "error.other.message")
# What the page answer sets itself; every other header of the problem is kept.
_REPLACED = {b"content-type", b"content-length", b"content-language", b"vary", b"cache-control"}


def _quality(accept: str, wanted: tuple[str, ...]) -> float:
    """The q-value ``accept`` gives the first of ``wanted`` it names (wildcards aside)."""
    best = 0.0
    for part in accept.split(","):
        media, *parameters = (p.strip() for p in part.split(";"))
        if media.lower() not in wanted:
            continue
        q = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        best = max(best, q)
    return best


def wants_page(path: str, accept: str | None) -> bool:
    """Whether a request for ``path`` sent with ``accept`` is a browser's, to be answered
    with a page: never under ``/v1``, and only when HTML is preferred to JSON."""
    if path == "/v1" or path.startswith("/v1/") or not accept:
        return False
    return _quality(accept, ("text/html",)) > _quality(accept, JSON_TYPES)


class BrowserErrors:
    """A pure ASGI middleware, outside the one that answers failures
    (:class:`xinyong.entrypoints.api.observe.Observe` in the server), so that it sees
    every problem document the service sends, its failures' included."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        accept = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == b"accept"), None)
        if not wants_page(scope.get("path", ""), accept):
            return await self.app(scope, receive, send)

        held: Message | None = None
        body = b""

        async def send_page_for_problem(message: Message) -> None:
            nonlocal held, body
            if message["type"] == "http.response.start":
                kind = next((v for k, v in message.get("headers", []) if k.lower() == b"content-type"), b"")
                if message["status"] >= 400 and kind.split(b";")[0].strip() == PROBLEM:
                    held = message  # answered below, once the whole problem is read
                    return
            elif message["type"] == "http.response.body" and held is not None:
                body += message.get("body", b"")
                if message.get("more_body", False):
                    return
                await self._page(scope, receive, send, held, body)
                return
            await send(message)

        await self.app(scope, receive, send_page_for_problem)

    @staticmethod
    async def _page(scope: Scope, receive: Receive, send: Send, start: Message, body: bytes) -> None:
        status: int = start["status"]
        try:
            problem: dict[str, Any] = json.loads(body)
        except ValueError:
            problem = {}
        heading, message = PAGES.get(status) or (SERVER_ERROR if status >= 500 else OTHER)
        request = Request(scope, receive)
        page = render(
            request,
            "error.html",
            status=status,
            heading=heading,
            message=message,
            reference=problem.get("request_id") if status >= 500 else None,
        )
        kept = [(k, v) for k, v in start.get("headers", []) if k.lower() not in _REPLACED]
        page.raw_headers.extend(kept)
        await page(scope, receive, send)
