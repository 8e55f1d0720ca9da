"""Calendar arithmetic of docs/design.md section 4: ISO 8601 durations over calendar days,
months and years clamped to the end of the month."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinyong.domain.calendar import ZERO, Duration, InvalidDuration, parse_date

pytestmark = pytest.mark.unit

D = dt.date


# ------------------------------------------------------------------ parsing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("P15D", Duration(days=15)),
        ("P6M", Duration(months=6)),
        ("P2Y", Duration(years=2)),
        ("P1Y6M", Duration(years=1, months=6)),
        ("P2W", Duration(days=14)),
        ("P1Y2M3D", Duration(years=1, months=2, days=3)),
        ("P0D", ZERO),
    ],
)
def test_duration_parses_years_months_weeks_and_days(text, expected):
    assert Duration.parse(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "P",
        "",
        "1Y",
        "PT1H",
        "P1DT2H",
        "P1.5Y",
        "P1,5Y",
        "-P1D",
        "P-1D",
        "p15d",
        " P15D",
        "P15D ",
        "P1D1Y",
        "P1Y1Y",
        "15D",
    ],
)
def test_duration_refuses_what_is_not_a_period_of_whole_calendar_units(text):
    with pytest.raises(InvalidDuration):
        Duration.parse(text)


@pytest.mark.parametrize("text", ["P15D\n", "P\n"])
def test_duration_refuses_a_trailing_newline(text):
    # "P\n" would otherwise parse as a zero duration.
    with pytest.raises(InvalidDuration):
        Duration.parse(text)


def test_duration_refuses_non_ascii_digits():
    with pytest.raises(InvalidDuration):
        Duration.parse("P\u0661\u0665D")  # ARABIC-INDIC "15"


def test_duration_refusal_names_the_text_and_gives_examples():
    with pytest.raises(InvalidDuration, match=r"'P1\.5Y' is not an ISO 8601 duration.*'P15D'"):
        Duration.parse("P1.5Y")


def test_duration_that_is_not_a_string_is_refused():
    with pytest.raises(InvalidDuration):
        Duration.parse(15)  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "shown"), [("P1Y6M", "P1Y6M"), ("P2W", "P14D"), ("P0D", "P0D"), ("P0Y", "P0D")])
def test_duration_prints_as_an_iso_8601_period(text, shown):
    assert str(Duration.parse(text)) == shown


# ------------------------------------------------------------------ adding


def test_leap_day_plus_one_year_is_28_february():
    assert Duration.parse("P1Y").after(D(2024, 2, 29)) == D(2025, 2, 28)


def test_leap_day_plus_four_years_is_the_next_leap_day():
    assert Duration.parse("P4Y").after(D(2024, 2, 29)) == D(2028, 2, 29)


@pytest.mark.parametrize(("start", "expected"), [(D(2024, 1, 31), D(2024, 2, 29)), (D(2023, 1, 31), D(2023, 2, 28))])
def test_month_end_plus_one_month_clamps_to_the_end_of_february(start, expected):
    assert Duration.parse("P1M").after(start) == expected


def test_month_addition_clamps_to_a_30_day_month():
    assert Duration.parse("P1M").after(D(2024, 3, 31)) == D(2024, 4, 30)


def test_months_carry_into_the_next_year():
    assert Duration.parse("P13M").after(D(2023, 12, 15)) == D(2025, 1, 15)


def test_months_are_added_before_days():
    # 2024-01-31 + P1M = 2024-02-29, then + 1 day = 2024-03-01.
    assert Duration(months=1, days=1).after(D(2024, 1, 31)) == D(2024, 3, 1)


def test_days_cross_month_and_year_ends():
    assert Duration.parse("P15D").after(D(2024, 12, 20)) == D(2025, 1, 4)


def test_zero_duration_leaves_the_day_unchanged():
    assert ZERO.after(D(2024, 2, 29)) == D(2024, 2, 29)


# ------------------------------------------------------------------ dates


def test_parse_date_reads_yyyy_mm_dd():
    assert parse_date("2024-02-29") == D(2024, 2, 29)


@pytest.mark.parametrize("text", ["2023-02-29", "2024-13-01", "24-01-01", "2024-1-1", "20240101", "2024-01-01T00:00"])
def test_parse_date_refuses_anything_but_a_real_calendar_day(text):
    with pytest.raises(ValueError):
        parse_date(text)


# ------------------------------------------------------------------ properties

days = st.dates(D(1900, 1, 1), D(2199, 12, 31))
durations = st.builds(Duration, years=st.integers(0, 5), months=st.integers(0, 30), days=st.integers(0, 800))
nonzero_durations = durations.filter(lambda p: p != ZERO)


@settings(max_examples=500)
@given(days, days, durations)
def test_adding_a_duration_is_monotone_in_the_day(d1, d2, period):
    d1, d2 = min(d1, d2), max(d1, d2)
    assert period.after(d1) <= period.after(d2)


@settings(max_examples=500)
@given(days, nonzero_durations)
def test_adding_a_non_zero_duration_moves_strictly_forward(day, period):
    assert period.after(day) > day


@settings(max_examples=500)
@given(days, st.integers(0, 5000))
def test_days_only_duration_is_timedelta_addition(day, n):
    assert Duration(days=n).after(day) == day + dt.timedelta(days=n)


@settings(max_examples=300)
@given(days, st.integers(0, 5000))
def test_weeks_are_seven_days(day, n):
    assert Duration.parse(f"P{n}W").after(day) == day + dt.timedelta(days=7 * n)


@settings(max_examples=300)
@given(days, st.integers(0, 10), st.integers(0, 30))
def test_years_are_twelve_months(day, years, months):
    assert Duration(years=years, months=months).after(day) == Duration(months=12 * years + months).after(day)


@settings(max_examples=300)
@given(durations)
def test_printed_duration_parses_back_to_the_same_length(period):
    assert Duration.parse(str(period)) == period


def test_a_duration_before_a_day_clamps_to_the_end_of_the_month():
    from xinyong.domain.calendar import Duration

    assert Duration(years=1).before(dt.date(2024, 2, 29)) == dt.date(2023, 2, 28)
    assert Duration(months=1, days=1).before(dt.date(2024, 3, 31)) == dt.date(2024, 2, 28)
    assert Duration(years=3).before(dt.date(2026, 6, 30)) == dt.date(2023, 6, 30)


def test_the_day_before_crosses_months_and_years():
    from xinyong.domain.calendar import day_before

    assert day_before(dt.date(2025, 1, 1)) == dt.date(2024, 12, 31)
    assert day_before(dt.date(2024, 3, 1)) == dt.date(2024, 2, 29)


def test_today_is_the_one_clock_and_tests_can_set_it():
    from xinyong.domain.calendar import today, today_is

    assert today() == dt.date.today()
    with today_is(dt.date(2025, 3, 14)):
        assert today() == dt.date(2025, 3, 14)
    assert today() == dt.date.today()
