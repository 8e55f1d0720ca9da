"""The credit reports as PDF documents, in the reader's language: a subject's own full
report (``/portal/report.pdf``) and an organisation's public report
(``/org/{code}/report.pdf``), as Credit China gives both. Each says the day it is as of
and the time it was made, where its data came from and how to dispute it.

The print templates (``templates/report_*.html``, styled by ``templates/report.css``)
draw every word from the pages' message catalogs; WeasyPrint turns them into PDF. It is
the ``pdf`` extra, imported when the first report is drawn, so that the pages run
without it (the routes then answer that PDFs are not available here)."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from xinyong.domain.calendar import Duration
from xinyong.domain.catalog.registry import CatalogRegistry
from xinyong.entrypoints.web import i18n
from xinyong.entrypoints.web.pages import render, templates
from xinyong.services.due_process import SubjectCases
from xinyong.services.publication import OrganisationPage
from xinyong.services.reports import Report

MEDIA_TYPE = "application/pdf"
# One report is drawn at a time in a process: Pango and fontconfig are not safe to share
# between threads, and drawing holds the interpreter's lock for most of its time anyway.
_drawing = threading.Lock()


class Unavailable(RuntimeError):
    """WeasyPrint, the ``pdf`` extra, is not installed."""


@dataclass(frozen=True)
class Source:
    """An authority that submitted records in the report, with those records."""

    name: str
    records: tuple[str, ...]


@dataclass(frozen=True)
class Deadlines:
    """How long a catalog gives an authority to decide a dispute and a repair application, in words."""

    catalog: str
    title: str | None
    dispute: str
    repair: str


def duration_words(duration: Duration | None, t: Callable[..., str]) -> str:
    """``P1Y6M`` as "1 year 6 months" in the reader's language; ``None`` as not set."""
    if duration is None:
        return t("report.deadline.none")
    years, months, days = duration.years, duration.months, duration.days
    parts = []
    if years:
        parts.append(t("report.duration.year") if years == 1 else t("report.duration.years", n=years))
    if months:
        parts.append(t("report.duration.month") if months == 1 else t("report.duration.months", n=months))
    if days or not parts:
        parts.append(t("report.duration.day") if days == 1 else t("report.duration.days", n=days))
    return " ".join(parts)


def sources_of(records: Iterable[tuple[str, str]]) -> list[Source]:
    """The sources of ``(record, source)`` pairs, the one with most records first."""
    by_source: dict[str, list[str]] = {}
    for record, source in records:
        by_source.setdefault(source, []).append(record)
    return [
        Source(name, tuple(sorted(ids)))
        for name, ids in sorted(by_source.items(), key=lambda item: (-len(item[1]), item[0]))
    ]


def deadlines_of(
    catalog_ids: Iterable[str], registry: CatalogRegistry, day: dt.date, t: Callable[..., str]
) -> list[Deadlines]:
    """The dispute and repair deadlines of each catalog, in the versions in force on ``day``."""
    found = []
    for catalog_id in dict.fromkeys(catalog_ids):
        version = registry.in_force(catalog_id, day)
        if version is None:
            continue
        found.append(
            Deadlines(
                catalog=catalog_id,
                title=version.title,
                dispute=duration_words(version.dispute_deadline, t),
                repair=duration_words(version.repair_deadline, t),
            )
        )
    return found


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _page_numbers(t: Callable[..., str]) -> str:
    """The page footer's "Page N of M" as CSS, in the reader's language."""
    pattern = t("report.page", page="\0page\0", pages="\0pages\0")
    content = []
    for index, part in enumerate(re.split(r"\0(pages?)\0", pattern)):
        if index % 2:
            content.append(f"counter({part})")
        elif part:
            content.append('"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return "@page { @bottom-right { content: " + " ".join(content) + " } }"


@cache
def _stylesheet() -> str:
    return resources.files("xinyong.entrypoints.web").joinpath("templates", "report.css").read_text("utf-8")


def _draw(template: str, language: str, registry: CatalogRegistry, day: dt.date, **context: Any) -> bytes:
    """The PDF of ``template`` rendered in ``language``. Nothing is fetched while drawing:
    the report is made of its template, its stylesheet and the system's fonts."""
    try:
        import weasyprint
        from weasyprint.urls import URLFetcher
    except ImportError as missing:  # the pdf extra is not installed
        raise Unavailable(str(missing)) from missing
    t = i18n.translator(language)
    words = i18n.CatalogWords(lambda: registry, language, day)
    html = templates.get_template(template).render(t=t, lang=language, catalog_text=words, **context)
    nothing = URLFetcher(allowed_protocols=(), fail_on_errors=True)
    stylesheets = [
        weasyprint.CSS(string=_stylesheet(), url_fetcher=nothing),
        weasyprint.CSS(string=_page_numbers(t), url_fetcher=nothing),
    ]
    with _drawing:
        document: bytes = weasyprint.HTML(string=html, url_fetcher=nothing).write_pdf(stylesheets=stylesheets)
    return document


def resident_report(
    report: Report,
    cases: SubjectCases,
    registry: CatalogRegistry,
    language: str,
    portal_url: str,
    made: dt.datetime,
) -> bytes:
    """The subject's own full report as a PDF: each catalog's score and grade with its
    contributions and list entries, every record with its source, the open cases and how
    to dispute. ``made`` is the time of the read that the access log holds."""
    t = i18n.translator(language)
    day = report.as_of
    titles = {}
    for entry in report.lists:
        definition = registry.list_definition(entry.list, day)
        titles[entry.list] = (definition.title if definition else None) or entry.list
    return _draw(
        "report_resident.html",
        language,
        registry,
        day,
        doc_title=f"{t('report.resident.title')} · {report.name or report.subject} · {day}",
        report=report,
        standings=sorted(report.standings, key=lambda s: not s.scoring),  # the scores first, as in the portal
        as_of=day,
        made=_utc(made),
        made_iso=made.astimezone(dt.UTC).isoformat(timespec="seconds"),
        list_titles=titles,
        repair_from={r.record: r.repairable_from for r in report.records},
        disputes=[v for v in cases.disputes if v.status == "open"],
        repairs=[v for v in cases.repairs if v.status == "open"],
        reviews=[v for v in cases.reviews if v.status == "open"],
        sources=sources_of((r.record, r.source) for r in report.records),
        deadlines=deadlines_of((s.catalog for s in report.standings), registry, day, t),
        portal_url=portal_url,
    )


def organisation_report(
    org: OrganisationPage,
    registry: CatalogRegistry,
    language: str,
    portal_url: str,
    made: dt.datetime,
) -> bytes:
    """An organisation's public report as a PDF: exactly what its public page shows (its
    list entries, grades and records in effect, with their sources), with how the
    organisation itself may dispute."""
    t = i18n.translator(language)
    catalogs = [s.catalog for s in org.standings]
    catalogs += [r.rule.split("/", 1)[0] for r in org.records]
    return _draw(
        "report_organisation.html",
        language,
        registry,
        org.as_of,
        doc_title=f"{t('report.organisation.title')} · {org.name or org.code} · {org.as_of}",
        org=org,
        as_of=org.as_of,
        made=_utc(made),
        made_iso=made.astimezone(dt.UTC).isoformat(timespec="seconds"),
        sources=sources_of((r.record, r.source) for r in org.records),
        deadlines=deadlines_of(catalogs, registry, org.as_of, t),
        portal_url=portal_url,
    )


def attachment(document: bytes, filename: str, language: str) -> Response:
    """``document`` as a download that no cache keeps (a report holds personal data)."""
    return Response(
        document,
        media_type=MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            "Content-Language": language,
            "X-Content-Type-Options": "nosniff",
            "Vary": "Accept-Language, Cookie",
        },
    )


def unavailable(request: Request) -> HTMLResponse:
    """The page that says this server draws no PDF (WeasyPrint is not installed)."""
    return render(request, "error.html", status=503, heading="report.unavailable.heading", message="report.unavailable")
