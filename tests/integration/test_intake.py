"""Intake against a real SQLite database: all or nothing, idempotent, clear errors."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from tests.conftest import scenario_files
from xinyong.adapters.storage.tables import ledger
from xinyong.services import intake
from xinyong.services.intake import ImportRefused

pytestmark = pytest.mark.integration

PERSON = "rid:11010519491231002X"


def lines(*events: dict) -> list[str]:
    return [json.dumps(e) + "\n" for e in events]


def record(
    rid="tp-1", subject=PERSON, rule="city-personal/traffic.red_light", occurred="2024-03-01", decided="2024-03-05"
):
    return {
        "type": "record",
        "id": rid,
        "subject": subject,
        "rule": rule,
        "occurred_on": occurred,
        "decided_on": decided,
        "source": "traffic-police",
        "reference": "RC-TP-2024-17",
    }


@pytest.fixture
def loaded(deployment):
    deployment.catalogs.load(scenario_files("basic")["catalogs"])
    return deployment


def ledger_rows(deployment) -> int:
    with deployment.store.reading() as c:
        return c.execute(select(func.count()).select_from(ledger)).scalar_one()


def test_a_bad_check_digit_refuses_the_whole_file_naming_its_line(loaded):
    good = record()
    bad = record("tp-2", subject="rid:110105194912310021")
    with pytest.raises(ImportRefused) as refused:
        loaded.intake.import_lines(lines({"type": "subject", "subject": PERSON, "jurisdiction": "CN-SD-RC"}, good, bad))
    assert refused.value.rejections[0].line == 3
    assert "check character" in refused.value.rejections[0].reason
    assert "line 3" in str(refused.value)
    assert ledger_rows(loaded) == 0


def test_skip_invalid_writes_the_good_lines_and_returns_the_bad(loaded):
    result = loaded.intake.import_lines(
        lines(record(), record("tp-2", subject="rid:110105194912310021"), record("tp-3", occurred="2024-03-02")),
        skip_invalid=True,
    )
    assert result.written == 2
    assert [r.line for r in result.rejected] == [2]
    assert ledger_rows(loaded) == 2


def test_reimporting_the_same_lines_is_a_no_op(loaded):
    batch = lines(record(), {"type": "dispute_filed", "record": "tp-1", "on": "2024-03-10"})
    assert loaded.intake.import_lines(batch).written == 2
    again = loaded.intake.import_lines(batch)
    assert (again.written, again.unchanged) == (0, 2)
    assert ledger_rows(loaded) == 2


def test_the_same_record_id_with_different_content_is_refused(loaded):
    loaded.intake.import_lines(lines(record()))
    with pytest.raises(ImportRefused) as refused:
        loaded.intake.import_lines(lines(record(decided="2024-03-06")))
    assert "already exists with different content" in refused.value.rejections[0].reason


def test_an_event_id_met_again_in_a_later_batch_of_the_file_is_found_in_the_ledger(loaded, monkeypatch):
    # Intake forgets a batch's event ids once the batch is in the ledger (memory stays
    # bounded): a later batch of the same file finds them there, in the same unit.
    monkeypatch.setattr(intake, "BATCH", 2)
    filed = {"type": "dispute_filed", "id": "d-1", "record": "tp-1", "on": "2024-03-10"}
    padding = [record(f"tp-{n}") for n in range(2, 6)]
    # The same event again, batches later: applied once.
    result = loaded.intake.import_lines(lines(record(), filed, *padding, filed))
    assert (result.written, result.unchanged) == (6, 1)
    # Another event under that id, batches later: the file is refused, and nothing written.
    taken = {"type": "fulfilled", "id": "e-1", "record": "tp-7", "on": "2024-04-01"}
    other = {**taken, "on": "2024-04-02"}
    with pytest.raises(ImportRefused) as refused:
        loaded.intake.import_lines(lines(record("tp-7"), taken, *[record(f"tp-{n}") for n in range(8, 12)], other))
    assert refused.value.rejections[0].line == 7
    assert "already taken by another event" in refused.value.rejections[0].reason
    assert ledger_rows(loaded) == 6


def test_a_repair_before_repairable_after_is_refused_with_the_first_possible_day(loaded):
    loaded.intake.import_lines(lines(record()))
    # decided 2024-03-05 + notice P15D = effective 2024-03-20; + P3M = 2024-06-20
    with pytest.raises(ImportRefused) as refused:
        loaded.intake.import_lines(lines({"type": "repaired", "record": "tp-1", "on": "2024-06-19"}))
    assert "possible from 2024-06-20" in refused.value.rejections[0].reason
    assert loaded.intake.import_lines(lines({"type": "repaired", "record": "tp-1", "on": "2024-06-20"})).written == 1


def test_a_repair_the_rule_does_not_allow_is_refused(loaded):
    loaded.intake.import_lines(lines(record(rule="city-personal/traffic.drunk_driving")))
    with pytest.raises(ImportRefused) as refused:
        loaded.intake.import_lines(lines({"type": "repaired", "record": "tp-1", "on": "2025-06-19"}))
    assert "does not allow credit repair" in refused.value.rejections[0].reason


def test_a_record_under_a_rule_not_yet_in_force_is_refused(loaded):
    with pytest.raises(ImportRefused) as refused:
        loaded.intake.import_lines(
            lines(
                record(
                    rule="market-enterprise/product.quality_fine",
                    subject="uscc:91350100M000100Y43",
                    occurred="2022-06-01",
                )
            )
        )
    assert "no version of catalog 'market-enterprise' was in force" in refused.value.rejections[0].reason


def test_a_record_for_the_wrong_kind_of_subject_is_refused(loaded):
    with pytest.raises(ImportRefused) as refused:
        loaded.intake.import_lines(lines(record(subject="uscc:91350100M000100Y43")))
    assert "is a organisation but catalog 'city-personal' is for persons" in refused.value.rejections[0].reason


def test_events_on_unknown_records_are_refused(loaded):
    with pytest.raises(ImportRefused) as refused:
        loaded.intake.import_lines(lines({"type": "fulfilled", "record": "nope", "on": "2024-06-19"}))
    assert "unknown record 'nope'" in refused.value.rejections[0].reason


def test_an_event_later_in_the_same_file_sees_the_records_before_it(loaded):
    result = loaded.intake.import_lines(
        lines(
            record(),
            {"type": "dispute_filed", "record": "tp-1", "on": "2024-03-10"},
            {"type": "dispute_resolved", "record": "tp-1", "on": "2024-04-01", "outcome": "upheld"},
        )
    )
    assert result.written == 3


@pytest.mark.parametrize(
    "line, named",
    [
        ("{not json", "not valid JSON"),
        ('{"type": "recrd"}', "type: 'recrd' is not an event type"),
        (json.dumps({**record(), "occurred_on": "2024-13-01"}), "occurred_on"),
        (json.dumps({**record(), "colour": "red"}), "colour: unknown field"),
        (json.dumps({k: v for k, v in record().items() if k != "source"}), "source: Field required"),
        (json.dumps({"type": "dispute_resolved", "record": "tp-1", "on": "2024-04-01", "outcome": "maybe"}), "outcome"),
    ],
)
def test_malformed_lines_are_refused_naming_the_field(loaded, line, named):
    with pytest.raises(ImportRefused) as refused:
        loaded.intake.import_lines([line])
    assert named in refused.value.rejections[0].reason


def test_a_subject_event_repeated_is_a_no_op_but_a_move_back_is_kept(loaded):
    here = {"type": "subject", "subject": PERSON, "jurisdiction": "CN-SD-RC"}
    there = {**here, "jurisdiction": "CN-BJ"}
    assert loaded.intake.import_lines(lines(here, here, there, here)).written == 3
    with loaded.store.reading() as c:
        assert (
            loaded.store.subject_facts(
                c, __import__("xinyong.domain.identifiers").domain.identifiers.SubjectRef.parse(PERSON)
            ).jurisdiction
            == "CN-SD-RC"
        )


def test_a_catalog_version_that_would_judge_recorded_acts_retroactively_is_refused(deployment, tmp_path):
    from xinyong.services.catalogs import CatalogLoadError

    v1, v2 = [p for p in scenario_files("basic")["catalogs"] if "person" in p.name]
    deployment.catalogs.load([v1])
    deployment.intake.import_lines(lines(record(occurred="2024-03-01")))
    with pytest.raises(CatalogLoadError, match="no retroactive penalties"):
        deployment.catalogs.load([v2])  # takes effect 2024-01-01, before the recorded act
    assert [c.version for c in deployment.catalogs.registry().versions("city-personal")] == ["2022.1"]
    later = tmp_path / "v3.toml"
    later.write_text(v2.read_text().replace('effective_from = "2024-01-01"', 'effective_from = "2024-03-02"'))
    deployment.catalogs.load([later])
    assert len(deployment.catalogs.registry().versions("city-personal")) == 2
