"""Files handed out as downloads (attachments to cases), the same way by the API and the
pages: never rendered by the browser, never sniffed, never kept in a cache."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.responses import Response

from xinyong.services.due_process import AttachmentFile

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cache-Control": "no-store",
}


def content_disposition(name: str) -> str:
    """``attachment`` with ``name`` as RFC 6266 gives it: an ASCII fallback, and the name
    itself in UTF-8 (RFC 8187)."""
    fallback = "".join(c if (c.isascii() and c.isalnum()) or c in "-_." else "_" for c in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def download(found: AttachmentFile) -> Response:
    """The file with its type found in its content, under its safe name."""
    item = found.attachment
    return Response(
        found.content,
        media_type=item.media_type,
        headers={"Content-Disposition": content_disposition(item.filename or "attachment"), **HEADERS},
    )
