"""Files a subject attaches to a dispute or a repair application: which are taken and
what they are called when downloaded.

A file's type is decided by its first bytes, never by its name or the type its sender
declared: a PDF, a JPEG or a PNG, nothing else. A file is refused when it is empty,
larger than :data:`MAX_BYTES`, or one too many for its case (:data:`MAX_PER_CASE`).
Each refusal is an :class:`AttachmentRefused` with a message key and fields, so that
the web renders it in the reader's language and the API names the field.

Pure: no I/O."""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from xinyong.domain.messages import declare

MAX_BYTES = 5 * 1024 * 1024  # each file: a scanned page or a phone photo fits
MAX_PER_CASE = 5  # files on one case, whenever attached
MAX_NAME = 100  # characters of a download name, extension included

# The media types taken, by the bytes a file of the type starts with, and the extension
# its download name is given.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
# What a file input offers to pick (browsers filter by name; the server checks content).
ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"

EMPTY = declare("attachment.refused.empty")
TOO_LARGE = declare("attachment.refused.too_large")
WRONG_TYPE = declare("attachment.refused.type")
TOO_MANY = declare("attachment.refused.too_many")
CASE_DECIDED = declare("attachment.refused.decided")


class AttachmentRefused(ValueError):
    """A file that is not taken: its message ``key`` and the ``fields`` that fill it
    (the file's position among those sent, its size, the limits)."""

    def __init__(self, key: str, message: str, **fields: Any):
        super().__init__(message)
        self.key = key
        self.fields = fields


@dataclass(frozen=True)
class Upload:
    """A file as a subject sent it: the name it had and its bytes."""

    name: str
    content: bytes = field(repr=False)


@dataclass(frozen=True)
class Accepted:
    """A file that is taken: its type by content and the name it is downloaded under."""

    media_type: str
    filename: str
    content: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.content)


def sniff(content: bytes) -> str | None:
    """The media type ``content`` starts like (PDF, JPEG or PNG), or None."""
    return next((media for magic, media in SIGNATURES if content.startswith(magic)), None)


def safe_filename(name: str, media_type: str) -> str:
    """The name a file is downloaded under: the last part of ``name`` (any folder, in
    either slash, dropped), without control, format or path characters, at most
    :data:`MAX_NAME` characters, ending in the extension of ``media_type`` (the type
    found in its content, whatever its name said)."""
    extension = EXTENSIONS[media_type]
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(
        c for c in base if unicodedata.category(c)[0] not in "CZ" or c == " "
    )  # no control, format, separator (but the space) characters
    for bad in '<>:"|?*;':
        base = base.replace(bad, "")
    base = " ".join(base.split()).strip(" .")
    stem, ext = os.path.splitext(base)
    if ext.lower() in (".pdf", ".jpg", ".jpeg", ".png"):
        base = stem.strip(" .")
    base = base[: MAX_NAME - len(extension)].rstrip(" .") or "attachment"
    return base + extension


def accept(upload: Upload, position: int = 1) -> Accepted:
    """``upload`` taken, or refused with the reason; ``position`` is its place among
    the files sent together (for the message)."""
    size = len(upload.content)
    if size == 0:
        raise AttachmentRefused(EMPTY, f"file {position} is empty", position=position)
    if size > MAX_BYTES:
        raise AttachmentRefused(
            TOO_LARGE,
            f"file {position} is larger than {MAX_BYTES} bytes",
            position=position,
            size=size,
            limit=MAX_BYTES,
            limit_mib=MAX_BYTES // (1024 * 1024),
        )
    media_type = sniff(upload.content)
    if media_type is None:
        raise AttachmentRefused(
            WRONG_TYPE, f"file {position} is not a PDF, JPEG or PNG file (by its content)", position=position
        )
    return Accepted(media_type, safe_filename(upload.name, media_type), upload.content)


def accept_all(uploads: list[Upload], already: int = 0) -> list[Accepted]:
    """Every one of ``uploads`` taken, or the first refusal; a case that holds
    ``already`` files takes at most :data:`MAX_PER_CASE` in all."""
    if already + len(uploads) > MAX_PER_CASE:
        raise AttachmentRefused(
            TOO_MANY,
            f"a case holds at most {MAX_PER_CASE} files ({already} attached, {len(uploads)} sent)",
            limit=MAX_PER_CASE,
            already=already,
            sent=len(uploads),
        )
    return [accept(upload, position) for position, upload in enumerate(uploads, start=1)]


def refuse_decided(kind: str, case_id: str) -> AttachmentRefused:
    """The refusal of a file sent to a case that was decided already."""
    return AttachmentRefused(CASE_DECIDED, f"{kind} {case_id} was decided already: it takes no more files")
