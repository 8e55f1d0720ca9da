"""Partner nodes' bundles on a real database (SQLite, or PostgreSQL with --backend
postgresql): kept with their provenance, subjects sealed, append-only, on the keyed
chain, and refused whole when they do not verify."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.integration.test_ledger import _everything_stored
from tests.support.identifiers import rid
from xinyong.adapters.storage.checkpoint import NodeKey
from xinyong.adapters.storage.tables import FEDERATION_TABLES
from xinyong.domain.federation import Bundle, BundleEntry, BundleRefused, canonical
from xinyong.domain.identifiers import SubjectRef

pytestmark = pytest.mark.integration

PERSON = rid("11010519491231002")
DAY = dt.date(2026, 3, 1)


@pytest.fixture
def partner(tmp_path) -> NodeKey:
    key, _ = NodeKey.init(tmp_path / "partner.key", "court-a")
    return key


def _bundle(key: NodeKey, as_of: dt.date = DAY, *entries: BundleEntry) -> dict:
    entries = entries or (BundleEntry(PERSON, "court-1", DAY - dt.timedelta(days=10), None, "Civil Procedure Law"),)
    bundle = Bundle(key.name, key.public_key, "judgment-defaulters", "Judgment defaulters", as_of, entries)
    return replace(bundle, signature=key.sign(canonical(bundle.unsigned()))).document()


def test_a_bundle_is_kept_with_its_provenance_and_its_subjects_sealed(deployment, partner):
    done = deployment.federation.import_bundle(_bundle(partner), partner.public_key, "file:/tmp/b.json")
    assert (done.new, done.ended, done.notified) == (1, 0, 0)  # the person is not known here
    [received] = deployment.federation.lists(DAY)
    assert (received.latest.name, received.latest.received_from, received.latest.public_key) == (
        "court-a/judgment-defaulters",
        "file:/tmp/b.json",
        partner.public_key,
    )
    [entry] = deployment.federation.entries_of(SubjectRef.parse(PERSON), DAY)
    assert (entry.node, entry.record, entry.bundle_as_of) == ("court-a", "court-1", DAY)
    reports = deployment.audit.verify()
    assert all(r.intact for r in reports.tables)
    assert {r.table: r.rows for r in reports.tables if r.table in FEDERATION_TABLES} == {
        "federation_bundles": 1,
        "federation_entries": 1,
        "federation_partners": 0,
    }
    assert PERSON.removeprefix("rid:").encode() not in _everything_stored(deployment)


def test_a_days_list_published_again_replaces_that_days_entries(deployment, partner):
    federation = deployment.federation
    federation.import_bundle(_bundle(partner), partner.public_key, "first")
    with pytest.raises(BundleRefused, match="imported already"):  # the same bundle again
        federation.import_bundle(_bundle(partner), partner.public_key, "again")
    other = BundleEntry(rid("37010019800101001"), "court-2", DAY - dt.timedelta(days=1), None, None)
    done = federation.import_bundle(_bundle(partner, DAY, other), partner.public_key, "corrected")
    assert (done.new, done.ended) == (1, 1)
    assert federation.entries_of(SubjectRef.parse(PERSON), DAY) == []
    assert [e.record for e in federation.entries_of(SubjectRef.parse(other.subject), DAY)] == ["court-2"]


def test_a_refused_bundle_keeps_nothing(deployment, partner):
    document = _bundle(partner)
    document["entries"][0]["record"] = "court-2"
    with pytest.raises(BundleRefused, match="does not verify"):
        deployment.federation.import_bundle(document, partner.public_key, "file:/tmp/b.json")
    assert deployment.federation.lists(DAY) == []


def test_a_partner_trusted_then_removed_signs_nothing_more(deployment, partner):
    deployment.federation.trust("court-a", partner.public_key, None)
    deployment.federation.import_bundle(_bundle(partner), None, "pull")
    assert deployment.federation.distrust("court-a")
    with pytest.raises(BundleRefused, match="no key is trusted for node 'court-a'"):
        deployment.federation.import_bundle(_bundle(partner, DAY + dt.timedelta(days=1)), None, "pull")


@pytest.mark.parametrize("table", FEDERATION_TABLES)
def test_the_database_refuses_updates_and_deletes_on_the_federation_tables(deployment, partner, table):
    deployment.federation.trust("court-a", partner.public_key, None)
    deployment.federation.import_bundle(_bundle(partner), None, "pull")
    for statement in (f"UPDATE {table} SET seq = seq", f"DELETE FROM {table}"):
        with pytest.raises(DBAPIError, match="append-only"), deployment.store.engine.begin() as connection:
            connection.execute(text(statement))


def test_a_subjects_report_holds_its_foreign_entries_with_their_node(deployment, partner):
    from xinyong.domain.access import operator
    from xinyong.entrypoints.api.models import Report

    deployment.federation.import_bundle(_bundle(partner), partner.public_key, "file:/tmp/b.json")
    report = deployment.reports.report(SubjectRef.parse(PERSON), DAY, operator(), "a test")
    [entry] = Report.of(report).model_dump(mode="json", by_alias=True)["foreign_lists"]
    assert entry == {
        "list": "court-a/judgment-defaulters",
        "node": "court-a",
        "title": "Judgment defaulters",
        "record": "court-1",
        "from": (DAY - dt.timedelta(days=10)).isoformat(),
        "until": None,
        "legal_basis": "Civil Procedure Law",
        "bundle_as_of": DAY.isoformat(),
        "stale": False,
    }
