"""How long free text about a subject is kept: what people typed about it (grounds,
reasons, purposes, proof) is personal data, kept while it can still matter and erased
(crypto-shredded) once the retention period after the subject's last counting day ends.

Pure: no I/O."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from xinyong.domain.calendar import Duration
from xinyong.domain.standing import Timeline

DEFAULT_RETENTION = Duration(years=1)


def last_counting_day(lines: Iterable[Timeline]) -> dt.date | bool | None:
    """The day after which none of the subject's records counts or lists anything:
    ``True`` while a list entry is open (no end yet), None when it has no records."""
    last: dt.date | None = None
    for line in lines:
        ends = [line.ends_on]
        if line.placement is not None:
            if line.placement.until is None and not line.annulled:
                return True
            if line.placement.until is not None:
                ends.append(line.placement.until)
        for dispute in line.disputes:
            if dispute.resolved_on is None and not line.annulled:
                return True  # an open dispute still needs its grounds
        end = max(ends)
        last = end if last is None or end > last else last
    return last


def text_kept_until(lines: Iterable[Timeline], retention: Duration = DEFAULT_RETENTION) -> dt.date | None:
    """The first day the subject's free text may be erased; None while something still
    counts with no end (an open list entry or an open dispute)."""
    last = last_counting_day(lines)
    if last is True:
        return None
    if last is None or last is False:
        return dt.date.min
    return retention.after(last)
