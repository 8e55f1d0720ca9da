"""The diff between two catalog versions: what was added, removed or changed, and
whether each change makes the catalog harsher or milder for its subjects."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from xinyong.domain.catalog import Catalog
from xinyong.domain.catalog.diff import combine, diff

pytestmark = pytest.mark.unit

BASE: dict[str, Any] = {
    "id": "city-personal",
    "title": "City personal points",
    "jurisdiction": "CN-SD-RC",
    "subject_kind": "person",
    "version": "2024.1",
    "effective_from": "2024-01-01",
    "base": 1000,
    "dispute_deadline": "P30D",
    "grades": [{"name": "A", "min": 960}, {"name": "B", "min": 850}, {"name": "D"}],
    "rules": {
        "traffic.red_light": {
            "title": "Running a red light",
            "category": "traffic",
            "points": -5,
            "valid_for": "P1Y",
            "notice": "P15D",
            "repairable_after": "P3M",
            "legal_basis": "Road Traffic Safety Law, art. 90",
        },
        "volunteer.service_day": {
            "category": "public_service",
            "points": 2,
            "valid_for": "P1Y",
            "cap_per_year": 20,
            "legal_basis": "Volunteer Service Regulations",
        },
        "court.judgment_default": {
            "category": "judicial",
            "points": -100,
            "valid_for": "P2Y",
            "notice": "P10D",
            "list": "defaulters",
            "legal_basis": "Civil Procedure Law, art. 262",
        },
    },
    "lists": {
        "defaulters": {
            "title": "Defaulters",
            "kind": "black",
            "duration": "P2Y",
            "removal": ["fulfilment", "repair", "annulment"],
        },
    },
    "measures": [
        {
            "id": "no-flights",
            "when": {"list": "defaulters"},
            "action": "air_travel.ticket",
            "effect": "deny",
            "legal_basis": "SPC Provisions, art. 3",
        },
        {
            "id": "heating",
            "when": {"grades": ["A"]},
            "action": "utility.heating",
            "effect": "benefit",
            "benefit": "heating discount",
            "legal_basis": "City Measures",
        },
    ],
}


def catalog(edit=None) -> Catalog:
    data = copy.deepcopy(BASE)
    if edit is not None:
        edit(data)
    return Catalog.model_validate(data)


def later(edit) -> Catalog:
    def both(data: dict) -> None:
        data["version"] = "2025.1"
        data["effective_from"] = "2025-01-01"
        edit(data)

    return catalog(both)


def rule(data: dict, name: str) -> dict:
    return data["rules"][name]


def test_identical_versions_differ_in_nothing():
    assert diff(catalog(), catalog()).changes == ()


def test_a_new_version_number_and_date_alone_is_not_a_change_of_rules():
    assert diff(catalog(), later(lambda d: None)).changes == ()


def test_a_bigger_penalty_is_harsher():
    change = diff(catalog(), later(lambda d: rule(d, "traffic.red_light").update(points=-10))).find(
        "rule", "traffic.red_light"
    )
    assert change is not None and change.change == "changed" and change.direction == "harsher"
    assert [(f.field, f.before, f.after) for f in change.fields] == [("points", -5, -10)]


def test_a_smaller_penalty_is_milder():
    change = diff(catalog(), later(lambda d: rule(d, "traffic.red_light").update(points=-2))).find(
        "rule", "traffic.red_light"
    )
    assert change is not None and change.direction == "milder"


def test_a_smaller_reward_is_harsher():
    change = diff(catalog(), later(lambda d: rule(d, "volunteer.service_day").update(points=1))).find(
        "rule", "volunteer.service_day"
    )
    assert change is not None and change.direction == "harsher"


def test_a_penalty_that_counts_longer_is_harsher_and_a_reward_that_counts_longer_is_milder():
    def longer(d):
        rule(d, "traffic.red_light")["valid_for"] = "P2Y"
        rule(d, "volunteer.service_day")["valid_for"] = "P2Y"

    result = diff(catalog(), later(longer))
    assert result.find("rule", "traffic.red_light").direction == "harsher"
    assert result.find("rule", "volunteer.service_day").direction == "milder"


def test_a_shorter_notice_window_is_harsher():
    change = diff(catalog(), later(lambda d: rule(d, "traffic.red_light").update(notice="P5D"))).find(
        "rule", "traffic.red_light"
    )
    assert change.direction == "harsher"
    assert change.fields[0].field == "notice" and (change.fields[0].before, change.fields[0].after) == ("P15D", "P5D")


def test_no_notice_at_all_is_harsher_than_some_notice():
    change = diff(catalog(), later(lambda d: rule(d, "traffic.red_light").pop("notice"))).find(
        "rule", "traffic.red_light"
    )
    assert change.direction == "harsher" and change.fields[0].after is None


def test_a_later_repair_or_none_at_all_is_harsher():
    later_repair = diff(catalog(), later(lambda d: rule(d, "traffic.red_light").update(repairable_after="P6M")))
    no_repair = diff(catalog(), later(lambda d: rule(d, "traffic.red_light").pop("repairable_after")))
    assert later_repair.find("rule", "traffic.red_light").direction == "harsher"
    assert no_repair.find("rule", "traffic.red_light").direction == "harsher"


def test_a_tighter_cap_on_a_reward_is_harsher():
    change = diff(catalog(), later(lambda d: rule(d, "volunteer.service_day").update(cap_per_year=10))).find(
        "rule", "volunteer.service_day"
    )
    assert change.direction == "harsher"
    assert [(f.field, f.before, f.after) for f in change.fields] == [("cap_per_year", 20, 10)]


def test_a_cap_on_a_penalty_is_milder():
    change = diff(catalog(), later(lambda d: rule(d, "traffic.red_light").update(cap_per_year=10))).find(
        "rule", "traffic.red_light"
    )
    assert change.direction == "milder"


def test_a_rule_that_starts_placing_on_a_blacklist_is_harsher():
    change = diff(catalog(), later(lambda d: rule(d, "traffic.red_light").update(list="defaulters"))).find(
        "rule", "traffic.red_light"
    )
    assert change.direction == "harsher"
    assert [(f.field, f.before, f.after) for f in change.fields] == [("list", None, "defaulters")]


def test_a_longer_list_duration_is_harsher():
    change = diff(catalog(), later(lambda d: rule(d, "court.judgment_default").update(list_duration="P3Y"))).find(
        "rule", "court.judgment_default"
    )
    assert change.direction == "harsher"
    assert [(f.field, f.before, f.after) for f in change.fields] == [("list_duration", "P2Y", "P3Y")]


def test_losing_restore_on_fulfilment_is_harsher():
    old = catalog(lambda d: rule(d, "court.judgment_default").update(restore_on_fulfilment=True))
    change = diff(old, later(lambda d: None)).find("rule", "court.judgment_default")
    assert change.direction == "harsher"


def test_a_new_title_or_legal_basis_is_neutral():
    def reworded(d):
        rule(d, "traffic.red_light").update(title="Red light", legal_basis="Road Traffic Safety Law, art. 91")

    change = diff(catalog(), later(reworded)).find("rule", "traffic.red_light")
    assert change.direction == "neutral"
    assert {f.field for f in change.fields} == {"title", "legal_basis"}


def test_a_change_that_is_both_harsher_and_milder_is_mixed():
    change = diff(catalog(), later(lambda d: rule(d, "traffic.red_light").update(points=-10, valid_for="P6M"))).find(
        "rule", "traffic.red_light"
    )
    assert change.direction == "mixed"
    assert {f.field: f.direction for f in change.fields} == {"points": "harsher", "valid_for": "milder"}


def test_an_added_penalty_rule_is_harsher_and_an_added_reward_milder():
    def added(d):
        d["rules"]["tax.late_filing"] = {
            "category": "tax",
            "points": -3,
            "valid_for": "P1Y",
            "legal_basis": "Tax Collection Law",
        }
        d["rules"]["charity.donation"] = {
            "category": "charity",
            "points": 1,
            "valid_for": "P1Y",
            "legal_basis": "Charity Law",
        }

    result = diff(catalog(), later(added))
    assert (result.find("rule", "tax.late_filing").change, result.find("rule", "tax.late_filing").direction) == (
        "added",
        "harsher",
    )
    assert result.find("rule", "charity.donation").direction == "milder"


def test_a_removed_penalty_rule_is_milder_and_a_removed_reward_harsher():
    def removed(d):
        del d["rules"]["traffic.red_light"]
        del d["rules"]["volunteer.service_day"]

    result = diff(catalog(), later(removed))
    assert result.find("rule", "traffic.red_light").change == "removed"
    assert result.find("rule", "traffic.red_light").direction == "milder"
    assert result.find("rule", "volunteer.service_day").direction == "harsher"


def test_fewer_ways_off_a_blacklist_is_harsher():
    change = diff(catalog(), later(lambda d: d["lists"]["defaulters"].update(removal=["annulment"]))).find(
        "list", "defaulters"
    )
    assert change.direction == "harsher" and change.fields[0].field == "removal"


def test_a_longer_blacklist_is_harsher_and_wider_publication_too():
    longer = diff(catalog(), later(lambda d: d["lists"]["defaulters"].update(duration="P3Y")))
    wider = diff(catalog(), later(lambda d: d["lists"]["defaulters"].update(publish="all")))
    assert longer.find("list", "defaulters").direction == "harsher"
    assert wider.find("list", "defaulters").direction == "harsher"


def test_an_added_denial_is_harsher_and_a_removed_benefit_is_harsher():
    def edit(d):
        d["measures"].append(
            {
                "id": "no-rail",
                "when": {"list": "defaulters"},
                "action": "rail.high_speed",
                "effect": "deny",
                "legal_basis": "SPC Provisions, art. 3",
            }
        )
        d["measures"] = [m for m in d["measures"] if m["id"] != "heating"]

    result = diff(catalog(), later(edit))
    assert (result.find("measure", "no-rail").change, result.find("measure", "no-rail").direction) == (
        "added",
        "harsher",
    )
    assert (result.find("measure", "heating").change, result.find("measure", "heating").direction) == (
        "removed",
        "harsher",
    )


def test_a_denial_softened_to_review_is_milder():
    def edit(d):
        d["measures"][0]["effect"] = "review"

    change = diff(catalog(), later(edit)).find("measure", "no-flights")
    assert change.direction == "milder"
    assert [(f.field, f.before, f.after) for f in change.fields] == [("effect", "deny", "review")]


def test_measures_without_an_id_are_matched_by_trigger_and_action():
    def no_ids(d):
        for m in d["measures"]:
            m.pop("id")

    old = catalog(no_ids)
    new = later(lambda d: (no_ids(d), d["measures"][1].update(benefit="free heating")))
    result = diff(old, new)
    assert [(c.part, c.name, c.change, c.direction) for c in result.changes] == [
        ("measure", "grades A → utility.heating", "changed", "neutral")
    ]


def test_a_benefit_reaching_more_grades_is_milder():
    def edit(d):
        d["measures"][1]["when"] = {"grades": ["A", "B"]}

    assert diff(catalog(), later(edit)).find("measure", "heating").direction == "milder"


def test_a_lower_base_is_harsher_and_a_higher_band_minimum_is_harsher():
    def edit(d):
        d["base"] = 900
        d["grades"][0]["min"] = 980

    change = diff(catalog(), later(edit)).find("catalog", "city-personal")
    assert change.direction == "harsher"
    assert {f.field: (f.before, f.after) for f in change.fields} == {"base": (1000, 900), "grades.A": (960, 980)}


def test_a_longer_dispute_deadline_is_harsher():
    change = diff(catalog(), later(lambda d: d.update(dispute_deadline="P60D"))).find("catalog", "city-personal")
    assert change.direction == "harsher"


def test_harsher_and_milder_summaries():
    def edit(d):
        rule(d, "traffic.red_light")["points"] = -10
        rule(d, "volunteer.service_day")["points"] = 3

    result = diff(catalog(), later(edit))
    assert [c.name for c in result.harsher] == ["traffic.red_light"]
    assert [c.name for c in result.milder] == ["volunteer.service_day"]
    assert (result.before, result.after) == ("2024.1", "2025.1")


@pytest.mark.parametrize(
    ("directions", "expected"),
    [
        ((), "neutral"),
        (("neutral", "harsher"), "harsher"),
        (("milder", "milder"), "milder"),
        (("harsher", "milder"), "mixed"),
        (("mixed", "neutral"), "mixed"),
    ],
)
def test_combining_directions(directions, expected):
    assert combine(directions) == expected
