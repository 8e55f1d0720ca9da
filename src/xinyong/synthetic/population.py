"""A seeded synthetic population: subjects, records and their later events, for the
demo and for benchmarks.

The population is drawn from the catalogs it is given, whatever they are: records use
only rules of the catalog version in force on their ``occurred_on``, and every record
and later event is checked with :mod:`xinyong.domain.standing` before it is emitted, so the
ledger accepts the whole stream in order. Behaviour is heavy-tailed, as in the real
systems: most people have no record or a few, a few volunteers collect rewards until
the yearly caps bite, a few percent run red lights, about one in a hundred adults
defaults on a judgment; most firms are clean and a few end up on a blacklist.

Pure: no I/O and no global random state. The same seed and arguments give the same
events, byte for byte. Names are drawn from common surname and given-name characters;
they are synthetic and refer to no real person or firm.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import random
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from xinyong.domain import standing as st
from xinyong.domain.calendar import Duration, day_before, days_in_month
from xinyong.domain.catalog.model import Catalog, Rule
from xinyong.domain.catalog.registry import CatalogRegistry
from xinyong.domain.events import (
    Annulled,
    DisputeFiled,
    DisputeResolved,
    Fulfilled,
    RecordChange,
    RecordEvent,
    Repaired,
    parse_event,
)
from xinyong.domain.identifiers import (
    SubjectRef,
    rid_check_character,
    uscc_check_character,
)
from xinyong.synthetic.behaviour import load_behaviour, load_names

__all__ = ["Notable", "Population", "find_notable", "generate", "iter_events", "persons"]


@dataclass(frozen=True)
class Notable:
    """A subject worth trying in a demo, and why, as evaluated on the last day."""

    subject: str  # "rid:..." or "uscc:..."
    why: str
    # What was found, for programs: "person-listed", "person-top-grade",
    # "dispute-suspended", "organisation-listed", "organisation-top-grade", "repaired",
    # "minor-not-listed", "outside-coverage", "fulfilled-off-list", "capped".
    kind: str = ""


@dataclass(frozen=True)
class Population:
    events: list[dict]  # JSON-ready events of docs/design.md section 6, in an order the ledger accepts
    notable: list[Notable]


# ------------------------------------------------------------------------ behaviour
#
# Who does what, how often and how long authorities take: behaviour.toml, read once.

_BEHAVIOUR = load_behaviour()
_CATEGORY_WEIGHT = _BEHAVIOUR.category_weights
_SOURCES = _BEHAVIOUR.sources
_LATER = _BEHAVIOUR.later

# ----------------------------------------------------------------- names and places
#
# The characters of people's names, the parts of firms' names and the address codes in
# identity numbers: names.toml, read once.

_NAMES = load_names()
_PERSON_NAMES = _NAMES.persons
_FIRMS = _NAMES.firms
_FIRM_FORMS = tuple(f.form for f in _FIRMS.forms)
_FIRM_FORM_WEIGHTS = tuple(f.weight for f in _FIRMS.forms)
_ADDRESSES = _NAMES.addresses
_HOME = _ADDRESSES.home_jurisdiction
_OUTSIDE = tuple(_ADDRESSES.outside)


def _zipf_cumulative(n: int, exponent: float) -> list[float]:
    total, cumulative = 0.0, []
    for rank in range(1, n + 1):
        total += 1.0 / rank**exponent
        cumulative.append(total)
    return cumulative


_SURNAME_CUMULATIVE = _zipf_cumulative(len(_PERSON_NAMES.surnames), 0.9)


def _pick_cumulative(rng: random.Random, items: Sequence, cumulative: Sequence[float]):
    return items[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]


def _person_name(rng: random.Random, male: bool) -> str:
    surname = _pick_cumulative(rng, _PERSON_NAMES.surnames, _SURNAME_CUMULATIVE)
    chars = _PERSON_NAMES.given_male if male else _PERSON_NAMES.given_female
    given = rng.choice(chars)
    if rng.random() < 0.65:
        given += rng.choice(chars)
    return surname + given


def _firm_name(rng: random.Random, depth: int) -> str:
    place = rng.choice(_FIRMS.places.get(min(depth, 3), ("",)))
    form = rng.choices(_FIRM_FORMS, _FIRM_FORM_WEIGHTS)[0]
    return place + rng.choice(_FIRMS.trade_names) + rng.choice(_FIRMS.trades) + form


# ---------------------------------------------------------------------- identifiers

_GB11714_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _organisation_code(rng: random.Random) -> str:
    """A 9-character organisation code (GB 11714) whose last character is its check."""
    if rng.random() < 0.6:
        body = "MA" + "".join(rng.choice(_ORG_CODE_CHARS) for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    # Digits count as themselves, letters from A = 10.
    values = (int(c) if c.isdigit() else ord(c) - 55 for c in body)
    total = sum(v * w for v, w in zip(values, _GB11714_WEIGHTS, strict=False))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def _person_address(rng: random.Random, jurisdiction: str) -> str:
    for region, codes in _ADDRESSES.outside.items():
        if jurisdiction == region or jurisdiction.startswith(region + "-"):
            return rng.choice(codes)
    if jurisdiction.startswith(_HOME) and rng.random() < 0.85:
        return _ADDRESSES.home
    return rng.choice(_ADDRESSES.province) if rng.random() < 0.8 else _ADDRESSES.home


def _division(rng: random.Random, jurisdiction: str) -> str:
    depth = jurisdiction.count("-")
    if depth == 0:
        return _ADDRESSES.national
    if depth == 1:
        return rng.choice(_ADDRESSES.provincial)
    return _ADDRESSES.home if jurisdiction.startswith(_HOME) else rng.choice(_ADDRESSES.province)


def _add_years(day: dt.date, years: int) -> dt.date:
    return Duration(years=years).after(day)


def _days_after(day: dt.date, days: int) -> dt.date:
    return Duration(days=days).after(day)


def _random_day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return dt.date.fromordinal(rng.randint(first.toordinal(), last.toordinal()))


# ------------------------------------------------------------------------ subjects


@dataclass
class _Subjects:
    """The generated subjects of one kind, in parallel lists (bounded by their count)."""

    refs: list[SubjectRef] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # "rid:..." and "uscc:..."
    jurisdictions: list[str] = field(default_factory=list)
    born: list[dt.date | None] = field(default_factory=list)


def _deepest(jurisdictions: Iterable[str]) -> str | None:
    found = sorted(set(jurisdictions), key=lambda j: (-j.count("-"), j))
    return found[0] if found else None


def _latest_versions(registry: CatalogRegistry, kind: str) -> list[Catalog]:
    latest = [registry.versions(cid)[-1] for cid in registry.ids()]
    return [c for c in latest if c.subject_kind == kind]


def _person_jurisdictions(registry: CatalogRegistry) -> tuple[list[str], list[float]]:
    catalogs = _latest_versions(registry, "person")
    home = _deepest(c.jurisdiction for c in catalogs) or _HOME
    choices = [f"{home}-{n:02d}" for n in range(1, 13)]
    weights = [0.60 / 12] * 12
    choices.append(home)
    weights.append(0.32)
    # A few live elsewhere: covered by national catalogs, not by the local one.
    outside = [j for j in _OUTSIDE if not (j == home or j.startswith(home + "-"))]
    spare = 0.08
    for j, share in zip(outside, (0.05, 0.03), strict=False):
        choices.append(j)
        weights.append(share)
        spare -= share
    weights[12] += spare
    return choices, weights


def _organisation_jurisdictions(registry: CatalogRegistry) -> tuple[list[str], list[float]]:
    deepest = _deepest(c.jurisdiction for c in registry.all()) or _HOME
    parts = deepest.split("-")
    chain = ["-".join(parts[: i + 1]) for i in range(len(parts))]
    # Most firms are registered locally, fewer at province level, a few nationally.
    raw = [0.15, 0.25, 0.60][-len(chain) :] if len(chain) <= 3 else [0.1] * (len(chain) - 1) + [0.6]
    return chain, raw


def _make_persons(
    rng: random.Random, count: int, registry: CatalogRegistry, start: dt.date, end: dt.date
) -> Iterator[tuple[SubjectRef, str, str, dt.date]]:
    choices, weights = _person_jurisdictions(registry)
    cumulative = list(_accumulate(weights))
    adult_first = dt.date(start.year - 77, 1, 1)
    adult_last = dt.date(start.year - 17, 12, 31)
    adult_mode = start.year - 44
    minor_first = dt.date(start.year - 17, 1, 1)
    minor_last = dt.date(max(end.year - 12, start.year - 17), 12, 31)
    taken: set[str] = set()
    for _ in range(count):
        jurisdiction = _pick_cumulative(rng, choices, cumulative)
        if rng.random() < _BEHAVIOUR.minors.fraction:
            born = _random_day(rng, minor_first, minor_last)
        else:
            year = int(rng.triangular(adult_first.year, adult_last.year + 1, adult_mode))
            year = min(max(year, adult_first.year), adult_last.year)
            month = rng.randint(1, 12)
            born = dt.date(year, month, rng.randint(1, days_in_month(year, month)))
        male = rng.random() < 0.5
        while True:
            address = _person_address(rng, jurisdiction)
            sequence = 2 * rng.randrange(0, 500) + 1 if male else 2 * rng.randrange(1, 500)
            first17 = f"{address}{born:%Y%m%d}{sequence:03d}"
            value = first17 + rid_check_character(first17)
            if value not in taken:
                taken.add(value)
                break
        yield SubjectRef("rid", value), jurisdiction, _person_name(rng, male), born


def _make_organisations(
    rng: random.Random, count: int, registry: CatalogRegistry
) -> Iterator[tuple[SubjectRef, str, str, None]]:
    choices, weights = _organisation_jurisdictions(registry)
    cumulative = list(_accumulate(weights))
    taken: set[str] = set()
    for _ in range(count):
        jurisdiction = _pick_cumulative(rng, choices, cumulative)
        while True:
            first17 = "91" + _division(rng, jurisdiction) + _organisation_code(rng)
            value = first17 + uscc_check_character(first17)
            if value not in taken:
                taken.add(value)
                break
        name = _firm_name(rng, jurisdiction.count("-") + 1)
        yield SubjectRef("uscc", value), jurisdiction, name, None


def _accumulate(weights: Iterable[float]) -> Iterator[float]:
    total = 0.0
    for w in weights:
        total += w
        yield total


# ---------------------------------------------------------------------- rule pools


@dataclass(frozen=True, slots=True)
class _Choice:
    version: Catalog
    rule_name: str
    rule: Rule
    # Derived once, used for every record drawn: "CATALOG/RULE", the source, the
    # reference's place and source tags, the decision lag in days.
    qualified: str = ""
    source: str = ""
    place: str = ""
    tag: str = ""
    lag: tuple[int, int] = (0, 0)
    sanction: bool = False

    @classmethod
    def of(cls, version: Catalog, rule_name: str, rule: Rule) -> _Choice:
        source = _source(rule_name, rule)
        return cls(
            version,
            rule_name,
            rule,
            qualified=f"{version.id}/{rule_name}",
            source=source,
            place=version.jurisdiction.rsplit("-", 1)[-1],
            tag=_SOURCES.tags.get(source, _SOURCES.default_tag),
            lag=_BEHAVIOUR.decision_lag.by_category.get(rule.category, _BEHAVIOUR.decision_lag.default).pair,
            sanction=_is_sanction(version, rule),
        )


class _RulePools:
    """Which rules a behaviour may draw on a day, for one kind of subject.

    The timeline is cut into epochs at every ``effective_from`` of the kind's catalogs;
    within an epoch the versions in force do not change, so candidates are computed
    once per epoch, behaviour and jurisdiction."""

    def __init__(self, registry: CatalogRegistry, kind: str) -> None:
        self.registry = registry
        self.kind = kind
        ids = [cid for cid in registry.ids() if registry.versions(cid)[0].subject_kind == kind]
        self.boundaries = sorted({v.effective_from for cid in ids for v in registry.versions(cid)})
        self.epochs: list[list[Catalog]] = [
            [v for cid in ids if (v := registry.in_force(cid, day)) is not None] for day in self.boundaries
        ]
        self._cache: dict[tuple, tuple[list[_Choice], list[float]] | None] = {}
        # Capped reward rules over all versions: (catalog, rule) -> members' yearly rate.
        capped: dict[tuple[str, str], tuple[int, int]] = {}
        for cid in ids:
            for version in registry.versions(cid):
                for name, rule in version.rules.items():
                    if rule.points > 0 and rule.cap_per_year is not None:
                        cap, points = capped.get((cid, name), (0, rule.points))
                        capped[(cid, name)] = (max(cap, rule.cap_per_year), min(points, rule.points))
        self.devoted_rates = {
            key: min(_BEHAVIOUR.devoted.max_rate, max(1.0, _BEHAVIOUR.devoted.over_cap * cap / points))
            for key, (cap, points) in sorted(capped.items())
        }

    def choose(self, rng: random.Random, pool: str | tuple, day: dt.date, jurisdiction: str) -> _Choice | None:
        epoch = bisect.bisect_right(self.boundaries, day) - 1
        if epoch < 0:
            return None
        key = (epoch, pool, jurisdiction)
        entry = self._cache.get(key, False)
        if entry is False:
            entry = self._build(self.epochs[epoch], pool, jurisdiction)
            self._cache[key] = entry
        if entry is None:
            return None
        choices, cumulative = entry
        return _pick_cumulative(rng, choices, cumulative)

    def _build(
        self, versions: list[Catalog], pool: str | tuple, jurisdiction: str
    ) -> tuple[list[_Choice], list[float]] | None:
        candidates: list[tuple[_Choice, float]] = []
        for version in versions:
            # Records come mostly from the authorities a subject lives under.
            reach = 1.0 if version.covers_jurisdiction(jurisdiction) else 0.2
            for name, rule in sorted(version.rules.items()):
                weight = self._weight(version, name, rule, pool)
                if weight > 0:
                    candidates.append((_Choice.of(version, name, rule), weight * reach))
        if not candidates:
            return None
        if pool in ("reward", "penalty", "listing", "severe"):
            sizes = [abs(c.rule.points) for c, _ in candidates]
            smallest, largest = min(sizes), max(sizes)
            candidates = [(c, w * _severity(pool, abs(c.rule.points), smallest, largest)) for c, w in candidates]
        return [c for c, _ in candidates], list(_accumulate(w for _, w in candidates))

    def _weight(self, version: Catalog, name: str, rule: Rule, pool: str | tuple) -> float:
        if isinstance(pool, tuple):  # ("devoted", catalog, rule)
            return 1.0 if (version.id, name) == pool[1:] else 0.0
        listed = _list_kind(version, rule)
        if pool == "reward":
            if rule.points > 0 or (rule.points == 0 and listed == "red"):
                return getattr(_CATEGORY_WEIGHT.reward, self.kind).get(rule.category, 1.0)
            return 0.0
        if pool == "listing":
            # Rules that place on a blacklist, scored or not (national lists score 0).
            if listed == "black" and rule.points <= 0:
                # Each list gets its share, however many grounds its catalog lists.
                grounds = sum(1 for r in version.rules.values() if r.list == rule.list and r.points <= 0)
                return getattr(_CATEGORY_WEIGHT.listing, self.kind).get(rule.category, 1.0) / grounds
            return 0.0
        if rule.points >= 0 or listed is not None:
            return 0.0
        if pool == "penalty":
            return getattr(_CATEGORY_WEIGHT.penalty, self.kind).get(rule.category, 1.0)
        return 1.0  # severe


def _list_kind(version: Catalog, rule: Rule) -> str | None:
    if rule.list is None:
        return None
    definition = version.lists.get(rule.list)
    return definition.kind if definition is not None else None


def _is_sanction(version: Catalog, rule: Rule) -> bool:
    """A penalty or a blacklist placement: what disputes, fulfilment and repair are for."""
    return rule.points < 0 or _list_kind(version, rule) == "black"


def _severity(pool: str, size: int, smallest: int, largest: int) -> float:
    """Small penalties and rewards are common; the largest are rare, except for the
    rare severe cases, which draw the largest."""
    if size == 0:
        return 1.0
    if pool == "severe":
        return (size / largest) ** 2
    if pool == "penalty":
        return (smallest / size) ** 1.5
    return (smallest / size) if smallest else 1.0


# ------------------------------------------------------------------------- tiers


class _Tier:
    """Members of one behaviour and when their records happen: a Poisson process over
    the members (``rate`` per member per year) or exactly one date per member."""

    def __init__(
        self,
        name: str,
        kind: str,
        pool: str | tuple,
        members: list[int],
        rate: float | None = None,
        once: list[tuple[int, int]] | None = None,
        pick_pool: Callable[[random.Random], str | tuple] | None = None,
    ) -> None:
        self.name = name
        self.kind = kind
        self.pool = pool
        self.members = members
        self.daily = len(members) * rate / 365.25 if rate else 0.0
        self.once = once or []  # sorted (day offset, member)
        self.position = 0
        self.pick_pool = pick_pool

    def first(self, rng: random.Random) -> float | None:
        if self.once:
            return float(self.once[0][0])
        if self.daily > 0:
            return rng.expovariate(self.daily)
        return None

    def arrive(self, rng: random.Random, now: float) -> tuple[int, float | None]:
        """The member of the arrival at ``now`` and the time of the next arrival."""
        if self.once:
            member = self.once[self.position][1]
            self.position += 1
            following = float(self.once[self.position][0]) if self.position < len(self.once) else None
            return member, following
        return rng.choice(self.members), now + rng.expovariate(self.daily)


def _sample(rng: random.Random, population: Sequence[int], fraction: float) -> list[int]:
    k = min(len(population), round(len(population) * fraction))
    if fraction > 0 and population and k == 0 and len(population) >= 20:
        k = 1
    return sorted(rng.sample(population, k)) if k else []


def _once_dates(
    rng: random.Random, members: Iterable[int], windows: Callable[[int], tuple[int, int] | None]
) -> list[tuple[int, int]]:
    dates = []
    for member in members:
        window = windows(member)
        if window is not None and window[0] <= window[1]:
            dates.append((rng.randint(*window), member))
    return sorted(dates)


# ------------------------------------------------------------------------ records


class _Generator:
    def __init__(
        self,
        registry: CatalogRegistry,
        seed: int,
        persons: int,
        organisations: int,
        start: dt.date,
        end: dt.date,
        id_prefix: str,
    ) -> None:
        if end < start:
            raise ValueError(f"end {end} is before start {start}")
        if persons < 0 or organisations < 0:
            raise ValueError("persons and organisations must not be negative")
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", id_prefix):
            raise ValueError(f"id_prefix {id_prefix!r} must be letters, digits, '.', '_' or '-'")
        self.registry = registry
        self.rng = random.Random(seed)
        self.persons = persons
        self.organisations = organisations
        self.start = start
        self.end = end
        self.id_prefix = id_prefix
        self.subjects = {"person": _Subjects(), "organisation": _Subjects()}
        self.pools = {kind: _RulePools(registry, kind) for kind in ("person", "organisation")}
        self.planned = 0
        self.record_count = 0
        self.references: dict[tuple[str, str, int], int] = {}
        self.sequence = 0
        # Events waiting for their day: (day ordinal, sequence, event, id slot, reference key).
        self.pending: list[tuple] = []

    # -- subjects

    def subject_events(self) -> Iterator[dict]:
        rng = self.rng
        for kind, made in (
            ("person", _make_persons(rng, self.persons, self.registry, self.start, self.end)),
            ("organisation", _make_organisations(rng, self.organisations, self.registry)),
        ):
            store = self.subjects[kind]
            for ref, jurisdiction, name, born in made:
                text = str(ref)
                store.refs.append(ref)
                store.texts.append(text)
                store.jurisdictions.append(jurisdiction)
                store.born.append(born)
                yield {
                    "type": "subject",
                    "subject": text,
                    "jurisdiction": jurisdiction,
                    "name": name,
                }

    # -- behaviour

    def tiers(self) -> list[_Tier]:
        rng = self.rng
        start, end = self.start, self.end
        span = (end - start).days
        tiers: list[_Tier] = []
        for kind, table in (("person", _BEHAVIOUR.tiers.person), ("organisation", _BEHAVIOUR.tiers.organisation)):
            store = self.subjects[kind]
            everyone = list(range(len(store.refs)))
            adults = [i for i in everyone if store.born[i] is None or _add_years(store.born[i], 18) <= end]
            # Under 18 and at least 14 on some day of the period: old enough for a court
            # to decide against them, too young to be listed.
            minors = [
                i
                for i in everyone
                if (born := store.born[i]) is not None
                and max(start, _add_years(born, 14)) < min(end, _add_years(born, 18))
            ]

            def adult_window(i: int, store: _Subjects = store) -> tuple[int, int] | None:
                born = store.born[i]
                first = start if born is None else max(start, _add_years(born, 18))
                return (first - start).days, span

            for behaviour in table:
                pool = behaviour.pool
                members = _sample(rng, adults if pool != "reward" else everyone, behaviour.fraction)
                name = f"{kind}:{behaviour.name}"
                if behaviour.rate is None:
                    once = _once_dates(rng, members, adult_window)
                    tiers.append(_Tier(name, kind, pool, members, once=once))
                else:
                    tiers.append(_Tier(name, kind, pool, members, rate=behaviour.rate))
            rates = self.pools[kind].devoted_rates
            if rates:
                devoted = _sample(rng, everyone, _BEHAVIOUR.devoted.fraction)
                keys = [("devoted", *key) for key in rates]
                cumulative = list(_accumulate(rates.values()))
                tiers.append(
                    _Tier(
                        f"{kind}:devoted",
                        kind,
                        "devoted",
                        devoted,
                        rate=cumulative[-1],
                        pick_pool=lambda r, keys=keys, c=cumulative: _pick_cumulative(r, keys, c),
                    )
                )
            if minors:
                chosen = _sample(rng, minors, _BEHAVIOUR.minors.listing_fraction) or [rng.choice(minors)]

                def minor_window(i: int, store: _Subjects = store) -> tuple[int, int] | None:
                    born = store.born[i]
                    last = min(end, day_before(_add_years(born, 18)))
                    first = max(start, _add_years(born, 14))
                    return (first - start).days, (last - start).days

                once = _once_dates(rng, chosen, minor_window)
                tiers.append(_Tier("person:minor-listing", kind, "listing", chosen, once=once))
        return tiers

    # -- the stream

    def events(self) -> Iterator[dict]:
        yield from self.subject_events()
        rng = self.rng
        tiers = self.tiers()
        arrivals: list[tuple[float, int]] = []
        for index, tier in enumerate(tiers):
            first = tier.first(rng)
            if first is not None:
                arrivals.append((first, index))
        heapq.heapify(arrivals)
        span = (self.end - self.start).days
        start_ordinal = self.start.toordinal()
        pending = self.pending
        while arrivals:
            now, index = arrivals[0]
            if now >= span + 1:
                break
            tier = tiers[index]
            member, following = tier.arrive(rng, now)
            if following is None:
                heapq.heappop(arrivals)
            else:
                heapq.heapreplace(arrivals, (following, index))
            day_ordinal = start_ordinal + int(now)
            # Everything dated before today is final: no later arrival can precede it.
            while pending and pending[0][0] < day_ordinal:
                yield self.emit(heapq.heappop(pending))
            pool = tier.pick_pool(rng) if tier.pick_pool else tier.pool
            self.record(tier.kind, member, pool, dt.date.fromordinal(day_ordinal))
        while pending:
            yield self.emit(heapq.heappop(pending))

    def push(self, day: dt.date, event: dict, slot: list, reference: tuple | None) -> None:
        self.sequence += 1
        heapq.heappush(self.pending, (day.toordinal(), self.sequence, event, slot, reference))

    def emit(self, entry: tuple) -> dict:
        """Number a record as it is emitted, so that ids and references read in file
        order; a later event takes the id of its record, emitted before it."""
        _, _, event, slot, reference = entry
        if reference is None:
            event["record"] = slot[0]
            return event
        self.record_count += 1
        slot[0] = event["id"] = f"{self.id_prefix}-{self.record_count:06d}"
        number = self.references.get(reference, 0) + 1
        self.references[reference] = number
        place, tag, year = reference
        event["reference"] = f"{place}-{tag}-{year}-{number:04d}"
        return event

    def record(self, kind: str, member: int, pool: str | tuple, occurred_on: dt.date) -> None:
        rng = self.rng
        store = self.subjects[kind]
        ref = store.refs[member]
        if store.born[member] is not None and pool in ("penalty", "severe") and ref.is_minor_on(occurred_on):
            return
        choice = self.pools[kind].choose(rng, pool, occurred_on, store.jurisdictions[member])
        if choice is None:
            return
        rule = choice.rule
        decided_on = _days_after(occurred_on, rng.randint(*choice.lag))
        if decided_on > self.end:
            return  # not decided yet
        self.planned += 1
        # A provisional id until the record is emitted and numbered (see ``emit``).
        model = RecordEvent.model_construct(
            type="record",
            id=f"planned-{self.planned}",
            subject=ref,
            rule=choice.qualified,
            occurred_on=occurred_on,
            decided_on=decided_on,
            source=choice.source,
        )
        try:
            st.admit_record(model, self.registry)
        except st.Rejected:  # pragma: no cover - the pools only offer rules in force
            return
        slot: list[str | None] = [None]
        self.push(
            decided_on,
            {
                "type": "record",
                "id": None,
                "subject": store.texts[member],
                "rule": choice.qualified,
                "occurred_on": occurred_on.isoformat(),
                "decided_on": decided_on.isoformat(),
                "source": choice.source,
                "reference": None,
            },
            slot,
            (choice.place, choice.tag, decided_on.year),
        )
        if choice.sanction:
            for change in self.later_events(st.RecordFile(model), rule):
                event = {"type": change.type, "record": None, "on": change.on.isoformat()}
                if isinstance(change, DisputeResolved):
                    event["outcome"] = change.outcome
                self.push(change.on, event, slot, None)

    # -- what happens to a penalty later

    def later_events(self, file: st.RecordFile, rule: Rule) -> list[RecordChange]:
        """Plan a record's later events and keep those the semantics accept, in date
        order. Each is checked with :func:`standing.apply_change` against the events
        kept before it."""
        rng = self.rng
        registry = self.registry
        record = file.record
        decided = record.decided_on
        effective_on, expires_on = st.effective_window(file, registry)
        end = self.end
        plan: list[tuple[dt.date, int, RecordChange]] = []
        rid = record.id

        def add(day: dt.date, change: RecordChange) -> None:
            if day <= end:
                plan.append((day, len(plan), change))

        dispute, annulment, fulfilment, repair = _LATER.dispute, _LATER.annulled, _LATER.fulfilled, _LATER.repaired
        draw = rng.random()
        notice_days = (effective_on - decided).days
        filed = None
        if notice_days > 0 and draw < dispute.before_effect_share:
            filed = _days_after(decided, rng.randint(0, notice_days - 1))
            annul_share = dispute.before_effect_annulled
        elif draw < dispute.after_effect_share:
            filed = _days_after(effective_on, rng.randint(*dispute.after_effect_days.pair))
            annul_share = dispute.after_effect_annulled
        annulled_by_dispute = False
        if filed is not None:
            add(filed, DisputeFiled.model_construct(type="dispute_filed", record=rid, on=filed))
            # Disputes filed lately may still be pending; a few older ones were never
            # decided (under a dispute_deadline, the authority loses the record).
            pending_share = dispute.recent_pending if (end - filed).days < dispute.recent_days else dispute.old_pending
            if rng.random() >= pending_share:
                resolved = _days_after(filed, rng.randint(*dispute.decided_after_days.pair))
                outcome = "annulled" if rng.random() < annul_share else "upheld"
                annulled_by_dispute = outcome == "annulled" and resolved <= end
                add(
                    resolved,
                    DisputeResolved.model_construct(
                        type="dispute_resolved",
                        record=rid,
                        on=resolved,
                        outcome=outcome,
                    ),
                )
        if not annulled_by_dispute and rng.random() < annulment.share:
            day = _days_after(decided, rng.randint(*annulment.days.pair))
            add(day, Annulled.model_construct(type="annulled", record=rid, on=day))

        definition = registry.list_definition(rule.list, effective_on) if rule.list else None
        if definition is not None and "fulfilment" in definition.removal:
            if rng.random() < fulfilment.listed_share:
                day = _days_after(decided, rng.randint(*fulfilment.listed_days.pair))
                add(day, Fulfilled.model_construct(type="fulfilled", record=rid, on=day))
        elif rule.restore_on_fulfilment:
            if rng.random() < fulfilment.restored_share:
                day = _days_after(decided, rng.randint(*fulfilment.restored_days.pair))
                add(day, Fulfilled.model_construct(type="fulfilled", record=rid, on=day))
        elif rule.list is None and rng.random() < fulfilment.paid_share:  # the fine was paid
            day = _days_after(decided, rng.randint(*fulfilment.paid_days.pair))
            add(day, Fulfilled.model_construct(type="fulfilled", record=rid, on=day))

        if rule.repairable_after is not None and rng.random() < (
            repair.listed_share if rule.list else repair.other_share
        ):
            earliest = st.earliest_repair(file, registry)
            if earliest is not None:
                day = _days_after(earliest, rng.randint(*repair.days.pair))
                if day < expires_on:
                    add(day, Repaired.model_construct(type="repaired", record=rid, on=day))

        kept: list[RecordChange] = []
        for _, _, change in sorted(plan, key=lambda item: (item[0], item[1])):
            try:
                file = st.apply_change(file, change, registry)
            except st.Rejected:
                continue  # for example a repair planned after an annulment
            kept.append(change)
        return kept


def _source(rule_name: str, rule: Rule) -> str:
    if rule.category == "judicial":
        return "court"
    prefix = rule_name.split(".", 1)[0]
    return _SOURCES.by_rule_prefix.get(prefix) or _SOURCES.by_category.get(rule.category, _SOURCES.default)


# --------------------------------------------------------------------- public API


def iter_events(
    registry: CatalogRegistry,
    *,
    seed: int = 2024,
    persons: int = 3000,
    organisations: int = 300,
    start: dt.date = dt.date(2022, 1, 1),
    end: dt.date = dt.date(2026, 6, 30),
    id_prefix: str = "demo",
) -> Iterator[dict]:
    """Stream the population's events as JSON-ready objects (docs/design.md section 6).

    Subject events come first, then records and their later events by date (a record
    on its ``decided_on``, before its later events). Every record passes
    :func:`standing.admit_record` and every later event :func:`standing.apply_change`
    before it is emitted. Memory grows with the number of subjects and of records with
    later events still to come, not with the number of records emitted. Record ids
    are ``{id_prefix}-000001`` and up."""
    return _Generator(registry, seed, persons, organisations, start, end, id_prefix).events()


def generate(
    registry: CatalogRegistry,
    *,
    seed: int = 2024,
    persons: int = 3000,
    organisations: int = 300,
    start: dt.date = dt.date(2022, 1, 1),
    end: dt.date = dt.date(2026, 6, 30),
    id_prefix: str = "demo",
) -> Population:
    """The whole population in memory, with the subjects worth trying in a demo as
    evaluated on ``end``."""
    events = list(
        iter_events(
            registry,
            seed=seed,
            persons=persons,
            organisations=organisations,
            start=start,
            end=end,
            id_prefix=id_prefix,
        )
    )
    return Population(events=events, notable=find_notable(events, registry, end))


def persons(
    *,
    seed: int = 2024,
    count: int = 3000,
    start: dt.date = dt.date(2022, 1, 1),
    end: dt.date = dt.date(2026, 6, 30),
    registry: CatalogRegistry | None = None,
) -> list[SubjectRef]:
    """Persons alone, as the population draws them (identity numbers with a birth date and
    sex, in the jurisdictions of ``registry``'s catalogs, else the home jurisdiction of
    names.toml): for data that needs people but no records, such as the payments of
    :mod:`xinyong.synthetic.obligations`."""
    rng = random.Random(seed)
    made = _make_persons(rng, count, registry or CatalogRegistry(), start, end)
    return [ref for ref, _, _, _ in made]


# ------------------------------------------------------------------------ notable


@dataclass
class _Ledger:
    jurisdictions: dict[SubjectRef, str]
    files: dict[SubjectRef, list[st.RecordFile]]


def _replay(events: Iterable[dict], registry: CatalogRegistry) -> _Ledger:
    jurisdictions: dict[SubjectRef, str] = {}
    by_id: dict[str, st.RecordFile] = {}
    for data in events:
        event = parse_event(data)
        if event.type == "subject":
            jurisdictions[event.subject] = event.jurisdiction
        elif event.type == "record":
            st.admit_record(event, registry)
            by_id[event.id] = st.RecordFile(event)
        else:
            by_id[event.record] = st.apply_change(by_id[event.record], event, registry)
    files: dict[SubjectRef, list[st.RecordFile]] = {ref: [] for ref in jurisdictions}
    for file in by_id.values():
        files.setdefault(file.subject, []).append(file)
    return _Ledger(jurisdictions, files)


def _catalogs_on(registry: CatalogRegistry, kind: str, day: dt.date) -> list[Catalog]:
    found = []
    for cid in registry.ids():
        version = registry.in_force(cid, day)
        if version is not None and version.subject_kind == kind:
            found.append(version)
    return found


def _graded(version: Catalog) -> bool:
    """A catalog that grades: more than one band (list-only catalogs have one)."""
    return len(version.grades) > 1


def _rule_label(file: st.RecordFile) -> str:
    return file.record.rule_name


def find_notable(events: Iterable[dict], registry: CatalogRegistry, day: dt.date, limit: int = 10) -> list[Notable]:
    """Up to ``limit`` subjects worth trying in a demo, each found by evaluating the
    ledger the events make on ``day``: only kinds that the catalogs and the data make
    possible appear, one subject for each."""
    ledger = _replay(events, registry)
    found: dict[str, Notable] = {}
    used: set[SubjectRef] = set()

    def note(kind: str, ref: SubjectRef, why: str) -> None:
        if kind not in found and ref not in used and len(found) < limit:
            found[kind] = Notable(str(ref), why, kind)
            used.add(ref)

    lines_cache: dict[SubjectRef, list[st.Timeline]] = {}

    def lines(ref: SubjectRef) -> list[st.Timeline]:
        if ref not in lines_cache:
            lines_cache[ref] = [st.timeline(f, registry) for f in ledger.files.get(ref, [])]
        return lines_cache[ref]

    subjects = list(ledger.jurisdictions)
    with_records = [ref for ref in subjects if ledger.files.get(ref)]

    # Subjects on a blacklist on the day, with what it denies them.
    for kind in ("person", "organisation"):
        for ref in with_records:
            if ref.kind != kind:
                continue
            entries = [
                e
                for e in st.list_entries(ref, day, lines(ref))
                if (d := registry.list_definition(e.list, day)) is not None and d.kind == "black"
            ]
            if not entries:
                continue
            entry = max(entries, key=lambda e: (e.until is None, e.until or dt.date.min))
            until = f"until {entry.until}" if entry.until else "with no end date"
            why = f"on the {entry.list} list {until}"
            denied = _denied_action(ref, entry.list, day, ledger, registry)
            if denied:
                why += f": {denied} denied"
            note(f"{kind}-listed", ref, why)
            break

    # The best grade anyone reaches, when it is better than the base score's grade;
    # where the base score already has the top grade, a subject with records that keeps it.
    for kind in ("person", "organisation"):
        for version in _catalogs_on(registry, kind, day):
            if not _graded(version):
                continue
            bands = [g.name for g in version.grades]
            base_band = bands.index(version.grade_for(version.base))
            best: tuple[int, int, SubjectRef, st.Standing] | None = None
            for ref in with_records:
                jurisdiction = ledger.jurisdictions.get(ref)
                if ref.kind != kind or ref in used or not version.covers_jurisdiction(jurisdiction):
                    continue
                now = st.standing(ref, version.id, day, ledger.files[ref], registry, jurisdiction)
                band = bands.index(now.grade)
                if band == 0 and base_band == 0:
                    best = (band, -now.score, ref, now)
                    break
                if band < base_band and (best is None or (band, -now.score) < best[:2]):
                    best = (band, -now.score, ref, now)
            if best is not None:
                _, _, ref, now = best
                why = f"{now.grade} grade under {version.id} (score {now.score})"
                rewards = sorted({c.rule.partition("/")[2] for c in now.contributions if c.points > 0})
                if rewards:
                    why += ": " + " and ".join(rewards) + " rewards"
                    if any(c.capped for c in now.contributions):
                        why += ", capped"
                elif not now.contributions:
                    why += ": no record counts"
                benefits = _benefits(ref, version, now.grade, day, ledger, registry)
                if benefits:
                    # The first benefit, by its short name: "heating discount".
                    why += "; " + benefits[0].split(":")[0].split(" (")[0]
                note(f"{kind}-top-grade", ref, why)
                break

    for ref in with_records:
        for line in lines(ref):
            suspended = [d for d in line.disputes if d.open_on(day) and d.filed_on < line.effective_on]
            if suspended and line.effective_on <= day < line.ends_on and not line.annulled and not line.counts_on(day):
                note(
                    "dispute-suspended",
                    ref,
                    f"disputed a {_rule_label(line.file)} record on {suspended[-1].filed_on}, "
                    f"before it took effect on {line.effective_on}: suspended until decided",
                )
                break
        if "dispute-suspended" in found:
            break

    for ref in with_records:
        for line in lines(ref):
            repaired = [c.on for c in line.file.changes if isinstance(c, Repaired) and c.on <= day]
            if repaired and not line.annulled:
                note("repaired", ref, f"credit repair of a {_rule_label(line.file)} record granted on {repaired[0]}")
                break
        if "repaired" in found:
            break

    for ref in with_records:
        if ref.kind != "person":
            continue
        for line in lines(ref):
            _, rule = st.rule_in_force(line.file.record, registry)
            if (
                rule.list is not None
                and ref.is_minor_on(line.occurred_on)
                and not line.annulled
                and line.starts_counting() is not None
            ):
                age = ref.age_on(line.occurred_on)
                note(
                    "minor-not-listed",
                    ref,
                    f"a {_rule_label(line.file)} record at age {age}: never placed on the {rule.list} list, as a minor",
                )
                break
        if "minor-not-listed" in found:
            break

    # A subject scored under a catalog whose authority it does not live under.
    for ref in with_records:
        jurisdiction = ledger.jurisdictions.get(ref)
        for version in _catalogs_on(registry, ref.kind, day):
            if version.covers_jurisdiction(jurisdiction) or not _graded(version):
                continue
            now = st.standing(ref, version.id, day, ledger.files[ref], registry, jurisdiction)
            if now.contributions:
                note(
                    "outside-coverage",
                    ref,
                    f"lives in {jurisdiction}, outside {version.id} ({version.jurisdiction}): "
                    f"scored {now.score} ({now.grade}) but no grade-based measure applies",
                )
                break
        if "outside-coverage" in found:
            break

    for ref in with_records:
        for line in lines(ref):
            fulfilled = [c.on for c in line.file.changes if isinstance(c, Fulfilled)]
            placement = line.placement
            if placement is not None and fulfilled and placement.until == fulfilled[0] and placement.until <= day:
                note(
                    "fulfilled-off-list",
                    ref,
                    f"left the {placement.list} list on {placement.until} by fulfilling "
                    f"a {_rule_label(line.file)} decision",
                )
                break
        if "fulfilled-off-list" in found:
            break

    for ref in with_records:
        for version in _catalogs_on(registry, ref.kind, day):
            now = st.standing(ref, version.id, day, ledger.files[ref], registry, ledger.jurisdictions.get(ref))
            capped = [c for c in now.contributions if c.capped]
            if capped:
                c = capped[0]
                rule = c.rule.partition("/")[2]
                cap = _cap_in_force(registry, version.id, rule, c, day)
                note("capped", ref, f"{rule} points for {c.occurred_on.year} capped at {cap} a year")
                break
        if "capped" in found:
            break

    order = (
        "person-listed",
        "person-top-grade",
        "dispute-suspended",
        "organisation-listed",
        "organisation-top-grade",
        "repaired",
        "minor-not-listed",
        "outside-coverage",
        "fulfilled-off-list",
        "capped",
    )
    return [found[k] for k in order if k in found]


def _cap_in_force(
    registry: CatalogRegistry, catalog_id: str, rule_name: str, c: st.Contribution, day: dt.date
) -> int | None:
    # The cap in the version in force on the day, else the one when the act happened.
    for when in (day, c.occurred_on):
        version = registry.in_force(catalog_id, when)
        if version is not None and rule_name in version.rules:
            return version.rules[rule_name].cap_per_year
    return None


def _benefits(
    ref: SubjectRef,
    version: Catalog,
    grade: str,
    day: dt.date,
    ledger: _Ledger,
    registry: CatalogRegistry,
) -> list[str]:
    """The benefits that checks give the subject for its grade under ``version``."""
    found: list[str] = []
    for measure in version.measures:
        if measure.effect != "benefit" or grade not in (measure.when.grades or ()):
            continue
        decision = st.check(
            ref,
            measure.action,
            day,
            ledger.files.get(ref, []),
            registry,
            ledger.jurisdictions.get(ref),
        )
        for benefit in decision.benefits:
            if benefit not in found:
                found.append(benefit)
    return found


def _denied_action(
    ref: SubjectRef, list_id: str, day: dt.date, ledger: _Ledger, registry: CatalogRegistry
) -> str | None:
    for cid in registry.ids():
        version = registry.in_force(cid, day)
        if version is None:
            continue
        for measure in version.measures:
            if measure.when.list == list_id and measure.effect == "deny":
                decision = st.check(
                    ref,
                    measure.action,
                    day,
                    ledger.files.get(ref, []),
                    registry,
                    ledger.jurisdictions.get(ref),
                )
                if decision.decision == "deny":
                    return measure.action
    return None
