"""Opt-in scores on the command line (docs/design.md section 9): ``xinyong import`` of
consent, obligation and payment events, then ``optin score --json`` equal to a
hand-worked example on the sample scorecard; refusals named by line with nothing of the
file written; withdrawal erasing the bills while ``ledger verify`` still passes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.identifiers import rid

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SCORECARD = ROOT / "catalogs" / "civic-optin.toml"
PERSON = "rid:11010519491231002X"
OTHER = rid("37108219850505004")

CONSENT = {
    "type": "consent_given",
    "id": "c-1",
    "subject": PERSON,
    "scorecard": "civic-optin",
    "sources": ["water-co", "city-bank"],
    "purposes": ["lending"],
    "on": "2024-01-01",
}


def bill(number: int, due_on: str, source: str = "water-co", subject: str = PERSON) -> dict:
    return {
        "type": "obligation",
        "id": f"o-{number}",
        "subject": subject,
        "source": source,
        "due_on": due_on,
        "amount": 80,
    }


def paid(number: int, on: str) -> dict:
    return {"type": "paid", "id": f"p-{number}", "obligation": f"o-{number}", "on": on}


# Scored on 2026-07-01: the 24 months before are 2024-07-01 <= due_on < 2026-07-01, the
# 12 months 2025-07-01 <= due_on < 2026-07-01.
EVENTS = [
    CONSENT,
    bill(1, "2024-05-15"),  # before the 24 months: history only
    paid(1, "2024-05-10"),
    bill(2, "2025-03-01"),  # late, in 24 months but not in 12
    paid(2, "2025-03-20"),
    bill(3, "2025-09-01"),  # early
    paid(3, "2025-08-30"),
    bill(4, "2026-01-10"),  # late, in 12 months
    paid(4, "2026-02-01"),
    bill(5, "2026-05-01"),  # never paid: late and open
    bill(6, "2026-06-15", source="city-bank"),  # paid on its day: on time
    paid(6, "2026-06-15"),
    bill(7, "2026-07-10"),  # not yet due on the day scored
]

# By hand: 5 due in 24 months (o2-o6), 2 on time (o3, o6): share 0.4 < 0.8, -120.
# Not on time in 12 months: o4, o5 = 2 < 3, -30. Open and overdue: o5 = 1 < 2, -60.
# History: 2024-05-15 to 2026-07-01 is 25 whole months, < 36, +20. 5 bills < 6, 0.
# 600 - 120 - 30 - 60 + 20 + 0 = 410: "poor". Shortfalls: 150, 50, 80, 20, 10.
EXPECTED = {
    "subject": PERSON,
    "scorecard": "civic-optin",
    "as_of": "2026-07-01",
    "score": 410,
    "band": "poor",
    "features": {
        "on_time_share_24m": 0.4,
        "late_count_12m": 2,
        "open_overdue": 1,
        "history_months": 25,
        "obligations_24m": 5,
    },
    "reasons": [
        {
            "feature": "on_time_share_24m",
            "points": -120,
            "possible": 30,
            "text": "Bills paid late in the last two years",
            "raise": {"points": -40, "at_least": 0.8, "below": 0.95},
        },
        {
            "feature": "open_overdue",
            "points": -60,
            "possible": 20,
            "text": "Bills past their due day and still unpaid",
            "raise": {"points": 20, "at_least": None, "below": 1},
        },
        {
            "feature": "late_count_12m",
            "points": -30,
            "possible": 20,
            "text": "Bills not paid on time in the last year",
            "raise": {"points": 20, "at_least": None, "below": 1},
        },
        {
            "feature": "history_months",
            "points": 20,
            "possible": 40,
            "text": "A short history of bills",
            "raise": {"points": 40, "at_least": 36, "below": None},
        },
    ],
}


def write(path: Path, events: list[dict]) -> str:
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    return str(path)


@pytest.fixture
def loaded(cli):
    cli("catalog", "load", str(SCORECARD))
    return cli


def score(cli, day: str, ok: bool = True):
    return cli("optin", "score", PERSON, "--scorecard", "civic-optin", "--as-of", day, "--json", ok=ok)


def test_import_then_optin_score_equals_the_hand_worked_example(loaded, tmp_path) -> None:
    loaded("import", write(tmp_path / "bills.jsonl", EVENTS))
    assert json.loads(score(loaded, "2026-07-01").stdout) == EXPECTED
    readable = loaded("optin", "score", PERSON, "--scorecard", "civic-optin", "--as-of", "2026-07-01").stdout
    assert "410" in readable and "poor" in readable and "Bills past their due day" in readable


def test_importing_the_file_again_changes_nothing(loaded, tmp_path) -> None:
    path = write(tmp_path / "bills.jsonl", EVENTS)
    loaded("import", path)
    again = loaded("import", path)
    assert f"{len(EVENTS)} already applied" in again.stdout + again.stderr
    assert json.loads(score(loaded, "2026-07-01").stdout) == EXPECTED


def test_an_obligation_without_consent_is_refused_by_line_and_nothing_is_written(loaded, tmp_path) -> None:
    events = [CONSENT, bill(1, "2025-01-01"), bill(2, "2025-01-01", subject=OTHER)]
    refused = loaded("import", write(tmp_path / "bills.jsonl", events), ok=False)
    assert refused.returncode != 0
    assert "bills.jsonl:3:" in refused.stderr and "no consent in force" in refused.stderr
    # Nothing of the file was kept, the consent on line 1 included.
    missing = score(loaded, "2026-07-01", ok=False)
    assert missing.returncode != 0 and "no consent" in missing.stderr


def test_an_obligation_from_a_source_not_consented_to_is_refused(loaded, tmp_path) -> None:
    events = [{**CONSENT, "sources": ["water-co"]}, bill(1, "2025-01-01", source="city-bank")]
    refused = loaded("import", write(tmp_path / "bills.jsonl", events), ok=False)
    assert "bills.jsonl:2:" in refused.stderr and "city-bank" in refused.stderr


def test_a_second_payment_and_a_payment_of_an_unknown_bill_are_refused(loaded, tmp_path) -> None:
    loaded("import", write(tmp_path / "bills.jsonl", [CONSENT, bill(1, "2025-01-01"), paid(1, "2025-01-01")]))
    twice = loaded("import", write(tmp_path / "twice.jsonl", [{**paid(1, "2025-01-02"), "id": "p-again"}]), ok=False)
    assert "already paid" in twice.stderr
    unknown = loaded("import", write(tmp_path / "unknown.jsonl", [paid(9, "2025-01-02")]), ok=False)
    assert "unknown obligation" in unknown.stderr


def test_the_same_id_with_other_content_is_refused(loaded, tmp_path) -> None:
    loaded("import", write(tmp_path / "bills.jsonl", [CONSENT, bill(1, "2025-01-01")]))
    changed = loaded("import", write(tmp_path / "changed.jsonl", [bill(1, "2025-02-01")]), ok=False)
    assert "already taken" in changed.stderr


def test_withdrawal_erases_the_bills_and_the_ledger_still_verifies(loaded, tmp_path) -> None:
    loaded("import", write(tmp_path / "bills.jsonl", EVENTS))
    withdrawal = {
        "type": "consent_withdrawn",
        "id": "w-1",
        "subject": PERSON,
        "scorecard": "civic-optin",
        "on": "2026-08-01",
    }
    loaded("import", write(tmp_path / "withdraw.jsonl", [withdrawal]))
    # Consent was in force on 2026-07-01, but nothing of the bills is left to score:
    # no share (0), no late bill (+20), none open (+20), no history (-20), none in 24 months (0).
    erased = json.loads(score(loaded, "2026-07-01").stdout)
    assert erased["score"] == 620 and erased["band"] == "fair"
    assert erased["features"] == {
        "on_time_share_24m": None,
        "late_count_12m": 0,
        "open_overdue": 0,
        "history_months": None,
        "obligations_24m": 0,
    }
    after = score(loaded, "2026-09-01", ok=False)
    assert after.returncode != 0 and "no consent" in after.stderr
    assert loaded("ledger", "verify").returncode == 0
    # Replaying the old file brings nothing back: its events are known by their ids.
    loaded("import", write(tmp_path / "bills.jsonl", EVENTS))
    assert json.loads(score(loaded, "2026-07-01").stdout)["features"]["obligations_24m"] == 0


def test_a_measure_naming_a_scorecard_is_refused(loaded, tmp_path) -> None:
    catalog = (ROOT / "tests" / "conformance" / "basic" / "catalog-person-v1.toml").read_text("utf-8")
    walled = catalog + (
        '\n[[measures]]\nid = "optin-gate"\nwhen = { scorecard = "civic-optin" }\naction = "loan.apply"\n'
        'effect = "deny"\nlegal_basis = "Opt-in Scores Act art. 1"\n'
    )
    path = tmp_path / "walled.toml"
    path.write_text(walled, "utf-8")
    linted = loaded("catalog", "lint", str(path), ok=False)
    assert linted.returncode != 0 and "walled off from public credit" in linted.stderr + linted.stdout
    refused = loaded("catalog", "load", str(path), ok=False)
    assert refused.returncode != 0 and "walled off" in refused.stderr


def test_a_measure_naming_a_loaded_scorecard_as_its_list_is_refused(loaded, tmp_path) -> None:
    catalog = (ROOT / "tests" / "conformance" / "basic" / "catalog-person-v1.toml").read_text("utf-8")
    walled = catalog + (
        '\n[[measures]]\nid = "optin-gate"\nwhen = { list = "civic-optin" }\naction = "loan.apply"\n'
        'effect = "review"\nlegal_basis = "Opt-in Scores Act art. 1"\n'
    )
    path = tmp_path / "walled.toml"
    path.write_text(walled, "utf-8")
    linted = loaded("catalog", "lint", "--json", str(path), ok=False)
    codes = {f["code"] for f in json.loads(linted.stdout)}
    assert "optin-walled-off" in codes
    refused = loaded("catalog", "load", str(path), ok=False)
    assert "optin-walled-off" in refused.stderr


def test_a_scorecard_with_a_purchase_feature_never_loads(cli, tmp_path) -> None:
    text = SCORECARD.read_text("utf-8").replace('name = "obligations_24m"', 'name = "purchases_12m"')
    path = tmp_path / "shopping.toml"
    path.write_text(text.replace("features.obligations_24m", "features.purchases_12m"), "utf-8")
    for command in ("lint", "load"):
        refused = cli("catalog", command, str(path), ok=False)
        assert refused.returncode != 0
        assert "purchases_12m" in refused.stderr and "purchases" in refused.stderr


def test_lint_warns_of_bins_that_are_not_monotone(cli, tmp_path) -> None:
    text = SCORECARD.read_text("utf-8").replace(
        "{ below = 1, points = 20 },\n  { below = 3, points = -30 },",
        "{ below = 1, points = -30 },\n  { below = 3, points = 20 },",
    )
    path = tmp_path / "backwards.toml"
    path.write_text(text, "utf-8")
    findings = json.loads(cli("catalog", "lint", "--json", str(path)).stdout)
    assert [(f["severity"], f["code"], f["where"]) for f in findings] == [
        ("warning", "not-monotone", "features[1].bins")
    ]


def test_the_sample_scorecard_loads_with_the_sample_catalogs(cli) -> None:
    loaded = cli("catalog", "load", *map(str, sorted((ROOT / "catalogs").glob("*.toml")))).stdout
    assert "scorecard civic-optin version 2026.1" in loaded
    shown = cli.json("catalog", "show", "--json")
    assert {"id": "civic-optin", "kind": "scorecard"}.items() <= next(
        r for r in shown if r["id"] == "civic-optin"
    ).items()
    assert cli("catalog", "lint", *map(str, sorted((ROOT / "catalogs").glob("*.toml")))).returncode == 0
