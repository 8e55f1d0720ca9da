"""Calendar arithmetic of docs/design.md section 4: ISO 8601 durations over calendar days.

Adding months or years clamps to the end of the month: 2024-02-29 + P1Y = 2025-02-28.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

_DURATION = re.compile(r"P(?:(?P<y>[0-9]+)Y)?(?:(?P<m>[0-9]+)M)?(?:(?P<w>[0-9]+)W)?(?:(?P<d>[0-9]+)D)?")


class InvalidDuration(ValueError):
    """A duration that is not an ISO 8601 period of years, months, weeks and days."""


@dataclass(frozen=True, slots=True)
class Duration:
    """An ISO 8601 period in calendar units: ``P2Y``, ``P6M``, ``P15D``, ``P1Y6M``."""

    years: int = 0
    months: int = 0
    days: int = 0

    @classmethod
    def parse(cls, text: str) -> Duration:
        if not isinstance(text, str):
            raise InvalidDuration(f"duration must be a string like 'P15D', got {text!r}")
        m = _DURATION.fullmatch(text)
        if not m or text == "P":
            raise InvalidDuration(
                f"{text!r} is not an ISO 8601 duration of whole years, months, weeks or days "
                "(for example 'P15D', 'P6M', 'P2Y')"
            )
        y, mo, w, d = (int(m.group(k) or 0) for k in ("y", "m", "w", "d"))
        if 12 * y + mo + (d + 7 * w) / 31 > LONGEST:
            raise InvalidDuration(f"{text!r} is longer than a century")
        return cls(years=y, months=mo, days=d + 7 * w)

    def after(self, day: dt.date) -> dt.date:
        """``day + self``: years and months first (clamped to the month's end), then days."""
        return _months_moved(day, self.months + 12 * self.years) + dt.timedelta(days=self.days)

    def before(self, day: dt.date) -> dt.date:
        """``day - self``: years and months back first (clamped to the month's end), then
        days: 2024-02-29 - P1Y = 2023-02-28."""
        return _months_moved(day, -(self.months + 12 * self.years)) - dt.timedelta(days=self.days)

    def __str__(self) -> str:
        parts = "".join(f"{n}{u}" for n, u in ((self.years, "Y"), (self.months, "M"), (self.days, "D")) if n)
        return "P" + (parts or "0D")


ZERO = Duration()


def _months_moved(day: dt.date, months: int) -> dt.date:
    if months == 0 and type(day) is dt.date:  # most periods are of days only
        return day
    total_months = day.month - 1 + months
    year = day.year + total_months // 12
    month = total_months % 12 + 1
    # Every month has at least 28 days: the month's length matters only past them.
    return dt.date(year, month, day.day if day.day <= 28 else min(day.day, days_in_month(year, month)))


def days_in_month(year: int, month: int) -> int:
    """How many days ``month`` of ``year`` has: 28 to 31."""
    return _calendar.monthrange(year, month)[1]


def day_before(day: dt.date) -> dt.date:
    """The calendar day before ``day``: the last day of a period that ends when another
    begins."""
    return Duration(days=1).before(day)


# Credit records are about acts of living people and firms: dates outside these years are
# mistakes, and bounding them keeps every window computable (no overflow at 9999-12-31).
FIRST_YEAR, LAST_YEAR = 1900, 2999
# No duration in a catalog is longer than a century.
LONGEST = 100 * 12  # months


def in_range(day: dt.date) -> dt.date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"{day.isoformat()} is outside the years {FIRST_YEAR} to {LAST_YEAR}")
    return day


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(text: str) -> dt.date:
    """A calendar day written ``YYYY-MM-DD``."""
    if isinstance(text, dt.date) and not isinstance(text, dt.datetime):
        return text
    if not isinstance(text, str) or not _ISO_DAY.fullmatch(text):
        raise ValueError(f"{text!r} is not a date written YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a valid calendar day") from None


# ------------------------------------------------------------------------------- today

_clock: Callable[[], dt.date] = dt.date.today


def today() -> dt.date:
    """The calendar day it is now: the one clock that services and entrypoints read when
    no day is given (the machine's local date unless :func:`today_is` sets another)."""
    return _clock()


@contextmanager
def today_is(day: dt.date | Callable[[], dt.date]) -> Iterator[None]:
    """Within the block, :func:`today` answers ``day`` (or what the callable returns):
    for tests and for replaying a day."""
    global _clock
    before = _clock
    _clock = day if callable(day) else (lambda: day)
    try:
        yield
    finally:
        _clock = before
