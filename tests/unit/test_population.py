"""The synthetic population: deterministic, valid under the semantics of docs/design.md
section 4, plausible, and with notable subjects whose reasons hold."""

from __future__ import annotations

import collections
import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.samples import sample_catalogs
from xinyong.domain import standing as st
from xinyong.domain.catalog.files import read_catalog
from xinyong.domain.catalog.registry import CatalogRegistry
from xinyong.domain.events import DisputeFiled, DisputeResolved, Fulfilled, Repaired, parse_event
from xinyong.domain.identifiers import SubjectRef
from xinyong.synthetic.population import Population, generate, iter_events

# One pytest-xdist worker (--dist loadgroup) generates each population once.
pytestmark = [pytest.mark.unit, pytest.mark.xdist_group("population")]

ROOT = Path(__file__).resolve().parents[2]
CONFORMANCE = ROOT / "tests" / "conformance"
SAMPLE = ROOT / "catalogs"
START = dt.date(2022, 1, 1)
END = dt.date(2026, 6, 30)


def _sample_files() -> list[Path]:
    return sample_catalogs(SAMPLE) if SAMPLE.is_dir() else []


CATALOG_SETS = [
    pytest.param(sorted((CONFORMANCE / "basic").glob("catalog-*.toml")), id="conformance-basic"),
    pytest.param(sorted((CONFORMANCE / "deadlines").glob("catalog-*.toml")), id="conformance-deadlines"),
    pytest.param(
        _sample_files(),
        id="sample-catalogs",
        marks=pytest.mark.skipif(not _sample_files(), reason="catalogs/ has no files yet"),
    ),
]


def _registry(files: list[Path]) -> CatalogRegistry:
    return CatalogRegistry.of(read_catalog(path) for path in files)


@dataclass
class Ledger:
    """The population replayed through the semantics, as the ledger would hold it."""

    jurisdictions: dict[SubjectRef, str]
    records: dict[str, st.RecordFile]

    def files_of(self, subject: SubjectRef) -> list[st.RecordFile]:
        return self.by_subject.get(subject, [])

    def __post_init__(self) -> None:
        self.by_subject: dict[SubjectRef, list[st.RecordFile]] = collections.defaultdict(list)


def replay(events: list[dict], registry: CatalogRegistry) -> Ledger:
    """Apply every event in file order; any rejection raises."""
    ledger = Ledger({}, {})
    for data in events:
        event = parse_event(data)
        if event.type == "subject":
            ledger.jurisdictions[event.subject] = event.jurisdiction
        elif event.type == "record":
            assert event.subject in ledger.jurisdictions, "a record before its subject event"
            assert event.id not in ledger.records, f"record id {event.id} used twice"
            st.admit_record(event, registry)
            ledger.records[event.id] = st.RecordFile(event)
        else:
            before = ledger.records[event.record]  # KeyError: a later event before its record
            after = st.apply_change(before, event, registry)
            assert after is not before, f"{event.type} on {event.record} repeats an event"
            ledger.records[event.record] = after
    for file in ledger.records.values():
        ledger.by_subject[file.subject].append(file)
    return ledger


@dataclass
class World:
    registry: CatalogRegistry
    population: Population
    ledger: Ledger
    conformance: bool

    @property
    def records(self) -> list[dict]:
        return [e for e in self.population.events if e["type"] == "record"]

    def lines(self) -> list[st.Timeline]:
        return [st.timeline(f, self.registry) for f in self.ledger.records.values()]


_WORLDS: dict[tuple[str, ...], World] = {}


@pytest.fixture(params=CATALOG_SETS)
def world(request) -> World:
    files: list[Path] = request.param
    key = tuple(str(p) for p in files)
    if key not in _WORLDS:
        registry = _registry(files)
        population = generate(registry)
        _WORLDS[key] = World(
            registry,
            population,
            replay(population.events, registry),
            conformance=CONFORMANCE in files[0].parents,
        )
    return _WORLDS[key]


@pytest.fixture
def basic() -> CatalogRegistry:
    return _registry(sorted((CONFORMANCE / "basic").glob("catalog-*.toml")))


def _lines_of(events: list[dict]) -> list[str]:
    return [json.dumps(e, ensure_ascii=False, sort_keys=False) for e in events]


# ---------------------------------------------------------------- determinism


def test_the_same_seed_gives_byte_identical_events(basic: CatalogRegistry) -> None:
    first = generate(basic, seed=7, persons=400, organisations=40)
    second = generate(basic, seed=7, persons=400, organisations=40)
    assert _lines_of(first.events) == _lines_of(second.events)
    assert first.notable == second.notable


def test_different_seeds_give_different_events(basic: CatalogRegistry) -> None:
    first = generate(basic, seed=7, persons=400, organisations=40)
    second = generate(basic, seed=8, persons=400, organisations=40)
    assert _lines_of(first.events) != _lines_of(second.events)


def test_iter_events_streams_the_events_that_generate_returns(basic: CatalogRegistry) -> None:
    streamed = list(iter_events(basic, seed=3, persons=300, organisations=30))
    generated = generate(basic, seed=3, persons=300, organisations=30)
    assert _lines_of(streamed) == _lines_of(generated.events)


# ------------------------------------------------------------------ validity


def test_every_subject_identifier_is_valid_and_unique(world: World) -> None:
    subjects = [e["subject"] for e in world.population.events if e["type"] == "subject"]
    refs = [SubjectRef.parse(s) for s in subjects]
    assert len(set(subjects)) == len(subjects) == 3300
    assert sum(r.kind == "person" for r in refs) == 3000
    for event in world.records:
        SubjectRef.parse(event["subject"])


def test_subject_events_come_before_every_other_event(world: World) -> None:
    types = [e["type"] for e in world.population.events]
    last_subject = max(i for i, t in enumerate(types) if t == "subject")
    first_other = min(i for i, t in enumerate(types) if t != "subject")
    assert last_subject < first_other


def test_every_event_parses_and_the_ledger_accepts_them_in_order(world: World) -> None:
    for data in world.population.events:
        parse_event(data)
    replay(world.population.events, world.registry)  # raises on any rejection


def test_events_after_the_subjects_are_in_date_order(world: World) -> None:
    days = [
        e["decided_on"] if e["type"] == "record" else e["on"] for e in world.population.events if e["type"] != "subject"
    ]
    assert days == sorted(days)


def test_records_use_only_rules_of_the_version_in_force_on_occurred_on(world: World) -> None:
    registry = world.registry
    for event in world.records:
        catalog_id, _, rule_name = event["rule"].partition("/")
        version = registry.in_force(catalog_id, dt.date.fromisoformat(event["occurred_on"]))
        assert version is not None and rule_name in version.rules, event
        kind = SubjectRef.parse(event["subject"]).kind
        assert version.subject_kind == kind, event


def test_event_dates_lie_within_the_period_and_after_the_decision(world: World) -> None:
    for file in world.ledger.records.values():
        record = file.record
        assert START <= record.occurred_on <= record.decided_on <= END
        for change in file.changes:
            assert record.decided_on <= change.on <= END


def test_record_ids_references_and_sources_are_readable(world: World) -> None:
    records = world.records
    assert [e["id"] for e in records] == [f"demo-{n:06d}" for n in range(1, len(records) + 1)]
    references = [e["reference"] for e in records]
    assert all(re.fullmatch(r"[A-Z]{2}-[A-Z]{2}-\d{4}-\d{4,}", r) for r in references)
    assert len(set(references)) == len(references)
    sources = {e["source"] for e in records}
    assert sources <= {
        "court",
        "traffic-police",
        "tax-bureau",
        "market-regulator",
        "volunteer-office",
        "charity-federation",
        "utility-company",
        "bank",
        "ecology-bureau",
        "urban-management",
        "civilisation-office",
        "financial-regulator",
        "airport-police",
        "authority",
    }


def test_repairs_are_granted_on_or_after_the_earliest_repair(world: World) -> None:
    repairs = 0
    for file in world.ledger.records.values():
        for change in file.changes:
            if isinstance(change, Repaired):
                repairs += 1
                earliest = st.earliest_repair(file, world.registry)
                assert earliest is not None and change.on >= earliest
    assert repairs > 0


# ----------------------------------------------------------------- behaviour


def test_caps_are_reached_by_someone(world: World) -> None:
    registry = world.registry
    capped_rules = {
        (version.id, name)
        for cid in registry.ids()
        if (version := registry.in_force(cid, END)) is not None
        for name, rule in version.rules.items()
        if rule.cap_per_year is not None and rule.points > 0
    }
    reached: set[tuple[str, str]] = set()
    for subject, files in world.ledger.by_subject.items():
        for catalog_id in sorted({c for c, _ in capped_rules}):
            if registry.in_force(catalog_id, END).subject_kind != subject.kind:
                continue
            standing = st.standing(subject, catalog_id, END, files, registry)
            reached |= {(catalog_id, c.rule.partition("/")[2]) for c in standing.contributions if c.capped}
    assert reached == capped_rules


def test_each_catalog_with_a_blacklist_places_someone_on_it(world: World) -> None:
    registry = world.registry
    with_lists = {
        cid for cid in registry.ids() if any(r.list for v in registry.versions(cid) for r in v.rules.values())
    }
    placed = {line.catalog_id for line in world.lines() if line.placement is not None}
    assert with_lists and with_lists <= placed


def test_no_minor_is_ever_placed_on_a_list(world: World) -> None:
    minor_list_records = 0
    for line in world.lines():
        subject = line.file.subject
        _, rule = st.rule_in_force(line.file.record, world.registry)
        if rule.list is not None and subject.is_minor_on(line.occurred_on):
            minor_list_records += 1
            assert line.placement is None
        if line.placement is not None:
            assert not subject.is_minor_on(line.occurred_on)
    assert minor_list_records > 0  # the protection is exercised, not just vacuous


def test_persons_are_adults_born_1945_to_2005_and_a_few_minors(world: World) -> None:
    persons = [r for r in world.ledger.jurisdictions if r.kind == "person"]
    years = collections.Counter(p.birth_date.year for p in persons)
    adults = sum(n for y, n in years.items() if 1945 <= y <= 2005)
    minors = [p for p in persons if p.birth_date.year > 2005]
    assert adults >= 0.95 * len(persons)
    assert minors and all(p.is_minor_on(START) for p in minors)
    assert min(years) >= 1945


def test_names_are_chinese_and_firms_are_companies_or_cooperatives(world: World) -> None:
    names = [e["name"] for e in world.population.events if e["type"] == "subject"]
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,30}", n) for n in names)
    firms = [n for e, n in zip(world.population.events, names, strict=False) if e["subject"].startswith("uscc:")]
    assert all(n.endswith(("公司", "合作社")) for n in firms)


def test_persons_live_mostly_in_the_city_and_a_few_outside(world: World) -> None:
    home = "CN-SD-RC"
    persons = {r: j for r, j in world.ledger.jurisdictions.items() if r.kind == "person"}
    inside = sum(j == home or j.startswith(home + "-") for j in persons.values())
    outside = {j for j in persons.values() if not (j == home or j.startswith(home + "-"))}
    assert inside >= 0.85 * len(persons)
    assert "CN-BJ" in outside
    firms = {j for r, j in world.ledger.jurisdictions.items() if r.kind == "organisation"}
    assert firms == {"CN", "CN-SD", "CN-SD-RC"}


def test_behaviour_is_heavy_tailed(world: World) -> None:
    persons = [r for r in world.ledger.jurisdictions if r.kind == "person"]
    counts = collections.Counter(f.subject for f in world.ledger.records.values())
    few = sum(counts[p] <= 3 for p in persons)
    assert few >= 0.8 * len(persons)
    assert max(counts[p] for p in persons) >= 100
    traffic = {f.subject for f in world.ledger.records.values() if f.record.rule_name.startswith("traffic.")}
    assert 0.02 * len(persons) <= len(traffic) <= 0.15 * len(persons)
    listed = {
        line.file.subject for line in world.lines() if line.placement is not None and line.file.subject.kind == "person"
    }
    assert 0.003 * len(persons) <= len(listed) <= 0.03 * len(persons)


def test_later_events_of_every_kind_occur(world: World) -> None:
    kinds = collections.Counter(e["type"] for e in world.population.events)
    assert {"dispute_filed", "dispute_resolved", "fulfilled", "repaired", "annulled"} <= set(kinds)
    outcomes = {e["outcome"] for e in world.population.events if e["type"] == "dispute_resolved"}
    assert outcomes == {"upheld", "annulled"}
    before, after, still_open = 0, 0, 0
    for line in world.lines():
        for dispute in line.disputes:
            before += dispute.filed_on < line.effective_on
            after += dispute.filed_on >= line.effective_on
            still_open += dispute.resolved_on is None
    assert before and after and still_open


# ------------------------------------------------------------------- notable


def test_notable_subjects_are_few_distinct_and_known(world: World) -> None:
    notable = world.population.notable
    low = 6 if world.conformance else 1
    assert low <= len(notable) <= 10
    assert len({n.subject for n in notable}) == len(notable)
    assert len({n.kind for n in notable}) == len(notable)
    for n in notable:
        assert SubjectRef.parse(n.subject) in world.ledger.jurisdictions
        assert n.why and "\n" not in n.why


def test_notable_reasons_hold_when_evaluated(world: World) -> None:
    registry, ledger = world.registry, world.ledger
    for n in world.population.notable:
        ref = SubjectRef.parse(n.subject)
        files = ledger.files_of(ref)
        jurisdiction = ledger.jurisdictions[ref]
        lines = [st.timeline(f, registry) for f in files]
        if n.kind in ("person-listed", "organisation-listed"):
            m = re.match(r"on the (\S+) list (until (\S+)|with no end date)(: (\S+) denied)?$", n.why)
            assert m, n
            entries = [e for e in st.list_entries(ref, END, lines) if e.list == m[1]]
            assert entries, n
            assert (m[3] or None) in {e.until.isoformat() if e.until else None for e in entries}
            assert ref.kind == n.kind.partition("-")[0]
            if m[5]:
                assert st.check(ref, m[5], END, files, registry, jurisdiction).decision == "deny"
        elif n.kind.endswith("-top-grade"):
            m = re.match(r"(\S+) grade under (\S+) \(score (-?\d+)\)", n.why)
            assert m, n
            now = st.standing(ref, m[2], END, files, registry, jurisdiction)
            version = registry.in_force(m[2], END)
            assert (now.grade, now.score) == (m[1], int(m[3]))
            # The top band, or a band better than the base score's.
            bands = [g.name for g in version.grades]
            assert bands.index(now.grade) == 0 or (
                bands.index(now.grade) < bands.index(version.grade_for(version.base))
            )
            assert now.covered
        elif n.kind == "dispute-suspended":
            assert any(
                line.effective_on <= END
                and not line.counts_on(END)
                and any(d.open_on(END) and d.filed_on < line.effective_on for d in line.disputes)
                for line in lines
            ), n
        elif n.kind == "repaired":
            day = re.search(r"granted on (\S+)$", n.why)[1]
            assert any(isinstance(c, Repaired) and c.on.isoformat() == day for f in files for c in f.changes), n
        elif n.kind == "minor-not-listed":
            assert any(
                ref.is_minor_on(line.occurred_on)
                and line.placement is None
                and st.rule_in_force(line.file.record, registry)[1].list is not None
                for line in lines
            ), n
            assert not st.list_entries(ref, END, lines)
        elif n.kind == "outside-coverage":
            m = re.match(r"lives in (\S+), outside (\S+) .*: scored (-?\d+)", n.why)
            assert m and m[1] == jurisdiction, n
            now = st.standing(ref, m[2], END, files, registry, jurisdiction)
            assert not now.covered and now.score == int(m[3]) and now.contributions
        elif n.kind == "fulfilled-off-list":
            m = re.match(r"left the (\S+) list on (\S+) by fulfilling", n.why)
            assert any(
                line.placement is not None
                and line.placement.list == m[1]
                and line.placement.until is not None
                and line.placement.until.isoformat() == m[2]
                and any(isinstance(c, Fulfilled) and c.on == line.placement.until for c in line.file.changes)
                for line in lines
            ), n
        elif n.kind == "capped":
            rule = n.why.split(" ", 1)[0]
            assert any(
                c.capped and c.rule.endswith("/" + rule)
                for cid in registry.ids()
                if (v := registry.in_force(cid, END)) is not None and v.subject_kind == ref.kind
                for c in st.standing(ref, cid, END, files, registry, jurisdiction).contributions
            ), n
        else:
            pytest.fail(f"unknown notable kind {n.kind!r}")


def test_notable_subjects_include_a_blacklisted_person_and_a_top_grade(world: World) -> None:
    kinds = {n.kind for n in world.population.notable}
    assert {"person-listed", "person-top-grade", "organisation-top-grade"} <= kinds


# ------------------------------------------------------------ any registry


def test_an_empty_registry_gives_subjects_and_no_records() -> None:
    population = generate(CatalogRegistry(), persons=50, organisations=5)
    assert [e["type"] for e in population.events] == ["subject"] * 55
    assert population.notable == []


def test_catalogs_not_yet_in_force_give_no_records(basic: CatalogRegistry) -> None:
    events = list(
        iter_events(
            basic,
            persons=200,
            organisations=20,
            start=dt.date(2020, 1, 1),
            end=dt.date(2021, 12, 31),
        )
    )
    assert {e["type"] for e in events} == {"subject"}


def test_an_organisation_catalog_alone_gives_organisation_records(basic: CatalogRegistry) -> None:
    registry = CatalogRegistry.of(
        v for cid in basic.ids() for v in basic.versions(cid) if v.subject_kind == "organisation"
    )
    events = list(iter_events(registry, persons=100, organisations=400))
    records = [e for e in events if e["type"] == "record"]
    assert records and all(e["subject"].startswith("uscc:") for e in records)
    replay(events, registry)


def test_end_before_start_is_refused(basic: CatalogRegistry) -> None:
    with pytest.raises(ValueError, match="before start"):
        generate(basic, start=dt.date(2024, 1, 1), end=dt.date(2023, 1, 1))


def test_dispute_changes_keep_their_order(world: World) -> None:
    for file in world.ledger.records.values():
        filed = [c.on for c in file.changes if isinstance(c, DisputeFiled)]
        resolved = [c.on for c in file.changes if isinstance(c, DisputeResolved)]
        assert len(resolved) <= len(filed) <= 1
        assert all(r >= f for r, f in zip(resolved, filed, strict=False))
