"""Free text is personal data: grounds, reasons, purposes and delivery errors are sealed
at rest, and a subject's free text is erased by destroying its own key once retention
ends, while answers and the chain stay as they were."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.conftest import scenario_files
from tests.integration.test_ledger import _everything_stored
from xinyong.domain.access import Reader
from xinyong.domain.identifiers import SubjectRef
from xinyong.services.erasure import ErasureRefused

pytestmark = pytest.mark.integration

GROUNDS = "Grounds-Xq7-the-fine-was-paid-at-the-counter"
PURPOSE = "Purpose-Zk9-loan-file-review"
ERROR = "mailbox-Wv3@example.invalid refused"
REASONS = "Reasons-Jp4-the-receipt-was-forged"


@pytest.fixture
def disputed(deployment):
    files = scenario_files("basic")
    deployment.catalogs.load(files["catalogs"])
    lines = files["events"].read_text().splitlines()
    deployment.intake.import_lines(lines)
    touched = {json.loads(line).get("record") for line in lines}
    # A record of a person none of whose records has an open list entry or dispute.
    record = next(
        event
        for event in map(json.loads, lines)
        if event["type"] == "record"
        and event["subject"].startswith("rid:")
        and event["id"] not in touched
        and deployment.erasure.kept_until(SubjectRef.parse(event["subject"])) is not None
    )
    deployment.intake.import_lines(
        [json.dumps({"type": "dispute_filed", "record": record["id"], "on": record["decided_on"], "grounds": GROUNDS})]
    )
    deployment.intake.import_lines(
        [
            json.dumps(
                {
                    "type": "dispute_resolved",
                    "record": record["id"],
                    "on": record["decided_on"],
                    "outcome": "upheld",
                    "reasons": REASONS,
                }
            )
        ]
    )
    subject = SubjectRef.parse(record["subject"])
    deployment.inquiries.standing(
        subject, record["rule"].split("/")[0], dt.date(2025, 1, 1), Reader("officer-a", "officer"), PURPOSE
    )
    notice = deployment.outbox.inbox(subject)[0]
    deployment.outbox.log_attempt(notice, "email", 1, "failed", ERROR)
    return deployment, subject, record


def test_free_text_is_not_stored_in_clear(disputed):
    deployment, _, _ = disputed
    raw = _everything_stored(deployment)
    for secret in (GROUNDS, REASONS, PURPOSE, ERROR):
        assert secret.encode() not in raw


def test_free_text_reads_back_for_those_who_may_see_it(disputed):
    deployment, subject, record = disputed
    with deployment.store.reading() as connection:
        file = deployment.store.records(connection, [record["id"]])[record["id"]].file
    assert [getattr(c, "grounds", None) for c in file.changes] == [GROUNDS, None]
    assert [getattr(c, "reasons", None) for c in file.changes] == [None, REASONS]
    _, entries = deployment.access_log.entries(subject)
    assert PURPOSE in [e.purpose for e in entries]


def test_erasure_waits_for_retention_then_destroys_the_text_but_not_the_answers(disputed):
    deployment, subject, record = disputed
    catalog = record["rule"].split("/")[0]
    until = deployment.erasure.kept_until(subject)
    assert until is not None
    with pytest.raises(ErasureRefused, match=f"kept until {until}"):
        deployment.erasure.erase(subject, until - dt.timedelta(days=1))
    before = deployment.inquiries.standing(subject, catalog, dt.date(2025, 1, 1))
    assert deployment.erasure.erase(subject, until)
    with deployment.store.reading() as connection:
        file = deployment.store.records(connection, [record["id"]])[record["id"]].file
        reports = deployment.store.verify(connection)
    assert [getattr(c, "grounds", None) for c in file.changes] == [None, None]
    assert [getattr(c, "reasons", None) for c in file.changes] == [None, None]
    assert all(r.intact for r in reports)
    _, entries = deployment.access_log.entries(subject)
    assert entries and PURPOSE not in [e.purpose for e in entries]
    after = deployment.inquiries.standing(subject, catalog, dt.date(2025, 1, 1))
    assert (after.score, after.grade, after.contributions) == (before.score, before.grade, before.contributions)


def test_an_open_dispute_keeps_its_grounds(deployment):
    files = scenario_files("basic")
    deployment.catalogs.load(files["catalogs"])
    lines = files["events"].read_text().splitlines()
    deployment.intake.import_lines(lines)
    opened = next(json.loads(line) for line in lines if '"dispute_filed"' in line)
    resolved = {json.loads(line)["record"] for line in lines if '"dispute_resolved"' in line}
    opened = next(
        json.loads(line) for line in lines if '"dispute_filed"' in line and json.loads(line)["record"] not in resolved
    )
    with deployment.store.reading() as connection:
        subject = deployment.store.records(connection, [opened["record"]])[opened["record"]].file.subject
    assert deployment.erasure.kept_until(subject) is None
    with pytest.raises(ErasureRefused, match="while a list entry or a dispute"):
        deployment.erasure.erase(subject, dt.date(2999, 1, 1))


def test_the_sweep_erases_only_subjects_whose_retention_ended(disputed):
    deployment, subject, _ = disputed
    until = deployment.erasure.kept_until(subject)
    deployment.erasure.sweep(until - dt.timedelta(days=1))
    _, entries = deployment.access_log.entries(subject)
    assert PURPOSE in [e.purpose for e in entries]
    assert deployment.erasure.sweep(until) >= 1
    _, entries = deployment.access_log.entries(subject)
    assert PURPOSE not in [e.purpose for e in entries]


def _case(deployment, case_id):
    with deployment.units(read_only=True) as uow:
        return uow.cases.get(case_id)


def test_case_proof_is_masked_sealed_and_erased_with_the_subject(disputed):
    deployment, subject, _ = disputed
    proof = "Proof-Hm2 receipt paid for neighbour 11010519491231002X"
    with deployment.units() as uow:
        case_id = uow.cases.open("repair", subject, None, {"proof": proof, "applied_on": "2025-01-01"})
        uow.commit()
    case = _case(deployment, case_id)
    assert case.opened["proof"] == "Proof-Hm2 receipt paid for neighbour **************002X"
    until = deployment.erasure.kept_until(subject)
    assert deployment.erasure.erase(subject, until)
    case = _case(deployment, case_id)
    assert "proof" not in case.opened and case.opened["applied_on"] == "2025-01-01" and case.is_open
    assert b"Proof-Hm2" not in _everything_stored(deployment)
