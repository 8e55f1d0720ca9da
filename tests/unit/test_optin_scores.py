"""The opt-in score of docs/design.md section 9 against the pure modules: hand-worked
examples on the sample scorecard, and properties hypothesis checks on any scorecard whose
bins rise in each feature's better direction."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinyong.domain.optin import (
    ConsentEvent,
    Obligation,
    OptinRefused,
    admission_problem,
    answer,
    consent_in_force,
    consent_problem,
    erased_by_withdrawal,
    features,
    score,
    whole_months,
)
from xinyong.domain.scorecard import VOCABULARY, Scorecard, ScorecardFileError, parse_scorecard

pytestmark = pytest.mark.unit

SAMPLE = Path(__file__).parents[2] / "catalogs" / "civic-optin.toml"
D = dt.date(2026, 6, 1)


@pytest.fixture(scope="module")
def civic() -> Scorecard:
    return parse_scorecard(SAMPLE.read_text(encoding="utf-8"), str(SAMPLE))


def _given(on: dt.date, sources=("water-co", "city-bank"), purposes=("lending",), id="c1") -> ConsentEvent:
    return ConsentEvent(id=id, kind="given", on=on, sources=tuple(sources), purposes=tuple(purposes))


def _withdrawn(on: dt.date, id="w1") -> ConsentEvent:
    return ConsentEvent(id=id, kind="withdrawn", on=on)


# -- hand-worked examples on the sample scorecard


def test_twelve_bills_one_late_and_one_unpaid_score_500_poor(civic):
    # 2025: twelve water bills due on the 10th, all paid the day before but March (paid
    # on the 20th); one bank instalment due 2026-05-01, unpaid on 2026-06-01.
    bills = [
        Obligation(f"w{m}", "water-co", dt.date(2025, m, 10), dt.date(2025, m, 9 if m != 3 else 20))
        for m in range(1, 13)
    ] + [Obligation("b1", "city-bank", dt.date(2026, 5, 1))]
    values = features(bills, D)
    # 11 of 13 due in the 24 months on time; late in the 12 months from 2025-06-01: the
    # unpaid instalment only (March 2025 is older); open: the instalment; the earliest
    # bill 2025-01-10 is 16 whole months before 2026-06-01.
    assert values == {
        "on_time_share_24m": 11 / 13,
        "late_count_12m": 1,
        "open_overdue": 1,
        "history_months": 16,
        "obligations_24m": 13,
    }
    result = score(civic, values, D)
    # 600 - 40 (share 0.846 < 0.95) - 30 (1 late) - 60 (1 open) + 20 (16 months) + 10 (13 bills)
    assert result.score == 500
    assert result.band == "poor"
    assert [(r.feature, r.points, r.possible) for r in result.reasons] == [
        ("open_overdue", -60, 20),
        ("on_time_share_24m", -40, 30),
        ("late_count_12m", -30, 20),
        ("history_months", 20, 40),
    ]
    assert result.reasons[0].text == "Bills past their due day and still unpaid"
    assert result.reasons[0].raise_to is not None
    assert (result.reasons[0].raise_to.points, result.reasons[0].raise_to.below) == (20, 1)
    assert (result.reasons[1].raise_to.points, result.reasons[1].raise_to.at_least) == (30, 0.95)


def test_no_bills_at_all_scores_620_fair(civic):
    values = features([], D)
    assert values == {
        "on_time_share_24m": None,
        "late_count_12m": 0,
        "open_overdue": 0,
        "history_months": None,
        "obligations_24m": 0,
    }
    result = score(civic, values, D)
    assert (result.score, result.band) == (600 + 0 + 20 + 20 - 20 + 0, "fair")
    # A missing share (0 points) falls 30 short; a missing history 60 short; too few bills 10.
    assert [r.feature for r in result.reasons] == ["history_months", "on_time_share_24m", "obligations_24m"]


def test_three_years_of_bills_paid_on_time_score_720_excellent(civic):
    bills = [
        Obligation(f"w{i}", "water-co", dt.date(2023 + i // 12, i % 12 + 1, 5), dt.date(2023 + i // 12, i % 12 + 1, 5))
        for i in range(41)
    ]
    result = score(civic, features(bills, D), D)
    assert (result.score, result.band, result.reasons) == (720, "excellent", ())


def test_a_payment_on_the_day_is_on_time_and_a_payment_after_the_day_asked_is_not_yet_made():
    bill = Obligation("x", "water-co", dt.date(2026, 5, 1), dt.date(2026, 5, 1))
    assert features([bill], D)["late_count_12m"] == 0
    late = Obligation("x", "water-co", dt.date(2026, 5, 1), dt.date(2026, 6, 3))
    assert features([late], D)["open_overdue"] == 1
    assert features([late], dt.date(2026, 6, 3))["open_overdue"] == 0


def test_windows_are_half_open_in_calendar_months():
    on_edge = Obligation("x", "water-co", dt.date(2024, 6, 1))  # exactly 24 months before D
    due_today = Obligation("y", "water-co", D)
    values = features([on_edge, due_today], D)
    assert values["obligations_24m"] == 1
    assert values["open_overdue"] == 1
    assert values["history_months"] == 24


def test_whole_months_use_the_calendar_and_clamp_to_the_months_end():
    assert whole_months(dt.date(2024, 1, 31), dt.date(2024, 2, 29)) == 1
    assert whole_months(dt.date(2024, 1, 31), dt.date(2024, 2, 28)) == 0
    assert whole_months(dt.date(2024, 3, 15), dt.date(2026, 3, 14)) == 23


def test_a_score_is_clamped_to_the_range(civic):
    rich = civic.model_copy(update={"base": 940})
    assert score(rich, features([], D), D).score == 950


# -- consent


def test_a_score_is_answered_only_while_a_consent_is_in_force(civic):
    history = [_given(dt.date(2026, 1, 1)), _withdrawn(dt.date(2026, 3, 1))]
    assert answer(civic, history, [], dt.date(2026, 2, 1)).score == 620
    with pytest.raises(OptinRefused, match="no consent"):
        answer(civic, history, [], dt.date(2026, 3, 1))
    with pytest.raises(OptinRefused):
        answer(civic, history, [], dt.date(2025, 12, 31))


def test_a_later_consent_replaces_an_earlier_one_and_names_the_sources_read(civic):
    history = [_given(dt.date(2026, 1, 1)), _given(dt.date(2026, 2, 1), sources=("city-bank",), id="c2")]
    late_water = Obligation("w", "water-co", dt.date(2026, 4, 1))
    assert consent_in_force(history, D).id == "c2"
    assert answer(civic, history, [late_water], D).features["open_overdue"] == 0
    assert answer(civic, history, [late_water], dt.date(2026, 1, 15)).features["open_overdue"] == 0


def test_obligations_are_admitted_only_under_a_consent_naming_their_source():
    history = [_given(dt.date(2026, 1, 1), sources=("water-co",))]
    assert admission_problem([history], "water-co", D) is None
    assert "city-bank" in admission_problem([history], "city-bank", D)
    assert "no consent" in admission_problem([history], "water-co", dt.date(2025, 12, 31))
    assert "no consent" in admission_problem([[*history, _withdrawn(dt.date(2026, 2, 1))]], "water-co", D)
    assert admission_problem([], "water-co", D) is not None


def test_consents_name_only_the_scorecards_sources_and_purposes_and_keep_their_order(civic):
    assert "not sources" in consent_problem(civic, [], _given(D, sources=("shop",)))
    assert "not purposes" in consent_problem(civic, [], _given(D, purposes=("marketing",)))
    assert "before the last" in consent_problem(civic, [_given(D)], _given(dt.date(2026, 5, 1)))
    assert "nothing" in consent_problem(civic, [], _withdrawn(D)) or "no consent" in consent_problem(
        civic, [], _withdrawn(D)
    )
    assert consent_problem(civic, [_given(D)], _withdrawn(D)) is None


def test_withdrawal_erases_what_the_scorecards_sources_filed_before_it(civic):
    kept = [
        (Obligation("a", "water-co", dt.date(2026, 2, 1)), dt.date(2026, 2, 2)),
        (Obligation("b", "city-bank", dt.date(2026, 2, 1)), dt.date(2026, 3, 1)),
        (Obligation("c", "gas-co", dt.date(2026, 2, 1)), dt.date(2026, 3, 1)),
        (Obligation("d", "water-co", dt.date(2026, 2, 1)), dt.date(2026, 5, 2)),
    ]
    assert erased_by_withdrawal(kept, civic, dt.date(2026, 5, 1)) == ["a", "b"]


# -- the scorecard file


@pytest.mark.parametrize(
    ("name", "matter"),
    [
        ("purchase_amount_12m", "purchases"),
        ("friends_average_score", "social connections"),
        ("home_location_stability", "location"),
        ("device_model", "the device used"),
    ],
)
def test_a_feature_outside_the_vocabulary_never_loads_and_says_why(name, matter):
    text = SAMPLE.read_text(encoding="utf-8").replace('name = "obligations_24m"', f'name = "{name}"')
    text = text.replace('"features.obligations_24m.reason" = "近两年账单较少"\n', "")
    with pytest.raises(ScorecardFileError) as refused:
        parse_scorecard(text, "bad.toml")
    message = str(refused.value)
    assert "bad.toml" in message and name in message and matter in message


def test_a_scorecard_error_names_the_file_the_key_and_the_value():
    text = SAMPLE.read_text(encoding="utf-8").replace("base = 600", "base = 1200")
    with pytest.raises(ScorecardFileError, match=r"bad\.toml.*base.*1200"):
        parse_scorecard(text, "bad.toml")


# -- properties, on any scorecard whose bins rise in each feature's better direction


def _bins(draw, direction):
    thresholds = sorted(draw(st.sets(st.integers(0, 40), min_size=0, max_size=3)))
    scale = 40 if direction is None else 1
    raw = sorted(draw(st.lists(st.integers(-200, 200), min_size=len(thresholds) + 1, max_size=len(thresholds) + 1)))
    if direction == "lower":
        raw = raw[::-1]
    elif direction is None:
        raw = draw(st.permutations(raw))
    values = [{"below": t / scale if scale == 40 else t, "points": p} for t, p in zip(thresholds, raw, strict=False)]
    values.append({"points": raw[-1]})
    if draw(st.booleans()):
        values.insert(0, {"missing": True, "points": draw(st.integers(-200, 200))})
    return values


@st.composite
def scorecards(draw) -> Scorecard:
    names = draw(st.lists(st.sampled_from(list(VOCABULARY)), min_size=1, max_size=5, unique=True))
    features_ = []
    for name in names:
        bins = _bins(draw, VOCABULARY[name])
        if name == "on_time_share_24m":
            bins = [dict(b, below=b["below"] / 40) if "below" in b else b for b in bins]
        features_.append({"name": name, "reason": f"reason of {name}", "bins": bins})
    return Scorecard.model_validate(
        {
            "kind": "scorecard",
            "id": "prop",
            "version": "1",
            "effective_from": "2020-01-01",
            "subject_kind": "person",
            "range": [350, 950],
            "base": draw(st.integers(350, 950)),
            "sources": ["water-co", "city-bank"],
            "purposes": ["lending"],
            "bands": [{"name": "high", "min": 700}, {"name": "mid", "min": 600}, {"name": "low"}],
            "features": features_,
        }
    )


days = st.dates(dt.date(2022, 1, 1), dt.date(2026, 11, 30))


@st.composite
def obligation_lists(draw) -> list[Obligation]:
    out = []
    for i in range(draw(st.integers(0, 12))):
        due = draw(days)
        paid = draw(st.one_of(st.none(), st.integers(-30, 90).map(lambda n, due=due: due + dt.timedelta(days=n))))
        out.append(Obligation(f"o{i}", draw(st.sampled_from(["water-co", "city-bank"])), due, paid))
    return out


@settings(max_examples=300, deadline=None)
@given(scorecards(), obligation_lists(), days)
def test_a_score_lies_within_the_range_and_its_band_is_the_highest_reached(card, bills, day):
    result = score(card, features(bills, day), day)
    assert 350 <= result.score <= 950
    expected = "high" if result.score >= 700 else "mid" if result.score >= 600 else "low"
    assert result.band == expected


@settings(max_examples=300, deadline=None)
@given(scorecards(), obligation_lists(), days, st.data())
def test_a_payment_made_on_time_never_lowers_a_score(card, bills, day, data):
    unpaid = [i for i, o in enumerate(bills) if not o.on_time()]
    if not unpaid:
        return
    index = data.draw(st.sampled_from(unpaid))
    bill = bills[index]
    paid = bill.due_on - dt.timedelta(days=data.draw(st.integers(0, 20)))
    after = [*bills[:index], Obligation(bill.id, bill.source, bill.due_on, paid), *bills[index + 1 :]]
    assert score(card, features(after, day), day).score >= score(card, features(bills, day), day).score


@settings(max_examples=200, deadline=None)
@given(scorecards(), obligation_lists(), days)
def test_reasons_are_ordered_by_shortfall_at_most_four_and_each_has_room_to_rise(card, bills, day):
    result = score(card, features(bills, day), day)
    shortfalls = [r.possible - r.points for r in result.reasons]
    assert len(result.reasons) <= 4
    assert shortfalls == sorted(shortfalls, reverse=True)
    assert all(s > 0 for s in shortfalls)
    left_out = [f for f in card.features if f.name not in {r.feature for r in result.reasons}]
    for feature in left_out:
        gap = feature.best - result.points[feature.name]
        assert gap == 0 or (len(result.reasons) == 4 and gap <= shortfalls[-1])


@settings(max_examples=200, deadline=None)
@given(scorecards(), obligation_lists(), days, days)
def test_withdrawal_leaves_nothing_to_score(card, bills, given_on, day):
    withdrawn_on = max(given_on, day)
    history = [_given(given_on), _withdrawn(withdrawn_on)]
    filed = [(o, given_on) for o in bills]
    erased = set(erased_by_withdrawal(filed, card, withdrawn_on))
    assert erased == {o.id for o in bills}
    with pytest.raises(OptinRefused):
        answer(card, history, [o for o in bills if o.id not in erased], withdrawn_on)
