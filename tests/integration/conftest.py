"""Fixtures of the integration ring: a deployment on a real database, filled with the
basic conformance scenario and a row in every append-only table."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import scenario_files
from xinyong.domain.attachments import Accepted
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
    attempt, a case, an attachment, a webhook endpoint of the scenario's source (whose
    disputes make messages), its rotation and a delivery attempt."""
    files = scenario_files("basic")
    deployment.catalogs.load(files["catalogs"])
    book = deployment.webhooks.store
    endpoint, _ = book.register("source", "test-source", "https://receiver.example/hooks", ("record.dispute_filed",))
    book.rotate(endpoint.id)
    deployment.intake.import_lines(files["events"].read_text().splitlines())
    message = book.due()[0]
    book.log_attempt(message.id, 1, dt.datetime.now(dt.UTC), 500, "failed", "test", dt.datetime.now(dt.UTC))
    deployment.inquiries.standing(PERSON, "city-personal", dt.date(2025, 1, 1))
    notice = deployment.outbox.inbox(PERSON)[0]
    deployment.outbox.log_attempt(notice, "email", 1, "failed", "test")
    with deployment.units() as uow:
        case_id = uow.cases.open("review", PERSON, None, {"grounds": "test"})
        uow.attachments.add("repair", case_id, PERSON, Accepted("application/pdf", "test.pdf", b"%PDF-1.4\n"))
        uow.commit()
    # A scorecard and opt-in events (docs/design.md section 9): a consent and a bill.
    deployment.catalogs.load([Path(__file__).resolve().parents[2] / "catalogs" / "civic-optin.toml"])
    consent = {"type": "consent_given", "id": "fill-consent", "subject": str(PERSON), "scorecard": "civic-optin"}
    consent |= {"sources": ["water-co"], "purposes": ["lending"], "on": "2025-01-01"}
    bill = {"type": "obligation", "id": "fill-bill", "subject": str(PERSON), "source": "water-co"}
    bill |= {"due_on": "2025-02-01", "amount": 12}
    deployment.intake.import_lines([json.dumps(consent), json.dumps(bill)])
    return deployment


@pytest.fixture(scope="session")
def filled_template(backend, postgres_server, tmp_path_factory) -> tuple[str, Path]:
    """A database :func:`fill` filled once a session, and the folder of its key files
    (``secret.key``, ``node.key``)."""
    from xinyong.bootstrap import open_deployment

    folder = tmp_path_factory.mktemp("filled")
    db = postgres_server.new_database() if backend == "postgresql" else str(folder / "xinyong.db")
    settings = Settings(
        db=db, key_file=str(folder / "secret.key"), node_key_file=str(folder / "node.key"), notice_interval=0
    )
    fill(open_deployment(db, settings)).close()
    return db, folder


@pytest.fixture
def filled_database(filled_template, backend, postgres_server, database, settings) -> str:
    """``database`` holding what :func:`fill` writes, under the key files of ``settings``:
    a copy of the session's filled database (the same rows and keys as filling it anew;
    what a test changes stays in its copy)."""
    template, folder = filled_template
    for name, target in (("secret.key", settings.key_file), ("node.key", settings.node_key_file)):
        if (folder / name).exists():
            shutil.copy2(folder / name, target)
    if backend == "postgresql":
        return postgres_server.copy_database(template, database)
    for suffix in ("", "-wal", "-shm"):
        if Path(template + suffix).exists():
            shutil.copy2(template + suffix, database + suffix)
    return database
