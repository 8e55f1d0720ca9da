"""What a public search box query means: a name to find inside organisations' names, and
perhaps the start of a unified social credit code. People type codes as they read them
off a licence or a web page: in lower case, in groups with spaces or hyphens, in
full-width characters (ＵＳＣＣ, ９１３５) from a Chinese input method, after ``uscc:``.
Each is brought to the one form stored (NFKC, upper case, no separators), so that every
spelling of a code finds it; names are compared after NFKC and case folding."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["LookupQuery", "code_prefix", "fold_name", "lookup_query"]

# Separators people put inside a code; NFKC has already made the full-width and
# ideographic forms (U+FF0D, U+3000) these ones, and dashes of other widths are added.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u30fc\u00b7./_]+")
_CODE = re.compile(r"[0-9A-Z]{1,18}")
_SCHEME = "USCC:"


def fold_name(text: str) -> str:
    """A name as names are compared: NFKC, case-folded, runs of white space made one
    space, no space at either end. Idempotent: a folded name folds to itself."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(folded.split())


def code_prefix(text: str) -> str | None:
    """``text`` read as the start of a unified social credit code (or a whole one):
    NFKC, upper case, the ``uscc:`` scheme and separators (spaces, hyphens, dashes, dots)
    removed. None when what is left cannot begin a code: empty, longer than 18
    characters, or holding anything but ASCII letters and digits."""
    compact = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text).upper())
    compact = compact.removeprefix(_SCHEME)
    return compact if _CODE.fullmatch(compact) else None


@dataclass(frozen=True, slots=True)
class LookupQuery:
    """A search box query made ready to match: ``name`` to find inside folded names
    (empty: match no name), ``code`` the start of a code (None: match no code)."""

    name: str
    code: str | None

    @property
    def empty(self) -> bool:
        return not self.name and self.code is None


def lookup_query(text: str) -> LookupQuery:
    """What ``text`` typed in the public search box is looked up as. A NUL byte matches
    nothing (no name or code holds one, and PostgreSQL text cannot)."""
    if "\x00" in text:
        return LookupQuery("", None)
    return LookupQuery(fold_name(text), code_prefix(text))
