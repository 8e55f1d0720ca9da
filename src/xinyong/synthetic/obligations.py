"""Bills and payments of a synthetic population for an opt-in scorecard (docs/design.md
section 9): who consents and to which sources, the bills those sources file (monthly
water bills, loan instalments) and when, if ever, each was paid.

How people pay is latent and heterogeneous, as data in ``payments.toml``: most pay on
time, some are late now and then, a few default; each person's probabilities are their
tier's times a personal factor, and a hardship spell makes them worse for a few months.
Payment behaviour never depends on sex; it depends mildly on age (younger payers are a
little more often late), so that a fairness audit by age band has a difference to show
that the behaviour explains.

Every bill is filed while its subject's consent naming its source is in force, no event
is dated after ``today``, and ids are unique. Pure: no I/O (but reading the packaged
data file once) and no global random state; each person's bills are drawn from a
generator seeded with the seed and the person, so the same seed gives the same events,
and adding persons does not change the others'.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import random
import re
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib.resources import files
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from xinyong.domain.calendar import Duration
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.optin import ConsentEvent, Obligation, consent_in_force
from xinyong.domain.scorecard import Scorecard
from xinyong.domain.validation import describe_validation_error
from xinyong.synthetic.behaviour import BehaviourFileError

__all__ = [
    "PAYMENTS_FILE",
    "Bill",
    "PayerRecord",
    "Payments",
    "events_of",
    "iter_optin_events",
    "load_payments",
    "parse_payments",
    "payers",
]

PAYMENTS_FILE = "payments.toml"

Share = Annotated[float, Field(ge=0, le=1)]
Positive = Annotated[float, Field(gt=0)]
Count = Annotated[int, Field(ge=0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _pair(value: Any) -> Any:
    if isinstance(value, list) and len(value) == 2 and value[1] < value[0]:
        raise ValueError(f"a window [first, last] ends before it begins: {value}")
    return value


class SourceChoice(_Strict):
    names: tuple[str, ...] = Field(min_length=1)
    weight: Positive


class Consent(_Strict):
    share: Share
    latest_days_before_today: Count
    withdraw_share: Share
    sources: tuple[SourceChoice, ...] = Field(min_length=1)
    all_purposes_share: Share


class BillPlan(_Strict):
    source: str
    kind: str
    holders: Share
    every_months: Annotated[int, Field(ge=1)]
    notice_days: Count
    amount: tuple[Positive, Positive]
    # A run of instalments then a gap before the next run; absent: bills never end.
    instalments: tuple[Annotated[int, Field(ge=1)], Annotated[int, Field(ge=1)]] | None = None
    gap_months: tuple[Count, Count] = (0, 0)

    @model_validator(mode="after")
    def _windows(self) -> BillPlan:
        for name in ("amount", "instalments", "gap_months"):
            _pair(list(value) if (value := getattr(self, name)) is not None else None)
        return self


class Payer(_Strict):
    name: str = Field(min_length=1)
    share: Share
    late: Share
    default: Share


class Payment(_Strict):
    personal_sigma: Annotated[float, Field(ge=0)]
    hardship_monthly: Share
    hardship_months: tuple[Annotated[int, Field(ge=1)], Annotated[int, Field(ge=1)]]
    hardship_factor: Positive
    late_days: tuple[Annotated[int, Field(ge=1)], Annotated[int, Field(ge=1)]]
    very_late_share: Share
    very_late_days: tuple[Annotated[int, Field(ge=1)], Annotated[int, Field(ge=1)]]
    recovered_share: Share
    recovered_days: tuple[Annotated[int, Field(ge=1)], Annotated[int, Field(ge=1)]]
    young_under: Annotated[int, Field(ge=18)]
    young_factor: Positive

    @model_validator(mode="after")
    def _windows(self) -> Payment:
        for name in ("hardship_months", "late_days", "very_late_days", "recovered_days"):
            _pair(list(getattr(self, name)))
        return self


class Payments(_Strict):
    """The whole ``payments.toml``."""

    consent: Consent
    bills: tuple[BillPlan, ...] = Field(min_length=1)
    payers: tuple[Payer, ...] = Field(min_length=1)
    payment: Payment

    @model_validator(mode="after")
    def _shares(self) -> Payments:
        total = sum(p.share for p in self.payers)
        if not math.isclose(total, 1.0, abs_tol=1e-9):
            raise ValueError(f"payers: the shares must add up to 1, got {total:g}")
        return self


def parse_payments(text: str, source: str = PAYMENTS_FILE) -> Payments:
    """The payment behaviour in ``text``, read from ``source`` (named in errors)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise BehaviourFileError(f"{source}: not valid TOML: {error}") from None
    try:
        return Payments.model_validate(data)
    except ValidationError as error:
        raise BehaviourFileError(
            describe_validation_error(error, source=source, separator="\n", toml=True, unknown="unknown key")
        ) from None


@functools.cache
def load_payments() -> Payments:
    """The payment behaviour shipped with the package, read and checked on first use."""
    return parse_payments(files("xinyong.synthetic").joinpath(PAYMENTS_FILE).read_text(encoding="utf-8"))


# ------------------------------------------------------------------------ the people


@dataclass(frozen=True, slots=True)
class Bill:
    """One bill as generated: the obligation (with the day it was paid, if by ``today``),
    the day it was filed and its amount."""

    obligation: Obligation
    filed_on: dt.date
    amount: float


@dataclass(frozen=True, slots=True)
class PayerRecord:
    """One consenting person: their consent events to the scorecard (oldest first), their
    bills (by due day) and the latent tier they pay by (for tests and the demo; it is never
    written into an event)."""

    subject: str
    consents: tuple[ConsentEvent, ...]
    bills: tuple[Bill, ...]
    tier: str

    def withdrawn_on(self) -> dt.date | None:
        return next((c.on for c in self.consents if c.kind == "withdrawn"), None)


def _months_after(day: dt.date, months: int) -> dt.date:
    return Duration(months=months).after(day)


def _days_after(day: dt.date, days: int) -> dt.date:
    return Duration(days=days).after(day)


def _random_day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return dt.date.fromordinal(rng.randint(first.toordinal(), last.toordinal()))


class _Person:
    """Draws one person's consent, bills and payments."""

    def __init__(
        self,
        behaviour: Payments,
        scorecard: Scorecard,
        subject: SubjectRef,
        seed: int,
        start: dt.date,
        today: dt.date,
        id_prefix: str,
        number: int,
    ) -> None:
        self.b = behaviour
        self.scorecard = scorecard
        self.subject = subject
        self.rng = random.Random(f"{seed}:{subject}")
        self.start = start
        self.today = today
        # Ids by the person's place among the subjects given, never by their identity.
        self.prefix = f"{id_prefix}-{number:06d}"

    def draw(self) -> PayerRecord | None:
        rng, b = self.rng, self.b
        if rng.random() >= b.consent.share:
            return None
        latest = _days_after(self.today, -b.consent.latest_days_before_today)
        born = self.subject.birth_date
        first = self.start if born is None else max(self.start, Duration(years=18).after(born))
        if latest < first:
            return None
        on = _random_day(rng, first, latest)
        choice = rng.choices(b.consent.sources, [c.weight for c in b.consent.sources])[0]
        sources = self.scorecard.sources if "*" in choice.names else choice.names
        sources = tuple(s for s in self.scorecard.sources if s in sources)
        purposes = (
            self.scorecard.purposes if rng.random() < b.consent.all_purposes_share else self.scorecard.purposes[:1]
        )
        consents = [ConsentEvent(f"{self.prefix}-c1", "given", on, sources, purposes)]
        until = self.today  # bills are filed before this day (exclusive) or on today
        withdrawn: dt.date | None = None
        if rng.random() < b.consent.withdraw_share and _days_after(on, 90) < self.today:
            withdrawn = _random_day(rng, _days_after(on, 90), self.today)
            consents.append(ConsentEvent(f"{self.prefix}-c2", "withdrawn", withdrawn))
        tier = rng.choices(b.payers, [p.share for p in b.payers])[0]
        factor = math.exp(rng.gauss(0, b.payment.personal_sigma) - b.payment.personal_sigma**2 / 2)
        age = self.subject.age_on(on)
        if age is not None and age < b.payment.young_under:
            factor *= b.payment.young_factor
        hardship = self._hardship(on)
        bills: list[Bill] = []
        for bill in b.bills:
            if bill.source not in sources or rng.random() >= bill.holders:
                continue
            for number, (due, amount) in enumerate(self._dues(bill, on), start=1):
                filed = _days_after(due, -bill.notice_days)
                if filed < on or due > until or (withdrawn is not None and filed >= withdrawn):
                    continue
                month = (due.year, due.month)
                scale = factor * (b.payment.hardship_factor if month in hardship else 1.0)
                paid = self._paid(tier, scale, filed, due)
                if paid is not None and (paid > self.today or (withdrawn is not None and paid >= withdrawn)):
                    paid = None
                obligation = Obligation(f"{self.prefix}-{bill.kind}-{number:03d}", bill.source, due, paid)
                bills.append(Bill(obligation, filed, amount))
        bills.sort(key=lambda x: (x.obligation.due_on, x.obligation.id))
        return PayerRecord(str(self.subject), tuple(consents), tuple(bills), tier.name)

    def _hardship(self, since: dt.date) -> set[tuple[int, int]]:
        rng, p = self.rng, self.b.payment
        months: set[tuple[int, int]] = set()
        day = dt.date(since.year, since.month, 1)
        while day <= self.today:
            if rng.random() < p.hardship_monthly:
                for k in range(rng.randint(*p.hardship_months)):
                    later = _months_after(day, k)
                    months.add((later.year, later.month))
            day = _months_after(day, 1)
        return months

    def _dues(self, bill: BillPlan, since: dt.date) -> Iterator[tuple[dt.date, float]]:
        """The due days of ``bill`` from the month of consent on, with their amounts."""
        rng = self.rng
        low, high = bill.amount
        due_day = rng.randint(1, 28)
        month = dt.date(since.year, since.month, due_day)
        if bill.instalments is None:
            while month <= self.today:
                yield month, round(rng.uniform(low, high), 2)
                month = _months_after(month, bill.every_months)
            return
        month = _months_after(month, rng.randint(*bill.gap_months))
        while month <= self.today:
            amount = round(rng.uniform(low, high), 2)
            for _ in range(rng.randint(*bill.instalments)):
                yield month, amount
                month = _months_after(month, bill.every_months)
            month = _months_after(month, rng.randint(*bill.gap_months))

    def _paid(self, tier: Payer, scale: float, filed: dt.date, due: dt.date) -> dt.date | None:
        rng, p = self.rng, self.b.payment
        default = min(tier.default * scale, 0.5)
        late = min(tier.late * scale, 0.95 - default)
        draw = rng.random()
        if draw < default:
            if rng.random() < p.recovered_share:
                return _days_after(due, rng.randint(*p.recovered_days))
            return None
        if draw < default + late:
            window = p.very_late_days if rng.random() < p.very_late_share else p.late_days
            return _days_after(due, rng.randint(*window))
        return _random_day(rng, filed, due)


_PREFIX = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def payers(
    subjects: Iterable[str | SubjectRef],
    scorecard: Scorecard,
    *,
    seed: int = 2024,
    start: dt.date = dt.date(2022, 1, 1),
    today: dt.date = dt.date(2026, 6, 30),
    id_prefix: str = "optin",
    behaviour: Payments | None = None,
) -> list[PayerRecord]:
    """The persons among ``subjects`` who consent to ``scorecard``, each with their consent,
    bills and payments between ``start`` and ``today`` (organisations never consent:
    the sample scorecards score persons)."""
    if today < start:
        raise ValueError(f"today {today} is before start {start}")
    if not _PREFIX.fullmatch(id_prefix):
        raise ValueError(f"id_prefix {id_prefix!r} must be letters, digits, '.', '_' or '-'")
    behaviour = behaviour or load_payments()
    strange = sorted(
        {n for c in behaviour.consent.sources for n in c.names if n != "*"} - set(scorecard.sources)
        | {b.source for b in behaviour.bills} - set(scorecard.sources)
    )
    if strange:
        raise ValueError(f"sources {strange} of the payment behaviour are not sources of scorecard {scorecard.id!r}")
    found: list[PayerRecord] = []
    seen: set[str] = set()
    for number, given in enumerate(subjects, start=1):
        ref = given if isinstance(given, SubjectRef) else SubjectRef.parse(given)
        if ref.kind != scorecard.subject_kind or str(ref) in seen:
            continue
        seen.add(str(ref))
        record = _Person(behaviour, scorecard, ref, seed, start, today, id_prefix, number).draw()
        if record is not None:
            found.append(record)
    return found


# The order of events on one day: a consent before the bills it lets in, a bill before
# its payment, a withdrawal last.
_ORDER: dict[str, int] = {"consent_given": 0, "obligation": 1, "paid": 2, "consent_withdrawn": 3}


def events_of(records: Sequence[PayerRecord], scorecard: Scorecard) -> list[dict[str, Any]]:
    """The JSON-ready events of docs/design.md section 9 (``consent_given``,
    ``obligation``, ``paid``, ``consent_withdrawn``) of ``records``, by date: a consent on
    its day, a bill on the day it is filed, a payment on its day."""
    dated: list[tuple[dt.date, int, str, dict[str, Any]]] = []
    for record in records:
        for consent in record.consents:
            event: dict[str, Any]
            kind: Literal["consent_given", "consent_withdrawn"]
            if consent.kind == "given":
                kind = "consent_given"
                event = {
                    "type": kind,
                    "id": consent.id,
                    "subject": record.subject,
                    "scorecard": scorecard.id,
                    "sources": list(consent.sources),
                    "purposes": list(consent.purposes),
                    "on": consent.on.isoformat(),
                }
            else:
                kind = "consent_withdrawn"
                event = {
                    "type": kind,
                    "id": consent.id,
                    "subject": record.subject,
                    "scorecard": scorecard.id,
                    "on": consent.on.isoformat(),
                }
            dated.append((consent.on, _ORDER[kind], consent.id, event))
        for bill in record.bills:
            o = bill.obligation
            dated.append(
                (
                    bill.filed_on,
                    _ORDER["obligation"],
                    o.id,
                    {
                        "type": "obligation",
                        "id": o.id,
                        "subject": record.subject,
                        "source": o.source,
                        "due_on": o.due_on.isoformat(),
                        "amount": bill.amount,
                    },
                )
            )
            if o.paid_on is not None:
                paid_id = f"{o.id}-paid"
                dated.append(
                    (
                        o.paid_on,
                        _ORDER["paid"],
                        paid_id,
                        {"type": "paid", "id": paid_id, "obligation": o.id, "on": o.paid_on.isoformat()},
                    )
                )
    dated.sort(key=lambda item: item[:3])
    return [event for *_, event in dated]


def iter_optin_events(
    subjects: Iterable[str | SubjectRef],
    scorecard: Scorecard,
    *,
    seed: int = 2024,
    start: dt.date = dt.date(2022, 1, 1),
    today: dt.date = dt.date(2026, 6, 30),
    id_prefix: str = "optin",
) -> list[dict[str, Any]]:
    """The opt-in events of a population for the demo: ``subjects`` are its persons
    (``rid:...``; organisations are passed over), for instance the ``subject`` of each
    ``subject`` event of :func:`xinyong.synthetic.population.generate`; ``scorecard`` the
    one they consent to (the sample ``catalogs/civic-optin.toml``). Import them after the
    subjects and in the order given. See :func:`payers` and :func:`events_of`."""
    records = payers(subjects, scorecard, seed=seed, start=start, today=today, id_prefix=id_prefix)
    return events_of(records, scorecard)


def in_force_on(record: PayerRecord, day: dt.date) -> ConsentEvent | None:
    """The person's consent in force on ``day`` (section 9), or None."""
    return consent_in_force(record.consents, day)
