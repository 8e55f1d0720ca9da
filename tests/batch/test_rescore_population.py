"""The rescoring job on a generated population under the sample catalogs and second
versions of two of them: on days before, on and after the second versions take effect,
every subject's answers equal the standing module's on both engines, and the two
engines give identical tables."""

from __future__ import annotations

import pytest

from tests.batch.conftest import differences, job_rows, sorted_rows

pytestmark = pytest.mark.integration


def test_the_population_exercises_caps_the_more_favourable_rule_and_dropped_rules(population):
    features = population.expected.features
    for feature in ("capped", "more favourable now", "dropped penalty", "dropped reward", "listed", "not covered"):
        assert features[feature] > 0, f"no answer exercised {feature!r}: {dict(features)}"


def test_scores_grades_and_coverage_equal_the_standing_module(population, source, rescored):
    got, _ = job_rows(*rescored(population, source))
    expected = population.expected.standings
    assert differences(expected, got) == []
    assert len(got) == len(expected)


def test_list_entries_equal_the_standing_module(population, source, rescored):
    _, listed = job_rows(*rescored(population, source))
    expected = population.expected.entries
    assert expected, "the population places subjects on lists"
    assert sorted(expected - listed, key=str)[:5] == []
    assert sorted(listed - expected, key=str)[:5] == []


@pytest.mark.xdist_group("spark")
@pytest.mark.backend_independent  # see SPARK in conftest.py
def test_duckdb_and_spark_give_identical_tables(population, rescored):
    duck_standings, duck_entries = rescored(population, "duckdb")
    spark_standings, spark_entries = rescored(population, "spark")
    assert duck_standings.schema.remove_metadata() == spark_standings.schema.remove_metadata()
    assert duck_entries.schema.remove_metadata() == spark_entries.schema.remove_metadata()
    assert sorted_rows(duck_standings) == sorted_rows(spark_standings)
    assert sorted_rows(duck_entries) == sorted_rows(spark_entries)
