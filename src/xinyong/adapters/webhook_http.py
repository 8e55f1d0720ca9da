"""Webhook attempts over HTTP (httpx): one POST, a short timeout, no redirect followed
(a receiver that moved registers its new address), the receiver's answer not read
beyond its status."""

from __future__ import annotations

import httpx

from xinyong.domain.webhooks import TIMEOUT
from xinyong.services.webhooks import Unreachable


class HttpSender:
    def __init__(self, timeout: float = TIMEOUT):
        self._client = httpx.Client(
            timeout=timeout, follow_redirects=False, headers={"user-agent": "xinyong-webhooks/1"}, trust_env=False
        )

    def post(self, url: str, body: bytes, headers: dict[str, str], /) -> int:
        try:
            with self._client.stream("POST", url, content=body, headers=headers) as response:
                return response.status_code
        except httpx.HTTPError as error:
            raise Unreachable(f"{type(error).__name__}: {error}") from None

    def close(self) -> None:
        self._client.close()
