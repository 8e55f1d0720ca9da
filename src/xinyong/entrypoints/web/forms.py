"""Reading the forms the pages post: URL-encoded fields, one value each."""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import Request

MAX_FIELD = 4000


async def read_form(request: Request) -> dict[str, str]:
    """The posted fields (the last value of each), trimmed to ``MAX_FIELD`` characters;
    empty for a body that is not a URL-encoded form."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        return {}
    body = (await request.body()).decode("utf-8", "replace")
    try:
        fields = parse_qs(body, keep_blank_values=True, max_num_fields=50)
    except ValueError:  # more fields than any of our forms has
        return {}
    return {name: values[-1][: MAX_FIELD + 1] for name, values in fields.items()}


def local_path(candidate: str | None, prefix: str = "/") -> str | None:
    """``candidate`` if it is a path on this site under ``prefix``, else None: a
    redirect after sign-in or a language switch never leaves the site."""
    if not candidate or not candidate.startswith(prefix) or candidate.startswith("//") or "\\" in candidate:
        return None
    if any(ord(c) < 32 for c in candidate):
        return None
    return candidate
