"""What an auditor reads, against the fake unit of work: the access log a page at a
time, and the chains of every append-only table, with the directory compared."""

from __future__ import annotations

import pytest

from tests.unit.services.conftest import RESIDENT, TICKET, TODAY
from xinyong.domain.access import Reader

pytestmark = pytest.mark.unit

OFFICER = Reader("officer-zhou", "officer", "t1")
TABLES = [
    "ledger",
    "catalog_versions",
    "notices",
    "deliveries",
    "cases",
    "attachments",
    "scorecard_versions",
    "optin_events",
    "access_log",
    "webhook_endpoints",
    "webhook_endpoint_changes",
    "webhook_messages",
    "webhook_attempts",
    "federation_bundles",
    "federation_entries",
    "federation_partners",
]


def test_the_access_log_is_read_newest_first_a_page_at_a_time_for_one_subject_or_all(world):
    reports, audit = world.services.reports, world.services.audit
    reports.report(RESIDENT, TODAY, OFFICER, "first")
    reports.report(RESIDENT, TODAY, OFFICER, "second")
    page = audit.access_log(RESIDENT, limit=1)
    assert (page.total, page.limit, page.offset) == (2, 1, 0)
    assert [e.purpose for e in page.entries] == ["second"]
    assert [e.purpose for e in audit.access_log(RESIDENT, limit=5, offset=1).entries] == ["first"]
    assert audit.access_log(None).total >= 2


def test_reading_the_access_log_or_the_chains_writes_nothing(world):
    commits = world.units.commits
    world.services.audit.access_log(RESIDENT)
    world.services.audit.verify(directory=True)
    assert world.units.commits == commits


def test_every_chained_table_verifies_the_ledger_first_and_grows_with_what_is_written(world):
    audit = world.services.audit
    before = audit.verify()
    assert [t.table for t in before.tables] == TABLES and before.ledger.table == "ledger"
    assert before.intact and before.drift is None
    world.services.due_process.file_dispute(RESIDENT, TICKET, "the light was green", TODAY)
    after = audit.verify({"ledger": before.ledger.rows}, directory=True)
    assert after.ledger.rows == before.ledger.rows + 1 and after.ledger.head != before.ledger.head
    assert after.ledger.marked == before.ledger.head  # a checkpoint of before still holds
    assert after.drift == () and after.intact
