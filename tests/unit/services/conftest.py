"""The first ring: the services over the in-memory fake unit of work
(``tests/support/fakes.py``), with the basic conformance scenario loaded once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from tests.conftest import scenario_files
from tests.support.fakes import FakeStore, FakeUnitsOfWork
from tests.support.identifiers import rid
from xinyong.bootstrap import Services, services
from xinyong.domain.identifiers import SubjectRef

TODAY = dt.date(2026, 12, 1)  # after every event of the basic scenario
BASIC = scenario_files("basic")
# A resident of Rongcheng added to the basic scenario, with a red-light ticket in effect
# since 2026-06-20 (decided 2026-06-05, 15 days' notice) and repairable from 2026-09-20.
RESIDENT = SubjectRef.parse(rid("37108219800202001"))
TICKET = "uow-ticket-1"


@dataclass
class World:
    units: FakeUnitsOfWork
    services: Services

    @property
    def store(self) -> FakeStore:
        return self.units.store


def world_over(store: FakeStore) -> World:
    units = FakeUnitsOfWork(store)
    return World(units, services(units, clock=lambda: TODAY))


def ticket(record_id: str = TICKET, subject: SubjectRef = RESIDENT, **more) -> dict:
    return {
        "type": "record",
        "id": record_id,
        "subject": str(subject),
        "rule": more.pop("rule", "city-personal/traffic.red_light"),
        "occurred_on": more.pop("occurred_on", "2026-06-01"),
        "decided_on": more.pop("decided_on", "2026-06-05"),
        "source": "traffic-police",
        **more,
    }


@pytest.fixture(scope="session")
def basic_store() -> FakeStore:
    built = world_over(FakeStore())
    built.services.catalogs.load(BASIC["catalogs"])
    built.services.intake.import_lines(BASIC["events"].read_text().splitlines())
    built.services.intake.submit(
        [{"type": "subject", "subject": str(RESIDENT), "jurisdiction": "CN-SD-RC", "name": "Li Si"}, ticket()]
    )
    return built.store


@pytest.fixture
def world(basic_store: FakeStore) -> World:
    """The basic scenario, the resident and the ticket: a store of the test's own."""
    return world_over(basic_store.copy())


@pytest.fixture
def empty() -> World:
    """The basic scenario's catalogs, and no events."""
    built = world_over(FakeStore())
    built.services.catalogs.load(BASIC["catalogs"])
    return built
