"""The parts of the PDF credit reports that need no server: durations and page numbers
in the reader's language, the sources of a report, and a server without WeasyPrint."""

from __future__ import annotations

import datetime as dt
import sys

import pytest

from xinyong.domain.calendar import Duration
from xinyong.entrypoints.web import credit_reports, i18n
from xinyong.services.publication import OrganisationPage

pytestmark = [pytest.mark.unit, pytest.mark.backend_independent]


@pytest.mark.parametrize(
    ("duration", "language", "words"),
    [
        ("P15D", "en", "15 days"),
        ("P1Y6M", "en", "1 year 6 months"),
        ("P2Y1D", "en", "2 years 1 day"),
        ("P0D", "en", "0 days"),
        ("P30D", "zh-CN", "30 天"),
        ("P2Y", "zh-CN", "2 年"),
    ],
)
def test_a_deadline_is_said_in_the_readers_words(duration, language, words):
    assert credit_reports.duration_words(Duration.parse(duration), i18n.translator(language)) == words


def test_a_catalog_without_a_deadline_says_none_is_set():
    t = i18n.translator("en")
    assert credit_reports.duration_words(None, t) == t("report.deadline.none")


@pytest.mark.parametrize(
    ("language", "content"),
    [
        ("en", '"Page " counter(page) " of " counter(pages)'),
        ("zh-CN", '"第 " counter(page) " 页，共 " counter(pages) " 页"'),
    ],
)
def test_the_page_numbers_are_in_the_readers_language(language, content):
    assert content in credit_reports._page_numbers(i18n.translator(language))


def test_sources_are_listed_with_their_records_the_busiest_first():
    found = credit_reports.sources_of([("r3", "court"), ("r1", "bank"), ("r2", "court")])
    assert found == [
        credit_reports.Source("court", ("r2", "r3")),
        credit_reports.Source("bank", ("r1",)),
    ]


def test_without_weasyprint_a_report_is_unavailable_not_an_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # what an install without the pdf extra meets
    page = OrganisationPage("uscc:X", "X", None, None, dt.date(2026, 1, 1), (), (), ())
    with pytest.raises(credit_reports.Unavailable):
        credit_reports.organisation_report(page, None, "en", "http://x/portal", dt.datetime.now(dt.UTC))  # type: ignore[arg-type]
