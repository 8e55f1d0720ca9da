"""Dates outside the years 1900-2999 are refused on the command line as over HTTP: a
clear error, never a traceback or an answer about year 9999."""

from __future__ import annotations

import json

import pytest

from tests.conftest import scenario_files

pytestmark = pytest.mark.e2e

PERSON = "rid:140451198304254480"


@pytest.fixture
def loaded(cli):
    cli("catalog", "load", *map(str, scenario_files("basic")["catalogs"]))
    return cli


@pytest.mark.parametrize(
    "args",
    [
        ("score", PERSON, "--catalog", "city-personal"),
        ("check", PERSON, "air_travel.ticket"),
        ("outlook", PERSON, "--catalog", "city-personal"),
    ],
)
def test_an_as_of_outside_the_calendar_is_refused(loaded, args):
    result = loaded(*args, "--as-of", "9999-12-31", ok=False)
    assert result.returncode == 2
    assert "outside the years 1900 to 2999" in result.stderr and "Traceback" not in result.stderr


def test_a_question_outside_the_calendar_is_answered_with_an_error(loaded):
    question = {"score": PERSON, "catalog": "city-personal", "as_of": "9999-12-31"}
    result = loaded("query", "-", stdin=json.dumps(question) + "\n", ok=False)
    assert result.returncode == 1
    assert json.loads(result.stdout)["error"].endswith("9999-12-31 is outside the years 1900 to 2999")
