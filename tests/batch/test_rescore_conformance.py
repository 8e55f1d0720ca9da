"""The rescoring job on the conformance scenarios: for every score question of the
scenario (and the first day of each catalog version, the day before it, and New Year's
Days), every subject's score, grade, coverage and list entries equal the standing
module's, on DuckDB and on Spark."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.batch.conftest import differences, job_rows
from tests.conftest import CONFORMANCE, SCENARIOS
from xinyong.domain.identifiers import SubjectRef

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scores_grades_and_coverage_equal_the_standing_module(scenario, source, conformance, rescored):
    dataset = conformance(scenario)
    got, _ = job_rows(*rescored(dataset, source))
    expected = dataset.expected.standings
    assert differences(expected, got) == []
    assert len(got) == len(expected)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_list_entries_equal_the_standing_module(scenario, source, conformance, rescored):
    dataset = conformance(scenario)
    _, listed = job_rows(*rescored(dataset, source))
    expected = dataset.expected.entries
    assert expected, "the scenario places subjects on lists"
    assert sorted(expected - listed, key=str)[:5] == []
    assert sorted(listed - expected, key=str)[:5] == []


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_job_answers_the_scenarios_score_queries(scenario, source, conformance, rescored):
    dataset = conformance(scenario)
    got, listed = job_rows(*rescored(dataset, source))
    folder = CONFORMANCE / scenario
    answered = 0
    for query_line, expected_line in zip(
        (folder / "queries.jsonl").read_text().splitlines(),
        (folder / "expected.jsonl").read_text().splitlines(),
        strict=True,
    ):
        query, expected = json.loads(query_line), json.loads(expected_line)
        if "score" not in query or "error" in expected:
            continue
        key = dataset.key(SubjectRef.parse(query["score"]))
        day = dt.date.fromisoformat(query["as_of"])
        score, grade, _, counting = got[(query["catalog"], day, key)]
        assert (score, grade) == (expected["score"], expected["grade"]), query
        assert counting == len(expected["contributions"]), query
        lists = sorted(
            [e[3], e[4], e[6].isoformat(), e[7].isoformat() if e[7] else None]
            for e in listed
            if e[:3] == (query["catalog"], day, key)
        )
        assert lists == expected["lists"], query
        answered += 1
    assert answered > 100
