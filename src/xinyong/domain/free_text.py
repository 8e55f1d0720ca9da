"""Free text is personal data: what a subject or an officer types (grounds, reasons,
proof, purposes) can name other people. Before such text is stored, resident identity
numbers in it are masked, so that one subject cannot put another's number on record.

Pure: no I/O."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

# Eighteen characters that look like a resident identity number: 17 digits and a check
# character, optionally split by single spaces or hyphens as people type them, not
# inside a longer run of digits. Fullwidth digits are found too (NFKC below).
_DIGIT = r"[0-9]"
_SEP = r"[ \-]?"
_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])(" + (_DIGIT + _SEP) * 17 + r"[0-9Xx])(?![0-9A-Za-z])")
MASK = "*"
# The longest free text the service keeps, by where it goes: into an event of the ledger
# (a dispute's grounds, a decision's reasons, a note), or into a case file (a repair's
# proof and commitment, a review's grounds). The API and the web forms take the same.
MAX_EVENT_TEXT = 2000
MAX_CASE_TEXT = 4000


def _plausible_birth_date(digits: str) -> bool:
    try:
        born = dt.date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    except ValueError:
        return False
    return 1850 <= born.year <= 2200


def _masked(number: str) -> str:
    """Only the last four characters stay, so its owner can recognise it."""
    return MASK * 14 + number[-4:]


def mask_identity_numbers(text: str) -> str:
    """``text`` with every resident identity number in it masked (``**************002X``).

    A number is recognised by its shape and its birth date, whether or not its check
    character is right: a mistyped number is still someone's. Text without one is
    returned unchanged (the same object)."""
    normal = unicodedata.normalize("NFKC", text)
    found = list(_CANDIDATE.finditer(normal))
    if not found:
        return text
    # Where NFKC changed lengths (ligatures and the like) positions differ, so a text
    # that holds a number is kept in its normal form.
    source = text if len(normal) == len(text) else normal
    pieces: list[str] = []
    last = 0
    for match in found:
        digits = re.sub(r"[ \-]", "", match.group(1)).upper()
        if not _plausible_birth_date(digits):
            continue
        pieces.append(source[last : match.start(1)])
        pieces.append(_masked(digits))
        last = match.end(1)
    if not pieces:
        return text
    pieces.append(source[last:])
    return "".join(pieces)
