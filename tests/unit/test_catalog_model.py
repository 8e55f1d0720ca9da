"""Catalogs (docs/design.md sections 4 and 5): the schema, errors that name file, key and
value, grades, coverage, and the registry of versions."""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from xinyong.domain.calendar import Duration
from xinyong.domain.catalog import Catalog, CatalogConflict, CatalogRegistry
from xinyong.domain.catalog.files import CatalogFileError, parse_catalog, read_catalog

pytestmark = pytest.mark.unit

CONFORMANCE = Path(__file__).resolve().parents[1] / "conformance"
CONFORMANCE_CATALOGS = sorted(CONFORMANCE.glob("*/catalog-*.toml"))

HEAD = """\
id = "city-personal"
jurisdiction = "CN-SD-RC"
subject_kind = "person"
version = "2024.1"
effective_from = "2024-01-01"
base = 1000
grades = [
  { name = "AAA", min = 1050 }, { name = "A", min = 960 },
  { name = "B", min = 850 }, { name = "D" },
]
"""

RED_LIGHT = """\
[rules."traffic.red_light"]
category = "traffic"
points = -5
valid_for = "P1Y"
legal_basis = "Road Traffic Safety Law"
"""


def catalog_dict(**changes) -> dict:
    data = {
        "id": "city-personal",
        "jurisdiction": "CN-SD-RC",
        "subject_kind": "person",
        "version": "2024.1",
        "effective_from": "2024-01-01",
        "base": 1000,
        "grades": [
            {"name": "AAA", "min": 1050},
            {"name": "AA", "min": 1030},
            {"name": "A", "min": 960},
            {"name": "B", "min": 850},
            {"name": "C", "min": 600},
            {"name": "D"},
        ],
        "rules": {
            "traffic.red_light": {
                "category": "traffic",
                "points": -5,
                "valid_for": "P1Y",
                "notice": "P15D",
                "legal_basis": "Road Traffic Safety Law",
            },
            "court.judgment_default": {
                "category": "judicial",
                "points": -100,
                "valid_for": "P2Y",
                "list": "judgment-defaulters",
                "legal_basis": "Civil Procedure Law",
            },
        },
        "lists": {"judgment-defaulters": {"kind": "black", "duration": "P2Y", "removal": ["fulfilment"]}},
        "measures": [
            {
                "when": {"list": "judgment-defaulters"},
                "action": "air_travel.ticket",
                "effect": "deny",
                "legal_basis": "Provisions on Restricting High Consumption",
            }
        ],
    }
    data.update(changes)
    return data


def catalog(**changes) -> Catalog:
    return Catalog.model_validate(catalog_dict(**changes))


def load_error(text: str) -> str:
    with pytest.raises(CatalogFileError) as caught:
        parse_catalog(text, "city.toml")
    return str(caught.value)


# ------------------------------------------------------------------ parsing files


@pytest.mark.parametrize("path", CONFORMANCE_CATALOGS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_conformance_catalog_parses(path):
    parsed = read_catalog(path)
    assert parsed.rules and parsed.grades


def test_conformance_catalogs_are_present():
    assert len(CONFORMANCE_CATALOGS) >= 6


def test_catalog_fields_are_typed_on_parsing():
    parsed = parse_catalog(HEAD + RED_LIGHT, "city.toml")
    assert parsed.effective_from == dt.date(2024, 1, 1)
    assert parsed.rules["traffic.red_light"].valid_for == Duration(years=1)
    assert parsed.rules["traffic.red_light"].is_penalty


def test_bad_duration_error_names_file_key_path_and_value():
    message = load_error(HEAD + RED_LIGHT.replace('"P1Y"', '"P1.5Y"'))
    assert message.startswith("city.toml: ")
    assert 'rules."traffic.red_light".valid_for' in message
    assert "'P1.5Y'" in message


def test_unknown_key_error_names_file_key_path_and_value():
    message = load_error(HEAD + RED_LIGHT + "pointz = 3\n")
    assert message.startswith("city.toml: ")
    assert 'rules."traffic.red_light".pointz' in message
    assert "unknown key" in message
    assert "3" in message


def test_missing_valid_for_error_names_file_and_key_path():
    message = load_error(HEAD + RED_LIGHT.replace('valid_for = "P1Y"\n', ""))
    assert message.startswith("city.toml: ")
    assert 'rules."traffic.red_light".valid_for' in message
    assert "required" in message.lower()


def test_rule_naming_an_undefined_list_error_names_file_rule_key_and_list():
    message = load_error(HEAD + RED_LIGHT + 'list = "nope"\n')
    assert message.startswith("city.toml: ")
    assert "traffic.red_light" in message
    assert ".list" in message
    assert "'nope'" in message


def test_grades_not_highest_first_error_names_file_key_and_values():
    start = HEAD.index("grades = [")
    text = HEAD[:start] + 'grades = [ { name = "B", min = 850 }, { name = "A", min = 960 }, { name = "D" } ]\n'
    message = load_error(text)
    assert message.startswith("city.toml: ")
    assert "grades" in message
    assert "highest first" in message
    assert "[850, 960]" in message


@pytest.mark.parametrize("when", ['{ grades = ["A"], list = "judgment-defaulters" }', "{ }"], ids=["both", "neither"])
def test_measure_with_both_or_neither_trigger_error_names_file_and_measure(when):
    measure = f'[[measures]]\nwhen = {when}\naction = "loan.apply"\neffect = "deny"\n'
    text = HEAD + measure
    message = load_error(text)
    assert message.startswith("city.toml: ")
    assert "measures[0].when" in message
    assert "exactly one of 'grades' or 'list'" in message


def test_invalid_toml_error_names_the_file():
    assert load_error("id = \n").startswith("city.toml: not valid TOML")


def test_unreadable_catalog_file_error_names_the_path(tmp_path):
    missing = tmp_path / "missing.toml"
    with pytest.raises(CatalogFileError, match=r"missing.toml: cannot read"):
        read_catalog(missing)


def test_every_problem_of_a_file_is_reported_on_its_own_line():
    message = load_error(HEAD + RED_LIGHT.replace('"P1Y"', '"P1.5Y"') + "pointz = 3\n")
    assert len(message.splitlines()) == 2


# ------------------------------------------------------------------ schema rules


def test_band_without_min_must_come_last():
    with pytest.raises(ValidationError, match="must come last"):
        catalog(grades=[{"name": "D"}, {"name": "A", "min": 960}])


def test_grade_names_must_be_unique():
    with pytest.raises(ValidationError, match="names must be unique"):
        catalog(grades=[{"name": "A", "min": 960}, {"name": "A"}])


def test_measure_naming_an_unknown_grade_is_refused():
    with pytest.raises(ValidationError, match="unknown grades"):
        catalog(measures=[{"when": {"grades": ["Z"]}, "action": "loan.apply", "effect": "deny"}])


def test_benefit_measure_must_name_its_benefit():
    with pytest.raises(ValidationError, match="must name the 'benefit'"):
        catalog(measures=[{"when": {"grades": ["AAA"]}, "action": "utility.heating", "effect": "benefit"}])


@pytest.mark.parametrize("jurisdiction", ["cn", "CN-", "C", "CN--SD", "CN SD"])
def test_malformed_jurisdiction_is_refused(jurisdiction):
    with pytest.raises(ValidationError, match="hierarchical code"):
        catalog(jurisdiction=jurisdiction)


def test_negative_cap_is_refused():
    data = catalog_dict()
    data["rules"]["traffic.red_light"]["cap_per_year"] = -1
    with pytest.raises(ValidationError):
        Catalog.model_validate(data)


# ------------------------------------------------------------------ grades


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (1051, "AAA"),
        (1050, "AAA"),
        (1049, "AA"),
        (1030, "AA"),
        (1029, "A"),
        (960, "A"),
        (959, "B"),
        (850, "B"),
        (849, "C"),
        (600, "C"),
        (599, "D"),
        (-10_000, "D"),
    ],
)
def test_grade_is_the_band_with_the_highest_min_not_above_the_score(score, grade):
    assert catalog().grade_for(score) == grade


def test_score_below_every_band_without_an_open_band_falls_in_the_lowest():
    closed = catalog(grades=[{"name": "A", "min": 90}, {"name": "B", "min": 70}])
    assert closed.grade_for(10) == "B"


# ------------------------------------------------------------------ coverage


@pytest.mark.parametrize(
    ("catalog_jurisdiction", "subject_jurisdiction"),
    [
        ("CN-SD", "CN-SD"),
        ("CN-SD", "CN-SD-RC"),
        ("CN", "CN-SD-RC"),
        ("CN", "CN-SD"),
        ("CN-SD", "CN-SD-RC-01"),
    ],
)
def test_catalog_covers_its_jurisdiction_and_everything_inside_it(catalog_jurisdiction, subject_jurisdiction):
    assert catalog(jurisdiction=catalog_jurisdiction).covers_jurisdiction(subject_jurisdiction)


@pytest.mark.parametrize(
    ("catalog_jurisdiction", "subject_jurisdiction"),
    [
        ("CN-SD", "CN-SDX"),
        ("CN-SD", "CN"),
        ("CN-SD-RC", "CN-SD"),
        ("CN-SD", "CN-BJ"),
        ("CN", "CNX"),
        ("CN-SD", None),
    ],
)
def test_catalog_does_not_cover_outside_or_above_or_unknown_jurisdictions(catalog_jurisdiction, subject_jurisdiction):
    assert not catalog(jurisdiction=catalog_jurisdiction).covers_jurisdiction(subject_jurisdiction)


# ------------------------------------------------------------------ registry


def versions_2022_2024() -> tuple[Catalog, Catalog]:
    return (
        catalog(version="2022.1", effective_from="2022-01-01"),
        catalog(version="2024.1", effective_from="2024-01-01"),
    )


def test_no_version_is_in_force_before_the_first_takes_effect():
    registry = CatalogRegistry.of(versions_2022_2024())
    assert registry.in_force("city-personal", dt.date(2021, 12, 31)) is None


def test_version_is_in_force_on_its_effective_from_day():
    registry = CatalogRegistry.of(versions_2022_2024())
    assert registry.in_force("city-personal", dt.date(2024, 1, 1)).version == "2024.1"


def test_earlier_version_stays_in_force_until_the_day_before_the_next():
    registry = CatalogRegistry.of(versions_2022_2024())
    assert registry.in_force("city-personal", dt.date(2023, 12, 31)).version == "2022.1"


def test_version_in_force_does_not_depend_on_loading_order():
    old, new = versions_2022_2024()
    registry = CatalogRegistry.of([new, old])
    assert [v.version for v in registry.versions("city-personal")] == ["2022.1", "2024.1"]
    assert registry.in_force("city-personal", dt.date(2023, 6, 1)).version == "2022.1"


def test_unknown_catalog_has_no_version_in_force():
    assert CatalogRegistry().in_force("nowhere", dt.date(2024, 1, 1)) is None


def test_identical_reload_is_a_no_op_returning_false():
    registry = CatalogRegistry.of(versions_2022_2024())
    assert registry.add(catalog(version="2022.1", effective_from="2022-01-01")) is False
    assert [v.version for v in registry.versions("city-personal")] == ["2022.1", "2024.1"]


def test_adding_a_new_version_returns_true():
    assert CatalogRegistry().add(catalog()) is True


def test_same_version_with_different_content_is_refused():
    registry = CatalogRegistry.of([catalog()])
    with pytest.raises(CatalogConflict, match="already loaded with different content"):
        registry.add(catalog(base=900))


def test_refused_version_leaves_the_registry_unchanged():
    registry = CatalogRegistry.of([catalog()])
    with pytest.raises(CatalogConflict):
        registry.add(catalog(base=900))
    assert registry.versions("city-personal") == [catalog()]


def test_two_versions_taking_effect_on_the_same_day_are_refused():
    registry = CatalogRegistry.of([catalog(version="2024.1")])
    with pytest.raises(CatalogConflict, match="both take effect on 2024-01-01"):
        registry.add(catalog(version="2024.2"))


def test_version_for_another_subject_kind_is_refused():
    registry = CatalogRegistry.of([catalog()])
    with pytest.raises(CatalogConflict, match="organisations"):
        registry.add(catalog(version="2025.1", effective_from="2025-01-01", subject_kind="organisation"))


def test_list_id_defined_by_two_catalogs_is_refused():
    registry = CatalogRegistry.of([catalog()])
    other = catalog(id="other-personal")
    with pytest.raises(CatalogConflict, match=r"'judgment-defaulters'.*'city-personal' already defines"):
        registry.add(other)


def test_later_version_of_the_same_catalog_may_redefine_its_own_list():
    old, _new = versions_2022_2024()
    data = catalog_dict(version="2024.1", effective_from="2024-01-01")
    data["lists"]["judgment-defaulters"] = {"kind": "black", "duration": "P3Y"}
    registry = CatalogRegistry.of([old, Catalog.model_validate(data)])
    assert registry.list_owner("judgment-defaulters").catalog_id == "city-personal"


def test_list_definition_is_taken_from_the_version_in_force_on_the_day():
    old = catalog(version="2022.1", effective_from="2022-01-01")
    data = copy.deepcopy(catalog_dict(version="2024.1", effective_from="2024-01-01"))
    data["lists"]["judgment-defaulters"]["duration"] = "P3Y"
    registry = CatalogRegistry.of([old, Catalog.model_validate(data)])
    assert registry.list_definition("judgment-defaulters", dt.date(2023, 6, 1)).duration == Duration(years=2)
    assert registry.list_definition("judgment-defaulters", dt.date(2024, 6, 1)).duration == Duration(years=3)


@pytest.mark.parametrize(
    "key,text", [("base", "base = 1000000000001"), ('rules."traffic.red_light".points', "points = -1000000000001")]
)
def test_points_beyond_a_billion_are_refused_naming_the_key(key, text):
    source = (
        (HEAD + RED_LIGHT).replace("base = 1000", text)
        if key == "base"
        else (HEAD + RED_LIGHT).replace("points = -5", text)
    )
    with pytest.raises(CatalogFileError, match=re.escape(f"{key}: Input should be")):
        parse_catalog(source, "big.toml")


def test_an_integer_longer_than_python_converts_is_a_clear_error():
    with pytest.raises(CatalogFileError, match=r"big\.toml: a number is out of range"):
        parse_catalog((HEAD + RED_LIGHT).replace("base = 1000", "base = 1" + "0" * 5000), "big.toml")
