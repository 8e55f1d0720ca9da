"""Reading the forms the pages post: URL-encoded fields, one value each; the forms that
carry files (a dispute, a repair application) as multipart, their files beside."""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException

from xinyong.domain.access import MAX_PURPOSE
from xinyong.domain.attachments import MAX_BYTES, MAX_PER_CASE, Upload
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


async def read_form_and_files(request: Request, name: str = "files") -> tuple[dict[str, str], list[Upload]]:
    """The posted fields as :func:`read_form` reads them, and the files chosen in the
    input ``name`` of a multipart form (each read to one byte past the size limit at
    most, enough to refuse it; an input left empty sends none). The body's size was
    capped before it was read (the API's ``BodyLimit``)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "multipart/form-data":
        return await read_form(request), []
    try:
        form = await request.form(max_files=4 * MAX_PER_CASE, max_fields=50, max_part_size=4 * MAX_FIELD + 1024)
    except MultiPartException:  # more files or fields than any of our forms has, or a field too long
        return {}, []
    fields: dict[str, str] = {}
    files: list[Upload] = []
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            if key == name and (value.filename or value.size):
                files.append(Upload(value.filename or "", await value.read(MAX_BYTES + 1)))
        else:
            fields[key] = value[: MAX_FIELD + 1]
    await form.close()
    return fields, files
