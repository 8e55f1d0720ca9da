"""Erasing free text against the fake unit of work: refused while it must be kept, then
gone everywhere, with the standing unchanged."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support.identifiers import rid
from tests.unit.services.conftest import TODAY, ticket
from xinyong.domain.access import Reader
from xinyong.domain.identifiers import SubjectRef
from xinyong.services.erasure import ErasureRefused

pytestmark = pytest.mark.unit

WRITER = SubjectRef.parse(rid("37108219700707001"))
# A red-light ticket decided 2025-01-05: it counts 2025-01-20 to 2026-01-20; its free text
# is kept a year after that.
KEPT_UNTIL = dt.date(2027, 1, 20)


@pytest.fixture
def written(world):
    world.services.intake.submit(
        [
            {"type": "subject", "subject": str(WRITER), "jurisdiction": "CN-SD-RC"},
            ticket("w1", WRITER, occurred_on="2025-01-01", decided_on="2025-01-05", summary="ran the red light"),
        ]
    )
    world.services.inquiries.standing(WRITER, "city-personal", TODAY, Reader("o", "officer", "t"), "a purpose")
    return world


def summary(world) -> str | None:
    with world.units(read_only=True) as uow:
        return uow.ledger.records(["w1"])["w1"].file.record.summary


def test_free_text_is_kept_until_its_retention_ends(written):
    erasure = written.services.erasure
    assert erasure.kept_until(WRITER) == KEPT_UNTIL
    with pytest.raises(ErasureRefused, match=str(KEPT_UNTIL)):
        erasure.erase(WRITER, KEPT_UNTIL - dt.timedelta(days=1))
    assert summary(written) == "ran the red light"


def test_erasing_removes_the_text_everywhere_and_leaves_the_standing(written):
    before = written.services.inquiries.standing(WRITER, "city-personal", dt.date(2025, 6, 1))
    assert written.services.erasure.erase(WRITER, KEPT_UNTIL)
    assert not written.services.erasure.erase(WRITER, KEPT_UNTIL)  # nothing left to erase
    assert summary(written) is None
    with written.units(read_only=True) as uow:
        assert {e.purpose for e in uow.access_log.entries(WRITER)[1]} == {None}
    after = written.services.inquiries.standing(WRITER, "city-personal", dt.date(2025, 6, 1))
    assert (after.score, after.contributions) == (before.score, before.contributions)


def test_the_sweep_erases_only_what_has_passed_its_retention(written):
    erasure = written.services.erasure
    assert erasure.sweep(KEPT_UNTIL - dt.timedelta(days=1)) == 0
    assert summary(written) == "ran the red light"
    assert erasure.sweep(KEPT_UNTIL) >= 1
    assert summary(written) is None
