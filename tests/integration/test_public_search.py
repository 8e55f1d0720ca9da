"""The public search on SQLite and PostgreSQL: the true number of organisations a query
finds (counted by the database) and pages through them; codes found however they are
typed; each result's lists and grades as the organisation's own page shows them, read
from the read models; the index of every list with its entries in effect."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support.identifiers import uscc
from xinyong.bootstrap import open_deployment
from xinyong.domain.identifiers import SubjectRef

pytestmark = pytest.mark.integration

FIRM = SubjectRef.parse("uscc:91457222EK0R7L5HJ3")  # on the serious-untrustworthy list in 2023
DAY = dt.date(2023, 5, 31)
FIRMS = [SubjectRef.parse(uscc(f"913706{n:03d}MA3C5EXA")) for n in range(37)]


@pytest.fixture
def filled(filled_database, settings):
    deployment = open_deployment(filled_database, settings)
    deployment.intake.submit(
        [
            {"type": "subject", "subject": str(f), "jurisdiction": "CN-SD", "name": f"烟台第{n:02d}号贸易有限公司"}
            for n, f in enumerate(FIRMS)
        ]
    )
    yield deployment
    deployment.close()


def test_a_search_says_how_many_it_finds_in_all_and_pages_through_them(filled):
    pages = [filled.publication.lookup("贸易有限", DAY, page, per_page=10) for page in range(1, 5)]
    assert [p.total for p in pages] == [37] * 4 and pages[0].pages == 4
    assert [(p.first, p.last) for p in pages] == [(1, 10), (11, 20), (21, 30), (31, 37)]
    names = [r.name for p in pages for r in p.results]
    assert names == [f"烟台第{n:02d}号贸易有限公司" for n in range(37)]
    # A page past the last is the last; a query that finds nothing has one empty page.
    assert filled.publication.lookup("贸易有限", DAY, 99, per_page=10) == pages[-1]
    nothing = filled.publication.lookup("没有这个名字", DAY, 3, per_page=10)
    assert (nothing.total, nothing.page, nothing.results, nothing.first) == (0, 1, (), 0)


def test_a_full_width_lower_case_code_with_separators_finds_its_organisation(filled):
    code = FIRMS[5].value
    typed = "".join(chr(ord(c) + 0xFEE0) for c in code.lower())
    typed = f"{typed[:6]}\u3000{typed[6:12]}\uff0d{typed[12:]}"
    found = filled.publication.lookup(typed, DAY)
    assert found.total == 1 and [r.code for r in found.results] == [code]


def test_a_result_shows_the_lists_and_grades_its_organisation_page_shows(filled):
    stale = filled.read_models.stale
    found = filled.publication.lookup(FIRM.value.lower(), DAY)
    page = filled.publication.organisation(FIRM.value, DAY)
    (result,) = found.results
    assert page.lists and [(item.list, item.title) for item in result.lists] == [(e.list, e.title) for e in page.lists]
    assert result.lists[0].kind == "black"
    assert [(g.catalog, g.grade) for g in result.grades] == [(s.catalog, s.grade) for s in page.standings]
    # Answered from the stored read models, none recomputed from the ledger.
    assert filled.read_models.stale == stale
    later = filled.publication.lookup(FIRM.value, dt.date(2030, 1, 1)).results[0]
    assert later.lists == ()


def test_the_index_of_lists_names_every_list_with_its_entries_in_effect(filled):
    registry = filled.catalogs.registry()
    defined = {list_id for catalog in registry.all() for list_id in catalog.lists}
    index = filled.publication.lists(DAY)
    assert {summary.list for summary in index} == defined and len(index) == len(defined)
    for summary in index:
        listing = filled.publication.list_entries(summary.list, DAY, 1, 1)
        assert (summary.total, summary.persons_not_published) == (listing.total, listing.persons_not_published)
        assert summary.in_effect == listing.total + listing.persons_not_published
    assert any(summary.in_effect > 0 for summary in index)
