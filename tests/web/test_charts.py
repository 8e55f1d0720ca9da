"""The portal's score line and the server-drawn charts (pure: no server, no browser)."""

from __future__ import annotations

import datetime as dt

import pytest

from xinyong.domain.catalog import Catalog, CatalogRegistry
from xinyong.domain.events import parse_event
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.standing import RecordFile, standing
from xinyong.domain.trajectory import trajectory
from xinyong.entrypoints.web import charts

pytestmark = pytest.mark.unit

SUBJECT = SubjectRef.parse("rid:11010519491231002X")
CITY = Catalog.model_validate(
    {
        "id": "city",
        "jurisdiction": "CN-SD-RC",
        "subject_kind": "person",
        "version": "2024.1",
        "effective_from": "2024-01-01",
        "base": 1000,
        "grades": [{"name": "A", "min": 960}, {"name": "B", "min": 850}, {"name": "D"}],
        "rules": {
            "traffic.red_light": {
                "category": "traffic",
                "points": -50,
                "valid_for": "P1Y",
                "notice": "P15D",
                "legal_basis": "Road Traffic Safety Law, art. 90",
            }
        },
    }
)


def red_light(record_id: str, decided_on: str) -> RecordFile:
    return RecordFile(
        parse_event(
            {
                "type": "record",
                "id": record_id,
                "subject": str(SUBJECT),
                "rule": "city/traffic.red_light",
                "occurred_on": decided_on,
                "decided_on": decided_on,
                "source": "traffic-police",
            }
        )
    )


def test_the_line_steps_on_the_days_the_score_changes_and_goes_on_with_the_outlook():
    registry = CatalogRegistry.of([CITY])
    files = [red_light("r1", "2024-03-05")]
    path = trajectory(SUBJECT, "city", dt.date(2024, 6, 1), files, registry, "CN-SD-RC")
    # No earlier than the first catalog version; the record counts from decision + notice.
    assert path.past == [(dt.date(2024, 1, 1), 1000), (dt.date(2024, 3, 20), 950), (dt.date(2024, 6, 1), 950)]
    assert path.ahead == [(dt.date(2024, 6, 1), 950), (dt.date(2025, 3, 20), 1000)]
    assert path.end >= dt.date(2025, 3, 20)


def test_every_point_of_a_busy_file_is_the_score_of_its_day():
    registry = CatalogRegistry.of([CITY])
    files = [red_light(f"r{n}", (dt.date(2024, 1, 10) + dt.timedelta(days=3 * n)).isoformat()) for n in range(150)]
    today = dt.date(2025, 6, 1)
    path = trajectory(SUBJECT, "city", today, files, registry, "CN-SD-RC")
    assert len(path.past) <= 160
    for day, score in path.past:
        assert score == standing(SUBJECT, "city", day, files, registry, "CN-SD-RC").score


def test_the_score_chart_shades_the_grades_and_escapes_its_text():
    svg = charts.score_chart(
        [(dt.date(2024, 1, 1), 1000), (dt.date(2024, 3, 20), 950)],
        [(dt.date(2024, 6, 1), 950)],
        dt.date(2024, 6, 1),
        dt.date(2025, 6, 1),
        [("A", 960), ("B", 850), ("D", None)],
        title="Score <under> city",
        desc="a & b",
        today_label="today",
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<title>Score &lt;under&gt; city</title>" in svg and "a &amp; b" in svg
    assert svg.count('class="band ') >= 2 and ">A</text>" in svg and ">B</text>" in svg
    assert 'class="line past"' in svg and 'class="line ahead"' in svg


def test_bar_and_time_charts_draw_every_value():
    months = [dt.date(2025, m, 1) for m in range(1, 13)]
    bars = charts.bar_chart([("A", 3), ("B", 0), ("C", 7)], "grades", "desc")
    assert bars.count('<rect class="bar') == 3 and ">7</text>" in bars
    lines = charts.line_chart(months, [("one", list(range(12))), ("two", [1] * 12)], "lists", "desc")
    assert lines.count("<polyline") == 2 and ">2025-07</text>" in lines
    columns = charts.column_chart(months, [("opened", [1] * 12), ("decided", [0] * 11 + [2])], "disputes", "d")
    assert columns.count('<rect class="bar') == 13
