"""Fixtures of the integration ring: a deployment on a real database, filled with the
basic conformance scenario and a row in every append-only table."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import scenario_files
from xinyong.domain.identifiers import SubjectRef
from xinyong.settings import Settings

PERSON = SubjectRef.parse("rid:140451198304254480")


@pytest.fixture
def settings(tmp_path, database) -> Settings:
    """A database's settings with its own secret key file and node key file."""
    return Settings(
        db=database, key_file=str(tmp_path / "secret.key"), node_key_file=str(tmp_path / "node.key"), notice_interval=0
    )


def fill(deployment):
    """The basic scenario, and a row in every append-only table: a read, a delivery
    attempt, a case."""
    files = scenario_files("basic")
    deployment.catalogs.load(files["catalogs"])
    deployment.intake.import_lines(files["events"].read_text().splitlines())
    deployment.inquiries.standing(PERSON, "city-personal", dt.date(2025, 1, 1))
    notice = deployment.outbox.inbox(PERSON)[0]
    deployment.outbox.log_attempt(notice, "email", 1, "failed", "test")
    with deployment.units() as uow:
        uow.cases.open("review", PERSON, None, {"grounds": "test"})
        uow.commit()
    return deployment
