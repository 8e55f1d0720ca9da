"""Opt-in scores (docs/design.md section 9), as pure functions of a scorecard, the
subject's consents and the obligations still kept: which consent is in force on a day,
whether an obligation may be admitted, the features, the score, the band and the
reasons. No I/O; storage, service and web call these.

Nothing here reads public credit, and nothing of public credit reads this: the opt-in
score is walled off from checks, lists, grades and public pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from xinyong.domain.calendar import Duration
from xinyong.domain.scorecard import Feature, Scorecard

_MONTHS_24 = Duration(months=24)
_MONTHS_12 = Duration(months=12)


class OptinRefused(ValueError):
    """A question about an opt-in score that the subject's consent does not allow."""


@dataclass(frozen=True, slots=True)
class ConsentEvent:
    """A ``consent_given`` (with its sources and purposes) or ``consent_withdrawn`` of one
    subject for one scorecard, in the order they were filed."""

    id: str
    kind: Literal["given", "withdrawn"]
    on: dt.date
    sources: tuple[str, ...] = ()
    purposes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Obligation:
    """A bill of the subject filed by a source, and the day it was paid (None: unpaid)."""

    id: str
    source: str
    due_on: dt.date
    paid_on: dt.date | None = None

    def on_time(self) -> bool:
        return self.paid_on is not None and self.paid_on <= self.due_on


def consent_in_force(history: Iterable[ConsentEvent], day: dt.date) -> ConsentEvent | None:
    """The consent in force on ``day``: a consent holds from its ``on`` until it is
    withdrawn, and a later consent replaces an earlier one."""
    current: ConsentEvent | None = None
    for event in history:
        if event.on > day:
            continue
        current = event if event.kind == "given" else None
    return current


def consent_problem(scorecard: Scorecard, history: Sequence[ConsentEvent], event: ConsentEvent) -> str | None:
    """Why ``event`` cannot follow ``history`` (None when it can): it must name only the
    scorecard's sources and purposes, not be dated before the last consent event, and a
    withdrawal needs a consent to withdraw."""
    if history and event.on < history[-1].on:
        return f"it is dated {event.on}, before the last consent event of this scorecard ({history[-1].on})"
    if event.kind == "withdrawn":
        if consent_in_force(history, event.on) is None:
            return "there is no consent in force to withdraw"
        return None
    if not event.sources:
        return "a consent must name at least one source"
    if not event.purposes:
        return "a consent must name at least one purpose"
    strange = [s for s in event.sources if s not in scorecard.sources]
    if strange:
        return f"sources {strange} are not sources of scorecard {scorecard.id!r} ({', '.join(scorecard.sources)})"
    strange = [p for p in event.purposes if p not in scorecard.purposes]
    if strange:
        return f"purposes {strange} are not purposes of scorecard {scorecard.id!r} ({', '.join(scorecard.purposes)})"
    return None


def admission_problem(histories: Iterable[Sequence[ConsentEvent]], source: str, filed_on: dt.date) -> str | None:
    """Why an obligation from ``source`` filed on ``filed_on`` is refused, or None: it is
    admitted only while a consent of its subject (to any scorecard, one history each)
    that names its source is in force."""
    in_force = [c for h in histories if (c := consent_in_force(h, filed_on)) is not None]
    if not in_force:
        return f"the subject has no consent in force on {filed_on}"
    if not any(source in c.sources for c in in_force):
        named = sorted({s for c in in_force for s in c.sources})
        return (
            f"no consent of the subject in force on {filed_on} names source {source!r} (they name {', '.join(named)})"
        )
    return None


def erased_by_withdrawal(
    obligations: Iterable[tuple[Obligation, dt.date]], scorecard: Scorecard, withdrawn_on: dt.date
) -> list[str]:
    """The ids of the obligations a withdrawal on ``withdrawn_on`` erases: every one from
    the scorecard's sources filed before it (pairs of obligation and filing day)."""
    return [o.id for o, filed_on in obligations if o.source in scorecard.sources and filed_on <= withdrawn_on]


def whole_months(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (calendar arithmetic: 01-31 to 02-29 is one)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and Duration(months=months).after(start) > end:
        months -= 1
    return max(months, 0)


def features(obligations: Iterable[Obligation], day: dt.date) -> dict[str, float | int | None]:
    """The whole vocabulary on ``day``; windows are half-open, ``D - 24 months <= due_on < D``."""
    kept = list(obligations)
    since_24 = _MONTHS_24.before(day)
    since_12 = _MONTHS_12.before(day)
    due_before = [o for o in kept if o.due_on < day]
    due_24 = [o for o in due_before if o.due_on >= since_24]
    due_12 = [o for o in due_before if o.due_on >= since_12]
    on_time_24 = sum(1 for o in due_24 if o.on_time())
    return {
        "on_time_share_24m": on_time_24 / len(due_24) if due_24 else None,
        "late_count_12m": sum(1 for o in due_12 if not o.on_time()),
        "open_overdue": sum(1 for o in due_before if o.paid_on is None or o.paid_on > day),
        "history_months": whole_months(min(o.due_on for o in due_before), day) if due_before else None,
        "obligations_24m": len(due_24),
    }


@dataclass(frozen=True, slots=True)
class Raise:
    """What would raise a feature's points: the nearest bin with more points, and the
    values it holds (``at_least`` ≤ value < ``below``; None where it is open)."""

    points: int | float
    at_least: int | float | None
    below: int | float | None


@dataclass(frozen=True, slots=True)
class Reason:
    feature: str
    points: int | float
    possible: int | float
    text: str
    raise_to: Raise | None

    @property
    def shortfall(self) -> int | float:
        return self.possible - self.points


@dataclass(frozen=True, slots=True)
class OptinScore:
    scorecard: str
    version: str
    as_of: dt.date
    score: int | float
    band: str | None
    features: dict[str, float | int | None]
    points: dict[str, int | float]
    reasons: tuple[Reason, ...]


def _exact(value: int | float) -> int | float:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _raise_for(feature: Feature, given: int | float) -> Raise | None:
    better = [(b.points, index) for index, b in enumerate(feature.bins) if not b.missing and b.points > given]
    if not better:
        return None
    points, index = min(better)
    return Raise(points=points, at_least=feature.lower_bound(index), below=feature.bins[index].below)


def score(scorecard: Scorecard, values: dict[str, float | int | None], day: dt.date) -> OptinScore:
    """Score = base + the points of each feature's first matching bin (0 when none
    matches), clamped to the range; the band; and the reasons: the features that fell
    short of their best bin, largest shortfall first (ties in file order), at most four."""
    given: dict[str, int | float] = {}
    reasons: list[Reason] = []
    for feature in scorecard.features:
        index = feature.bin_for(values.get(feature.name))
        points = feature.bins[index].points if index is not None else 0
        given[feature.name] = points
        if feature.best > points:
            reasons.append(
                Reason(
                    feature=feature.name,
                    points=points,
                    possible=feature.best,
                    text=scorecard.reason(feature.name),
                    raise_to=_raise_for(feature, points),
                )
            )
    low, high = scorecard.range
    total = min(max(scorecard.base + sum(given.values()), low), high)
    reasons.sort(key=lambda r: -r.shortfall)  # stable: ties keep the file's order
    return OptinScore(
        scorecard=scorecard.id,
        version=scorecard.version,
        as_of=day,
        score=_exact(total),
        band=scorecard.band_for(total),
        features={f.name: values.get(f.name) for f in scorecard.features},
        points=given,
        reasons=tuple(reasons[:4]),
    )


def answer(
    scorecard: Scorecard, history: Sequence[ConsentEvent], obligations: Iterable[Obligation], day: dt.date
) -> OptinScore:
    """The subject's opt-in score on ``day``: only while a consent is in force on that
    day, and only from the kept obligations whose source that consent names."""
    consent = consent_in_force(history, day)
    if consent is None:
        raise OptinRefused(f"no consent to scorecard {scorecard.id!r} is in force on {day}")
    named = [o for o in obligations if o.source in consent.sources]
    return score(scorecard, features(named, day), day)


def purpose_problem(history: Sequence[ConsentEvent], purpose: str, day: dt.date) -> str | None:
    """Why a lender may not read the score for ``purpose`` on ``day``, or None."""
    consent = consent_in_force(history, day)
    if consent is None:
        return "the subject has no consent in force for this scorecard"
    if purpose not in consent.purposes:
        return f"the subject did not consent to purpose {purpose!r} (only {', '.join(consent.purposes)})"
    return None
