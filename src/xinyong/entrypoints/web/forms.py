"""Reading the forms the pages post: URL-encoded fields, one value each."""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import Request

from xinyong.domain.access import MAX_PURPOSE
from xinyong.domain.events import EMAIL_PATTERN, MAX_EMAIL, MAX_ID
from xinyong.domain.free_text import MAX_CASE_TEXT, MAX_EVENT_TEXT

# The longest of each form's fields, by form and field name: the service's own limits,
# which the API takes too. The pages give them as maxlength; the routers check them.
LIMITS = {
    "dispute.record": MAX_ID,
    "dispute.grounds": MAX_EVENT_TEXT,
    "repair.record": MAX_ID,
    "repair.proof": MAX_CASE_TEXT,
    "repair.commitment": MAX_CASE_TEXT,
    "review.notice": MAX_ID,
    "review.grounds": MAX_CASE_TEXT,
    "contact.email": MAX_EMAIL,
    "decision.reasons": MAX_EVENT_TEXT,
    "lookup.purpose": MAX_PURPOSE,
}
# An email address as the service takes it, as an HTML pattern (which is anchored).
EMAIL_INPUT_PATTERN = EMAIL_PATTERN.removeprefix("^").removesuffix("$")
# What is read of a field: one character past the longest of them, to tell that it is too long.
MAX_FIELD = max(LIMITS.values())


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
