"""The one HTTP client of the tests: an httpx client on a running server that knows the
tokens of its database by name."""

from __future__ import annotations

from typing import Any

import httpx

# Well formed, never issued.
UNKNOWN_TOKEN = "xy_0badc0de_" + "A" * 43


class Api:
    """Requests on behalf of a named token: ``who`` is a key of ``tokens``, or None or
    'none' for no token, or 'unknown' for a well-formed token never issued."""

    def __init__(self, url: str, tokens: dict[str, str]):
        self.url = url
        self.tokens = tokens
        self.http = httpx.Client(base_url=url, timeout=60)

    def headers(self, who: str | None) -> dict[str, str]:
        if who is None or who == "none":
            return {}
        token = UNKNOWN_TOKEN if who == "unknown" else self.tokens[who]
        return {"Authorization": f"Bearer {token}"}

    def request(self, who: str | None, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.headers(who), **kwargs.pop("headers", {})}
        return self.http.request(method, path, headers=headers, **kwargs)

    def get(self, who: str | None, path: str, **kwargs: Any) -> httpx.Response:
        return self.request(who, "GET", path, **kwargs)

    def post(self, who: str | None, path: str, **kwargs: Any) -> httpx.Response:
        return self.request(who, "POST", path, **kwargs)

    def ok(self, who: str | None, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        """The JSON of an answer that must have ``status``."""
        answer = self.request(who, method, path, **kwargs)
        assert answer.status_code == status, f"{method} {path}: {answer.status_code} {answer.text}"
        return answer.json()

    def ledger_events(self) -> int:
        return self.ok(None, "GET", "/healthz")["ledger_events"]

    def close(self) -> None:
        self.http.close()
