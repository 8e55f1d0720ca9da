"""The read model equals the standing module: for random worlds (the generated
deployments of test_standing_properties.py, with measures and a second catalog added)
and on every day where anything may change, the day before and after, and days far in
the past and future, ``standing_on`` equals ``standing_of`` and ``check_from`` equals
``check_of``, exactly; and both conformance scenarios answered from the read model
reproduce expected.jsonl."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
from collections import defaultdict
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import SCENARIOS, scenario_files
from tests.e2e.test_conformance import project
from tests.unit.test_standing_properties import CATALOG, FIRST_DAY, FORCED_CASE, LIST, PROPERTY, World, worlds
from xinyong.domain.calendar import parse_date
from xinyong.domain.catalog.files import parse_catalog
from xinyong.domain.catalog.model import Catalog
from xinyong.domain.catalog.registry import CatalogRegistry
from xinyong.domain.events import RecordEvent, SubjectEvent, parse_event, parse_lines
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.notices import change_notices, record_notice
from xinyong.domain.read_model import (
    ReadModel,
    change_points,
    check_from,
    list_entries_on,
    read_model_of,
    standing_changes,
    standing_on,
)
from xinyong.domain.standing import (
    NotInForce,
    RecordFile,
    Rejected,
    Standing,
    StandingHistory,
    Timeline,
    Timelines,
    apply_change,
    check_of,
    list_entries,
    standing_of,
    timeline,
)
from xinyong.entrypoints.answers import check_json, standing_json

pytestmark = pytest.mark.unit

ORG_CATALOG = "market-enterprise"
FAR = [dt.date(1900, 1, 1), dt.date(2021, 12, 31), dt.date(2060, 6, 1), dt.date(2999, 12, 31)]
JURISDICTIONS = st.sampled_from([None, "CN-SD", "CN-SD-RC", "CN-BJ"])
ACTIONS = ("loan.apply", "rail.high_speed", "utility.heating", "air_travel.ticket")
MEASURES = [
    {"when": {"list": LIST}, "action": "rail", "effect": "deny"},
    {"when": {"grades": ["D"]}, "action": "loan", "effect": "deny"},
    {"when": {"grades": ["C"]}, "action": "loan.apply", "effect": "review"},
    {"when": {"grades": ["A"]}, "action": "utility", "effect": "benefit", "benefit": "heating discount"},
    {"when": {"grades": ["A", "B"]}, "action": "loan", "effect": "allow", "id": "good-standing"},
]


def org_catalog(effective_from: dt.date) -> dict:
    """A catalog of another subject kind whose measure falls on an entry on the personal
    catalog's list: list triggers cross catalogs and subject kinds."""
    return {
        "id": ORG_CATALOG,
        "jurisdiction": "CN-SD",
        "subject_kind": "organisation",
        "version": "v1",
        "effective_from": effective_from.isoformat(),
        "base": 100,
        "grades": [{"name": "A", "min": 100}, {"name": "B"}],
        "rules": {"tax.late": {"category": "tax", "points": -5, "valid_for": "P1Y", "legal_basis": "Test"}},
        "measures": [{"when": {"list": LIST}, "action": "air_travel", "effect": "review"}],
    }


@dataclass
class Deployment:
    world: World
    registry: CatalogRegistry
    jurisdiction: str | None

    def lines(self, subject: SubjectRef) -> list[Timeline]:
        return [timeline(f, self.registry) for f in self.world.files.values() if f.subject == subject]

    def days(self) -> list[dt.date]:
        marks = set(self.world.days) | set(FAR)
        return sorted(marks | {d - dt.timedelta(days=1) for d in marks if d > dt.date.min})


@st.composite
def deployments(draw, dropped: str | None = None, repaired: bool = False) -> Deployment:
    """A generated world (``worlds(dropped, repaired)``) whose catalog versions carry (a
    random subset of) measures, sometimes with an organisation catalog beside it; the
    record files stay those the world's events made (measures change no timeline)."""
    world = draw(worlds(dropped=dropped, repaired=repaired))
    versions = []
    for data in world.versions:
        chosen = draw(st.lists(st.sampled_from(range(len(MEASURES))), unique=True))
        versions.append({**data, "measures": [MEASURES[i] for i in sorted(chosen)]})
    catalogs = [Catalog.model_validate(v) for v in versions]
    if draw(st.booleans()):
        catalogs.append(Catalog.model_validate(org_catalog(draw(st.dates(FIRST_DAY, dt.date(2026, 1, 1))))))
    return Deployment(world, CatalogRegistry.of(catalogs), draw(JURISDICTIONS))


def standing_or_none(answer, *args) -> Standing | None:
    """``answer(*args)``, or None where it raises NotInForce."""
    try:
        return answer(*args)
    except NotInForce:
        return None


def assert_read_model_equals_standing_module(deployment: Deployment, model: ReadModel, subject: SubjectRef) -> int:
    registry, jurisdiction = deployment.registry, deployment.jurisdiction
    lines = deployment.lines(subject)
    asked = 0
    for day in deployment.days():
        for catalog_id in registry.ids():
            expected = standing_or_none(standing_of, subject, catalog_id, day, lines, registry, jurisdiction)
            got = standing_or_none(standing_on, model, catalog_id, day)
            assert got == expected, (catalog_id, day)
        assert list_entries_on(model, day) == list_entries(subject, day, lines), day
        for action in ACTIONS:
            assert check_from(model, subject, action, day, registry) == check_of(
                subject, action, day, lines, registry, jurisdiction
            ), (action, day)
        asked += 1
    return asked


@PROPERTY
@pytest.mark.branches(
    "a day with a list entry",
    "a disputed contribution",
    "a capped contribution",
    "a covered subject",
    "a minor's record under a listing rule",
    "a denied check",
    "a benefit",
)
@given(deployments())
def test_read_model_answers_exactly_what_the_standing_module_answers_on_every_day(branches, deployment):
    registry, jurisdiction = deployment.registry, deployment.jurisdiction
    for subject in deployment.world.subjects:
        lines = deployment.lines(subject)
        model = read_model_of(subject, lines, registry, jurisdiction)
        assert_read_model_equals_standing_module(deployment, model, subject)
        for line in lines:
            listing = registry.in_force(CATALOG, line.occurred_on).rules[line.rule_name].list
            if listing and line.placement is None and subject.is_minor_on(line.occurred_on) and line.starts_counting():
                branches("a minor's record under a listing rule")
        if model.lists:
            branches("a day with a list entry")
        if any(span.covered for spans in model.spans.values() for span in spans):
            branches("a covered subject")
        for pieces in model.contributions.values():
            if any(p.contribution.disputed for p in pieces):
                branches("a disputed contribution")
            if any(p.contribution.capped for p in pieces):
                branches("a capped contribution")
        for day in deployment.days():
            for action in ACTIONS:
                decision = check_from(model, subject, action, day, registry)
                if decision.decision == "deny":
                    branches("a denied check")
                if decision.benefits:
                    branches("a benefit")


@FORCED_CASE
@given(st.sampled_from(["penalty", "reward"]).flatmap(lambda sign: deployments(dropped=sign)))
def test_read_model_equals_standing_module_where_a_later_version_drops_a_rule(deployment):
    """The more favourable rule across versions: a version change alone moves points."""
    for subject in deployment.world.subjects:
        model = read_model_of(subject, deployment.lines(subject), deployment.registry, deployment.jurisdiction)
        assert_read_model_equals_standing_module(deployment, model, subject)


@FORCED_CASE
@given(deployments(repaired=True))
def test_read_model_equals_standing_module_after_a_repair(deployment):
    for subject in deployment.world.subjects:
        model = read_model_of(subject, deployment.lines(subject), deployment.registry, deployment.jurisdiction)
        assert_read_model_equals_standing_module(deployment, model, subject)


@st.composite
def suspended_listings(draw) -> Deployment:
    """A deployment in which one record's rule puts it on the list, every version has
    a dispute deadline, and a dispute on that record is filed on or after it takes
    effect: the world's stream is replayed under these catalogs, then the dispute is
    filed (a resolution may or may not follow in the stream). Its list entry is
    suspended from the deadline on, after it started, unless something ended it."""
    deployment = draw(deployments())
    world = deployment.world
    chosen = draw(st.sampled_from(world.records))
    deadline = draw(st.sampled_from(["P1D", "P20D"]))
    for version in world.versions:
        version["dispute_deadline"] = deadline
    world.rule_then(chosen)["list"] = LIST
    measures = {c.id + c.version: c.measures for c in deployment.registry.all()}
    catalogs = [
        Catalog.model_validate(v).model_copy(update={"measures": measures[CATALOG + v["version"]]})
        for v in world.versions
    ]
    catalogs += [c for c in deployment.registry.all() if c.id != CATALOG]
    registry = CatalogRegistry.of(catalogs)
    files = {r.id: RecordFile(r) for r in world.records}
    effective_on, _ = world.window(chosen)
    filed = parse_event(
        {
            "type": "dispute_filed",
            "record": chosen.id,
            "on": (effective_on + dt.timedelta(days=draw(st.integers(0, 60)))).isoformat(),
        }
    )
    for change in [*world.stream, filed] if draw(st.booleans()) else [filed, *world.stream]:
        with contextlib.suppress(Rejected):
            files[change.record] = apply_change(files[change.record], change, registry)
    world.files = files
    world.stream.append(filed)
    return Deployment(world, registry, deployment.jurisdiction)


@FORCED_CASE
@pytest.mark.branches("a list entry suspended by a dispute after it started")
@given(suspended_listings())
def test_read_model_equals_standing_module_when_a_dispute_suspends_a_list_entry(branches, deployment):
    for subject in deployment.world.subjects:
        lines = deployment.lines(subject)
        model = read_model_of(subject, lines, deployment.registry, deployment.jurisdiction)
        assert_read_model_equals_standing_module(deployment, model, subject)
        for line in lines:
            placed = line.placement
            end = (placed.until or dt.date.max) if placed else None
            if placed and end and any(placed.start < gap.start < end for gap in line.gaps):
                branches("a list entry suspended by a dispute after it started")


@PROPERTY
@given(deployments())
def test_spans_are_contiguous_maximal_and_few(deployment):
    """A catalog's spans tile the days from its first version on without gaps or
    overlaps, two neighbours always differ, the last is open-ended, and there are at
    most versions + 5 × records + 2 × later events of them: O(records), not one a day.
    A record's contribution pieces tile the days it counts the same way."""
    registry, jurisdiction = deployment.registry, deployment.jurisdiction
    for subject in deployment.world.subjects:
        files = [f for f in deployment.world.files.values() if f.subject == subject]
        model = standing_changes(subject, deployment.world.files.values(), registry, jurisdiction)
        assert model == read_model_of(subject, deployment.lines(subject), registry, jurisdiction)
        for catalog_id, spans in model.spans.items():
            versions = registry.versions(catalog_id)
            if versions[0].subject_kind != subject.kind:
                assert spans == ()
                continue
            assert spans[0].start == versions[0].effective_from
            assert spans[-1].until is None
            for before, after in itertools.pairwise(spans):
                assert before.until == after.start
                assert before.start < before.until
                assert (before.version, before.base, before.score, before.grade, before.covered) != (
                    after.version,
                    after.base,
                    after.score,
                    after.grade,
                    after.covered,
                )
            mine = [f for f in files if f.record.catalog_id == catalog_id]
            bound = len(versions) + 5 * len(mine) + 2 * sum(len(f.changes) for f in mine)
            assert len(spans) <= bound
            pieces = model.contributions[catalog_id]
            assert [p.contribution.record for p in pieces] == sorted(p.contribution.record for p in pieces)
            for before, after in itertools.pairwise(pieces):
                if before.contribution.record == after.contribution.record:
                    assert before.until is not None and before.until <= after.start
                    assert before.until < after.start or before.contribution != after.contribution
            for record in {p.contribution.record for p in pieces}:
                assert len([p for p in pieces if p.contribution.record == record]) <= bound


# ------------------------------------------------------------------ conformance


def scenario(name: str):
    files = scenario_files(name)
    registry = CatalogRegistry.of([parse_catalog(p.read_text(), str(p)) for p in files["catalogs"]])
    records: dict[str, RecordEvent] = {}
    changes: dict[str, list] = defaultdict(list)
    jurisdictions: dict[SubjectRef, str] = {}
    for _, _, item, _ in parse_lines(files["events"].read_text().splitlines()):
        if isinstance(item, SubjectEvent):
            jurisdictions[item.subject] = item.jurisdiction
        elif isinstance(item, RecordEvent):
            records[item.id] = item
        elif item is not None and item.type != "contact":
            changes[item.record].append(item)
    lines = [timeline(RecordFile(r, tuple(changes[i])), registry) for i, r in records.items()]
    return files, registry, lines, jurisdictions


@pytest.mark.parametrize("name", SCENARIOS)
def test_conformance_scenario_is_reproduced_exactly_from_the_read_model(name):
    files, registry, lines, jurisdictions = scenario(name)
    questions = [json.loads(line) for line in files["queries"].read_text().splitlines()]
    expected = [json.loads(line) for line in files["expected"].read_text().splitlines()]
    assert len(questions) == len(expected)
    models: dict[SubjectRef, ReadModel] = {}
    for question, wanted in zip(questions, expected, strict=True):
        subject = SubjectRef.parse(question.get("score") or question["check"])
        day = parse_date(question["as_of"])
        if subject not in models:
            mine = [ln for ln in lines if ln.file.subject == subject]
            models[subject] = read_model_of(subject, mine, registry, jurisdictions.get(subject))
        model = models[subject]
        if "score" in question:
            answer = standing_json(standing_on(model, question["catalog"], day))
        else:
            answer = check_json(check_from(model, subject, question["action"], day, registry))
        assert project(question, answer) == wanted, question


@pytest.mark.parametrize("name", SCENARIOS)
def test_conformance_subjects_read_model_equals_standing_module_on_every_change_point(name):
    """Beyond the questions asked: every subject of the scenario, every catalog, on every
    change point of its records and the day before and after, and for every action the
    catalogs name."""
    _, registry, lines, jurisdictions = scenario(name)
    by_subject: dict[SubjectRef, list[Timeline]] = defaultdict(list)
    for line in lines:
        by_subject[line.file.subject].append(line)
    actions = sorted({m.action for c in registry.all() for m in c.measures})
    versions = {c.effective_from for c in registry.all()}
    for subject, mine in by_subject.items():
        jurisdiction = jurisdictions.get(subject)
        model = read_model_of(subject, mine, registry, jurisdiction)
        marks = set(versions) | set(FAR)
        for line in mine:
            marks |= {line.effective_on, line.ends_on, *(g.start for g in line.gaps)}
            marks |= {c.on for c in line.file.changes}
            if line.placement is not None:
                marks.add(line.placement.start)
        days = sorted({d + dt.timedelta(days=k) for d in marks for k in (-1, 0, 1) if dt.date.min < d < dt.date.max})
        for day in days:
            for catalog_id in registry.ids():
                expected = standing_or_none(standing_of, subject, catalog_id, day, mine, registry, jurisdiction)
                assert standing_or_none(standing_on, model, catalog_id, day) == expected
            assert list_entries_on(model, day) == list_entries(subject, day, mine)
            for action in actions:
                assert check_from(model, subject, action, day, registry) == check_of(
                    subject, action, day, mine, registry, jurisdiction
                )


def test_check_from_refuses_another_subjects_read_model():
    _, registry, lines, jurisdictions = scenario(SCENARIOS[0])
    first, second = sorted({ln.file.subject for ln in lines}, key=str)[:2]
    model = read_model_of(first, lines, registry, jurisdictions.get(first))
    with pytest.raises(ValueError, match="read model is of"):
        check_from(model, second, "loan.apply", dt.date(2025, 1, 1), registry)


@PROPERTY
@given(deployments())
def test_timelines_shared_through_an_import_equal_each_file_derived_afresh(deployment):
    """An import derives each record's timeline once (``Timelines``) for its notice and
    its subject's read model; replayed as an import replays them (records, then later
    events each making a new file of the same record), every shared timeline, notice
    and read model equals the one derived from the file itself."""
    registry, world = deployment.registry, deployment.world
    shared = Timelines(registry)
    files: dict[str, RecordFile] = {}
    for record in world.records:
        files[record.id] = RecordFile(record)
        assert shared(files[record.id]) == timeline(files[record.id], registry)
        assert record_notice(files[record.id], registry, FIRST_DAY, shared) == record_notice(
            files[record.id], registry, FIRST_DAY
        )
    for change in world.stream:
        before = files[change.record]
        shared(before)
        try:
            after = apply_change(before, change, registry)
        except Rejected:
            continue
        if after is before:
            continue
        files[change.record] = after
        assert change_notices(before, change, after, registry, shared) == change_notices(
            before, change, after, registry
        )
        assert shared(after) == timeline(after, registry)
        assert shared(before) == timeline(before, registry)  # an earlier file of the record: not the later one's
    for subject in world.subjects:
        assert standing_changes(subject, files.values(), registry, deployment.jurisdiction, shared) == standing_changes(
            subject, files.values(), registry, deployment.jurisdiction
        )


@PROPERTY
@given(deployments())
def test_a_history_swept_over_days_answers_each_day_as_asked_alone(deployment):
    """``StandingHistory.over`` (the sweep the read model asks, which keeps the day
    before's contributions and list entries while nothing moved) equals ``on`` for each
    day, lists included: the read model takes its list pieces elsewhere, so this is
    where the sweep's lists are pinned."""
    registry, jurisdiction = deployment.registry, deployment.jurisdiction
    for subject in deployment.world.subjects:
        lines = deployment.lines(subject)
        for catalog_id in registry.ids():
            history = StandingHistory(subject, catalog_id, lines, registry, jurisdiction)
            days = [d for d in deployment.days() if standing_or_none(history.on, d) is not None]
            assert list(history.over(days)) == [history.on(d) for d in days]


def test_a_day_of_the_sweep_gives_again_only_the_contributions_that_moved(monkeypatch):
    """A firm with hundreds of records in one cap group: each day of the sweep gives,
    and makes, the contributions of the records that moved that day, not the whole
    group's again (that took the square of its records). Here the group has no cap:
    nothing else moves."""
    made: list[int] = []
    contribution = StandingHistory._contribution

    def counted(self, index, *args):
        made.append(index)
        return contribution(self, index, *args)

    monkeypatch.setattr(StandingHistory, "_contribution", counted)
    registry = CatalogRegistry.of([Catalog.model_validate(org_catalog(dt.date(2020, 1, 1)))])
    firm = SubjectRef.parse("uscc:91457222EK0R7L5HJ3")
    records = 300
    lines = [
        timeline(
            RecordFile(
                parse_event(
                    {
                        "type": "record",
                        "id": f"r-{n:04d}",
                        "subject": str(firm),
                        "rule": f"{ORG_CATALOG}/tax.late",
                        "occurred_on": (dt.date(2021, 1, 1) + dt.timedelta(days=n)).isoformat(),
                        "decided_on": (dt.date(2021, 1, 1) + dt.timedelta(days=n)).isoformat(),
                        "source": "test-source",
                    }
                )
            ),
            registry,
        )
        for n in range(records)
    ]
    history = StandingHistory(firm, ORG_CATALOG, lines, registry)
    days = change_points(ORG_CATALOG, lines, registry)
    steps = list(history.steps(days))
    assert max(len(s.changed) for s in steps) <= 2
    assert sum(len(s.changed) for s in steps) == 2 * records  # each starts counting and stops
    assert len(made) == records
    assert [s.score for s in steps] == [history.on(d).score for d in days]
    assert min(s.score for s in steps) == 100 - 5 * 300
