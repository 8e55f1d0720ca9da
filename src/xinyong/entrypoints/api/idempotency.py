"""``Idempotency-Key`` on POST requests: a client that sends a request again with the
same key (after a timeout, a lost connection, a crash of the server) gets the answer of
the first one and nothing is done twice. Keys are per token and kept in the database.
Only successful answers are kept: a refused request may be sent again as it is."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import APIRoute

from xinyong.adapters.storage.idempotency import IdempotencyBook
from xinyong.entrypoints.api.problems import Problem, response

HEADER = "Idempotency-Key"
_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")


def _digest(*parts: bytes) -> str:
    return hashlib.sha256(b"\x1f".join(parts)).hexdigest()


class IdempotentRoute(APIRoute):
    """A route whose POSTs honour ``Idempotency-Key``."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            key = request.headers.get(HEADER)
            authorization = request.headers.get("Authorization")
            if request.method != "POST" or key is None or not authorization:
                return await handler(request)
            if not _KEY.match(key):
                return response(
                    Problem(
                        422,
                        "invalid-idempotency-key",
                        "Invalid Idempotency-Key",
                        f"{HEADER} must be 1 to 200 visible ASCII characters",
                        errors=[{"field": HEADER, "message": "1 to 200 visible ASCII characters"}],
                    ),
                    request,
                )
            scope = _digest(authorization.strip().encode())
            body = await request.body()
            fingerprint = _digest(request.method.encode(), request.url.path.encode(), request.url.query.encode(), body)
            book = IdempotencyBook(request.app.state.deployment.store)
            claim = await run_in_threadpool(book.claim, scope, key, fingerprint)
            if claim.state == "replay":
                return Response(
                    claim.body,
                    status_code=claim.status,
                    media_type="application/json",
                    headers={"Idempotent-Replayed": "true"},
                )
            if claim.state == "mismatch":
                return response(
                    Problem(
                        422,
                        "idempotency-key-reused",
                        "Idempotency-Key used for another request",
                        f"the {HEADER} {key!r} was sent before with another request; a new request needs a new key",
                    ),
                    request,
                )
            if claim.state == "in-progress":
                return response(
                    Problem(
                        409,
                        "idempotency-key-in-use",
                        "A request with this Idempotency-Key is still running",
                        f"the request first sent with {HEADER} {key!r} has not finished; send it again later",
                    ),
                    request,
                )
            try:
                answer = await handler(request)
            except BaseException:
                await run_in_threadpool(book.release, scope, key)
                raise
            if 200 <= answer.status_code < 300 and hasattr(answer, "body"):
                await run_in_threadpool(book.complete, scope, key, answer.status_code, bytes(answer.body))
            else:
                await run_in_threadpool(book.release, scope, key)
            return answer

        return route
