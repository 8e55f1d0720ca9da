"""Every request: a request id, a count, a latency and a log line, and no server error
that escapes uncounted.

A pure ASGI middleware, outermost but for Starlette's own error middleware, so that it
sees every answer, those of the body limit included. An exception that nothing else
answered becomes a 500 problem here: counted, logged with the request id and the
route's template (never the path, which can carry an identity number), and answered
with the request id rather than the exception's text."""

from __future__ import annotations

import json
import logging
import random
import re
import time
import traceback

from prometheus_client import CollectorRegistry, Counter, Histogram

from xinyong.domain.free_text import mask_identity_numbers
from xinyong.entrypoints.api.problems import BASE, MEDIA_TYPE

log = logging.getLogger("xinyong.requests")
HEADER = "X-Request-Id"
# A client's own id is kept when it is short and plain; anything else is replaced.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
# New request ids: 128 random bits as uuid4().hex has them, but from a generator seeded
# once from the system's randomness. An id names a request in the logs and is no secret;
# os.urandom on every request is a system call that hands the GIL to the access log's
# writer thread in the middle of each answer.
_ids = random.Random()


def request_id_of(headers: list[tuple[bytes, bytes]]) -> str:
    """The client's ``X-Request-Id`` if it is sane, else a new one."""
    for name, value in headers:
        if name.lower() == b"x-request-id":
            try:
                text = value.decode("ascii")
            except UnicodeDecodeError:
                break
            # An identity number is never logged, even as a client's request id.
            if SANE_REQUEST_ID.fullmatch(text) and mask_identity_numbers(text) == text:
                return text
            break
    return f"{_ids.getrandbits(128):032x}"


def failure_text(error: BaseException) -> str:
    """The traceback of a failure for the log, with identity numbers masked."""
    return mask_identity_numbers("".join(traceback.format_exception(error)))


class Observe:
    def __init__(self, app, registry: CollectorRegistry):
        self.app = app
        self.requests = Counter(
            "xinyong_http_requests", "HTTP requests", ["method", "route", "status"], registry=registry
        )
        self.server_errors = Counter(
            "xinyong_http_server_errors",
            "HTTP answers with a 5xx status",
            ["method", "route", "status"],
            registry=registry,
        )
        self.latency = Histogram(
            "xinyong_http_request_seconds",
            "HTTP request latency",
            ["route"],
            registry=registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
        )

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        request_id = request_id_of(scope.get("headers") or [])
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500
        response_started = False

        async def send_with_id(message):
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                headers.append((b"x-request-id", request_id.encode("ascii")))
                message = {**message, "headers": headers}
            await send(message)

        failure: BaseException | None = None
        answer_under_way = False
        try:
            await self.app(scope, receive, send_with_id)
        except Exception as error:  # noqa: BLE001 - a bug: answered, counted and logged below
            failure = error
            status = 500
            answer_under_way = response_started
            if not answer_under_way:
                await self._internal_error(scope, send_with_id, request_id)
        # The route's template, never the path: paths can carry identity numbers.
        template = getattr(scope.get("route"), "path", "unmatched")
        method = scope.get("method", "?")
        elapsed = time.perf_counter() - started
        self.requests.labels(method, template, str(status)).inc()
        self.latency.labels(template).observe(elapsed)
        if status >= 500:
            self.server_errors.labels(method, template, str(status)).inc()
            if failure is not None:
                log.error(
                    "%s %s %s %.1fms request %s failed:\n%s",
                    method,
                    template,
                    status,
                    elapsed * 1000,
                    request_id,
                    failure_text(failure),
                )
            else:
                log.error("%s %s %s %.1fms request %s", method, template, status, elapsed * 1000, request_id)
        else:
            log.info("%s %s %s %.1fms request %s", method, template, status, elapsed * 1000, request_id)
        if failure is not None and answer_under_way:
            raise failure  # the answer was under way: the server closes the connection

    @staticmethod
    async def _internal_error(scope, send, request_id: str) -> None:
        body = json.dumps(
            {
                "type": BASE + "internal-error",
                "title": "Internal error",
                "status": 500,
                "detail": f"the server failed on this request; quote request id {request_id} when reporting it",
                "instance": scope.get("path"),
                "request_id": request_id,
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 500,
                "headers": [(b"content-type", MEDIA_TYPE.encode()), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})
