"""One way to report a value that does not fit its schema: ``field: message (got value)``."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from xinyong.domain.validation import describe_validation_error, field_problems

pytestmark = pytest.mark.unit


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    points: int = Field(ge=-10)


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rules: dict[str, _Rule]
    tags: list[str] = []


def _error(data: object) -> ValidationError:
    with pytest.raises(ValidationError) as raised:
        _File.model_validate(data)
    return raised.value


def test_each_problem_names_its_field_message_and_value():
    error = _error({"rules": {"late": {"points": -20}}})
    assert (
        describe_validation_error(error) == "rules.late.points: Input should be greater than or equal to -10 (got -20)"
    )


def test_toml_paths_quote_dotted_keys_and_index_lists():
    error = _error({"rules": {"traffic.red": {"points": -20}}, "tags": ["a", 3]})
    lines = describe_validation_error(error, source="c.toml", separator="\n", toml=True).splitlines()
    assert lines[0].startswith('c.toml: rules."traffic.red".points: ')
    assert lines[1] == "c.toml: tags[1]: Input should be a valid string (got 3)"


def test_a_missing_field_or_a_whole_table_shows_no_value():
    error = _error({"rules": {"late": {}}, "colour": {"r": 1}})
    assert [str(p) for p in field_problems(error, unknown="unknown key")] == [
        "rules.late.points: Field required",
        "colour: unknown key",
    ]


def test_values_can_be_withheld():
    error = _error({"rules": {"late": {"points": -20}}})
    assert "(got" not in describe_validation_error(error, values=False)
