"""Nodes and signed lists in the first ring (docs/design.md section 10): node A (the
basic scenario, its judgment defaulters) publishes a signed bundle; node B (another
fake store) imports it, tells its own resident, and answers checks on ``A/LIST``
under a measure of its own; the service path uses the pure rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.support.fakes import FakeStore, FakeUnitsOfWork
from tests.unit.services.conftest import TODAY, World
from xinyong.adapters.storage.checkpoint import NodeKey
from xinyong.bootstrap import services
from xinyong.domain.federation import BundleRefused, admit, read_bundle
from xinyong.domain.identifiers import SubjectRef

pytestmark = pytest.mark.unit

LIST = "judgment-defaulters"
RAIL = """
id = "city-rail"
title = "City rail"
jurisdiction = "CN"
subject_kind = "person"
version = "2020.1"
effective_from = "2020-01-01"
base = 0
grades = [ { name = "none" } ]

[[measures]]
when = { list = "A/judgment-defaulters" }
action = "rail.high_speed"
effect = "deny"
legal_basis = "Joint memorandum, art. 2"
proportionality = "judgment defaulters who can pay and do not"
"""


@pytest.fixture
def node_a(world: World, tmp_path: Path) -> tuple[World, NodeKey]:
    key, _ = NodeKey.init(tmp_path / "a.key", "A")
    units = FakeUnitsOfWork(world.store)
    return World(units, services(units, clock=lambda: TODAY, node=lambda: key)), key


@pytest.fixture
def node_b(tmp_path: Path) -> World:
    units = FakeUnitsOfWork(FakeStore(b"node b"))
    b = World(units, services(units, clock=lambda: TODAY))
    rail = tmp_path / "rail.toml"
    rail.write_text(RAIL, encoding="utf-8")
    b.services.catalogs.load([rail])
    return b


def _published(node_a, day: dt.date = TODAY) -> dict:
    a, _ = node_a
    return a.services.federation.publish(LIST, day)


def test_a_published_bundle_is_signed_and_holds_the_lists_entries_in_effect(node_a):
    a, key = node_a
    document = _published(node_a)
    bundle = admit(read_bundle(document), key.public_key, None)
    assert bundle.node == "A" and bundle.list == LIST and bundle.as_of == TODAY
    with a.units(read_only=True) as uow:
        in_effect = {p.entry.record for p in uow.read_models.listed(LIST, TODAY)}
    assert {e.record for e in bundle.entries} == in_effect and in_effect
    page = a.services.audit.access_log(None, limit=1000)
    assert sum(e.what == "federation" for e in page.entries) == len(bundle.entries)


def test_a_list_of_a_day_to_come_or_not_kept_here_is_not_published(node_a):
    a, _ = node_a
    from xinyong.services.federation import NotPublishable

    with pytest.raises(NotPublishable, match="day that has come"):
        a.services.federation.publish(LIST, TODAY + dt.timedelta(days=1))
    with pytest.raises(NotPublishable, match="no catalog loaded here defines it"):
        a.services.federation.publish("no-such-list", TODAY)


def test_an_imported_list_denies_under_bs_own_measure_and_tells_bs_resident(node_a, node_b):
    _, key = node_a
    document = _published(node_a)
    listed = document["entries"][0]
    subject = SubjectRef.parse(listed["subject"])
    node_b.services.intake.submit([{"type": "subject", "subject": str(subject), "jurisdiction": "CN-BJ"}])
    done = node_b.services.federation.import_bundle(document, key.public_key, "test")
    assert done.new == len(document["entries"]) and done.notified == 1
    [notice] = [n for n in node_b.services.reports.inbox(subject) if n.kind == "foreign_entry"]
    assert notice.fields["node"] == "A" and notice.fields["record"] == listed["record"]
    answer = node_b.services.inquiries.check(subject, "rail.high_speed.ticket", TODAY)
    assert answer.decision == "deny"
    assert answer.reasons[0].trigger["node"] == "A"
    late = node_b.services.inquiries.check(subject, "rail.high_speed.ticket", TODAY + dt.timedelta(days=8))
    assert late.decision == "review" and late.reasons[0].trigger["stale"] is True
    with pytest.raises(BundleRefused, match="imported already"):
        node_b.services.federation.import_bundle(document, key.public_key, "test")
