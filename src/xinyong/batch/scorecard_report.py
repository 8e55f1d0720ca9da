"""The audit of a scorecard as one self-contained HTML page: the figures of
:class:`xinyong.batch.scorecards.AuditReport` in tables, and charts drawn here as inline
SVG (no script, no network), each with a title and a description for screen readers and
the same numbers in a table beside it, as the web pages draw theirs."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from xinyong.batch.scorecards import AuditReport, words

_ENV = Environment(
    loader=PackageLoader("xinyong.batch", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _open(width: int, height: int, title: str, desc: str, css: str) -> list[str]:
    return [
        f'<svg class="chart {css}" viewBox="0 0 {width} {height}" role="img" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>",
    ]


def _percent(value: float) -> str:
    return f"{value:.0%}" if value >= 0.1 or value == 0 else f"{value:.1%}"


def roc_chart(
    points: Sequence[tuple[float, float]], auc: float, title: str, x_label: str, y_label: str, auc_label: str = "AUC"
) -> str:
    """The ROC curve in a square, with the diagonal of a score that ranks by chance."""
    size, left, bottom, top, right = 372, 56, 48, 12, 28
    plot = size - left - right
    height = top + plot + bottom

    def x(v: float) -> float:
        return left + plot * v

    def y(v: float) -> float:
        return top + plot * (1 - v)

    out = _open(size, height, title, f"{auc_label} {auc:.3f}", "roc-chart")
    for tick in (0, 0.25, 0.5, 0.75, 1):
        out.append(f'<line class="grid" x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="{top}" y2="{top + plot}"/>')
        out.append(f'<line class="grid" x1="{left}" x2="{left + plot}" y1="{y(tick):.1f}" y2="{y(tick):.1f}"/>')
        out.append(f'<text class="tick" x="{x(tick):.1f}" y="{top + plot + 16}" text-anchor="middle">{tick:.0%}</text>')
        out.append(f'<text class="tick" x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick:.0%}</text>')
    out.append(f'<line class="chance" x1="{x(0)}" y1="{y(0)}" x2="{x(1)}" y2="{y(1)}"/>')
    path = " ".join(f"{x(f):.1f},{y(t):.1f}" for f, t in points)
    out.append(f'<polyline class="curve" points="{path}"/>')
    out.append(
        f'<text class="label" x="{left + plot / 2:.1f}" y="{height - 8}" text-anchor="middle">{escape(x_label)}</text>'
    )
    out.append(
        f'<text class="label" transform="translate(14 {top + plot / 2:.1f}) rotate(-90)" text-anchor="middle">'
        f"{escape(y_label)}</text>"
    )
    out.append(
        f'<text class="figure" x="{x(0.95):.1f}" y="{y(0.08):.1f}" text-anchor="end">'
        f"{escape(auc_label)} {auc:.3f}</text>"
    )
    out.append(f'<rect class="frame" x="{left}" y="{top}" width="{plot}" height="{plot}"/>')
    out.append("</svg>")
    return "".join(out)


def column_chart(items: Sequence[tuple[str, float | None, bool]], title: str, desc: str) -> str:
    """One column per item (label, share, flagged), the share written above it; a
    flagged column is drawn in the warning colour."""
    width, height, left, bottom, top = 420, 240, 48, 30, 20
    plot_w, plot_h = width - left - 12, height - top - bottom
    hi = max([v for _, v, _ in items if v is not None] + [0.01])
    hi = math.ceil(hi * 10) / 10 if hi > 0.1 else math.ceil(hi * 100) / 100
    slot = plot_w / max(len(items), 1)
    out = _open(width, height, title, desc, "column-chart")
    for tick in (0, hi / 2, hi):
        y = top + plot_h * (1 - tick / hi)
        out.append(f'<line class="grid" x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}"/>')
        out.append(f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{_percent(tick)}</text>')
    for i, (label, value, flagged) in enumerate(items):
        cx = left + slot * (i + 0.5)
        out.append(
            f'<text class="tick" x="{cx:.1f}" y="{top + plot_h + 18}" text-anchor="middle">{escape(label)}</text>'
        )
        if value is None:
            continue
        h = plot_h * value / hi
        css = "bar warn" if flagged else "bar"
        out.append(
            f'<rect class="{css}" x="{cx - slot * 0.3:.1f}" y="{top + plot_h - h:.1f}" width="{slot * 0.6:.1f}" '
            f'height="{h:.1f}"><title>{escape(label)}: {_percent(value)}</title></rect>'
        )
        out.append(
            f'<text class="value" x="{cx:.1f}" y="{top + plot_h - h - 5:.1f}" text-anchor="middle">'
            f"{_percent(value)}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def bar_chart(items: Sequence[tuple[str, float]], title: str, desc: str, mark: float | None = None) -> str:
    """Horizontal bars of shares, one per item, with an optional dashed line at ``mark``."""
    row, label_w, width = 34, 90, 480
    height = row * len(items) + 24
    plot_w = width - label_w - 60
    out = _open(width, height, title, desc, "bar-chart")
    for i, (label, value) in enumerate(items):
        y = 6 + i * row
        length = plot_w * value
        # The groups are the data's own words, shown as written.
        out.append(f'<text class="tick said" x="{label_w - 8}" y="{y + 17}" text-anchor="end">{escape(label)}</text>')
        out.append(
            f'<rect class="bar" x="{label_w}" y="{y + 4}" width="{length:.1f}" height="{row - 10}">'
            f"<title>{escape(label)}: {_percent(value)}</title></rect>"
        )
        out.append(f'<text class="value" x="{label_w + length + 6:.1f}" y="{y + 17}">{value:.1%}</text>')
    if mark is not None:
        mx = label_w + plot_w * mark
        out.append(f'<line class="mark" x1="{mx:.1f}" x2="{mx:.1f}" y1="2" y2="{height - 18}"/>')
        out.append(f'<text class="tick" x="{mx:.1f}" y="{height - 4}" text-anchor="middle">4/5</text>')
    out.append("</svg>")
    return "".join(out)


def _fmt(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def render_report(report: AuditReport, language: str = "en") -> str:
    """The report as one HTML page in ``language`` (en or zh-CN)."""
    w = words(language)
    card = report.scorecard

    def band_name(name: str) -> str:
        return card.text(f"bands.{name}", language) or name

    found = report.discrimination
    charts: dict[str, Markup] = {}
    if found is not None:
        charts["roc"] = Markup(
            roc_chart(report.roc, found.auc, w["report.roc"], w["report.roc.x"], w["report.roc.y"], w["report.auc"])
        )
        rates = [b.rate for b in report.bands]
        flagged = []
        # A band is out of order when it shows a higher rate than the band below it.
        for i, rate in enumerate(rates):
            lower = [r for r in rates[i + 1 :] if r is not None]
            flagged.append(rate is not None and bool(lower) and rate > lower[0])
        charts["calibration"] = Markup(
            column_chart(
                [(band_name(b.band), b.rate, f) for b, f in zip(report.bands, flagged, strict=True)],
                w["report.calibration.chart"],
                "; ".join(f"{band_name(b.band)} {_fmt(b.rate)}" for b in report.bands),
            )
        )
    most = max((g.approval_rate for g in report.groups), default=0.0)
    charts["approval"] = Markup(
        bar_chart(
            [(g.group, g.approval_rate) for g in report.groups],
            w["report.fairness.chart"],
            "; ".join(f"{g.group} {g.approval_rate:.3f}" for g in report.groups),
            mark=0.8 * most,
        )
    )
    shares = [(band_name(b.band), b.rows / report.rows if report.rows else 0.0, False) for b in report.bands]
    charts["distribution"] = Markup(
        column_chart(shares, w["report.distribution.chart"], "; ".join(f"{n} {v:.3f}" for n, v, _ in shares))
    )

    def said(value: object) -> Markup:
        """Words from the data or the file (names of columns, files, ids), set apart as
        code: shown as they were written, in any language."""
        return Markup('<code class="said">{}</code>').format(value)

    def sentence(key: str, **fields: object) -> Markup:
        return Markup(escape(w[key])).format(**fields)

    context: dict[str, Any] = {
        "w": w,
        "lang": language,
        "r": report,
        "card": card,
        "title": w["report.title"].format(scorecard=card.id, version=card.version),
        "heading": sentence("report.title", scorecard=said(card.id), version=card.version),
        "lead": sentence(
            "report.lead",
            title=card.text("title", language) or said(card.id),
            rows=report.rows,
            data=said(report.data),
            group=said(report.group),
        ),
        "band_name": band_name,
        "said": said,
        "fmt": _fmt,
        "percent": lambda v: "—" if v is None else f"{v:.1%}",
        "charts": charts,
        "four_fifths": report.demographic_parity_ratio >= 0.8,
        "approve_lead": sentence(
            "report.fairness.lead",
            band=band_name(report.approve_from),
            min="—" if report.approve_min is None else f"{report.approve_min:g}",
            group=said(report.group),
        ),
        "discrimination_lead": sentence("report.discrimination.lead", target=said(report.target or "")),
        "footer": sentence(
            "report.footer", made=report.made.isoformat(), sklearn=said("scikit-learn"), fairlearn=said("fairlearn")
        ),
    }
    return _ENV.get_template("scorecard_audit.html").render(**context)
