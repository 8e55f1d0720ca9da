"""Valid subject identifiers for test data, with check characters computed here from the
standards (GB 11643, GB 32100) rather than by the code under test, and confirmed by
python-stdnum in tests/unit/test_identifiers.py."""

from __future__ import annotations

import datetime as dt

_RID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RID_CHECK = "10X98765432"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # digits and letters without I, O, S, V, Z
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def resident_number(first17: str) -> str:
    """``first17`` completed with its ISO 7064 MOD 11-2 check character."""
    total = sum(int(c) * w for c, w in zip(first17, _RID_WEIGHTS, strict=True))
    return first17 + _RID_CHECK[total % 11]


def resident_number_born(born: dt.date, serial: int = 1, area: str = "370100") -> str:
    """The resident number of a person born on ``born`` in ``area``."""
    return resident_number(f"{area}{born:%Y%m%d}{serial:03d}")


def credit_code(first17: str) -> str:
    """``first17`` completed with its GB 32100 check character."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return first17 + USCC_ALPHABET[(31 - total % 31) % 31]


def rid(first17: str) -> str:
    """The subject ``rid:`` + the completed resident number."""
    return "rid:" + resident_number(first17)


def uscc(first17: str) -> str:
    """The subject ``uscc:`` + the completed credit code."""
    return "uscc:" + credit_code(first17)
