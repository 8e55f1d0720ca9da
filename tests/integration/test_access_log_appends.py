"""Several appends to the access log in one transaction (a group commit of checks):
each keeps its own place on the keyed chain and its own sealed text, as appends in
transactions of their own do."""

from __future__ import annotations

import pytest

from tests.support.identifiers import rid
from xinyong.domain.access import Reader
from xinyong.domain.identifiers import SubjectRef

pytestmark = pytest.mark.integration

AIRLINE = Reader("sky-airline", "service-point", "t1", ("air_travel",))
OFFICER = Reader("officer-zhou", "officer", "t2")
ONE, TWO, THREE = (SubjectRef.parse(rid(f"3710821990010406{i}")) for i in range(3))


def test_appends_in_one_transaction_and_after_it_stay_on_the_chain_with_their_text(deployment):
    with deployment.units() as uow:
        uow.access_log.write([ONE], AIRLINE, "check", None, ["check a: air_travel.ticket on 2026-01-01: allow"])
        uow.access_log.write([TWO, THREE], AIRLINE, "check", None, ["check b: x on 2026-01-02: deny", None])
        uow.access_log.write([ONE], OFFICER, "check", "a complaint", ["check c: x on 2026-01-03: allow"])
        uow.access_log.write([THREE], OFFICER, "score", None)
        uow.commit()
    with deployment.units() as uow:
        uow.access_log.write([TWO], OFFICER, "report", "an audit", ["as of 2026-01-04"])
        uow.commit()
    with deployment.units(read_only=True) as uow:
        total, entries = uow.access_log.entries(limit=100)
        assert all(report.intact for report in uow.audit.verify())
    assert total == 6
    assert [(e.seq, e.reader, e.what, e.purpose, e.detail) for e in reversed(entries)] == [
        (1, "sky-airline", "check", None, "check a: air_travel.ticket on 2026-01-01: allow"),
        (2, "sky-airline", "check", None, "check b: x on 2026-01-02: deny"),
        (3, "sky-airline", "check", None, None),
        (4, "officer-zhou", "check", "a complaint", "check c: x on 2026-01-03: allow"),
        (5, "officer-zhou", "score", None, None),
        (6, "officer-zhou", "report", "an audit", "as of 2026-01-04"),
    ]
