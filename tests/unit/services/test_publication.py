"""What the public sees, against the fake unit of work: organisation pages derived by
the standing module, a search by name or code, published list entries; an anonymous
lookup is counted, a named reader's is logged."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support.identifiers import uscc
from tests.unit.services.conftest import TODAY
from xinyong.domain.access import Reader
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.standing import standing
from xinyong.services.publication import NotPublished
from xinyong.services.unit_of_work import Organisation

pytestmark = pytest.mark.unit

FIRM = SubjectRef.parse("uscc:91144035TYM22U0E0G")  # a major tax violation, effective 2024-01-04
AS_OF = dt.date(2024, 6, 1)
NAMED = SubjectRef.parse(uscc("91370000MA3C5EXA0"))


def logged(world, subject: SubjectRef) -> list[str]:
    with world.units(read_only=True) as uow:
        return [e.what for e in uow.access_log.entries(subject)[1]]


def test_an_organisations_page_shows_its_standing_records_and_list_entries(world):
    page = world.services.publication.organisation(FIRM.value, AS_OF)
    registry = world.services.catalogs.registry()
    with world.units(read_only=True) as uow:
        filed = uow.ledger.subject_ledger(FIRM, text=False)
    expected = standing(FIRM, "market-enterprise", AS_OF, filed.files, registry, filed.jurisdiction)
    assert (page.subject, page.code, page.jurisdiction, page.as_of) == (str(FIRM), FIRM.value, "CN-SD", AS_OF)
    assert [(s.catalog, s.score, s.grade) for s in page.standings] == [
        ("market-enterprise", expected.score, expected.grade)
    ]
    counting = {c.record for c in expected.contributions}
    assert counting <= {r.record for r in page.records} and "r1-00001" in counting
    effective = [r.effective_on for r in page.records]
    assert effective == sorted(effective, reverse=True)  # newest in effect first
    assert ("serious-untrustworthy", "r1-00001") in [(e.list, e.record) for e in page.lists]
    entry = next(e for e in page.lists if e.record == "r1-00001")
    assert entry.start <= AS_OF and (entry.until is None or entry.until > AS_OF)


def test_an_anonymous_lookup_is_counted_and_a_named_readers_is_logged(world):
    publication = world.services.publication
    publication.organisation(FIRM.value, AS_OF)
    assert publication.lookups.counts() == {"organisation": 1} and logged(world, FIRM) == []
    commits = world.units.commits
    publication.organisation(f"uscc:{FIRM.value}", AS_OF, Reader("officer-zhou", "officer", "t1"))
    assert logged(world, FIRM) == ["public.organisation"] and world.units.commits == commits + 1
    assert publication.lookups.counts() == {"organisation": 1}


def test_an_unknown_organisation_is_not_published(world):
    publication = world.services.publication
    with pytest.raises(NotPublished):
        publication.organisation(uscc("91110000MA00ABCD1"), TODAY)


def test_organisations_are_found_by_name_or_by_the_start_of_their_code(world):
    name = "Rongcheng Ｆｉｓｈｅｒｙ Co"
    world.services.intake.submit([{"type": "subject", "subject": str(NAMED), "jurisdiction": "CN-SD", "name": name}])
    publication = world.services.publication
    assert publication.search("fishery") == [Organisation(NAMED.value, name, "CN-SD")]
    assert publication.search("fishery")[0].subject == str(NAMED)
    assert [r.code for r in publication.search(FIRM.value[:10])] == [FIRM.value]
    assert publication.search("") == [] and publication.search("no such name") == []


def test_a_list_publishes_organisations_and_withholds_persons_unless_its_catalog_publishes_them(world):
    publication = world.services.publication
    firms = publication.list_entries("serious-untrustworthy", AS_OF, per_page=1000)
    assert firms.total == len(firms.entries) > 0 and firms.persons_not_published == 0
    assert "r1-00001" in [e.record for e in firms.entries]
    assert all(e.subject.startswith("uscc:") for e in firms.entries)
    assert [(e.start, e.record) for e in firms.entries] == sorted(
        ((e.start, e.record) for e in firms.entries), reverse=True
    )
    persons = publication.list_entries("judgment-defaulters", TODAY)
    assert persons.publishes != "all" and persons.entries == () and persons.persons_not_published > 0
    first = publication.list_entries("serious-untrustworthy", AS_OF, page=1, per_page=1)
    assert first.entries == firms.entries[:1] and first.total == firms.total
    with pytest.raises(NotPublished):
        publication.list_entries("no-such-list", TODAY)


def test_a_search_result_shows_the_lists_and_grades_of_its_organisation_page(world):
    publication = world.services.publication
    found = publication.lookup(FIRM.value.lower(), AS_OF)
    page = publication.organisation(FIRM.value, AS_OF)
    (result,) = found.results
    assert (found.total, found.first, found.last, found.pages) == (1, 1, 1, 1)
    assert {item.list for item in result.lists} == {e.list for e in page.lists} and result.lists
    assert [(g.catalog, g.grade) for g in result.grades] == [(s.catalog, s.grade) for s in page.standings]


def test_a_search_pages_through_every_organisation_it_finds(world):
    firms = [SubjectRef.parse(uscc(f"9137000{n:02d}MA3C5EXA")) for n in range(7)]
    world.services.intake.submit(
        [
            {"type": "subject", "subject": str(f), "jurisdiction": "CN-SD", "name": f"Fishery {n}"}
            for n, f in enumerate(firms)
        ]
    )
    publication = world.services.publication
    pages = [publication.lookup("ＦＩＳＨＥＲＹ", AS_OF, number, per_page=3) for number in (1, 2, 3, 4)]
    assert [p.total for p in pages] == [7] * 4 and [p.page for p in pages] == [1, 2, 3, 3]
    assert [r.name for p in pages[:3] for r in p.results] == [f"Fishery {n}" for n in range(7)]
    assert (pages[1].first, pages[1].last) == (4, 6)
