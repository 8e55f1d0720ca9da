"""Subject identifiers: resident identity numbers and unified social credit codes.

A subject is written ``SCHEME:VALUE``. ``rid:`` is an 18-character resident identity
number (GB 11643, check character by ISO 7064 MOD 11-2); ``uscc:`` is an 18-character
unified social credit code (GB 32100, check character mod 31). Both check characters
are verified, and every error names the character position at fault.
"""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass
from typing import Literal

RID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RID_CHECK = "10X98765432"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

SubjectKind = Literal["person", "organisation"]


class InvalidIdentifier(ValueError):
    """An identifier that is malformed or whose check character is wrong."""


def rid_check_character(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of a resident number."""
    total = sum(int(c) * w for c, w in zip(first17, RID_WEIGHTS, strict=True))
    return RID_CHECK[total % 11]


def uscc_check_character(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a credit code."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


_ASCII_DIGITS = frozenset("0123456789")


def _validate_rid(value: str) -> None:
    if len(value) != 18:
        raise InvalidIdentifier(f"resident identity number {value!r} has {len(value)} characters, expected 18")
    first17 = value[:17]
    if not _ASCII_DIGITS.issuperset(first17):  # the position is looked for only when one is wrong
        for position, char in enumerate(first17, start=1):
            if not char.isdigit() or not char.isascii():
                raise InvalidIdentifier(
                    f"resident identity number {value!r}: character {position} is {char!r}, expected a digit"
                )
    expected = RID_CHECK[sum(map(operator.mul, map(int, first17), RID_WEIGHTS)) % 11]  # rid_check_character
    if value[17] != expected:
        raise InvalidIdentifier(
            f"resident identity number {value!r}: check character (position 18) is {value[17]!r}, expected {expected!r}"
        )
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise InvalidIdentifier(
            f"resident identity number {value!r}: characters 7-14 ({value[6:14]}) are not a valid birth date"
        ) from None


def _validate_uscc(value: str) -> None:
    if len(value) != 18:
        raise InvalidIdentifier(f"unified social credit code {value!r} has {len(value)} characters, expected 18")
    for position, char in enumerate(value, start=1):
        if char not in USCC_ALPHABET:
            raise InvalidIdentifier(
                f"unified social credit code {value!r}: character {position} is {char!r}, "
                f"not in the alphabet {USCC_ALPHABET}"
            )
    expected = uscc_check_character(value[:17])
    if value[17] != expected:
        raise InvalidIdentifier(
            f"unified social credit code {value!r}: check character (position 18) is "
            f"{value[17]!r}, expected {expected!r}"
        )


@dataclass(frozen=True, order=True, slots=True)
class SubjectRef:
    """A validated reference to a subject: ``rid:...`` (a person) or ``uscc:...`` (an
    organisation)."""

    scheme: Literal["rid", "uscc"]
    value: str

    @classmethod
    def parse(cls, text: str) -> SubjectRef:
        """Parse and validate ``SCHEME:VALUE``; raises :class:`InvalidIdentifier`."""
        if not isinstance(text, str):
            raise InvalidIdentifier(f"subject must be a string like 'rid:...', got {text!r}")
        scheme, sep, value = text.partition(":")
        if not sep:
            raise InvalidIdentifier(f"subject {text!r} has no scheme: write 'rid:NUMBER' or 'uscc:CODE'")
        if scheme == "rid":
            _validate_rid(value)
        elif scheme == "uscc":
            _validate_uscc(value)
        else:
            raise InvalidIdentifier(f"subject {text!r}: unknown scheme {scheme!r}, expected 'rid' or 'uscc'")
        return cls(scheme, value)  # type: ignore[arg-type]

    @property
    def kind(self) -> SubjectKind:
        return "person" if self.scheme == "rid" else "organisation"

    @property
    def birth_date(self) -> dt.date | None:
        """A person's birth date, read from characters 7-14 of the resident number."""
        if self.scheme != "rid":
            return None
        v = self.value
        return dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))

    def age_on(self, day: dt.date) -> int | None:
        """Whole years of age on ``day``; ``None`` for an organisation."""
        born = self.birth_date
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def is_minor_on(self, day: dt.date) -> bool:
        age = self.age_on(day)
        return age is not None and age < 18

    def __str__(self) -> str:
        return f"{self.scheme}:{self.value}"
