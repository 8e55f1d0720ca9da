"""A subject's whole file, against the fake unit of work: read and logged in one unit
of work, so that the log it shows holds the read that shows it."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.unit.services.conftest import RESIDENT, TICKET, TODAY
from xinyong.domain.access import Reader
from xinyong.domain.standing import standing
from xinyong.domain.trajectory import trajectory
from xinyong.services.export import whole_file

pytestmark = pytest.mark.unit

OFFICER = Reader("officer-zhou", "officer", "t1")


def test_a_report_shows_standings_records_notices_and_this_read_in_one_unit_of_work(world):
    commits = world.units.commits
    report = world.services.reports.report(RESIDENT, TODAY, OFFICER, "a loan file")
    assert world.units.commits == commits + 1
    assert (report.subject, report.kind, report.name, report.jurisdiction, report.as_of) == (
        str(RESIDENT),
        "person",
        "Li Si",
        "CN-SD-RC",
        TODAY,
    )
    assert [s.catalog for s in report.standings] == ["city-personal"]
    ticket = next(r for r in report.records if r.record == TICKET)
    assert (ticket.effective_on, ticket.status, ticket.repairable_from) == (
        dt.date(2026, 6, 20),
        "counting",
        dt.date(2026, 9, 20),
    )
    assert ticket.still_matters(TODAY) and ticket.list is None and ticket.events == ()
    assert report.notices and report.notices[0].record == TICKET
    assert report.access_log[0].what == "report" and report.access_log[0].purpose == "a loan file"


def test_a_subjects_export_holds_its_due_process_too(world):
    me = Reader("subject", "subject", "t2", subject=RESIDENT)
    filed = world.services.due_process.file_dispute(RESIDENT, TICKET, "the light was green", TODAY)
    exported = whole_file(world.services.reports, world.services.due_process, me, TODAY)
    assert [d.id for d in exported.disputes] == [filed.id]
    assert exported.repairs == () and exported.reviews == ()
    assert exported.access_log[0].purpose == "subject's export of its file"


def test_a_reports_standing_explains_each_contribution_with_the_catalogs_grades(world):
    report = world.services.reports.report(RESIDENT, TODAY, OFFICER, "a loan file")
    registry = world.services.catalogs.registry()
    with world.units(read_only=True) as uow:
        filed = uow.ledger.subject_ledger(RESIDENT, text=False)
    expected = standing(RESIDENT, "city-personal", TODAY, filed.files, registry, filed.jurisdiction)
    (city,) = report.standings
    version = registry.in_force("city-personal", TODAY)
    assert version is not None
    assert (city.score, city.grade, city.version, city.title) == (
        expected.score,
        expected.grade,
        expected.version,
        version.title,
    )
    assert city.grades == tuple(version.grades) and city.scoring == (len(version.grades) > 1)
    assert [(c.record, c.points, c.source) for c in city.contributions] == [
        (TICKET, expected.contributions[0].points, "traffic-police")
    ]


def test_a_records_later_events_are_in_its_report_and_an_annulled_record_has_no_end(world):
    world.services.intake.submit([{"type": "annulled", "record": TICKET, "on": "2026-11-01", "id": "annul-1"}])
    ticket = next(
        r for r in world.services.reports.report(RESIDENT, TODAY, OFFICER, "a loan file").records if r.record == TICKET
    )
    assert [c.type for c in ticket.events] == ["annulled"]
    assert (ticket.status, ticket.ends_on, ticket.still_matters(TODAY)) == ("annulled", None, False)


def test_the_portals_trajectories_are_those_of_the_standing_module_and_are_not_logged(world):
    with world.units(read_only=True) as uow:
        before = uow.access_log.entries(RESIDENT)[0]
        filed = uow.ledger.subject_ledger(RESIDENT, text=False)
    paths = world.services.reports.trajectories(RESIDENT, TODAY, ["city-personal", "city-personal"])
    registry = world.services.catalogs.registry()
    assert list(paths) == ["city-personal"]
    assert paths["city-personal"] == trajectory(RESIDENT, "city-personal", TODAY, filed.files, registry, "CN-SD-RC")
    with world.units(read_only=True) as uow:
        assert uow.access_log.entries(RESIDENT)[0] == before


def test_an_inbox_holds_the_subjects_notices_and_a_sources_those_about_its_records(world):
    reports = world.services.reports
    assert [n.record for n in reports.inbox(RESIDENT)][:1] == [TICKET]
    assert reports.source_notices("traffic-police") == []
    world.services.due_process.file_dispute(RESIDENT, TICKET, "the light was green", TODAY)
    told = reports.source_notices("traffic-police")
    assert [n.record for n in told] == [TICKET] and told[0].source == "traffic-police"
    assert all(n.source is None for n in reports.inbox(RESIDENT))
