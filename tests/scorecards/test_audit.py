"""`scorecard audit` (xinyong.batch.scorecards.audit_scorecard and its HTML report):
AUC and KS equal to an independent computation, fairlearn's figures equal to a hand
computation on a tiny table, calibration by band, and a report that shows them."""

from __future__ import annotations

import datetime as dt
import re

import pyarrow as pa
import pytest
from scipy.stats import ks_2samp
from sklearn.metrics import roc_auc_score

from xinyong.batch.scorecard_report import render_report
from xinyong.batch.scorecards import ScorecardDataError, audit_scorecard
from xinyong.domain.optin import score
from xinyong.domain.scorecard import parse_scorecard
from xinyong.synthetic.training import OUTCOME

pytestmark = [pytest.mark.unit, pytest.mark.backend_independent]

TINY_CARD = """
kind = "scorecard"
id = "tiny"
version = "1"
effective_from = "2026-01-01"
subject_kind = "person"
range = [350, 950]
base = 600
sources = ["water-co"]
purposes = ["lending"]
languages = ["en", "zh-CN"]
bands = [ { name = "good", min = 600 }, { name = "poor" } ]

[[features]]
name = "open_overdue"
reason = "Bills past their due day and still unpaid"
bins = [ { below = 1, points = 50 }, { points = -50 } ]

[translations.zh-CN]
"features.open_overdue.reason" = "有已过缴费日仍未缴清的账单"
"bands.good" = "良好"
"bands.poor" = "较差"
"""

# (group, open bills, missed a payment): no open bill scores 650 (good, approved),
# any open bill 550 (poor).
TINY_ROWS = [
    ("a", 0, 0),
    ("a", 0, 0),
    ("a", 0, 1),
    ("a", 2, 1),
    ("b", 0, 0),
    ("b", 0, 1),
    ("b", 1, 0),
    ("b", 1, 1),
    ("b", 3, 1),
    ("b", 0, 0),
]


@pytest.fixture(scope="module")
def tiny():
    card = parse_scorecard(TINY_CARD, "tiny.toml")
    table = pa.table(
        {
            "group": [g for g, _, _ in TINY_ROWS],
            "open_overdue": [n for _, n, _ in TINY_ROWS],
            "missed": [m for _, _, m in TINY_ROWS],
        }
    )
    return audit_scorecard(table, card, group="group", target="missed", data="tiny.parquet", made=dt.date(2026, 1, 5))


def test_approval_rates_and_demographic_parity_by_hand(tiny):
    # a: 3 of 4 approved; b: 3 of 6.
    assert [(g.group, g.rows, g.approved) for g in tiny.groups] == [("a", 4, 3), ("b", 6, 3)]
    assert tiny.demographic_parity_ratio == pytest.approx(0.5 / 0.75)
    assert tiny.demographic_parity_difference == pytest.approx(0.25)


def test_equalised_odds_by_hand(tiny):
    # Good payers approved: a 2 of 2, b 2 of 3; those who missed approved: a 1 of 2, b 1 of 3.
    assert [(g.tpr, g.fpr) for g in tiny.groups] == [(1.0, 0.5), (pytest.approx(2 / 3), pytest.approx(1 / 3))]
    assert tiny.equalized_odds_difference == pytest.approx(max(1 - 2 / 3, 0.5 - 1 / 3))
    assert tiny.equalized_odds_ratio == pytest.approx(min((2 / 3) / 1, (1 / 3) / 0.5))


def test_discrimination_and_calibration_by_hand(tiny):
    # Of 25 pairs (5 who paid, 5 who missed): 12 ranked right, 11 tied -> (12 + 11/2) / 25.
    assert tiny.discrimination.auc == pytest.approx(0.7)
    # Below 600: 3 of the 5 who missed, 1 of the 5 who paid.
    assert tiny.discrimination.ks == pytest.approx(0.4)
    assert tiny.discrimination.gini == pytest.approx(0.4)
    assert [(b.band, b.rows, b.events) for b in tiny.bands] == [("good", 6, 2), ("poor", 4, 3)]
    assert tiny.calibration_monotone is True


def test_bands_out_of_order_are_reported():
    card = parse_scorecard(TINY_CARD, "tiny.toml")
    # The approved band misses more often than the other.
    table = pa.table({"g": ["a", "b", "a", "b"], "open_overdue": [0, 0, 1, 1], "missed": [1, 1, 0, 1]})
    report = audit_scorecard(table, card, group="g", target="missed")
    assert report.calibration_monotone is False


def test_auc_and_ks_equal_an_independent_computation(fitted, table):
    report = audit_scorecard(table, fitted.scorecard, group="sex", target=OUTCOME)
    rows = table.to_pylist()
    scores = [score(fitted.scorecard, row, fitted.scorecard.effective_from).score for row in rows]
    outcomes = [r[OUTCOME] for r in rows]
    assert report.discrimination.auc == pytest.approx(roc_auc_score(outcomes, [-s for s in scores]), abs=1e-12)
    paid = [s for s, o in zip(scores, outcomes, strict=True) if o == 0]
    missed = [s for s, o in zip(scores, outcomes, strict=True) if o == 1]
    assert report.discrimination.ks == pytest.approx(ks_2samp(paid, missed).statistic, abs=1e-12)
    assert report.rows == len(rows) and report.discrimination.events == sum(outcomes)


def test_the_fitted_bands_order_the_outcome_and_sex_makes_no_gap(fitted, table):
    report = audit_scorecard(table, fitted.scorecard, group="sex", target=OUTCOME)
    rates = {b.band: b.rate for b in report.bands}
    # The top band is small on this many rows (about 100): its rate is left to noise.
    assert rates["good"] < rates["fair"] < rates["poor"]
    assert rates["poor"] > 0.3 > 0.1 > rates["good"]
    # Payment behaviour never reads sex: the approval rates differ by chance alone.
    assert report.demographic_parity_ratio > 0.9


def test_without_an_outcome_only_approval_is_reported(fitted, table):
    report = audit_scorecard(table, fitted.scorecard, group="age_band", target=None)
    assert report.discrimination is None and report.equalized_odds_difference is None
    assert 0 < report.demographic_parity_ratio <= 1
    assert "No outcome column was given" in render_report(report)


def test_a_group_column_with_one_group_or_a_gap_is_refused(tiny):
    card = parse_scorecard(TINY_CARD, "tiny.toml")
    one = pa.table({"g": ["a", "a"], "open_overdue": [0, 1]})
    with pytest.raises(ScorecardDataError, match="an audit compares groups"):
        audit_scorecard(one, card, group="g", target=None)
    gap = pa.table({"g": ["a", None, "b"], "open_overdue": [0, 1, 1]})
    with pytest.raises(ScorecardDataError, match="row 2 has no group"):
        audit_scorecard(gap, card, group="g", target=None)
    with pytest.raises(ScorecardDataError, match="--approve-from: 'best' is not a band of tiny"):
        audit_scorecard(gap, card, group="open_overdue", target=None, approve_from="best")


def _text(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">([^<]*)<', html)
    assert found, element_id
    return found.group(1)


def test_the_report_shows_the_figures_with_charts_and_no_script(tiny):
    html = render_report(tiny)
    assert _text(html, "auc") == "0.700"
    assert _text(html, "ks") == "0.400"
    assert _text(html, "dp-ratio") == "0.667"
    assert _text(html, "eo-difference") == "0.333"
    assert "below four fifths" in html
    assert html.count("<svg") == 4
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "75.0%" in html and "50.0%" in html  # the approval rates


def test_the_report_in_chinese_holds_chinese_words(tiny):
    html = render_report(tiny, "zh-CN")
    assert '<html lang="zh-CN">' in html
    assert "评分卡审计" in html and "差别影响比" in html and "良好" in html
    assert "Discrimination" not in html and "Approval by group" not in html


def _latin_share(html: str) -> float:
    """Latin letters over Latin letters and Chinese characters in the page's own words:
    the body without what the data or the file said (marked ``said``) and the charts'
    descriptions for screen readers (which name the groups)."""
    body = html[html.index("<body>") :]
    body = re.sub(r'<(code|text) class="[^"]*said[^"]*"[^>]*>.*?</\1>', "", body, flags=re.S)
    body = re.sub(r"<desc>.*?</desc>", "", body, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", body)
    latin = len(re.findall(r"[A-Za-z]", text))
    chinese = len(re.findall(r"[\u3400-\u9fff]", text))
    return latin / (latin + chinese)


def test_the_chinese_report_is_in_chinese_but_for_what_the_data_said(fitted, table):
    report = audit_scorecard(table, fitted.scorecard, group="sex", target=OUTCOME, data="sample.parquet")
    html = render_report(report, "zh-CN")
    assert _latin_share(html) <= 0.05
    assert '<code class="said">sample.parquet</code>' in html and '<code class="said">female</code>' in html
    english = render_report(report, "en")
    assert not re.search(r"[\u3400-\u9fff]", english)
