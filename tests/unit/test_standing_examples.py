"""Hand-worked examples of each paragraph of docs/design.md section 4, with exact dates.

Most use the example catalog of section 5 (``rongcheng-personal``) and the history of
section 6: a red light on 2024-03-01, decided 2024-03-05, with a P15D notice window, so
effective on 2024-03-20 and expiring on 2025-03-20."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from xinyong.domain.catalog.model import Catalog
from xinyong.domain.catalog.registry import CatalogRegistry
from xinyong.domain.events import RecordEvent, parse_event
from xinyong.domain.identifiers import SubjectRef, rid_check_character
from xinyong.domain.standing import (
    NotInForce,
    RecordFile,
    Rejected,
    admit_record,
    apply_change,
    check,
    standing,
    timeline,
)

pytestmark = pytest.mark.unit

CATALOG = "rongcheng-personal"
ZHANG = SubjectRef.parse("rid:11010519491231002X")
FIRM = SubjectRef.parse("uscc:91350100M000100Y43")


def D(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def person(born: str, sequence: int = 1) -> SubjectRef:
    first17 = "370102" + born.replace("-", "") + f"{sequence:03d}"
    return SubjectRef.parse(f"rid:{first17}{rid_check_character(first17)}")


RED_LIGHT = {
    "title": "Running a red light",
    "category": "traffic",
    "points": -5,
    "valid_for": "P1Y",
    "notice": "P15D",
    "repairable_after": "P3M",
    "legal_basis": "Road Traffic Safety Law, art. 90",
}
VOLUNTEER = {
    "category": "public_service",
    "points": 1,
    "cap_per_year": 20,
    "valid_for": "P1Y",
    "legal_basis": "Volunteer Service Regulations",
}
JUDGMENT_DEFAULT = {
    "category": "judicial",
    "points": -100,
    "valid_for": "P2Y",
    "notice": "P10D",
    "repairable_after": "P6M",
    "list": "judgment-defaulters",
    "legal_basis": "Civil Procedure Law, art. 262",
}
LATE_TAX = {
    "category": "tax",
    "points": -10,
    "valid_for": "P6M",
    "restore_on_fulfilment": True,
    "legal_basis": "Tax Collection Law",
}


def catalog_data(**changes) -> dict:
    """The example catalog of docs/design.md section 5, with a few more rules."""
    data = {
        "id": CATALOG,
        "title": "Rongcheng personal creditworthiness points",
        "jurisdiction": "CN-SD-RC",
        "subject_kind": "person",
        "version": "2022.1",
        "effective_from": "2022-01-01",
        "legal_basis": "Rongcheng Municipal Measures on Personal Creditworthiness Scores",
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
            "traffic.red_light": RED_LIGHT,
            "volunteer.service_day": VOLUNTEER,
            "court.judgment_default": JUDGMENT_DEFAULT,
            "tax.late_payment": LATE_TAX,
        },
        "lists": {
            "judgment-defaulters": {
                "title": "Dishonest persons subject to enforcement",
                "kind": "black",
                "duration": "P2Y",
                "removal": ["fulfilment", "repair", "annulment"],
            }
        },
        "measures": [
            {
                "when": {"list": "judgment-defaulters"},
                "action": "air_travel.ticket",
                "effect": "deny",
                "legal_basis": "SPC Provisions on Restricting High Consumption, art. 3",
            },
            {
                "when": {"grades": ["AAA"]},
                "action": "utility.heating",
                "effect": "benefit",
                "benefit": "heating discount",
                "legal_basis": "Rongcheng Measures on Personal Credit Rewards and Punishments",
            },
        ],
    }
    data = copy.deepcopy(data)
    data.update(copy.deepcopy(changes))
    return data


def version(**changes) -> Catalog:
    return Catalog.model_validate(catalog_data(**changes))


def later(effective_from: str, rules: dict | None = None, **changes) -> Catalog:
    """A later version of the example catalog whose rules are ``rules``."""
    data = catalog_data(version=effective_from[:4] + ".1", effective_from=effective_from, **changes)
    if rules is not None:
        data["rules"] = copy.deepcopy(rules)
    return Catalog.model_validate(data)


def registry(*catalogs: Catalog) -> CatalogRegistry:
    return CatalogRegistry.of(catalogs or [version()])


def record(
    rule: str = "traffic.red_light",
    occurred_on: str = "2024-03-01",
    decided_on: str = "2024-03-05",
    subject: SubjectRef = ZHANG,
    id: str = "tp-2024-000017",
    catalog: str = CATALOG,
) -> RecordEvent:
    return RecordEvent(
        type="record",
        id=id,
        subject=subject,
        rule=f"{catalog}/{rule}",
        occurred_on=D(occurred_on),
        decided_on=D(decided_on),
        source="traffic-police",
        reference="RC-TP-2024-17",
    )


def event(kind: str, on: str, record_id: str = "tp-2024-000017", **fields):
    return parse_event({"type": kind, "record": record_id, "on": on, **fields})


def history(reg: CatalogRegistry, rec: RecordEvent, *changes) -> RecordFile:
    admit_record(rec, reg)
    file = RecordFile(rec)
    for change in changes:
        file = apply_change(file, change, reg)
    return file


def counting_days(reg: CatalogRegistry, file: RecordFile, *days: str) -> list[bool]:
    line = timeline(file, reg)
    return [line.counts_on(D(day)) for day in days]


def listed_days(reg: CatalogRegistry, file: RecordFile, *days: str) -> list[bool]:
    line = timeline(file, reg)
    return [line.listed_on(D(day)) for day in days]


def score(
    reg: CatalogRegistry,
    day: str,
    *files: RecordFile,
    subject: SubjectRef = ZHANG,
    jurisdiction: str | None = "CN-SD-RC",
):
    return standing(subject, CATALOG, D(day), files, reg, jurisdiction)


def volunteer_days(count: int, occurred_on: str, subject: SubjectRef = ZHANG, prefix: str = "vol") -> list[RecordFile]:
    return [
        RecordFile(
            record(
                "volunteer.service_day",
                occurred_on,
                occurred_on,
                subject,
                id=f"{prefix}-{occurred_on}-{i}",
            )
        )
        for i in range(count)
    ]


# ------------------------------------------------------------------ record window


def test_red_light_decided_2024_03_05_with_p15d_notice_runs_from_2024_03_20_to_2025_03_20():
    line = timeline(history(registry(), record()), registry())
    assert (line.effective_on, line.expires_on) == (D("2024-03-20"), D("2025-03-20"))


def test_record_counts_from_effective_on_up_to_the_day_before_expires_on():
    reg = registry()
    file = history(reg, record())
    assert counting_days(reg, file, "2024-03-19", "2024-03-20", "2025-03-19", "2025-03-20") == [
        False,
        True,
        True,
        False,
    ]


def test_rule_without_notice_counts_from_decided_on():
    reg = registry()
    file = history(reg, record("volunteer.service_day", "2024-03-01", "2024-03-05"))
    assert counting_days(reg, file, "2024-03-04", "2024-03-05", "2025-03-04", "2025-03-05") == [
        False,
        True,
        True,
        False,
    ]


def test_record_window_clamps_to_the_end_of_the_month():
    rules = {
        "tax.late_filing": {
            "category": "tax",
            "points": -3,
            "valid_for": "P1Y",
            "notice": "P1M",
            "legal_basis": "x",
        }
    }
    reg = registry(version(rules=rules))
    line = timeline(history(reg, record("tax.late_filing", "2024-01-20", "2024-01-31")), reg)
    assert (line.effective_on, line.expires_on) == (D("2024-02-29"), D("2025-02-28"))


# ------------------------------------------------------------------ catalog versions


def test_record_under_a_rule_not_in_force_on_occurred_on_is_rejected():
    rules = {**catalog_data()["rules"], "charity.donation": {**VOLUNTEER, "category": "charity"}}
    reg = registry(version(), later("2024-01-01", rules))
    with pytest.raises(Rejected, match="no penalty without a rule in force"):
        admit_record(record("charity.donation", "2023-12-31", "2024-01-10"), reg)


def test_record_under_a_rule_in_force_on_occurred_on_is_admitted():
    rules = {**catalog_data()["rules"], "charity.donation": {**VOLUNTEER, "category": "charity"}}
    reg = registry(version(), later("2024-01-01", rules))
    admit_record(record("charity.donation", "2024-01-01", "2024-01-10"), reg)


def test_record_that_occurred_before_the_first_version_is_rejected():
    with pytest.raises(Rejected, match="no version of catalog 'rongcheng-personal' was in force"):
        admit_record(record(occurred_on="2021-12-31"), registry())


def test_record_under_an_unknown_catalog_is_rejected():
    with pytest.raises(Rejected, match="no catalog 'elsewhere' is loaded"):
        admit_record(record(catalog="elsewhere"), registry())


def test_notice_window_comes_from_the_version_in_force_on_occurred_on():
    rules = {**catalog_data()["rules"], "traffic.red_light": {**RED_LIGHT, "notice": "P30D"}}
    reg = registry(version(), later("2024-01-01", rules))
    line = timeline(history(reg, record(occurred_on="2023-12-20", decided_on="2024-01-05")), reg)
    assert line.effective_on == D("2024-01-20")


# ------------------------------------------------------------------ records and catalogs


def test_organisation_record_under_a_person_catalog_is_rejected():
    with pytest.raises(
        Rejected,
        match="catalog 'rongcheng-personal' is for persons",
    ):
        admit_record(record(subject=FIRM), registry())


def test_record_decided_before_it_occurred_is_rejected():
    with pytest.raises(Rejected, match="before occurred_on"):
        admit_record(record(occurred_on="2024-03-05", decided_on="2024-03-01"), registry())


# ------------------------------------------------------------------ disputes


def test_dispute_filed_before_effective_on_suspends_the_record_until_it_is_upheld():
    reg = registry()
    file = history(
        reg,
        record(),
        event("dispute_filed", "2024-03-10"),
        event("dispute_resolved", "2024-04-01", outcome="upheld"),
    )
    assert counting_days(reg, file, "2024-03-20", "2024-03-31", "2024-04-01") == [
        False,
        False,
        True,
    ]


def test_upheld_suspended_record_still_expires_on_its_original_day():
    reg = registry()
    file = history(
        reg,
        record(),
        event("dispute_filed", "2024-03-10"),
        event("dispute_resolved", "2024-04-01", outcome="upheld"),
    )
    assert counting_days(reg, file, "2025-03-19", "2025-03-20") == [True, False]
    assert timeline(file, reg).expires_on == D("2025-03-20")


def test_dispute_filed_before_effective_on_and_still_open_keeps_the_record_from_counting():
    reg = registry()
    file = history(reg, record(), event("dispute_filed", "2024-03-10"))
    assert counting_days(reg, file, "2024-03-20", "2024-09-01", "2025-03-19") == [
        False,
        False,
        False,
    ]


def test_dispute_upheld_before_effective_on_counts_from_effective_on():
    reg = registry()
    file = history(
        reg,
        record(),
        event("dispute_filed", "2024-03-10"),
        event("dispute_resolved", "2024-03-15", outcome="upheld"),
    )
    assert counting_days(reg, file, "2024-03-19", "2024-03-20") == [False, True]


def test_dispute_filed_on_effective_on_keeps_the_record_counting():
    reg = registry()
    file = history(reg, record(), event("dispute_filed", "2024-03-20"))
    assert counting_days(reg, file, "2024-03-20", "2024-06-01") == [True, True]


def test_record_disputed_after_effective_on_keeps_counting_and_is_flagged_from_the_filing_day():
    reg = registry()
    file = history(reg, record(), event("dispute_filed", "2024-04-10"))
    before, on = score(reg, "2024-04-09", file), score(reg, "2024-04-10", file)
    assert [c.disputed for c in before.contributions] == [False]
    assert [(c.points, c.disputed) for c in on.contributions] == [(-5, True)]


def test_disputed_flag_clears_on_the_day_the_dispute_is_resolved():
    reg = registry()
    file = history(
        reg,
        record(),
        event("dispute_filed", "2024-04-10"),
        event("dispute_resolved", "2024-05-01", outcome="upheld"),
    )
    assert [c.disputed for c in score(reg, "2024-04-30", file).contributions] == [True]
    assert [c.disputed for c in score(reg, "2024-05-01", file).contributions] == [False]


def test_dispute_resolved_annulled_means_the_record_never_counted_even_before_the_dispute():
    reg = registry()
    file = history(
        reg,
        record(),
        event("dispute_filed", "2024-04-10"),
        event("dispute_resolved", "2024-05-01", outcome="annulled"),
    )
    assert counting_days(reg, file, "2024-03-20", "2024-04-05", "2024-06-01") == [
        False,
        False,
        False,
    ]
    assert score(reg, "2024-04-05", file).score == 1000


def test_annulled_record_never_counted_on_any_day():
    reg = registry()
    file = history(reg, record(), event("annulled", "2024-08-01"))
    assert counting_days(reg, file, "2024-03-20", "2024-07-31", "2024-08-01") == [
        False,
        False,
        False,
    ]


def test_annulled_list_record_never_listed():
    reg = registry()
    file = history(
        reg,
        record("court.judgment_default", "2024-01-02", "2024-01-05"),
        event("annulled", "2024-06-01"),
    )
    assert listed_days(reg, file, "2024-01-15", "2024-05-31") == [False, False]


def test_section_6_history_is_accepted_and_ends_never_counting():
    reg = registry()
    file = history(
        reg,
        record(),
        event("dispute_filed", "2024-03-10"),
        event("dispute_resolved", "2024-04-01", outcome="upheld"),
        event("fulfilled", "2024-05-01"),
        event("repaired", "2024-07-01"),
        event("annulled", "2024-08-01"),
    )
    assert len(file.changes) == 5
    assert counting_days(reg, file, "2024-04-01", "2024-06-30") == [False, False]


# ------------------------------------------------------------------ dispute deadline


def deadline_registry() -> CatalogRegistry:
    return registry(version(dispute_deadline="P45D"))


def test_unresolved_dispute_stops_the_record_counting_on_filed_on_plus_deadline():
    reg = deadline_registry()
    file = history(reg, record(), event("dispute_filed", "2024-04-10"))
    # 2024-04-10 + P45D = 2024-05-25
    assert counting_days(reg, file, "2024-05-24", "2024-05-25", "2024-12-01") == [
        True,
        False,
        False,
    ]


def test_record_lost_to_the_deadline_counts_again_from_the_day_the_dispute_is_upheld():
    reg = deadline_registry()
    file = history(
        reg,
        record(),
        event("dispute_filed", "2024-04-10"),
        event("dispute_resolved", "2024-07-01", outcome="upheld"),
    )
    assert counting_days(reg, file, "2024-06-30", "2024-07-01", "2025-03-19", "2025-03-20") == [
        False,
        True,
        True,
        False,
    ]


def test_dispute_resolved_on_its_deadline_day_loses_nothing():
    reg = deadline_registry()
    file = history(
        reg,
        record(),
        event("dispute_filed", "2024-04-10"),
        event("dispute_resolved", "2024-05-25", outcome="upheld"),
    )
    assert counting_days(reg, file, "2024-05-24", "2024-05-25") == [True, True]


def test_unresolved_dispute_stops_the_list_entry_from_its_deadline_until_resolved():
    reg = deadline_registry()
    file = history(
        reg,
        record("court.judgment_default", "2024-01-02", "2024-01-05"),
        event("dispute_filed", "2024-02-01"),
        event("dispute_resolved", "2024-05-01", outcome="upheld"),
    )
    # Effective 2024-01-15; deadline 2024-02-01 + P45D = 2024-03-17.
    assert listed_days(reg, file, "2024-03-16", "2024-03-17", "2024-04-30", "2024-05-01") == [
        True,
        False,
        False,
        True,
    ]


def test_dispute_deadline_is_the_one_in_force_on_the_filing_day():
    reg = registry(version(), later("2024-06-01", dispute_deadline="P30D"))
    before = history(reg, record(), event("dispute_filed", "2024-05-31"))
    after = history(reg, record(), event("dispute_filed", "2024-06-01"))
    assert counting_days(reg, before, "2024-07-01", "2024-12-01") == [True, True]
    assert counting_days(reg, after, "2024-06-30", "2024-07-01") == [True, False]


# ------------------------------------------------------------------ fulfilment


def test_fulfilment_ends_the_list_entry_on_that_day_when_the_list_allows_it():
    reg = registry()
    file = history(
        reg,
        record("court.judgment_default", "2024-01-02", "2024-01-05"),
        event("fulfilled", "2024-06-01"),
    )
    assert listed_days(reg, file, "2024-01-15", "2024-05-31", "2024-06-01") == [True, True, False]


def test_fulfilment_leaves_points_counting_without_restore_on_fulfilment():
    reg = registry()
    file = history(
        reg,
        record("court.judgment_default", "2024-01-02", "2024-01-05"),
        event("fulfilled", "2024-06-01"),
    )
    assert counting_days(reg, file, "2024-06-01", "2026-01-14", "2026-01-15") == [True, True, False]


def test_fulfilment_ends_points_on_that_day_with_restore_on_fulfilment():
    reg = registry()
    file = history(
        reg,
        record("tax.late_payment", "2024-02-01", "2024-02-05"),
        event("fulfilled", "2024-03-01"),
    )
    assert counting_days(reg, file, "2024-02-29", "2024-03-01") == [True, False]


def test_fulfilment_does_not_end_an_entry_on_a_list_whose_removal_lacks_fulfilment():
    lists = {
        "judgment-defaulters": {
            "kind": "black",
            "duration": "P2Y",
            "removal": ["repair", "annulment"],
        }
    }
    reg = registry(version(lists=lists))
    file = history(
        reg,
        record("court.judgment_default", "2024-01-02", "2024-01-05"),
        event("fulfilled", "2024-06-01"),
    )
    assert listed_days(reg, file, "2024-06-01", "2026-01-14") == [True, True]


# ------------------------------------------------------------------ repair


def test_repair_before_effective_on_plus_repairable_after_is_rejected_naming_the_first_day():
    reg = registry()
    # 2024-03-20 + P3M = 2024-06-20
    with pytest.raises(Rejected, match="possible from 2024-06-20"):
        history(reg, record(), event("repaired", "2024-06-19"))


def test_repair_on_the_first_possible_day_ends_the_record_that_day():
    reg = registry()
    file = history(reg, record(), event("repaired", "2024-06-20"))
    assert counting_days(reg, file, "2024-06-19", "2024-06-20") == [True, False]


def test_repair_ends_the_list_entry_that_day():
    reg = registry()
    # Effective 2024-01-15; repairable from 2024-01-15 + P6M = 2024-07-15.
    file = history(
        reg,
        record("court.judgment_default", "2024-01-02", "2024-01-05"),
        event("repaired", "2024-07-15"),
    )
    assert listed_days(reg, file, "2024-07-14", "2024-07-15") == [True, False]


def test_repair_of_a_rule_without_repairable_after_is_rejected():
    reg = registry()
    with pytest.raises(Rejected, match="does not allow credit repair"):
        history(reg, record("volunteer.service_day"), event("repaired", "2025-01-01"))


def test_repair_is_counted_from_the_effective_on_of_the_decision_whatever_a_dispute_did():
    reg = registry()
    file = history(
        reg,
        record(),
        event("dispute_filed", "2024-03-10"),
        event("dispute_resolved", "2024-05-01", outcome="upheld"),
        event("repaired", "2024-06-20"),
    )
    assert counting_days(reg, file, "2024-06-19", "2024-06-20") == [True, False]


# ------------------------------------------------------------------ events applied once, and errors


def test_identical_event_applied_again_returns_the_same_file():
    reg = registry()
    file = history(reg, record(), event("dispute_filed", "2024-04-10"))
    assert apply_change(file, event("dispute_filed", "2024-04-10"), reg) == file


def test_identical_event_applied_again_after_other_events_changes_nothing():
    reg = registry()
    file = history(
        reg,
        record(),
        event("dispute_filed", "2024-04-10"),
        event("dispute_resolved", "2024-05-01", outcome="upheld"),
    )
    assert apply_change(file, event("dispute_filed", "2024-04-10"), reg) == file


def test_event_for_another_record_is_rejected():
    reg = registry()
    with pytest.raises(Rejected, match="not 'tp-2024-000017'"):
        history(reg, record(), event("fulfilled", "2024-05-01", record_id="tp-2024-999999"))


def test_decision_with_no_open_dispute_is_rejected():
    reg = registry()
    with pytest.raises(Rejected, match="no open dispute"):
        history(reg, record(), event("dispute_resolved", "2024-04-01", outcome="upheld"))


def test_second_decision_of_one_dispute_is_rejected():
    reg = registry()
    with pytest.raises(Rejected, match="no open dispute"):
        history(
            reg,
            record(),
            event("dispute_filed", "2024-04-10"),
            event("dispute_resolved", "2024-05-01", outcome="upheld"),
            event("dispute_resolved", "2024-05-02", outcome="upheld"),
        )


def test_second_open_dispute_is_rejected():
    reg = registry()
    with pytest.raises(Rejected, match="still open"):
        history(
            reg,
            record(),
            event("dispute_filed", "2024-04-10"),
            event("dispute_filed", "2024-04-20"),
        )


def test_new_dispute_after_the_first_was_resolved_is_accepted():
    reg = registry()
    file = history(
        reg,
        record(),
        event("dispute_filed", "2024-04-10"),
        event("dispute_resolved", "2024-05-01", outcome="upheld"),
        event("dispute_filed", "2024-06-01"),
    )
    assert [c.disputed for c in score(reg, "2024-06-01", file).contributions] == [True]


@pytest.mark.parametrize("kind", ["dispute_filed", "fulfilled", "repaired", "annulled"])
def test_anything_after_annulment_is_rejected(kind):
    reg = registry()
    with pytest.raises(Rejected, match="nothing can follow annulment"):
        history(reg, record(), event("annulled", "2024-08-01"), event(kind, "2024-09-01"))


@pytest.mark.parametrize("kind", ["dispute_filed", "fulfilled", "repaired", "annulled"])
def test_event_dated_before_decided_on_is_rejected(kind):
    reg = registry()
    with pytest.raises(Rejected, match="before the record's decided_on 2024-03-05"):
        history(reg, record(), event(kind, "2024-03-04"))


def test_decision_dated_before_its_dispute_was_filed_is_rejected():
    reg = registry()
    with pytest.raises(Rejected, match="before the dispute was filed"):
        history(
            reg,
            record(),
            event("dispute_filed", "2024-04-10"),
            event("dispute_resolved", "2024-04-09", outcome="upheld"),
        )


# ------------------------------------------------------------------ the more favourable rule


def test_penalty_raised_by_a_later_version_keeps_the_points_of_the_act():
    rules = {**catalog_data()["rules"], "traffic.red_light": {**RED_LIGHT, "points": -8}}
    reg = registry(version(), later("2024-01-01", rules))
    old = history(reg, record(occurred_on="2023-12-01", decided_on="2023-12-05", id="old"))
    new = history(reg, record(occurred_on="2024-02-01", decided_on="2024-02-05", id="new"))
    assert [(c.record, c.points) for c in score(reg, "2024-03-01", old, new).contributions] == [
        ("new", -8),
        ("old", -5),
    ]


def test_penalty_lowered_by_a_later_version_counts_the_lower_points_from_that_version():
    drunk = {
        "category": "traffic",
        "points": -50,
        "valid_for": "P3Y",
        "notice": "P10D",
        "legal_basis": "x",
    }
    reg = registry(
        version(rules={"traffic.drunk_driving": drunk}),
        later("2024-01-01", {"traffic.drunk_driving": {**drunk, "points": -30}}),
    )
    file = history(reg, record("traffic.drunk_driving", "2023-06-01", "2023-06-05"))
    assert score(reg, "2023-12-31", file).score == 950
    assert score(reg, "2024-01-01", file).score == 970


def test_penalty_whose_rule_a_later_version_dropped_counts_zero():
    reg = registry(version(), later("2024-01-01", {"volunteer.service_day": VOLUNTEER}))
    file = history(reg, record(occurred_on="2023-11-01", decided_on="2023-11-05"))
    assert score(reg, "2023-12-31", file).score == 995
    assert score(reg, "2024-01-01", file).score == 1000


def test_reward_whose_rule_a_later_version_dropped_keeps_its_points():
    reg = registry(version(), later("2024-01-01", {"traffic.red_light": RED_LIGHT}))
    file = history(reg, record("volunteer.service_day", "2023-11-01", "2023-11-05"))
    assert score(reg, "2024-01-01", file).score == 1001


def test_reward_raised_by_a_later_version_counts_the_higher_points_from_that_version():
    rules = {**catalog_data()["rules"], "volunteer.service_day": {**VOLUNTEER, "points": 2}}
    reg = registry(version(), later("2024-01-01", rules))
    file = history(reg, record("volunteer.service_day", "2023-11-01", "2023-11-05"))
    assert (score(reg, "2023-12-31", file).score, score(reg, "2024-01-01", file).score) == (
        1001,
        1002,
    )


# ------------------------------------------------------------------ caps


def test_group_over_its_cap_adds_the_cap_and_marks_every_contribution_capped():
    reg = registry()
    result = score(reg, "2024-12-01", *volunteer_days(25, "2024-06-01"))
    assert result.score == 1020
    assert [c.capped for c in result.contributions] == [True] * 25


def test_group_whose_sum_equals_the_cap_exactly_is_not_marked_capped():
    reg = registry()
    result = score(reg, "2024-12-01", *volunteer_days(20, "2024-06-01"))
    assert result.score == 1020
    assert not any(c.capped for c in result.contributions)


def test_caps_apply_per_calendar_year_of_occurred_on():
    reg = registry()
    files = volunteer_days(15, "2023-12-20") + volunteer_days(15, "2024-01-10")
    result = score(reg, "2024-02-15", *files)
    assert result.score == 1030
    assert not any(c.capped for c in result.contributions)


def test_cap_is_the_one_in_the_version_in_force_on_the_day_asked():
    rules = {**catalog_data()["rules"], "volunteer.service_day": {**VOLUNTEER, "cap_per_year": 10}}
    reg = registry(version(), later("2024-09-01", rules))
    files = volunteer_days(15, "2024-06-01")
    assert (score(reg, "2024-08-31", *files).score, score(reg, "2024-09-01", *files).score) == (
        1015,
        1010,
    )


def test_cap_limits_a_penalty_sum_in_absolute_value():
    reg = registry(
        version(
            rules={
                "traffic.speeding": {
                    "category": "traffic",
                    "points": -10,
                    "cap_per_year": 15,
                    "valid_for": "P1Y",
                    "legal_basis": "x",
                }
            }
        )
    )
    files = [history(reg, record("traffic.speeding", "2024-02-01", "2024-02-01", id=f"s{i}")) for i in range(2)]
    result = score(reg, "2024-03-01", *files)
    assert result.score == 985
    assert [c.capped for c in result.contributions] == [True, True]


def test_caps_of_different_rules_do_not_mix():
    reg = registry()
    files = [*volunteer_days(15, "2024-06-01"), history(reg, record())]
    result = score(reg, "2024-06-02", *files)
    assert result.score == 1000 + 15 - 5
    assert not any(c.capped for c in result.contributions)


DONATION = {
    "category": "charity",
    "points": 5,
    "valid_for": "P2Y",
    "cap_per_year": 5,
    "legal_basis": "x",
}


def dropped_donation_rule(later_cap: int | None) -> tuple[CatalogRegistry, list[RecordFile]]:
    """A reward rule capped at 5 in 2022.1 and at ``later_cap`` in 2023.1 is dropped in
    2024.1; four 5-point records of 2023 straddle the two capped versions."""
    changed = (
        {**DONATION, "cap_per_year": later_cap}
        if later_cap is not None
        else {k: v for k, v in DONATION.items() if k != "cap_per_year"}
    )
    reg = registry(
        version(rules={"charity.donation": DONATION}),
        later("2023-06-01", {"charity.donation": changed}),
        later("2024-01-01", {"traffic.red_light": RED_LIGHT}),
    )
    files = [
        history(reg, record("charity.donation", day, day, id=f"d{i}"))
        for i, day in enumerate(["2023-02-01", "2023-03-01", "2023-07-01", "2023-08-01"])
    ]
    return reg, files


def test_group_of_a_dropped_rule_takes_the_most_favourable_cap_of_its_records():
    reg, files = dropped_donation_rule(later_cap=20)
    assert score(reg, "2024-03-01", *files).score == 1020


def test_group_of_a_dropped_rule_is_not_capped_when_any_of_its_records_had_no_cap():
    reg, files = dropped_donation_rule(later_cap=None)
    result = score(reg, "2024-03-01", *files)
    assert (result.score, [c.capped for c in result.contributions]) == (1020, [False] * 4)


def test_score_does_not_depend_on_the_order_of_record_files_when_a_rule_was_dropped():
    # On a day of 2024.1 no cap of the rule is in force; the answer must not depend on
    # which record file happens to come first.
    reg, files = dropped_donation_rule(later_cap=20)
    forward = score(reg, "2024-03-01", *files).score
    backward = score(reg, "2024-03-01", *reversed(files)).score
    assert forward == backward


# ------------------------------------------------------------------ score and grade


def test_subject_with_no_records_has_the_base_score_and_its_grade():
    result = score(registry(), "2024-06-01")
    assert (result.score, result.grade, result.contributions, result.lists) == (1000, "A", (), ())


def test_grade_is_the_band_of_the_score_on_the_day():
    reg = registry()
    file = history(reg, record("court.judgment_default", "2024-01-02", "2024-01-05"))
    assert (score(reg, "2024-01-14", file).grade, score(reg, "2024-01-15", file).grade) == (
        "A",
        "B",
    )


def test_score_counts_only_the_subjects_own_records():
    reg = registry()
    other = person("1980-01-01")
    mine, theirs = history(reg, record(id="mine")), history(reg, record(subject=other, id="theirs"))
    assert [c.record for c in score(reg, "2024-06-01", mine, theirs).contributions] == ["mine"]


def test_score_counts_only_records_under_the_catalog_asked():
    reg = registry(
        version(),
        version(id="volunteer-city", lists={}, measures=[], rules={"volunteer.service_day": VOLUNTEER}),
    )
    elsewhere = history(reg, record("volunteer.service_day", catalog="volunteer-city"))
    assert score(reg, "2024-06-01", elsewhere).score == 1000


def test_score_before_the_first_version_is_not_in_force():
    with pytest.raises(NotInForce):
        score(registry(), "2021-12-31")


def test_score_of_an_organisation_under_a_person_catalog_is_refused():
    with pytest.raises(NotInForce, match="scores persons"):
        score(registry(), "2024-06-01", subject=FIRM)


def test_base_is_the_one_of_the_version_in_force():
    reg = registry(version(), later("2024-01-01", base=900))
    assert (score(reg, "2023-12-31").score, score(reg, "2024-01-01").score) == (1000, 900)


# ------------------------------------------------------------------ list entries


def judgment(
    subject: SubjectRef = ZHANG, occurred_on: str = "2024-01-02", decided_on: str = "2024-01-05"
) -> RecordEvent:
    return record("court.judgment_default", occurred_on, decided_on, subject, id="judgment-1")


def test_list_entry_starts_when_the_record_starts_counting_and_lasts_the_lists_duration():
    reg = registry()
    result = score(reg, "2024-06-01", history(reg, judgment()))
    assert [(e.list, e.record, e.start, e.until) for e in result.lists] == [
        ("judgment-defaulters", "judgment-1", D("2024-01-15"), D("2026-01-15"))
    ]


def test_list_entry_is_in_effect_up_to_the_day_before_its_until():
    reg = registry()
    assert listed_days(reg, history(reg, judgment()), "2024-01-14", "2024-01-15", "2026-01-14", "2026-01-15") == [
        False,
        True,
        True,
        False,
    ]


def test_rules_list_duration_sets_the_length_of_its_entries():
    rules = {
        **catalog_data()["rules"],
        "court.judgment_default": {**JUDGMENT_DEFAULT, "list_duration": "P1Y"},
    }
    reg = registry(version(rules=rules))
    assert timeline(history(reg, judgment()), reg).placement.until == D("2025-01-15")


def test_list_entry_without_any_duration_stays_open():
    lists = {"judgment-defaulters": {"kind": "black", "removal": ["repair"]}}
    reg = registry(version(lists=lists))
    file = history(reg, judgment())
    assert timeline(file, reg).placement.until is None
    assert listed_days(reg, file, "2030-01-01") == [True]


def test_list_entry_of_a_suspended_record_starts_when_the_dispute_is_upheld():
    reg = registry()
    file = history(
        reg,
        judgment(),
        event("dispute_filed", "2024-01-10", "judgment-1"),
        event("dispute_resolved", "2024-02-01", "judgment-1", outcome="upheld"),
    )
    placement = timeline(file, reg).placement
    assert (placement.start, placement.until) == (D("2024-02-01"), D("2026-02-01"))


def test_person_under_18_on_occurred_on_is_not_listed_but_loses_the_points():
    reg = registry()
    minor = person("2008-05-01")
    file = history(reg, judgment(minor))
    result = score(reg, "2024-06-01", file, subject=minor)
    assert (result.score, result.lists) == (900, ())


def test_person_who_comes_of_age_between_the_act_and_the_decision_is_not_listed():
    reg = registry()
    minor_then = person("2006-01-03")
    file = history(reg, judgment(minor_then, "2024-01-02", "2024-01-05"))
    assert timeline(file, reg).placement is None


def test_person_who_turns_18_on_occurred_on_is_listed():
    reg = registry()
    adult = person("2006-01-02")
    file = history(reg, judgment(adult, "2024-01-02", "2024-01-05"))
    assert timeline(file, reg).placement is not None


# ------------------------------------------------------------------ checks and coverage


def test_listed_subject_is_denied_the_measures_action_with_its_reason():
    reg = registry()
    file = history(reg, judgment())
    decision = check(ZHANG, "air_travel.ticket", D("2024-06-01"), [file], reg, "CN-SD-RC")
    assert decision.decision == "deny"
    [reason] = decision.reasons
    assert (reason.catalog, reason.measure, reason.effect, reason.legal_basis) == (
        CATALOG,
        "measures[0]",
        "deny",
        "SPC Provisions on Restricting High Consumption, art. 3",
    )
    assert reason.trigger == {
        "list": "judgment-defaulters",
        "record": "judgment-1",
        "from": "2024-01-15",
        "until": "2026-01-15",
    }


def test_measure_covers_actions_below_its_own():
    reg = registry()
    file = history(reg, judgment())
    assert check(ZHANG, "air_travel.ticket.business", D("2024-06-01"), [file], reg, "CN-SD-RC").decision == "deny"


def test_measure_does_not_cover_an_action_that_merely_starts_with_the_same_letters():
    reg = registry()
    file = history(reg, judgment())
    assert check(ZHANG, "air_travel.tickets", D("2024-06-01"), [file], reg, "CN-SD-RC").decision == "allow"


def test_subject_no_longer_listed_is_allowed():
    reg = registry()
    file = history(reg, judgment(), event("fulfilled", "2024-05-01", "judgment-1"))
    assert check(ZHANG, "air_travel.ticket", D("2024-06-01"), [file], reg, "CN-SD-RC").decision == "allow"


def test_check_with_no_applicable_measure_allows_without_reasons():
    decision = check(ZHANG, "rail.high_speed.ticket", D("2024-06-01"), [], registry(), "CN-SD-RC")
    assert (decision.decision, decision.reasons, decision.benefits) == ("allow", (), ())


def test_grade_measure_lists_its_benefit_with_grade_and_score_as_trigger():
    reg = registry(version(base=1060))
    decision = check(ZHANG, "utility.heating", D("2024-06-01"), [], reg, "CN-SD-RC")
    assert (decision.decision, decision.benefits) == ("allow", ("heating discount",))
    assert [r.trigger for r in decision.reasons] == [{"grade": "AAA", "score": 1060}]


def test_grade_measure_falls_on_a_subject_inside_the_catalogs_jurisdiction():
    reg = registry(version(base=1060))
    assert check(ZHANG, "utility.heating", D("2024-06-01"), [], reg, "CN-SD-RC-01").benefits == ("heating discount",)


@pytest.mark.parametrize("jurisdiction", ["CN-BJ", "CN-SD", "CN-SD-RCX", None])
def test_grade_measure_does_not_fall_on_a_subject_the_catalog_does_not_cover(jurisdiction):
    reg = registry(version(base=1060))
    assert check(ZHANG, "utility.heating", D("2024-06-01"), [], reg, jurisdiction).reasons == ()


def test_list_measure_falls_on_a_listed_subject_outside_the_catalogs_jurisdiction():
    reg = registry()
    file = history(reg, judgment())
    assert check(ZHANG, "air_travel.ticket", D("2024-06-01"), [file], reg, "CN-BJ").decision == "deny"


def test_measure_of_one_catalog_may_name_a_list_another_catalog_defines():
    aviation = Catalog.model_validate(
        {
            "id": "civil-aviation",
            "jurisdiction": "CN",
            "subject_kind": "person",
            "version": "2018.1",
            "effective_from": "2018-05-01",
            "base": 0,
            "grades": [{"name": "all"}],
            "measures": [
                {
                    "when": {"list": "judgment-defaulters"},
                    "action": "rail.high_speed",
                    "effect": "deny",
                    "legal_basis": "x",
                }
            ],
        }
    )
    reg = registry(version(), aviation)
    file = history(reg, judgment())
    decision = check(ZHANG, "rail.high_speed.ticket", D("2024-06-01"), [file], reg, "CN-BJ")
    assert [(r.catalog, r.effect) for r in decision.reasons] == [("civil-aviation", "deny")]


def test_deny_beats_review_when_both_apply():
    measures = catalog_data()["measures"] + [
        {
            "when": {"grades": ["B", "C", "D"]},
            "action": "air_travel",
            "effect": "review",
            "legal_basis": "x",
        }
    ]
    reg = registry(version(measures=measures))
    file = history(reg, judgment())
    decision = check(ZHANG, "air_travel.ticket", D("2024-06-01"), [file], reg, "CN-SD-RC")
    assert decision.decision == "deny"
    assert decision.effects == ["deny", "review"]


def test_review_beats_allow_when_both_apply():
    measures = [
        {"when": {"grades": ["B"]}, "action": "loan", "effect": "review", "legal_basis": "x"},
        {"when": {"grades": ["B"]}, "action": "loan.apply", "effect": "allow", "legal_basis": "x"},
    ]
    reg = registry(version(measures=measures))
    file = history(reg, judgment())
    assert check(ZHANG, "loan.apply", D("2024-06-01"), [file], reg, "CN-SD-RC").decision == "review"
