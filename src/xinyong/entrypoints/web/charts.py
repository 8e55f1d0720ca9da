"""Charts drawn on the server as SVG: no script, no network, readable in any browser and
in print. Every chart carries a title and a description for screen readers; the pages
show the same numbers as a table beside it. Colours and the size of the words come from
the stylesheet by class: on a phone a chart is drawn at under half its width in units, and
the stylesheet makes its words about twice as large there (``WORDS``, in units, is the
largest they get), so the margins below leave room for words of that size."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from html import escape

from xinyong.domain.calendar import Duration

Point = tuple[dt.date, int]
# The largest size of a chart's words, in the chart's units (xinyong.css, on a phone).
WORDS = 26


def _nice_step(span: float, target: int = 5) -> float:
    raw = max(span, 1) / target
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _ticks(lo: float, hi: float, target: int = 5) -> list[float]:
    step = _nice_step(hi - lo, target)
    first = math.ceil(lo / step) * step
    ticks = []
    value = first
    while value <= hi + 1e-9:
        ticks.append(round(value, 6))
        value += step
    return ticks


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _open(width: int, height: int, title: str, desc: str, css: str) -> list[str]:
    return [
        f'<svg class="chart {css}" viewBox="0 0 {width} {height}" role="img" '
        f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>",
    ]


def score_chart(
    past: Sequence[Point],
    ahead: Sequence[Point],
    today: dt.date,
    end: dt.date,
    bands: Sequence[tuple[str, int | None]],
    title: str,
    desc: str,
    today_label: str,
) -> str:
    """A score over time: ``past`` (sampled days up to today, oldest first) as a solid
    step line, ``ahead`` (today's score, then each day it changes) as a dashed one, on
    shaded grade ``bands`` (name and minimum, highest first, as in a catalog)."""
    width, height = 760, 300
    left, right, top, bottom = 3 * WORDS, 3 * WORDS, 14, WORDS + 18
    plot_w, plot_h = width - left - right, height - top - bottom
    start = past[0][0] if past else today
    end = max(end, Duration(days=30).after(today))
    scores = [s for _, s in past] + [s for _, s in ahead]
    lo, hi = min(scores), max(scores)
    pad = max(15.0, (hi - lo) * 0.25)
    y_lo, y_hi = lo - pad, hi + pad
    # Show at least the edges of the bands next to the line, so the grade can be read.
    edges = sorted(b for _, b in bands if b is not None)
    below = [e for e in edges if e <= lo]
    above = [e for e in edges if e > hi]
    if below:
        y_lo = min(y_lo, below[-1] - pad / 2)
    if above:
        y_hi = max(y_hi, above[0] + pad / 2)

    def x(day: dt.date) -> float:
        total = max((end - start).days, 1)
        return left + plot_w * (day - start).days / total

    def y(value: float) -> float:
        return top + plot_h * (1 - (value - y_lo) / (y_hi - y_lo))

    out = _open(width, height, title, desc, "score-chart")
    # Grade bands, highest first: each spans [its min, the min of the band above).
    upper = math.inf
    shaded = 0
    for name, minimum in bands:
        band_lo = -math.inf if minimum is None else minimum
        visible_hi, visible_lo = min(upper, y_hi), max(band_lo, y_lo)
        if visible_hi > visible_lo:
            y0, y1 = y(visible_hi), y(visible_lo)
            out.append(
                f'<rect class="band band-{shaded % 2}" x="{left}" y="{y0:.1f}" '
                f'width="{plot_w}" height="{y1 - y0:.1f}"/>'
            )
            if y1 - y0 >= 12:
                out.append(
                    f'<text class="band-label" x="{left + plot_w + 8}" y="{(y0 + y1) / 2 + 4:.1f}">'
                    f"{escape(name)}</text>"
                )
            if minimum is not None and y_lo < minimum < y_hi:
                out.append(
                    f'<line class="band-edge" x1="{left}" x2="{left + plot_w}" '
                    f'y1="{y(minimum):.1f}" y2="{y(minimum):.1f}"/>'
                )
            shaded += 1
        upper = band_lo
    for value in _ticks(y_lo, y_hi):
        out.append(
            f'<text class="tick" x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end">{_number(value)}</text>'
        )
    # A year's label is as wide as three of the largest words: every few years on a long file.
    year_width = plot_w * 365 / max((end - start).days, 1)
    every = max(1, math.ceil(3 * WORDS / year_width))
    for year in range(start.year + 1, end.year + 1):
        day = dt.date(year, 1, 1)
        out.append(f'<line class="grid" x1="{x(day):.1f}" x2="{x(day):.1f}" y1="{top}" y2="{top + plot_h}"/>')
        if (year - start.year - 1) % every == 0:
            out.append(
                f'<text class="tick" x="{x(day):.1f}" y="{top + plot_h + WORDS + 4}" text-anchor="middle">{year}</text>'
            )
    out.append(f'<rect class="frame" x="{left}" y="{top}" width="{plot_w}" height="{plot_h}"/>')

    def steps(points: Sequence[Point], until: dt.date) -> str:
        path = f"M{x(points[0][0]):.1f},{y(points[0][1]):.1f}"
        for day, score in points[1:]:
            path += f" H{x(day):.1f} V{y(score):.1f}"
        return path + f" H{x(until):.1f}"

    if past:
        out.append(f'<path class="line past" d="{steps(past, today)}"/>')
    if ahead:
        out.append(f'<path class="line ahead" d="{steps(ahead, end)}"/>')
        for day, score in ahead[1:]:
            out.append(
                f'<circle class="step" cx="{x(day):.1f}" cy="{y(score):.1f}" r="3.5">'
                f"<title>{day.isoformat()}: {score}</title></circle>"
            )
    out.append(f'<line class="today" x1="{x(today):.1f}" x2="{x(today):.1f}" y1="{top}" y2="{top + plot_h}"/>')
    out.append(f'<text class="today-label" x="{x(today) + 4:.1f}" y="{top + 12}">{escape(today_label)}</text>')
    out.append("</svg>")
    return "".join(out)


def bar_chart(items: Sequence[tuple[str, int]], title: str, desc: str) -> str:
    """Horizontal bars, one per item, with the value written at the end of each."""
    row, label_w, width = 28, 56, 400
    height = max(row * len(items) + 10, 40)
    most = max([v for _, v in items] + [1])
    out = _open(width, height, title, desc, "bar-chart")
    for i, (label, value) in enumerate(items):
        y = 5 + i * row
        length = (width - label_w - 60) * value / most
        out.append(f'<text class="tick" x="{label_w - 8}" y="{y + 16}" text-anchor="end">{escape(label)}</text>')
        out.append(f'<rect class="bar s0" x="{label_w}" y="{y + 3}" width="{length:.1f}" height="{row - 8}"/>')
        out.append(f'<text class="value" x="{label_w + length + 6:.1f}" y="{y + 16}">{value}</text>')
    out.append("</svg>")
    return "".join(out)


def _time_axes(out: list[str], months: Sequence[dt.date], x, top: int, bottom_y: float) -> None:
    """A grid line and a label under it at each January and July."""
    for i, month in enumerate(months):
        if month.month in (1, 7):
            out.append(f'<line class="grid" x1="{x(i):.1f}" x2="{x(i):.1f}" y1="{top}" y2="{bottom_y:.1f}"/>')
            out.append(
                f'<text class="tick" x="{x(i):.1f}" y="{bottom_y + WORDS + 4:.1f}" text-anchor="middle">'
                f"{month.year}-{month.month:02d}</text>"
            )


def line_chart(months: Sequence[dt.date], series: Sequence[tuple[str, Sequence[int]]], title: str, desc: str) -> str:
    """One line per series over months, with a legend: a series a row, so that long names
    stay whole at the largest size."""
    width = 760
    row = WORDS + 8
    legend_h = row * len(series)
    height = 250 + legend_h
    left, right, top, bottom = 3 * WORDS, 20, 12, WORDS + 18 + legend_h
    plot_w, plot_h = width - left - right, height - top - bottom
    hi = max([v for _, values in series for v in values] + [1])
    y_hi = _ticks(0, hi)[-1] if _ticks(0, hi)[-1] >= hi else hi

    def x(i: int) -> float:
        return left + plot_w * i / max(len(months) - 1, 1)

    def y(v: float) -> float:
        return top + plot_h * (1 - v / y_hi)

    out = _open(width, height, title, desc, "line-chart")
    for value in _ticks(0, y_hi):
        out.append(f'<line class="grid" x1="{left}" x2="{left + plot_w}" y1="{y(value):.1f}" y2="{y(value):.1f}"/>')
        out.append(
            f'<text class="tick" x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end">{_number(value)}</text>'
        )
    _time_axes(out, months, x, top, top + plot_h)
    for n, (name, values) in enumerate(series):
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        out.append(f'<polyline class="series s{n % 6}" points="{points}"><title>{escape(name)}</title></polyline>')
        ly = height - legend_h + row * n
        out.append(f'<rect class="key s{n % 6}" x="{left}" y="{ly + 6}" width="16" height="12"/>')
        out.append(f'<text class="legend" x="{left + 24}" y="{ly + 18}">{escape(name)}</text>')
    out.append("</svg>")
    return "".join(out)


def column_chart(months: Sequence[dt.date], series: Sequence[tuple[str, Sequence[int]]], title: str, desc: str) -> str:
    """Grouped columns per month, one colour per series, with a legend."""
    width, height = 760, 290
    left, right, top, bottom = 3 * WORDS, 20, 12, 2 * WORDS + 26
    plot_w, plot_h = width - left - right, height - top - bottom
    hi = max([v for _, values in series for v in values] + [1])
    ticks = _ticks(0, hi)
    y_hi = max(ticks[-1], hi)
    slot = plot_w / max(len(months), 1)
    bar = max((slot - 4) / max(len(series), 1), 1)

    def y(v: float) -> float:
        return top + plot_h * (1 - v / y_hi)

    out = _open(width, height, title, desc, "column-chart")
    for value in ticks:
        out.append(f'<line class="grid" x1="{left}" x2="{left + plot_w}" y1="{y(value):.1f}" y2="{y(value):.1f}"/>')
        out.append(
            f'<text class="tick" x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end">{_number(value)}</text>'
        )
    _time_axes(out, months, lambda i: left + slot * i, top, top + plot_h)
    for n, (name, values) in enumerate(series):
        for i, value in enumerate(values):
            if value:
                bx = left + slot * i + 2 + n * bar
                out.append(
                    f'<rect class="bar s{n % 6}" x="{bx:.1f}" y="{y(value):.1f}" width="{bar:.1f}" '
                    f'height="{top + plot_h - y(value):.1f}"><title>{escape(name)} '
                    f"{months[i].year}-{months[i].month:02d}: {value}</title></rect>"
                )
        lx = left + n * (plot_w // 2)
        out.append(f'<rect class="key s{n % 6}" x="{lx}" y="{height - 20}" width="16" height="12"/>')
        out.append(f'<text class="legend" x="{lx + 24}" y="{height - 8}">{escape(name)}</text>')
    out.append("</svg>")
    return "".join(out)
