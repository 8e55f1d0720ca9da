"""Bounds on request bodies, enforced before a body is parsed."""

from __future__ import annotations

import json
import re

from xinyong.entrypoints.api.problems import BASE, MEDIA_TYPE

# Where files are taken (attachments to a case): the API's upload routes and the portal's
# dispute and repair forms. Only there does a multipart body get ``upload_bytes``.
UPLOAD_PATHS = re.compile(r"/v1/me/(?:disputes|repairs)/[^/]+/attachments|/portal/(?:disputes|repairs)")


class BodyLimit:
    """ASGI middleware answering 413 to a body larger than ``max_bytes``, or
    ``upload_bytes`` for a multipart body sent where files are taken (``UPLOAD_PATHS``):
    refused by its declared length before any of it is read, or as soon as more has
    arrived."""

    def __init__(self, app, max_bytes: int, upload_bytes: int | None = None):
        self.app = app
        self.max_bytes = max_bytes
        self.upload_bytes = upload_bytes or max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        multipart = headers.get(b"content-type", b"").lower().startswith(b"multipart/form-data")
        uploading = multipart and UPLOAD_PATHS.fullmatch(scope.get("path", "")) is not None
        limit = self.upload_bytes if uploading else self.max_bytes
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            return await self._refuse(scope, send, limit)
        # Read the whole body before the app sees it: a body sent without a length
        # (chunked) is counted as it arrives and refused here, rather than by an
        # exception raised inside a route, which the middlewares turned into a 500.
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away before sending the whole body
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > limit:
                return await self._refuse(scope, send, limit)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, scope, send, limit: int):
        body = json.dumps(
            {
                "type": BASE + "too-large",
                "title": "Request body too large",
                "status": 413,
                "detail": f"request bodies are limited to {limit} bytes",
                "instance": scope.get("path"),
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", MEDIA_TYPE.encode()), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})
