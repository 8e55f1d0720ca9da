"""Property tests of docs/design.md section 4 against the pure standing module.

Hypothesis builds a small deployment: one personal catalog with one to three versions
whose rules vary points, caps, notice, validity, repair, fulfilment, lists and the
dispute deadline; a few people (some of them minors); records with random dates; and a
random stream of later events applied through ``standing.apply_change``. Events the
semantics refuse raise ``standing.Rejected`` and are skipped, as the ledger refuses
them. The invariants below are then checked on every day where something changes
(and a few random ones), with expectations computed from the catalog data itself."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import cached_property

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from xinyong.domain.calendar import Duration
from xinyong.domain.catalog.model import Catalog
from xinyong.domain.catalog.registry import CatalogRegistry
from xinyong.domain.events import (
    Annulled,
    DisputeFiled,
    DisputeResolved,
    RecordChange,
    RecordEvent,
    parse_event,
)
from xinyong.domain.identifiers import SubjectRef, rid_check_character
from xinyong.domain.standing import (
    RecordFile,
    Rejected,
    apply_change,
    check,
    list_entries,
    points_on,
    standing,
    timeline,
)

pytestmark = pytest.mark.unit

# A generated deployment costs a few milliseconds to build and to question on every
# day that matters; 100 of them per invariant keeps this file well under a minute.
PROPERTY = settings(
    max_examples=100,
    deadline=None,
    # function_scoped_fixture: the `branches` tally is shared by the examples on purpose.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
CHEAP = settings(max_examples=150, deadline=None)
# For a property about a case few random worlds hold (about one in fifteen has a rule a
# later version dropped): the worlds are drawn so that they hold it (``worlds(dropped=...)``)
# instead of drawing and discarding hundreds of others.
FORCED_CASE = settings(PROPERTY, max_examples=40)

CATALOG = "city-personal"
LIST = "defaulters"
RULES = ("traffic.red_light", "court.judgment_default", "volunteer.service_day")
FIRST_DAY = dt.date(2022, 1, 1)
LAST_OCCURRENCE = dt.date(2025, 12, 31)
GRADES = [
    {"name": "A", "min": 1000},
    {"name": "B", "min": 900},
    {"name": "C", "min": 100},
    {"name": "D"},
]
CHANGE_KINDS = (
    *["dispute_filed"] * 3,
    *["dispute_resolved"] * 3,
    *["fulfilled"] * 2,
    *["repaired"] * 2,
    "annulled",
)


def person(born: dt.date, sequence: int) -> SubjectRef:
    first17 = f"370102{born:%Y%m%d}{sequence:03d}"
    return SubjectRef.parse(f"rid:{first17}{rid_check_character(first17)}")


def P(text: str | None) -> Duration:
    return Duration.parse(text or "P0D")


def minor_on(subject: SubjectRef, day: dt.date) -> bool:
    """Under 18 on ``day``, from the birth date written in the resident number; a person
    born on 29 February comes of age on 1 March in common years."""
    born = dt.date(int(subject.value[6:10]), int(subject.value[10:12]), int(subject.value[12:14]))
    try:
        of_age = born.replace(year=born.year + 18)
    except ValueError:
        of_age = dt.date(born.year + 18, 3, 1)
    return day < of_age


# ------------------------------------------------------------------ strategies


VALID_FOR = st.sampled_from(["P10D", "P3M", "P6M", "P1Y", "P2Y"])
OPTIONAL_RULE_KEYS = (
    ("notice", st.none() | st.sampled_from(["P0D", "P7D", "P15D", "P1M"])),
    ("repairable_after", st.none() | st.sampled_from(["P0D", "P1M", "P3M", "P6M"])),
    ("cap_per_year", st.none() | st.integers(0, 40)),
    ("list_duration", st.none() | st.sampled_from(["P2M", "P1Y"])),
)
POINTS = st.integers(-60, 30)
BOOLS = st.booleans()
RULE_SETS = st.sets(st.sampled_from(RULES), min_size=1)
REMOVALS = st.lists(st.sampled_from(["fulfilment", "repair", "annulment"]), unique=True)
LIST_DURATIONS = st.none() | st.sampled_from(["P6M", "P2Y"])
DISPUTE_DEADLINES = st.none() | st.sampled_from(["P20D", "P45D"])
BASES = st.sampled_from([100, 1000])
VERSION_COUNTS = st.integers(1, 3)
ADULT_BIRTHS = st.dates(dt.date(1950, 1, 1), dt.date(2001, 12, 31))
BIRTHS = st.lists(
    # Two in three born long ago; one in three a minor when the records occur, some of
    # whom come of age during the years the records cover.
    ADULT_BIRTHS | ADULT_BIRTHS | st.dates(dt.date(2004, 1, 1), dt.date(2010, 12, 31)),
    min_size=1,
    max_size=3,
)
YEAR_ENDS = st.builds(
    lambda year, offset: dt.date(year, 12, 31) + dt.timedelta(days=offset),
    st.integers(2022, 2024),
    st.integers(-45, 45),
)
# Uniform over the years covered, or near a year end, where cap groups split.
OCCURRENCES = st.dates(FIRST_DAY, LAST_OCCURRENCE) | YEAR_ENDS
RECORD_COUNTS = st.integers(1, 7)
NEARBY = st.integers(-40, 40)
DECISION_LAGS = st.integers(0, 60)
CHANGE_COUNTS = st.integers(0, 14)
KIND_DRAWS = st.sampled_from(CHANGE_KINDS)
RESOLUTION_LAGS = st.integers(0, 120)
REPAIR_LAGS = st.integers(-3, 200)
CHANGE_OFFSETS = st.integers(-5, 45) | st.integers(0, 900)
OUTCOMES = st.sampled_from(["upheld", "upheld", "annulled"])
ADAPTIVE = st.sampled_from([True, True, True, False])
EXTRA_DAYS = st.lists(st.dates(FIRST_DAY, dt.date(2028, 12, 31)), max_size=4)


def rule_data(draw) -> dict:
    rule = {
        "category": "traffic",
        "points": draw(POINTS),
        "valid_for": draw(VALID_FOR),
        "legal_basis": "Test Law",
        "restore_on_fulfilment": draw(BOOLS),
    }
    for key, strategy in OPTIONAL_RULE_KEYS:
        value = draw(strategy)
        if value is not None:
            rule[key] = value
    if draw(BOOLS):
        rule["list"] = LIST
    else:
        rule.pop("list_duration", None)
    return rule


@st.composite
def catalog_versions(draw, dropped: str | None = None) -> tuple[list[dict], tuple[int, str] | None]:
    """One to three versions of the catalog; with ``dropped`` ('penalty' or 'reward'), a
    rule of that sign that a later version drops, returned as (the index of the version
    that drops it, its name)."""
    count = draw(VERSION_COUNTS if dropped is None else st.integers(2, 3))
    later = sorted(
        draw(
            st.sets(
                st.dates(dt.date(2022, 2, 1), dt.date(2025, 6, 30)),
                min_size=count - 1,
                max_size=count - 1,
            )
        )
    )
    versions = []
    for index, effective_from in enumerate([FIRST_DAY, *later]):
        the_list = {"kind": "black", "removal": draw(REMOVALS)}
        duration = draw(LIST_DURATIONS)
        if duration:
            the_list["duration"] = duration
        data = {
            "id": CATALOG,
            "jurisdiction": "CN-SD",
            "subject_kind": "person",
            "version": f"v{index + 1}",
            "effective_from": effective_from.isoformat(),
            "base": draw(BASES),
            "grades": GRADES,
            "rules": {name: rule_data(draw) for name in sorted(draw(RULE_SETS))},
            "lists": {LIST: the_list},
        }
        deadline = draw(DISPUTE_DEADLINES)
        if deadline:
            data["dispute_deadline"] = deadline
        versions.append(data)
    if dropped is None:
        return versions, None
    # The version before ``at`` has the rule, with points of the sign asked for and valid
    # long enough for a record made just before ``at`` to count after it; ``at`` and the
    # versions after it do not have it.
    at = draw(st.integers(1, count - 1))
    name = draw(st.sampled_from(RULES))
    rule = versions[at - 1]["rules"].get(name) or rule_data(draw)
    rule["points"] = draw(st.integers(-60, -1) if dropped == "penalty" else st.integers(0, 30))
    rule["valid_for"] = draw(st.sampled_from(["P3M", "P6M", "P1Y", "P2Y"]))
    versions[at - 1]["rules"][name] = rule
    for later in versions[at:]:
        later["rules"].pop(name, None)
        if not later["rules"]:
            later["rules"][draw(st.sampled_from([r for r in RULES if r != name]))] = rule_data(draw)
    return versions, (at, name)


@dataclass
class World:
    versions: list[dict]
    registry: CatalogRegistry
    subjects: list[SubjectRef]
    records: list[RecordEvent]
    stream: list[RecordChange]  # every change attempted, in order
    files: dict[str, RecordFile]  # the record files after the accepted changes
    extra_days: list[dt.date]

    # Expectations computed from the catalog data, not from the module under test.

    def version_on(self, day: dt.date) -> dict | None:
        in_force = [v for v in self.versions if dt.date.fromisoformat(v["effective_from"]) <= day]
        return in_force[-1] if in_force else None

    def rule_then(self, record: RecordEvent) -> dict:
        return self.version_on(record.occurred_on)["rules"][record.rule_name]

    def window(self, record: RecordEvent) -> tuple[dt.date, dt.date]:
        rule = self.rule_then(record)
        effective_on = P(rule.get("notice")).after(record.decided_on)
        return effective_on, P(rule["valid_for"]).after(effective_on)

    @cached_property
    def days(self) -> list[dt.date]:
        """Every day around which the answer may change, and a few random ones."""
        marks = {FIRST_DAY, *self.extra_days}
        marks |= {dt.date.fromisoformat(v["effective_from"]) for v in self.versions}
        for file in self.files.values():
            record = file.record
            marks |= {record.occurred_on, record.decided_on, *self.window(record)}
            for change in file.changes:
                marks.add(change.on)
                if isinstance(change, DisputeFiled):
                    deadline = self.version_on(change.on).get("dispute_deadline")
                    if deadline:
                        marks.add(P(deadline).after(change.on))
        days = set()
        for mark in marks:
            days |= {mark - dt.timedelta(days=1), mark, mark + dt.timedelta(days=1)}
        return sorted(d for d in days if d >= FIRST_DAY)


@st.composite
def worlds(draw, dropped: str | None = None, repaired: bool = False) -> World:
    """A generated deployment. With ``dropped`` ('penalty' or 'reward'), its first record
    is made under a rule of that sign shortly before a later version drops the rule; with
    ``repaired``, one record's rule allows repair and the record is repaired on or after
    the first day allowed. Everything else is drawn as for any world."""
    versions, drop = draw(catalog_versions(dropped))
    births = draw(BIRTHS)
    subjects = [person(born, i + 1) for i, born in enumerate(births)]
    world = World(versions, None, subjects, [], [], {}, [])  # type: ignore[arg-type]

    if drop is not None:
        at, name = drop
        starts = dt.date.fromisoformat(versions[at - 1]["effective_from"])
        dropped_from = dt.date.fromisoformat(versions[at]["effective_from"])
        occurred_on = max(starts, dropped_from - dt.timedelta(days=draw(st.integers(1, 60))))
        world.records.append(
            RecordEvent(
                type="record",
                id="r-dropped",
                subject=draw(st.sampled_from(subjects)),
                rule=f"{CATALOG}/{name}",
                occurred_on=occurred_on,
                decided_on=occurred_on + dt.timedelta(days=draw(DECISION_LAGS)),
                source="test",
            )
        )
        world.files["r-dropped"] = RecordFile(world.records[0])

    for index in range(draw(RECORD_COUNTS)):
        if world.records and draw(BOOLS):
            # Often a record close to an earlier one, for the same subject and rule, so
            # that records meet in cap groups, across year ends and version changes.
            near = draw(st.sampled_from(world.records))
            occurred_on = near.occurred_on + dt.timedelta(days=draw(NEARBY))
            occurred_on = min(max(occurred_on, FIRST_DAY), LAST_OCCURRENCE)
            subject = near.subject
            names = sorted(world.version_on(occurred_on)["rules"])
            rule_name = near.rule_name if near.rule_name in names else draw(st.sampled_from(names))
        else:
            occurred_on = draw(OCCURRENCES)
            subject = draw(st.sampled_from(subjects))
            rule_name = draw(st.sampled_from(sorted(world.version_on(occurred_on)["rules"])))
        record = RecordEvent(
            type="record",
            id=f"r{index}",
            subject=subject,
            rule=f"{CATALOG}/{rule_name}",
            occurred_on=occurred_on,
            decided_on=occurred_on + dt.timedelta(days=draw(DECISION_LAGS)),
            source="test",
        )
        world.records.append(record)
        world.files[record.id] = RecordFile(record)

    if repaired:
        chosen = draw(st.sampled_from(world.records))
        rule = world.rule_then(chosen)
        if "repairable_after" not in rule:
            rule["repairable_after"] = draw(st.sampled_from(["P0D", "P1M", "P3M", "P6M"]))
    registry = world.registry = CatalogRegistry.of(Catalog.model_validate(v) for v in versions)
    if repaired:
        # First in the stream, so nothing before it (an annulment) refuses it.
        effective_on, _ = world.window(chosen)
        on = P(rule["repairable_after"]).after(effective_on) + dt.timedelta(days=draw(st.integers(0, 200)))
        repair = parse_event({"type": "repaired", "record": chosen.id, "on": on.isoformat(), "note": "forced"})
        world.stream.append(repair)
        world.files[chosen.id] = apply_change(world.files[chosen.id], repair, registry)

    for _ in range(draw(CHANGE_COUNTS)):
        kind = draw(KIND_DRAWS)
        disputed = [r for r in world.records if has_open_dispute(world.files[r.id])]
        if kind == "dispute_resolved" and disputed and draw(ADAPTIVE):
            # Mostly decide a dispute that is open, some days after it was filed.
            record = draw(st.sampled_from(disputed))
            filed_on = [c.on for c in world.files[record.id].changes if isinstance(c, DisputeFiled)][-1]
            on = filed_on + dt.timedelta(days=draw(RESOLUTION_LAGS))
        elif kind == "repaired" and draw(BOOLS):
            # Often a repair around the first day the rule allows it.
            record = draw(st.sampled_from(world.records))
            effective_on, _ = world.window(record)
            after = P(world.rule_then(record).get("repairable_after") or "P0D")
            on = after.after(effective_on) + dt.timedelta(days=draw(REPAIR_LAGS))
        else:
            record = draw(st.sampled_from(world.records))
            on = record.decided_on + dt.timedelta(days=draw(CHANGE_OFFSETS))
        file = world.files[record.id]
        data = {"type": kind, "record": record.id, "on": on.isoformat()}
        if kind == "dispute_resolved":
            data["outcome"] = draw(OUTCOMES)
        change = parse_event(data)
        world.stream.append(change)
        with contextlib.suppress(Rejected):
            world.files[record.id] = apply_change(file, change, registry)

    world.extra_days = draw(EXTRA_DAYS)
    return world


def is_annulled(file: RecordFile) -> bool:
    return any(
        isinstance(c, Annulled) or (isinstance(c, DisputeResolved) and c.outcome == "annulled") for c in file.changes
    )


def has_open_dispute(file: RecordFile) -> bool:
    filed = sum(isinstance(c, DisputeFiled) for c in file.changes)
    resolved = sum(isinstance(c, DisputeResolved) for c in file.changes)
    return filed > resolved


def dispute_pairs(file: RecordFile) -> list[tuple[dt.date, dt.date | None]]:
    """``(filed_on, resolved_on)`` of each dispute, in order."""
    pairs: list[list] = []
    for change in file.changes:
        if isinstance(change, DisputeFiled):
            pairs.append([change.on, None])
        elif isinstance(change, DisputeResolved):
            pairs[-1][1] = change.on
    return [tuple(p) for p in pairs]


# ------------------------------------------------------------------ scores and caps


def cap_for(world: World, rule_name: str, day: dt.date, members) -> int | None:
    """The cap of the version in force on ``day``. Where that version has dropped the
    rule, section 4 names no cap in force; the subject gets the more favourable of the
    caps its records were made under: none if any had none, else the largest."""
    now = world.version_on(day)["rules"].get(rule_name)
    if now is not None:
        return now.get("cap_per_year")
    caps = [world.rule_then(world.files[c.record].record).get("cap_per_year") for c in members]
    return None if None in caps else max(caps)


def capped_groups(world: World, result, day: dt.date):
    """Yield ``(members, sum, cap)`` for every group: one rule, one year of occurred_on."""
    groups = defaultdict(list)
    for c in result.contributions:
        groups[(c.rule.partition("/")[2], c.occurred_on.year)].append(c)
    for (rule_name, _), members in groups.items():
        yield members, sum(c.points for c in members), cap_for(world, rule_name, day, members)


@PROPERTY
@given(worlds())
def test_score_is_base_of_version_in_force_plus_sum_of_contributions_after_caps(world):
    for subject in world.subjects:
        for day in world.days:
            result = standing(subject, CATALOG, day, world.files.values(), world.registry)
            total = 0
            for _, subtotal, cap in capped_groups(world, result, day):
                total += subtotal if cap is None else max(-cap, min(cap, subtotal))
            assert result.score == world.version_on(day)["base"] + total, (subject, day)


@PROPERTY
@pytest.mark.branches("a group over its cap", "a group within it")
@given(worlds())
def test_every_contribution_of_a_limited_group_and_only_those_are_marked_capped(branches, world):
    for subject in world.subjects:
        for day in world.days:
            result = standing(subject, CATALOG, day, world.files.values(), world.registry)
            for members, subtotal, cap in capped_groups(world, result, day):
                limited = cap is not None and abs(subtotal) > cap
                branches("a group over its cap" if limited else "a group within it")
                assert [c.capped for c in members] == [limited] * len(members), (day, members)


@PROPERTY
@given(worlds())
def test_contributions_are_exactly_the_subjects_records_that_count_on_the_day(world):
    lines = {f.id: (f.subject, timeline(f, world.registry)) for f in world.files.values()}
    for subject in world.subjects:
        for day in world.days:
            result = standing(subject, CATALOG, day, world.files.values(), world.registry)
            counting = {record for record, (whose, line) in lines.items() if whose == subject and line.counts_on(day)}
            assert {c.record for c in result.contributions} == counting


@PROPERTY
@given(worlds(), st.randoms(use_true_random=False))
def test_score_does_not_depend_on_the_order_of_the_record_files(world, random):
    files = list(world.files.values())
    shuffled = files[:]
    random.shuffle(shuffled)
    for subject in world.subjects:
        for day in world.days:
            one = standing(subject, CATALOG, day, files, world.registry)
            other = standing(subject, CATALOG, day, shuffled, world.registry)
            assert (one.score, one.contributions, one.lists) == (
                other.score,
                other.contributions,
                other.lists,
            ), day


@PROPERTY
@given(worlds())
def test_grade_is_the_grade_of_the_score_in_the_version_in_force(world):
    for subject in world.subjects:
        for day in world.days:
            result = standing(subject, CATALOG, day, world.files.values(), world.registry)
            expected = next(g["name"] for g in GRADES if g.get("min") is None or result.score >= g["min"])
            assert (result.grade, result.base) == (expected, world.version_on(day)["base"])


# ------------------------------------------------------------------ annulment


@PROPERTY
@pytest.mark.branches("an annulled record")
@given(worlds())
def test_annulled_record_never_counts_and_never_lists_on_any_day(branches, world):
    annulled = [f for f in world.files.values() if is_annulled(f)]
    for file in annulled:
        branches("an annulled record")
        line = timeline(file, world.registry)
        for day in world.days:
            assert not line.counts_on(day), day
            assert not line.listed_on(day), day
            result = standing(file.subject, CATALOG, day, world.files.values(), world.registry)
            assert file.id not in {c.record for c in result.contributions}
            assert file.id not in {e.record for e in result.lists}


# ------------------------------------------------------------------ disputes


@PROPERTY
@pytest.mark.branches("a day a disputed record counts")
@given(worlds())
def test_a_dispute_never_makes_a_record_count_on_a_day_it_would_not_count_without_it(branches, world):
    disputed = [
        f for f in world.files.values() if any(isinstance(c, (DisputeFiled, DisputeResolved)) for c in f.changes)
    ]
    # Only worlds with a dispute say anything here: without one the loop would pass empty.
    assume(disputed)
    for file in disputed:
        undisputed = replace(
            file,
            changes=tuple(c for c in file.changes if not isinstance(c, (DisputeFiled, DisputeResolved))),
        )
        with_dispute, without = timeline(file, world.registry), timeline(undisputed, world.registry)
        for day in world.days:
            if with_dispute.counts_on(day):
                branches("a day a disputed record counts")
                assert without.counts_on(day), day


@PROPERTY
@given(worlds())
def test_a_dispute_never_moves_the_end_of_a_record_later(world):
    for file in world.files.values():
        undisputed = replace(
            file,
            changes=tuple(c for c in file.changes if not isinstance(c, (DisputeFiled, DisputeResolved))),
        )
        with_dispute, without = timeline(file, world.registry), timeline(undisputed, world.registry)
        assert with_dispute.expires_on == without.expires_on
        assert with_dispute.ends_on <= without.ends_on


@PROPERTY
@pytest.mark.branches("a day past a dispute's deadline while it is open")
@given(worlds())
def test_unresolved_dispute_stops_the_record_and_its_list_entry_from_its_deadline_until_resolved(
    branches,
    world,
):
    for file in world.files.values():
        line = timeline(file, world.registry)
        for filed_on, resolved_on in dispute_pairs(file):
            deadline = world.version_on(filed_on).get("dispute_deadline")
            if not deadline:
                continue
            stop = P(deadline).after(filed_on)
            for day in [stop, *world.days]:
                if stop <= day and (resolved_on is None or day < resolved_on):
                    branches("a day past a dispute's deadline while it is open")
                    assert not line.counts_on(day), (filed_on, stop, day)
                    assert not line.listed_on(day), (filed_on, stop, day)


@PROPERTY
@pytest.mark.branches("a contribution under an open dispute", "a contribution under none")
@given(worlds())
def test_contribution_is_disputed_exactly_while_a_dispute_is_open(branches, world):
    for subject in world.subjects:
        for day in world.days:
            result = standing(subject, CATALOG, day, world.files.values(), world.registry)
            for c in result.contributions:
                pairs = dispute_pairs(world.files[c.record])
                open_now = any(filed <= day and (resolved is None or resolved > day) for filed, resolved in pairs)
                branches("a contribution under an open dispute" if open_now else "a contribution under none")
                assert c.disputed == open_now, (c.record, day)


# ------------------------------------------------------------------ the more favourable rule


def counting_lines(world: World):
    for file in world.files.values():
        line = timeline(file, world.registry)
        for day in world.days:
            if line.counts_on(day):
                yield file.record, line, day


@PROPERTY
@given(worlds())
def test_points_are_the_larger_of_then_and_now_when_the_rule_is_in_both_versions(world):
    in_both = [
        (record, line, day, now)
        for record, line, day in counting_lines(world)
        if (now := world.version_on(day)["rules"].get(record.rule_name)) is not None
    ]
    assume(in_both)  # the property is about these cases: an example without one is no example
    for record, line, day, now in in_both:
        then = world.rule_then(record)["points"]
        points = points_on(line, day, world.registry)
        assert points == max(then, now["points"]) >= min(then, now["points"]), (record.id, day)


@FORCED_CASE
@given(worlds(dropped="penalty"))
def test_penalty_whose_rule_a_later_version_dropped_counts_zero(world):
    dropped = [
        (record, line, day)
        for record, line, day in counting_lines(world)
        if record.rule_name not in world.version_on(day)["rules"] and world.rule_then(record)["points"] < 0
    ]
    # The world has such a record; only what happened to it after (an annulment, a
    # repair) can keep it from counting once the rule is gone.
    assume(dropped)
    for record, line, day in dropped:
        assert points_on(line, day, world.registry) == 0, (record.id, day)


@FORCED_CASE
@given(worlds(dropped="reward"))
def test_reward_whose_rule_a_later_version_dropped_keeps_its_points(world):
    dropped = [
        (record, line, day, then)
        for record, line, day in counting_lines(world)
        if record.rule_name not in world.version_on(day)["rules"] and (then := world.rule_then(record)["points"]) >= 0
    ]
    # The world has such a record; only what happened to it after (an annulment, a
    # repair) can keep it from counting once the rule is gone.
    assume(dropped)
    for record, line, day, then in dropped:
        assert points_on(line, day, world.registry) == then, (record.id, day)


# ------------------------------------------------------------------ applied once


@PROPERTY
@given(worlds())
def test_reapplying_an_accepted_event_returns_the_same_file(world):
    for file in world.files.values():
        for change in file.changes:
            assert apply_change(file, change, world.registry) == file


@PROPERTY
@given(worlds())
def test_applying_every_event_twice_gives_the_same_files_and_answers(world):
    twice = {r.id: RecordFile(r) for r in world.records}
    for change in world.stream:
        for _ in range(2):
            with contextlib.suppress(Rejected):
                twice[change.record] = apply_change(twice[change.record], change, world.registry)
    assert twice == world.files
    for subject in world.subjects:
        for day in world.days[::3]:
            once = standing(subject, CATALOG, day, world.files.values(), world.registry)
            again = standing(subject, CATALOG, day, twice.values(), world.registry)
            assert once == again


# ------------------------------------------------------------------ the record window


@PROPERTY
@pytest.mark.branches("a day before a record takes effect")
@given(worlds())
def test_no_record_counts_before_decided_on_plus_notice(branches, world):
    for file in world.files.values():
        effective_on, _ = world.window(file.record)
        line = timeline(file, world.registry)
        assert line.effective_on == effective_on
        for day in world.days:
            if day < effective_on:
                branches("a day before a record takes effect")
                assert not line.counts_on(day), day


@PROPERTY
@pytest.mark.branches("a day on or after a record expires")
@given(worlds())
def test_no_record_counts_on_or_after_effective_on_plus_valid_for(branches, world):
    for file in world.files.values():
        _, expires_on = world.window(file.record)
        line = timeline(file, world.registry)
        assert line.expires_on == expires_on
        for day in world.days:
            if day >= expires_on:
                branches("a day on or after a record expires")
                assert not line.counts_on(day), day


@PROPERTY
@given(worlds())
def test_record_with_no_later_events_counts_exactly_inside_its_window(world):
    for record in world.records:
        effective_on, expires_on = world.window(record)
        line = timeline(RecordFile(record), world.registry)
        for day in world.days:
            assert line.counts_on(day) == (effective_on <= day < expires_on), day


# ------------------------------------------------------------------ repair


@PROPERTY
@pytest.mark.branches("a repairable record decided before its first repair day")
@given(worlds(), st.data())
def test_repair_before_the_first_allowed_day_is_rejected_naming_that_day(branches, world, data):
    for file in world.files.values():
        rule = world.rule_then(file.record)
        if is_annulled(file) or "repairable_after" not in rule:
            continue
        effective_on, _ = world.window(file.record)
        earliest = P(rule["repairable_after"]).after(effective_on)
        if earliest <= file.record.decided_on:
            continue
        branches("a repairable record decided before its first repair day")
        day = data.draw(st.dates(file.record.decided_on, earliest - dt.timedelta(days=1)))
        with pytest.raises(Rejected, match=earliest.isoformat()):
            apply_change(
                file,
                parse_event({"type": "repaired", "record": file.id, "on": day.isoformat(), "note": "early"}),
                world.registry,
            )


@PROPERTY
@pytest.mark.branches("a repairable record")
@given(worlds())
def test_repair_on_the_first_allowed_day_is_accepted(branches, world):
    for file in world.files.values():
        rule = world.rule_then(file.record)
        if is_annulled(file) or "repairable_after" not in rule:
            continue
        effective_on, _ = world.window(file.record)
        earliest = P(rule["repairable_after"]).after(effective_on)
        branches("a repairable record")
        repair = parse_event({"type": "repaired", "record": file.id, "on": earliest.isoformat(), "note": "on time"})
        assert apply_change(file, repair, world.registry).changes[-1] == repair


@PROPERTY
@pytest.mark.branches("a record whose rule allows no repair")
@given(worlds(), st.data())
def test_repair_of_a_rule_without_repairable_after_is_rejected(branches, world, data):
    for file in world.files.values():
        if is_annulled(file) or "repairable_after" in world.rule_then(file.record):
            continue
        branches("a record whose rule allows no repair")
        day = file.record.decided_on + dt.timedelta(days=data.draw(st.integers(0, 2000)))
        with pytest.raises(Rejected, match="repairable_after"):
            apply_change(
                file,
                parse_event({"type": "repaired", "record": file.id, "on": day.isoformat(), "note": "x"}),
                world.registry,
            )


@PROPERTY
@pytest.mark.branches("a day from a repair on")
@given(worlds(repaired=True))
def test_repaired_record_and_its_list_entry_do_not_count_from_the_repair_day(branches, world):
    repaired = [f for f in world.files.values() if any(c.type == "repaired" for c in f.changes)]
    assert repaired  # the world is drawn with one
    for file in repaired:
        repairs = [c.on for c in file.changes if c.type == "repaired"]
        line = timeline(file, world.registry)
        for day in world.days:
            if day >= min(repairs):
                branches("a day from a repair on")
                assert not line.counts_on(day) and not line.listed_on(day), day


# ------------------------------------------------------------------ events that do not fit


def any_change(record_id: str, on: dt.date, kind: str) -> RecordChange:
    data = {"type": kind, "record": record_id, "on": on.isoformat(), "note": "probe"}
    if kind == "dispute_resolved":
        data["outcome"] = "upheld"
    return parse_event(data)


KINDS = ("dispute_filed", "dispute_resolved", "fulfilled", "repaired", "annulled")


@PROPERTY
@given(worlds(), st.data())
def test_event_dated_before_decided_on_is_rejected(world, data):
    for file in world.files.values():
        on = file.record.decided_on - dt.timedelta(days=data.draw(st.integers(1, 400)))
        for kind in KINDS:
            with pytest.raises(Rejected):
                apply_change(file, any_change(file.id, on, kind), world.registry)


@PROPERTY
@pytest.mark.branches("an annulled record")
@given(worlds(), st.data())
def test_any_new_event_after_annulment_is_rejected(branches, world, data):
    for file in world.files.values():
        if not is_annulled(file):
            continue
        branches("an annulled record")
        on = file.record.decided_on + dt.timedelta(days=data.draw(st.integers(0, 900)))
        for kind in KINDS:
            with pytest.raises(Rejected, match="annul"):
                apply_change(file, any_change(file.id, on, kind), world.registry)


@PROPERTY
@pytest.mark.branches("a record with an open dispute")
@given(worlds(), st.data())
def test_second_dispute_while_one_is_open_is_rejected(branches, world, data):
    for file in world.files.values():
        if is_annulled(file) or not has_open_dispute(file):
            continue
        branches("a record with an open dispute")
        on = file.record.decided_on + dt.timedelta(days=data.draw(st.integers(0, 900)))
        with pytest.raises(Rejected, match="still open"):
            apply_change(file, any_change(file.id, on, "dispute_filed"), world.registry)


@PROPERTY
@pytest.mark.branches("a record without an open dispute")
@given(worlds(), st.data())
def test_decision_with_no_open_dispute_is_rejected(branches, world, data):
    for file in world.files.values():
        if is_annulled(file) or has_open_dispute(file):
            continue
        branches("a record without an open dispute")
        on = file.record.decided_on + dt.timedelta(days=data.draw(st.integers(0, 900)))
        with pytest.raises(Rejected, match="no open dispute"):
            apply_change(file, any_change(file.id, on, "dispute_resolved"), world.registry)


# ------------------------------------------------------------------ minors


# Derandomised: a random run of 100 worlds can hold no minor's record under a list rule
# (a fresh clone's run at 2e3e851 held none), and then the property said nothing. The
# same worlds every run, checked to hold the case.
@settings(PROPERTY, derandomize=True)
@pytest.mark.branches("a minor's record under a list rule")
@given(worlds())
def test_person_under_18_on_occurred_on_is_never_placed_on_a_list(branches, world):
    for file in world.files.values():
        if not minor_on(file.subject, file.record.occurred_on):
            continue
        if "list" in world.rule_then(file.record):
            branches("a minor's record under a list rule")
        line = timeline(file, world.registry)
        assert line.placement is None
        for day in world.days:
            assert not line.listed_on(day)
            assert not list_entries(file.subject, day, [line])


@PROPERTY
@pytest.mark.branches("a day a minor's record counts")
@given(worlds())
def test_minors_record_counts_the_same_points_on_the_same_days_as_an_adults(branches, world):
    adult = person(dt.date(1960, 1, 1), 999)
    for file in world.files.values():
        if not minor_on(file.subject, file.record.occurred_on):
            continue
        twin_record = file.record.model_copy(update={"subject": adult})
        twin = RecordFile(twin_record, file.changes)
        minor_line, adult_line = timeline(file, world.registry), timeline(twin, world.registry)
        for day in world.days:
            assert minor_line.counts_on(day) == adult_line.counts_on(day), day
            if minor_line.counts_on(day):
                branches("a day a minor's record counts")
                result = standing(file.subject, CATALOG, day, [file], world.registry)
                assert [c.points for c in result.contributions] == [points_on(adult_line, day, world.registry)]


# ------------------------------------------------------------------ list entries


@PROPERTY
@pytest.mark.branches("a record placed on a list")
@given(worlds())
def test_list_entry_starts_on_the_first_day_its_record_counts(branches, world):
    for file in world.files.values():
        line = timeline(file, world.registry)
        if line.placement is None:
            continue
        branches("a record placed on a list")
        start = line.placement.start
        assert line.counts_on(start)
        assert not any(line.counts_on(d) for d in world.days if d < start)


@PROPERTY
@pytest.mark.branches("an adult's record under a list rule counting before any repair or fulfilment")
@given(worlds())
def test_adults_counting_record_under_a_list_rule_is_listed_when_it_starts_counting(branches, world):
    for file in world.files.values():
        rule = world.rule_then(file.record)
        if "list" not in rule or minor_on(file.subject, file.record.occurred_on) or is_annulled(file):
            continue
        line = timeline(file, world.registry)
        first = next((d for d in world.days if line.counts_on(d)), None)
        if first is not None and not any(c.type in ("repaired", "fulfilled") and c.on <= first for c in file.changes):
            branches("an adult's record under a list rule counting before any repair or fulfilment")
            assert line.placement is not None and line.listed_on(line.placement.start)


# ------------------------------------------------------------------ checks


def check_registry(measures: list[dict], jurisdiction: str = "CN-SD") -> CatalogRegistry:
    data = {
        "id": CATALOG,
        "jurisdiction": jurisdiction,
        "subject_kind": "person",
        "version": "v1",
        "effective_from": "2022-01-01",
        "base": 1000,
        "grades": GRADES,
        "rules": {
            "court.judgment_default": {
                "category": "judicial",
                "points": -100,
                "valid_for": "P2Y",
                "list": LIST,
                "legal_basis": "Civil Procedure Law",
            }
        },
        "lists": {LIST: {"kind": "black"}},
        "measures": measures,
    }
    return CatalogRegistry.of([Catalog.model_validate(data)])


LISTED = person(dt.date(1970, 5, 5), 1)
LISTED_FILES = [
    RecordFile(
        RecordEvent(
            type="record",
            id="judgment-1",
            subject=LISTED,
            rule=f"{CATALOG}/court.judgment_default",
            occurred_on=dt.date(2024, 1, 10),
            decided_on=dt.date(2024, 1, 10),
            source="court",
        )
    )
]
ASKED_ON = dt.date(2024, 6, 1)


def list_measure(action: str, effect: str, index: int = 0) -> dict:
    measure = {
        "when": {"list": LIST},
        "action": action,
        "effect": effect,
        "legal_basis": "Test Law",
    }
    if effect == "benefit":
        measure["benefit"] = f"benefit {index}"
    return measure


effects = st.lists(st.sampled_from(["deny", "review", "allow", "benefit"]), min_size=1, max_size=6)


@CHEAP
@given(effects)
def test_deny_beats_review_beats_allow(chosen):
    registry = check_registry([list_measure("rail.high_speed", e, i) for i, e in enumerate(chosen)])
    decision = check(LISTED, "rail.high_speed.ticket", ASKED_ON, LISTED_FILES, registry, "CN-SD")
    expected = "deny" if "deny" in chosen else "review" if "review" in chosen else "allow"
    assert decision.decision == expected


@CHEAP
@given(effects)
def test_benefits_of_every_applicable_measure_are_listed(chosen):
    registry = check_registry([list_measure("rail.high_speed", e, i) for i, e in enumerate(chosen)])
    decision = check(LISTED, "rail.high_speed", ASKED_ON, LISTED_FILES, registry, "CN-SD")
    assert decision.benefits == tuple(f"benefit {i}" for i, e in enumerate(chosen) if e == "benefit")
    assert sorted(r.effect for r in decision.reasons) == sorted(chosen)


words = st.from_regex(r"[a-z][a-z0-9_]{0,5}", fullmatch=True)
actions = st.lists(words, min_size=1, max_size=3).map(".".join)


@st.composite
def action_cases(draw) -> tuple[str, str, bool]:
    """``(measure action, asked action, applies)``, the answer known by construction."""
    measure = draw(actions)
    case = draw(st.sampled_from(["same", "longer", "extended_word", "shorter", "elsewhere"]))
    if case == "same":
        return measure, measure, True
    if case == "longer":
        return measure, measure + "." + draw(actions), True
    if case == "extended_word":
        return measure, measure + draw(st.from_regex(r"[a-z0-9_]{1,4}", fullmatch=True)), False
    if case == "shorter" and "." in measure:
        return measure, measure.rpartition(".")[0], False
    other = draw(words.filter(lambda w: w != measure.partition(".")[0]))
    return measure, other + "." + measure, False


@CHEAP
@given(action_cases())
def test_measure_applies_when_its_action_equals_or_is_a_dotted_prefix_of_the_asked_action(case):
    measure_action, asked, applies = case
    registry = check_registry([list_measure(measure_action, "deny")])
    decision = check(LISTED, asked, ASKED_ON, LISTED_FILES, registry, "CN-SD")
    assert (decision.decision == "deny") == applies, case


def test_rail_high_speed_covers_its_ticket_but_not_rail_high_speedy():
    registry = check_registry([list_measure("rail.high_speed", "deny")])
    answers = {
        a: check(LISTED, a, ASKED_ON, LISTED_FILES, registry, "CN-SD").decision
        for a in ("rail.high_speed.ticket", "rail.high_speedy", "rail")
    }
    assert answers == {
        "rail.high_speed.ticket": "deny",
        "rail.high_speedy": "allow",
        "rail": "allow",
    }


JURISDICTIONS = [None, "CN", "CN-SD", "CN-SD-RC", "CN-SD-RC-01", "CN-SDX", "CN-S", "CN-BJ", "US-SD"]


def inside(subject_jurisdiction: str | None, catalog_jurisdiction: str) -> bool:
    if subject_jurisdiction is None:
        return False
    parts, scope = subject_jurisdiction.split("-"), catalog_jurisdiction.split("-")
    return parts[: len(scope)] == scope


coverage = st.tuples(st.sampled_from(JURISDICTIONS), st.sampled_from(["CN", "CN-SD", "CN-SD-RC"]), st.booleans())


@CHEAP
@given(coverage)
def test_grade_measures_fall_only_on_subjects_the_catalog_covers(case):
    subject_jurisdiction, catalog_jurisdiction, listed = case
    every_grade = [g["name"] for g in GRADES]
    registry = check_registry(
        [
            {
                "when": {"grades": every_grade},
                "action": "loan.apply",
                "effect": "review",
                "legal_basis": "Test Law",
            }
        ],
        catalog_jurisdiction,
    )
    files = LISTED_FILES if listed else []
    decision = check(LISTED, "loan.apply", ASKED_ON, files, registry, subject_jurisdiction)
    assert (decision.decision == "review") == inside(subject_jurisdiction, catalog_jurisdiction), case


@CHEAP
@given(coverage)
def test_list_measures_fall_on_listed_subjects_whatever_their_jurisdiction(case):
    subject_jurisdiction, catalog_jurisdiction, listed = case
    registry = check_registry([list_measure("air_travel.ticket", "deny")], catalog_jurisdiction)
    files = LISTED_FILES if listed else []
    decision = check(LISTED, "air_travel.ticket", ASKED_ON, files, registry, subject_jurisdiction)
    assert (decision.decision == "deny") == listed, case


@PROPERTY
@pytest.mark.branches("a day the subject is listed", "a day it is not")
@given(worlds(), st.sampled_from(["deny", "review"]))
def test_list_measure_of_another_catalog_applies_exactly_on_the_days_the_subject_is_listed(branches, world, effect):
    # List ids are global: a measure in one catalog may name a list another defines.
    other = Catalog.model_validate(
        {
            "id": "rail-passengers",
            "jurisdiction": "CN",
            "subject_kind": "person",
            "version": "v1",
            "effective_from": FIRST_DAY.isoformat(),
            "base": 0,
            "grades": GRADES,
            "measures": [list_measure("air_travel", effect)],
        }
    )
    registry = CatalogRegistry.of([*world.registry.all(), other])
    for subject in world.subjects:
        mine = [f for f in world.files.values() if f.subject == subject]
        lines = [timeline(f, registry) for f in mine]
        for day in world.days:
            listed = any(line.listed_on(day) for line in lines)
            branches("a day the subject is listed" if listed else "a day it is not")
            decision = check(subject, "air_travel.ticket", day, mine, registry, None)
            assert decision.decision == (effect if listed else "allow"), day
