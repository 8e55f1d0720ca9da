"""The rescoring job on a small hand-made ledger that reaches the corners of docs/design.md
section 4 the generated data seldom does, checked against the standing module on every
third day for four years and on every day an event or a version changes anything:

- three catalog versions: a penalty made harsher and then dropped, a capped reward
  dropped, a reward capped only from the second version and dropped in the third (a
  year's group made under both: no cap once dropped), a penalty dropped and brought back
  softer, a new base and an open band;
- a list whose duration and removal change between versions, and that the third
  version drops (an entry starting then takes the latest definition);
- disputes: suspension before effective_on, the deadline of the version in force on the
  filing day, several disputes in turn, one never decided, one annulling;
- fulfilment that ends points (restore_on_fulfilment) or only a list entry, repair,
  annulment, an entry that would end before it starts, a repair before a suspended
  record ever counts;
- a person who turns 18 on 1 March because she was born on 29 February, a score below
  every band of a catalog without an open band, a subject never given a jurisdiction
  and one with no records at all.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.batch.conftest import _load, differences, job_rows
from tests.support.identifiers import resident_number_born

pytestmark = pytest.mark.integration

V1 = """
id = "edge-personal"
jurisdiction = "CN-SD"
subject_kind = "person"
version = "1"
effective_from = "2022-01-01"
base = 100
dispute_deadline = "P20D"
grades = [ { name = "A", min = 100 }, { name = "B", min = 50 } ]

[rules."court.default"]
category = "judicial"
points = -60
valid_for = "P2Y"
notice = "P10D"
repairable_after = "P1M"
list = "defaulters"
legal_basis = "Civil Procedure Law"

[rules."donation"]
category = "charity"
points = 5
cap_per_year = 10
valid_for = "P1Y"

[rules."help"]
category = "public_service"
points = 1
valid_for = "P1Y"

[rules."late"]
category = "tax"
points = -10
valid_for = "P6M"
restore_on_fulfilment = true
legal_basis = "Tax Collection Law"

[lists.defaulters]
kind = "black"
duration = "P1Y"
removal = ["fulfilment", "repair", "annulment"]
"""

V2 = """
id = "edge-personal"
jurisdiction = "CN-SD"
subject_kind = "person"
version = "2"
effective_from = "2024-03-01"
base = 100
dispute_deadline = "P10D"
grades = [ { name = "A", min = 90 }, { name = "B", min = 40 } ]

[rules."court.default"]
category = "judicial"
points = -80
valid_for = "P2Y"
notice = "P10D"
repairable_after = "P1M"
list = "defaulters"
legal_basis = "Civil Procedure Law"

[rules."help"]
category = "public_service"
points = 1
cap_per_year = 3
valid_for = "P1Y"

[lists.defaulters]
kind = "black"
duration = "P6M"
removal = ["repair", "annulment"]
"""

V3 = """
id = "edge-personal"
jurisdiction = "CN-SD"
subject_kind = "person"
version = "3"
effective_from = "2024-09-01"
base = 120
grades = [ { name = "A", min = 110 }, { name = "B", min = 60 }, { name = "C" } ]

[rules."late"]
category = "tax"
points = -5
valid_for = "P6M"
legal_basis = "Tax Collection Law"

[rules."fraud"]
category = "market_regulation"
points = -80
valid_for = "P1Y"
legal_basis = "Anti-Unfair Competition Law"
"""


def rid(born: str, serial: int) -> str:
    return "rid:" + resident_number_born(dt.date.fromisoformat(born), serial)


P1, P2, P3, P4 = rid("1980-05-05", 11), rid("2004-02-29", 22), rid("1975-01-01", 33), rid("1990-01-01", 44)
P5, P6, P7, P8 = rid("1985-06-15", 55), rid("1970-10-10", 66), rid("1995-03-03", 77), rid("1960-12-12", 88)


def _events() -> list[dict]:
    events: list[dict] = [
        {"type": "subject", "subject": P1, "jurisdiction": "CN-SD-RC"},
        {"type": "subject", "subject": P2, "jurisdiction": "CN-BJ"},
        {"type": "subject", "subject": P2, "jurisdiction": "CN-SD"},  # the latest counts
        {"type": "subject", "subject": P4, "jurisdiction": "CN-BJ"},
        {"type": "subject", "subject": P5, "jurisdiction": "CN-SD-RC-01"},
        {"type": "subject", "subject": P6, "jurisdiction": "CN-SD"},
        {"type": "subject", "subject": P7, "jurisdiction": "CN-SD-RC"},
        {"type": "subject", "subject": P8, "jurisdiction": "CN-SD-RC"},
    ]
    later: list[dict] = []

    def record(rid_: str, subject: str, rule: str, occurred: str, decided: str | None = None) -> None:
        events.append(
            {
                "type": "record",
                "id": rid_,
                "subject": subject,
                "rule": f"edge-personal/{rule}",
                "occurred_on": occurred,
                "decided_on": decided or occurred,
                "source": "test",
            }
        )

    def then(kind: str, record_id: str, on: str, **extra) -> None:
        later.append({"type": kind, "record": record_id, "on": on, **extra})

    # P1: a defaulter who fulfils (the list entry ends, the points stay), capped donations
    # whose rule is dropped, late tax paid (the points end), a repair before it ever counts.
    record("e-01", P1, "court.default", "2023-01-10", "2023-01-20")
    then("fulfilled", "e-01", "2023-06-01")
    for n, day in enumerate(("2023-02-01", "2023-03-01", "2023-04-01")):
        record(f"e-02{n}", P1, "donation", day)
    record("e-05", P1, "late", "2023-05-01", "2023-05-10")
    then("fulfilled", "e-05", "2023-07-01")
    record("e-18", P1, "court.default", "2024-01-05", "2024-01-10")
    then("dispute_filed", "e-18", "2024-01-15")
    then("repaired", "e-18", "2024-02-25")
    then("dispute_resolved", "e-18", "2024-03-10", outcome="upheld")
    # P2, born on 29 February 2004: 17 on 28 February 2022, 18 on 1 March.
    record("e-06", P2, "court.default", "2022-02-28", "2022-03-10")
    record("e-07", P2, "court.default", "2022-03-01", "2022-03-10")
    # P3, never given a jurisdiction: help under the first version (no cap) and the
    # second (cap 3) in one year; the third version drops the rule.
    for n, day in enumerate(("2024-02-01", "2024-02-10", "2024-04-01", "2024-05-01", "2024-06-01")):
        record(f"e-08{n}", P3, "help", day)
    # P5: help only under the second version; a suspended record that starts counting
    # when upheld, under the second version's list; one that starts under the third
    # version, which dropped the list; an entry fulfilled away before it starts.
    for n, day in enumerate(("2024-04-10", "2024-04-20", "2024-05-10", "2024-05-20")):
        record(f"e-09{n}", P5, "help", day)
    record("e-10", P5, "court.default", "2024-02-15", "2024-02-20")
    then("dispute_filed", "e-10", "2024-02-25")
    then("dispute_resolved", "e-10", "2024-04-15", outcome="upheld")
    record("e-11", P5, "court.default", "2024-06-01", "2024-08-25")
    then("fulfilled", "e-11", "2024-10-01")
    record("e-19", P5, "court.default", "2023-08-01", "2023-08-05")
    then("dispute_filed", "e-19", "2023-08-10")
    then("fulfilled", "e-19", "2023-09-01")
    then("dispute_resolved", "e-19", "2023-09-20", outcome="upheld")
    # P6: disputes in turn, after effective_on: one decided after its deadline, one in
    # time, one never decided.
    record("e-12", P6, "court.default", "2023-06-01", "2023-06-10")
    then("dispute_filed", "e-12", "2023-07-01")
    then("dispute_resolved", "e-12", "2023-09-01", outcome="upheld")
    then("dispute_filed", "e-12", "2023-10-01")
    then("dispute_resolved", "e-12", "2023-10-10", outcome="upheld")
    then("dispute_filed", "e-12", "2024-05-01")
    # P7: annulled by a dispute, annulled by its authority, repaired.
    record("e-13", P7, "court.default", "2023-03-01", "2023-03-05")
    then("dispute_filed", "e-13", "2023-03-20")
    then("dispute_resolved", "e-13", "2023-05-01", outcome="annulled")
    record("e-14", P7, "late", "2023-08-01", "2023-08-02")
    then("annulled", "e-14", "2023-09-01")
    record("e-15", P7, "court.default", "2023-11-01", "2023-11-05")
    then("repaired", "e-15", "2024-01-10")
    # P8: below every band of a catalog without an open band.
    record("e-16", P8, "court.default", "2023-12-01", "2023-12-05")
    record("e-17", P8, "court.default", "2023-12-02", "2023-12-06")
    then("dispute_filed", "e-16", "2024-01-05")
    then("dispute_resolved", "e-16", "2024-02-10", outcome="upheld")
    record("e-20", P8, "late", "2024-10-01", "2024-10-05")
    # Made under the first version, dropped by the second, softened by the third.
    record("e-21", P8, "late", "2024-02-20", "2024-08-20")
    record("e-22", P8, "fraud", "2024-10-10")  # into the third version's open band
    # P3's help records are decided on the day; a subject with no records is P4.
    later.sort(key=lambda e: e["on"])
    return events + later


def _days(events: list[dict]) -> list[dt.date]:
    days = {dt.date(2021, 12, 25) + dt.timedelta(days=3 * n) for n in range(560)}
    for e in events:
        for field in ("occurred_on", "decided_on", "on"):
            if field in e:
                day = dt.date.fromisoformat(e[field])
                days |= {day + dt.timedelta(days=k) for k in range(-1, 20)}
    for boundary in ("2024-03-01", "2024-09-01", "2024-10-15", "2025-03-04", "2024-04-15", "2023-03-20"):
        day = dt.date.fromisoformat(boundary)
        days |= {day - dt.timedelta(days=1), day}
    return sorted(d for d in days if d >= dt.date(2022, 1, 1))


@pytest.fixture(scope="module")
def edges(make_database, tmp_path_factory):
    folder = tmp_path_factory.mktemp("edge-catalogs")
    catalogs = []
    for name, text in (("v1", V1), ("v2", V2), ("v3", V3)):
        path = Path(folder / f"edge-{name}.toml")
        path.write_text(text, encoding="utf-8")
        catalogs.append(path)
    events = _events()
    lines = [json.dumps(e) for e in events]
    dataset = _load(
        make_database,
        "edges",
        catalogs,
        lines,
        lambda registry: [("edge-personal", d) for d in _days(events)],
    )
    assert dataset.deployment.intake  # every line was accepted (import_lines raises otherwise)
    yield dataset
    dataset.deployment.close()


def test_the_ledger_reaches_the_corners_it_is_meant_to(edges):
    features = edges.expected.features
    for feature in (
        "capped",
        "more favourable now",
        "dropped penalty",
        "dropped reward",
        "listed",
        "not covered",
        "disputed",
    ):
        assert features[feature] > 0, f"no answer exercised {feature!r}: {dict(features)}"
    answers = edges.expected.standings.values()
    assert {grade for _, grade, _, _ in answers} == {"A", "B", "C"}
    assert any(score < 40 and grade == "B" for score, grade, _, _ in answers)  # below every band


def test_scores_grades_and_coverage_equal_the_standing_module(edges, source, rescored):
    got, _ = job_rows(*rescored(edges, source))
    expected = edges.expected.standings
    assert differences(expected, got) == []
    assert len(got) == len(expected)


def test_list_entries_equal_the_standing_module(edges, source, rescored):
    _, listed = job_rows(*rescored(edges, source))
    expected = edges.expected.entries
    placed = {e[4] for e in expected}
    assert placed >= {"e-01", "e-07", "e-10", "e-11", "e-12", "e-15", "e-16", "e-17"}
    # A minor's, an annulled one, one repaired before it counted, one fulfilled away.
    assert not placed & {"e-06", "e-13", "e-18", "e-19"}
    assert sorted(expected - listed, key=str)[:5] == []
    assert sorted(listed - expected, key=str)[:5] == []
