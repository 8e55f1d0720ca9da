"""The job's calendar on each engine: a date moved by months and days clamps to the
end of the month exactly as :mod:`xinyong.domain.calendar` does, and ages are whole years as
:mod:`xinyong.domain.identifiers` counts them (a 29 February birthday included)."""

from __future__ import annotations

import datetime as dt
import random

import ibis
import pytest

from xinyong.batch.engines import to_arrow
from xinyong.batch.rescore import after, age_on
from xinyong.domain.calendar import Duration
from xinyong.domain.identifiers import SubjectRef

# Expressions evaluated by the engines alone: no database is opened, so the PostgreSQL
# pass (-m 'not backend_independent') does not run them again.
pytestmark = [pytest.mark.integration, pytest.mark.backend_independent]


def _cases() -> list[tuple[dt.date, int, int]]:
    rng = random.Random(20240229)
    ends = [
        dt.date(2024, 1, 31),
        dt.date(2024, 2, 29),
        dt.date(2023, 3, 31),
        dt.date(2100, 1, 31),
        dt.date(2000, 2, 29),
        dt.date(1999, 12, 31),
        dt.date(2024, 8, 31),
    ]
    cases = [(day, months, days) for day in ends for months in (0, 1, 12, 13, 24, 48) for days in (0, 1, 30)]
    for _ in range(500):
        day = dt.date.fromordinal(rng.randint(dt.date(1950, 1, 1).toordinal(), dt.date(2090, 12, 31).toordinal()))
        if rng.random() < 0.4:
            day = day.replace(day=28) + dt.timedelta(days=rng.randint(0, 3))
        cases.append((day, rng.choice([0, 1, 2, 3, 6, 11, 12, 18, 36, rng.randint(0, 1200)]), rng.randint(0, 400)))
    return cases


def test_month_arithmetic_clamps_to_the_month_end_as_the_calendar_does(engine, backends):
    cases = _cases()
    t = ibis.memtable(
        {"day": [c[0] for c in cases], "months": [c[1] for c in cases], "days": [c[2] for c in cases]},
        schema={"day": "date", "months": "int32", "days": "int32"},
    )
    moved = to_arrow(backends(engine), t.select(moved=after(t.day, t.months, t.days))).column("moved").to_pylist()
    expected = [Duration(months=m, days=d).after(day) for day, m, d in cases]
    wrong = [(c, e, g) for c, e, g in zip(cases, expected, moved, strict=False) if e != g]
    assert wrong == []


def test_a_missing_duration_adds_nothing(engine, backends):
    t = ibis.memtable({"day": [dt.date(2024, 1, 31)]}, schema={"day": "date"})
    none = ibis.null("int32")
    got = to_arrow(backends(engine), t.select(moved=after(t.day, none, none))).column("moved").to_pylist()
    assert got == [dt.date(2024, 1, 31)]


def test_ages_are_whole_years_as_identifiers_count_them(engine, backends):
    born = [
        dt.date(2004, 2, 29),
        dt.date(2004, 2, 29),
        dt.date(2004, 2, 29),
        dt.date(1990, 7, 15),
        dt.date(1990, 7, 15),
    ]
    days = [dt.date(2022, 2, 28), dt.date(2022, 3, 1), dt.date(2024, 2, 29), dt.date(2008, 7, 14), dt.date(2008, 7, 15)]
    t = ibis.memtable({"born": born, "day": days}, schema={"born": "date", "day": "date"})
    got = to_arrow(backends(engine), t.select(age=age_on(t.born, t.day))).column("age").to_pylist()
    expected = [SubjectRef("rid", f"110105{b:%Y%m%d}0010").age_on(d) for b, d in zip(born, days, strict=False)]
    assert got == expected == [17, 18, 20, 17, 18]
