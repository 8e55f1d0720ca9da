"""Every event has an identity (docs/design.md section 6, "Trust at the edges"): re-importing
a file is a no-op, a repeat made on purpose is a new event, an id taken by other content
is refused, nothing is dated after the day it is filed, and one record can never freeze
its catalog."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from tests.conftest import scenario_files
from xinyong.adapters.storage.tables import ledger
from xinyong.domain.events import parse_event
from xinyong.services.intake import ImportRefused

pytestmark = pytest.mark.integration

PERSON = "rid:11010519491231002X"
# Somebody else's identity number, typed into a dispute's grounds.
NEIGHBOUR_NUMBER = "11010519491231002X"


def lines(*events: dict) -> list[str]:
    return [json.dumps(e) + "\n" for e in events]


def record(rid="tp-1", occurred="2024-03-01", decided="2024-03-05") -> dict:
    return {
        "type": "record",
        "id": rid,
        "subject": PERSON,
        "rule": "city-personal/traffic.red_light",
        "occurred_on": occurred,
        "decided_on": decided,
        "source": "traffic-police",
    }


def filed(on="2024-03-10", grounds="not me", **extra) -> dict:
    return {"type": "dispute_filed", "record": "tp-1", "on": on, "grounds": grounds, **extra}


def resolved(on="2024-03-20", outcome="upheld", reasons="the photo shows the car", **extra) -> dict:
    return {"type": "dispute_resolved", "record": "tp-1", "on": on, "outcome": outcome, "reasons": reasons, **extra}


@pytest.fixture
def loaded(deployment):
    deployment.catalogs.load(scenario_files("basic")["catalogs"])
    return deployment


def stored(deployment, kind: str | None = None) -> list:
    with deployment.store.reading() as c:
        query = select(ledger).order_by(ledger.c.seq)
        if kind is not None:
            query = query.where(ledger.c.kind == kind)
        return deployment.store._decode_all(c, c.execute(query))


def test_a_repeat_on_purpose_is_a_new_event_and_reimporting_the_file_is_a_no_op(loaded):
    # The same grounds again once the first dispute was decided, and a decision with the
    # same outcome and reasons as the first: four events, all filed.
    batch = lines(record(), filed(), resolved(), filed(), resolved())

    first = loaded.intake.import_lines(batch)
    again = loaded.intake.import_lines(batch)

    assert first.written == 5
    assert (again.written, again.unchanged) == (0, 5)
    assert len(stored(loaded, "dispute_filed")) == 2 and len(stored(loaded, "dispute_resolved")) == 2
    ids = [e.id for e in stored(loaded) if e.type != "record"]
    assert None not in ids and len(set(ids)) == 4


def test_a_repeat_in_a_later_batch_with_an_id_of_its_own_is_filed(loaded):
    loaded.intake.import_lines(lines(record(), filed(id="d-1"), resolved(id="r-1")))

    result = loaded.intake.import_lines(lines(filed(id="d-2"), resolved(id="r-2")))

    assert result.written == 2
    assert [e.id for e in stored(loaded, "dispute_resolved")] == ["r-1", "r-2"]


def test_the_same_id_and_content_is_a_replay(loaded):
    loaded.intake.import_lines(lines(record(), filed(id="d-1")))

    replay = loaded.intake.submit([filed(id="d-1")], submitted_by="traffic-police")

    assert (replay.written, replay.unchanged) == (0, 1)
    assert [(e.id, e.outcome) for e in replay.events] == [("d-1", "replayed")]
    assert len(stored(loaded, "dispute_filed")) == 1


@pytest.mark.parametrize(
    "other",
    [
        filed(id="d-1", grounds="another reason"),
        filed(id="d-1", on="2024-03-11"),
        resolved(id="d-1"),
    ],
)
def test_the_same_id_with_other_content_is_refused_naming_the_line(loaded, other):
    loaded.intake.import_lines(lines(record(), filed(id="d-1")))

    with pytest.raises(ImportRefused) as refused:
        loaded.intake.import_lines(lines(record("tp-2"), other))

    rejection = refused.value.rejections[0]
    assert rejection.line == 2 and rejection.conflict
    assert "'d-1'" in rejection.reason and "line 2" in str(refused.value)
    assert [e.id for e in stored(loaded, "record")] == ["tp-1"]  # nothing of the file


def test_an_event_that_does_not_fit_is_refused_with_the_reason_not_dropped(loaded):
    loaded.intake.import_lines(lines(record(), filed(id="d-1")))

    with pytest.raises(ImportRefused, match="still open"):
        loaded.intake.import_lines(lines(filed(id="d-2")))  # a second open dispute
    with pytest.raises(ImportRefused, match="no open dispute"):
        loaded.intake.import_lines(lines(resolved(id="r-1"), resolved(id="r-2", on="2024-03-21")))


@pytest.mark.parametrize(
    "event, field",
    [
        (record(occurred="2999-01-01", decided="2999-01-02"), "occurred_on 2999-01-01"),
        (record(occurred="2026-01-01", decided="2026-06-02"), "decided_on 2026-06-02"),
        (filed(on="2026-06-02"), "on 2026-06-02"),
    ],
)
def test_an_event_dated_after_today_is_refused(loaded, event, field):
    loaded.intake.clock = lambda: dt.date(2026, 6, 1)
    first = [record()] if event["type"] != "record" else []

    with pytest.raises(ImportRefused) as refused:
        loaded.intake.import_lines(lines(*first, event))

    assert field in str(refused.value) and "after today (2026-06-01)" in str(refused.value)
    assert stored(loaded) == []


def test_an_event_dated_today_is_accepted(loaded):
    loaded.intake.clock = lambda: dt.date(2024, 3, 10)
    assert loaded.intake.import_lines(lines(record(), filed(on="2024-03-10"))).written == 2


def test_an_annulled_record_does_not_freeze_its_catalog(deployment):
    v1, v2 = [p for p in scenario_files("basic")["catalogs"] if "person" in p.name]
    deployment.catalogs.load([v1])
    deployment.intake.import_lines(
        lines(record(occurred="2024-03-01"), {"type": "annulled", "record": "tp-1", "on": "2024-04-01"})
    )

    deployment.catalogs.load([v2])  # takes effect 2024-01-01: no act that stands is judged anew

    assert [c.version for c in deployment.catalogs.registry().versions("city-personal")] == ["2022.1", "2024.1"]


def test_a_record_annulled_by_its_dispute_does_not_freeze_its_catalog(deployment):
    v1, v2 = [p for p in scenario_files("basic")["catalogs"] if "person" in p.name]
    deployment.catalogs.load([v1])
    deployment.intake.import_lines(lines(record(occurred="2024-03-01"), filed(), resolved(outcome="annulled")))

    deployment.catalogs.load([v2])

    assert len(deployment.catalogs.registry().versions("city-personal")) == 2


def test_a_record_dated_in_the_future_from_before_the_rule_does_not_freeze_its_catalog(deployment, tmp_path):
    v1, v2 = [p for p in scenario_files("basic")["catalogs"] if "person" in p.name]
    deployment.catalogs.load([v1])
    # A database written before future dates were refused: a record of 2999.
    deployment.intake.clock = lambda: dt.date(3000, 1, 1)
    deployment.intake.import_lines(lines(record(occurred="2999-01-01", decided="2999-01-02")))
    deployment.intake.clock = dt.date.today

    later = tmp_path / "v3.toml"
    later.write_text(v2.read_text().replace('effective_from = "2024-01-01"', 'effective_from = "2025-01-01"'))
    deployment.catalogs.load([later])

    assert len(deployment.catalogs.registry().versions("city-personal")) == 2


def test_identity_numbers_in_grounds_are_stored_masked(loaded):
    grounds = f"the car was my neighbour's, ID {NEIGHBOUR_NUMBER}"
    loaded.intake.import_lines(lines(record(), filed(grounds=grounds)))

    (dispute,) = stored(loaded, "dispute_filed")
    assert NEIGHBOUR_NUMBER not in dispute.grounds
    assert dispute.grounds.endswith("ID **************002X")
    # A replay of the same line compares equal to what was stored.
    assert loaded.intake.import_lines(lines(record(), filed(grounds=grounds))).written == 0


def test_free_text_of_every_later_event_is_masked_when_the_event_is_made():
    event = parse_event(
        resolved(reasons=f"see {NEIGHBOUR_NUMBER}", note=f"{NEIGHBOUR_NUMBER[:6]} {NEIGHBOUR_NUMBER[6:]}")
    )
    assert NEIGHBOUR_NUMBER not in event.reasons and "002X" in event.reasons
    assert NEIGHBOUR_NUMBER[6:] not in event.note
