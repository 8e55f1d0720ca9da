"""`scorecard fit` (xinyong.batch.scorecards.fit_scorecard) on generated data: a file
that loads, monotonic in every feature's better direction, fully translated, scores in
range, a held-out AUC above a floor, the same file from the same seed, and refusals that
name the column."""

from __future__ import annotations

import pyarrow as pa
import pytest

from xinyong.batch.scorecards import FitOptions, ScorecardDataError, discrimination, fit_scorecard
from xinyong.domain.optin import score
from xinyong.domain.scorecard import VOCABULARY, parse_scorecard
from xinyong.synthetic.training import GROUP_COLUMNS, OUTCOME

pytestmark = [pytest.mark.unit, pytest.mark.backend_independent]

# A score that ranks by chance has AUC 0.5; the hand-written sample scorecard reaches
# about 0.85 on this population, and the fit 0.81 on its ~1,000 held-out rows (~140 of
# them missed a payment), where the AUC's standard error is about 0.02. 0.75 is three
# of those below what was measured: a fit that lost the payment history's signal (a
# feature reversed or left out) falls under it, the noise of a new seed does not.
HELD_OUT_AUC_FLOOR = 0.75


def test_the_fitted_file_loads_and_is_monotonic_in_each_better_direction(fitted):
    card = parse_scorecard(fitted.text, "fitted.toml")
    assert card == fitted.scorecard
    assert {f.name for f in card.features} <= set(VOCABULARY)
    assert len(card.features) >= 3
    for feature in card.features:
        assert feature.monotone_problem() is None, feature
        assert feature.bins[0].missing
        assert all(isinstance(b.points, int) for b in feature.bins)
        assert feature.bins[-1].below is None and not feature.bins[-1].missing
    # The features that carry the payment history are there.
    assert {"on_time_share_24m", "late_count_12m"} <= {f.name for f in card.features}


def test_the_fitted_file_is_fully_translated(fitted):
    card = fitted.scorecard
    assert card.languages == ("en", "zh-CN")
    assert card.missing_translations() == {}
    assert card.text("features.on_time_share_24m.reason", "zh-CN") == "近两年有账单逾期缴纳"


def test_every_score_lies_in_the_range_and_bands_are_in_order(fitted, table):
    card = fitted.scorecard
    low, high = card.range
    assert low <= card.base <= high
    assert low <= card.base + sum(min(b.points for b in f.bins) for f in card.features)
    assert card.base + sum(max(b.points for b in f.bins) for f in card.features) <= high
    mins = [b.min for b in card.bands if b.min is not None]
    assert mins == sorted(mins, reverse=True) and all(low < m < high for m in mins)


def test_the_held_out_auc_is_above_the_floor(fitted):
    print(f"held-out AUC {fitted.test.auc:.4f} (fitted rows {fitted.train.auc:.4f})")
    assert fitted.test.auc >= HELD_OUT_AUC_FLOOR
    assert fitted.test.rows + fitted.train.rows == fitted.rows
    assert fitted.test.gini == pytest.approx(2 * fitted.test.auc - 1)


def test_the_fitted_scorecard_ranks_those_who_missed_a_payment_lower(fitted, table):
    rows = table.to_pylist()
    scores = [score(fitted.scorecard, row, fitted.scorecard.effective_from).score for row in rows]
    found = discrimination([r[OUTCOME] for r in rows], scores)
    assert found.auc > HELD_OUT_AUC_FLOOR
    missed = [s for s, r in zip(scores, rows, strict=True) if r[OUTCOME]]
    paid = [s for s, r in zip(scores, rows, strict=True) if not r[OUTCOME]]
    assert sum(missed) / len(missed) < sum(paid) / len(paid) - 30


def test_the_same_table_and_seed_give_the_same_file(fitted, table):
    again = fit_scorecard(table, FitOptions(target=OUTCOME, ignore=GROUP_COLUMNS), source="sample.parquet")
    assert again.text == fitted.text


def test_a_column_outside_the_vocabulary_is_refused_by_name(table):
    with_purchases = table.append_column("purchases_12m", pa.array([1.0] * table.num_rows))
    with pytest.raises(ScorecardDataError) as refused:
        fit_scorecard(with_purchases, FitOptions(target=OUTCOME, ignore=GROUP_COLUMNS))
    message = str(refused.value)
    assert "'purchases_12m'" in message and "purchases" in message and "--ignore" in message


def test_a_group_column_not_ignored_is_refused(table):
    with pytest.raises(ScorecardDataError, match="column 'sex' is not a feature"):
        fit_scorecard(table, FitOptions(target=OUTCOME, ignore=("age_band",)))


def test_a_target_that_is_not_zero_or_one_is_refused(table):
    counts = table.append_column("count_target", pa.array([2] * table.num_rows))
    with pytest.raises(ScorecardDataError, match="--target 'count_target': an outcome is 0 or 1, got \\[2\\]"):
        fit_scorecard(counts, FitOptions(target="count_target", ignore=(*GROUP_COLUMNS, OUTCOME)))
    with pytest.raises(ScorecardDataError, match="--target 'nothing' is not a column"):
        fit_scorecard(table, FitOptions(target="nothing", ignore=GROUP_COLUMNS))


def test_bands_may_be_given_as_scores_and_are_checked(table):
    given = FitOptions(
        target=OUTCOME, ignore=GROUP_COLUMNS, bands=(("excellent", "700"), ("good", "650"), ("poor", None))
    )
    card = fit_scorecard(table, given).scorecard
    assert [(b.name, b.min) for b in card.bands] == [("excellent", 700), ("good", 650), ("poor", None)]
    upside_down = FitOptions(target=OUTCOME, ignore=GROUP_COLUMNS, bands=(("good", "600"), ("excellent", "700")))
    with pytest.raises(ScorecardDataError, match="--bands: the floors must fall"):
        fit_scorecard(table, upside_down)
