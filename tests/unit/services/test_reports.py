"""A subject's whole file, against the fake unit of work: read and logged in one unit
of work, so that the log it shows holds the read that shows it."""

from __future__ import annotations

import pytest

from tests.unit.services.conftest import RESIDENT, TICKET, TODAY
from xinyong.domain.access import Reader
from xinyong.services.export import whole_file

pytestmark = pytest.mark.unit

OFFICER = Reader("officer-zhou", "officer", "t1")


def test_a_report_shows_standings_records_notices_and_this_read_in_one_unit_of_work(world):
    commits = world.units.commits
    report = world.services.reports.report(RESIDENT, TODAY, OFFICER, "a loan file")
    assert world.units.commits == commits + 1
    assert (report["subject"], report["kind"], report["name"], report["jurisdiction"]) == (
        str(RESIDENT),
        "person",
        "Li Si",
        "CN-SD-RC",
    )
    assert [s["catalog"] for s in report["standings"]] == ["city-personal"]
    ticket = next(r for r in report["records"] if r["record"] == TICKET)
    assert (ticket["effective_on"], ticket["status"], ticket["repairable_from"]) == (
        "2026-06-20",
        "counting",
        "2026-09-20",
    )
    assert report["notices"] and report["notices"][0]["record"] == TICKET
    assert report["access_log"][0]["what"] == "report" and report["access_log"][0]["purpose"] == "a loan file"


def test_a_subjects_export_holds_its_due_process_too(world):
    me = Reader("subject", "subject", "t2", subject=RESIDENT)
    filed = world.services.due_process.file_dispute(RESIDENT, TICKET, "the light was green", TODAY)
    exported = whole_file(world.services.reports, world.services.due_process, me, TODAY)
    assert [d.id for d in exported["disputes"]] == [filed.id]
    assert exported["repairs"] == [] and exported["reviews"] == []
    assert exported["access_log"][0]["purpose"] == "subject's export of its file"
