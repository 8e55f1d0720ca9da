"""The training table (xinyong.synthetic.training): the features of the pure module on
the snapshot day, the outcome after it, groups for the audit, and no identity."""

from __future__ import annotations

import datetime as dt

import pytest

from xinyong.domain.optin import ConsentEvent, Obligation, features
from xinyong.domain.scorecard import VOCABULARY
from xinyong.synthetic.obligations import Bill, PayerRecord
from xinyong.synthetic.training import GROUP_COLUMNS, OUTCOME, missed, sample_row

pytestmark = [pytest.mark.unit, pytest.mark.backend_independent]

AS_OF = dt.date(2025, 1, 1)
# Born 1990-05-17, a woman (17th digit 2, even).
SUBJECT = "rid:110105199005171225"


def _record(bills: list[Obligation], consents: list[ConsentEvent] | None = None) -> PayerRecord:
    consents = consents or [ConsentEvent("c1", "given", dt.date(2023, 1, 1), ("water-co",), ("lending",))]
    return PayerRecord(
        SUBJECT,
        tuple(consents),
        tuple(Bill(o, dt.date(2023, 1, 2), 50.0) for o in bills),
        "prompt",
    )


def _bill(name: str, due: str, paid: str | None, source: str = "water-co") -> Obligation:
    return Obligation(name, source, dt.date.fromisoformat(due), dt.date.fromisoformat(paid) if paid else None)


def test_a_row_holds_the_features_on_the_day_the_outcome_and_the_groups():
    bills = [
        _bill("a", "2023-03-10", "2023-03-01"),  # on time
        _bill("b", "2024-06-10", "2024-06-20"),  # late, within 12 months
        _bill("c", "2024-12-10", None),  # open and overdue on the day
        _bill("d", "2024-11-10", "2024-11-01", source="city-bank"),  # not consented: not read
        _bill("e", "2025-03-10", "2025-05-20"),  # in the horizon, paid 71 days late
    ]
    row = sample_row(_record(bills), AS_OF)
    assert row is not None
    assert row == {
        "on_time_share_24m": 1 / 3,
        "late_count_12m": 2,
        "open_overdue": 1,
        "history_months": 21,
        "obligations_24m": 3,
        OUTCOME: 1,
        "sex": "female",
        "age_band": "30-44",
    }
    consented = [b for b in bills if b.source == "water-co"]
    assert {k: row[k] for k in VOCABULARY} == features(consented, AS_OF)


@pytest.mark.parametrize(
    ("paid", "outcome"),
    [("2025-03-10", 0), ("2025-05-09", 0), ("2025-05-10", 1), (None, 1)],
    ids=["on-time", "60-days-late", "61-days-late", "never"],
)
def test_the_outcome_is_a_bill_in_the_horizon_unpaid_more_than_60_days(paid, outcome):
    # Due 2025-03-10: 60 days later is 2025-05-09.
    assert missed([_bill("x", "2025-03-10", paid)], AS_OF) == outcome


def test_bills_outside_the_horizon_do_not_make_the_outcome():
    before = _bill("x", "2024-12-31", None)
    after = _bill("y", "2026-01-01", None)
    assert missed([before, after], AS_OF) == 0


def test_no_row_without_a_bill_in_the_horizon_without_consent_or_after_a_withdrawal():
    only_before = [_bill("a", "2024-03-10", "2024-03-01")]
    assert sample_row(_record(only_before), AS_OF) is None
    in_horizon = [_bill("a", "2025-03-10", "2025-03-01")]
    late_consent = [ConsentEvent("c1", "given", dt.date(2025, 2, 1), ("water-co",), ("lending",))]
    assert sample_row(_record(in_horizon, late_consent), AS_OF) is None
    withdrawn = [
        ConsentEvent("c1", "given", dt.date(2023, 1, 1), ("water-co",), ("lending",)),
        ConsentEvent("c2", "withdrawn", dt.date(2025, 6, 1)),
    ]
    assert sample_row(_record(in_horizon, withdrawn), AS_OF) is None


def test_the_table_has_the_vocabulary_the_outcome_and_the_groups_and_no_identity(table):
    assert table.column_names == [*VOCABULARY, OUTCOME, *GROUP_COLUMNS]
    assert table.num_rows > 2000
    for column in table.column_names:
        assert not any(isinstance(v, str) and "rid:" in v for v in table.column(column).to_pylist())
    outcomes = table.column(OUTCOME).to_pylist()
    assert 0.05 < sum(outcomes) / len(outcomes) < 0.30
    assert set(table.column("sex").to_pylist()) == {"female", "male"}
