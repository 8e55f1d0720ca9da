"""Opt-in events in storage (docs/design.md section 9), on the suite's database: sealed
at rest, kept apart from the ledger, erased on withdrawal by destroying the subject's
keys for the scorecard's sources while every chain still verifies, and all or nothing
with the rest of an import."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.integration.test_ledger import _everything_stored
from tests.support.identifiers import rid
from xinyong.domain.access import Reader, operator
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.optin import OptinRefused
from xinyong.services.intake import ImportRefused

pytestmark = pytest.mark.integration

SCORECARD = Path(__file__).resolve().parents[2] / "catalogs" / "civic-optin.toml"
PERSON = SubjectRef.parse(rid("37108219770707007"))
CONSENT = {
    "type": "consent_given",
    "id": "c-1",
    "subject": str(PERSON),
    "scorecard": "civic-optin",
    "sources": ["water-co", "city-bank"],
    "purposes": ["lending", "rental-deposit"],
    "on": "2025-01-01",
}
BILLS = [
    {
        "type": "obligation",
        "id": "o-1",
        "subject": str(PERSON),
        "source": "water-co",
        "due_on": "2025-03-17",
        "amount": 71.5,
    },
    {"type": "paid", "id": "p-1", "obligation": "o-1", "on": "2025-03-16"},
    {
        "type": "obligation",
        "id": "o-2",
        "subject": str(PERSON),
        "source": "city-bank",
        "due_on": "2025-04-19",
        "amount": 963,
    },
]
DAY = dt.date(2026, 1, 15)


def _import(deployment, *events: dict):
    return deployment.intake.import_lines([json.dumps(e) for e in events])


@pytest.fixture
def consented(deployment):
    deployment.catalogs.load([SCORECARD])
    _import(deployment, CONSENT, *BILLS)
    return deployment


def test_opt_in_events_are_sealed_at_rest_and_kept_out_of_the_ledger(consented):
    assert consented.optin.score(PERSON, "civic-optin", DAY, operator()).features["obligations_24m"] == 2
    with consented.units(read_only=True) as uow:
        assert uow.ledger.event_count() == 0
    raw = _everything_stored(consented)
    for secret in (PERSON.value, "2025-03-17", "2025-04-19"):
        assert secret.encode() not in raw, secret


def test_withdrawal_erases_the_bills_of_its_sources_and_every_chain_still_verifies(consented):
    _import(
        consented,
        {
            "type": "consent_withdrawn",
            "id": "w-1",
            "subject": str(PERSON),
            "scorecard": "civic-optin",
            "on": "2026-01-20",
        },
    )
    with consented.units(read_only=True) as uow:
        assert uow.optin.obligations(PERSON) == []
        assert uow.optin.obligation("o-1").kept is False
        assert [r.intact for r in uow.audit.verify()] == [True] * len(uow.audit.verify())
        history = uow.optin.consents(PERSON)["civic-optin"]
    assert [c.kind for c in history] == ["given", "withdrawn"]  # the consent itself is kept
    with pytest.raises(OptinRefused):
        consented.optin.score(PERSON, "civic-optin", dt.date(2026, 2, 1), operator())
    # Before the withdrawal's day consent was in force, but nothing is left to score.
    erased = consented.optin.score(PERSON, "civic-optin", DAY, operator())
    assert erased.features["obligations_24m"] == 0 and erased.features["history_months"] is None


def test_a_new_consent_after_withdrawal_takes_new_bills_under_a_new_key(consented):
    _import(
        consented,
        {
            "type": "consent_withdrawn",
            "id": "w-1",
            "subject": str(PERSON),
            "scorecard": "civic-optin",
            "on": "2026-01-20",
        },
    )
    _import(consented, {**CONSENT, "id": "c-2", "on": "2026-01-21", "sources": ["water-co"]})
    _import(consented, {**BILLS[0], "id": "o-3", "due_on": "2025-12-01"})
    with consented.units(read_only=True) as uow:
        assert [o.id for o, _ in uow.optin.obligations(PERSON)] == ["o-3"]


def test_a_refused_line_keeps_nothing_of_the_file(deployment):
    deployment.catalogs.load([SCORECARD])
    with pytest.raises(ImportRefused) as refused:
        _import(deployment, CONSENT, BILLS[0], {**BILLS[0], "id": "o-9", "source": "gas-co"})
    assert refused.value.rejections[0].line == 3
    with deployment.units(read_only=True) as uow:
        assert uow.optin.consents(PERSON) == {} and uow.optin.fingerprints(["c-1", "o-1"]) == {}


def test_officers_and_service_points_cannot_read_opt_in_scores(consented):
    for role in ("officer", "service-point", "auditor", "registry", "source"):
        with pytest.raises(PermissionError):
            consented.optin.score(PERSON, "civic-optin", DAY, Reader(f"{role}-1", role), "loan file")


def test_a_lender_reads_only_for_a_consented_purpose_in_its_scopes_and_is_logged(consented):
    lender = Reader("city-bank-loans", "lender", "t1", ("lending",))
    assert consented.optin.score(PERSON, "civic-optin", DAY, lender, "lending").score > 0
    with pytest.raises(PermissionError):
        consented.optin.score(PERSON, "civic-optin", DAY, lender, "rental-deposit")  # not in its scopes
    with consented.units(read_only=True) as uow:
        _, entries = uow.access_log.entries(PERSON)
    assert [(e.reader, e.what, e.purpose) for e in entries if e.role == "lender"] == [
        ("city-bank-loans", "optin-score", "lending")
    ]


def test_once_the_subject_withdraws_no_lender_reads_its_score_again_for_any_day(consented):
    lender = Reader("city-bank-loans", "lender", "t1", ("lending",))
    assert consented.optin.score(PERSON, "civic-optin", DAY, lender, "lending").score > 0
    _import(
        consented,
        {
            "type": "consent_withdrawn",
            "id": "w-1",
            "subject": str(PERSON),
            "scorecard": "civic-optin",
            "on": "2026-01-20",
        },
    )
    with pytest.raises(PermissionError, match="no consent"):
        consented.optin.score(PERSON, "civic-optin", DAY, lender, "lending")  # a day the consent was in force
    assert consented.optin.score(PERSON, "civic-optin", DAY, operator(), None).features["obligations_24m"] == 0


def test_the_subject_is_told_of_consent_given_and_withdrawn(consented):
    _import(
        consented,
        {
            "type": "consent_withdrawn",
            "id": "w-1",
            "subject": str(PERSON),
            "scorecard": "civic-optin",
            "on": "2026-01-20",
        },
    )
    with consented.units(read_only=True) as uow:
        told = {n.key: n.fields for n in uow.notices.inbox(PERSON)}
    assert told["notice.optin.consent_given"]["sources"] == "water-co, city-bank"
    assert told["notice.optin.consent_withdrawn"]["erased"] == 2  # both bills, one per source


def test_a_source_token_files_bills_for_the_source_it_is_only(consented):
    bill = {**BILLS[0], "id": "o-named"}
    own = Reader("water-co", "source", "t-w", ("city-personal/traffic.*",))
    consented.intake.submit([bill], submitter=own)  # its name is the source
    scoped = Reader("utilities-gateway", "source", "t-g", ("optin:water-co",))
    consented.intake.submit([{**bill, "id": "o-scoped"}], submitter=scoped)  # a scope names the source
    from xinyong.services.intake import ImportForbidden

    with pytest.raises(ImportForbidden, match="city-bank"):
        consented.intake.submit([{**bill, "id": "o-other", "source": "city-bank"}], submitter=own)
    with pytest.raises(ImportForbidden):
        consented.intake.submit([{"type": "paid", "id": "p-x", "obligation": "o-2", "on": "2025-04-01"}], submitter=own)
