"""Opt-in scores over HTTP (docs/design.md section 9), on the real server: a subject
consents, a source files bills with its own token, the subject and a lender read the
score, refusals (no consent, a source not consented to, another source's token, a
purpose outside the consent, officers), withdrawal erasing the bills while the chain
still verifies, and the wall: public credit answers the same whatever the opt-in score."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.service.conftest import SUBJECT, ZHANG, Api, Template, assert_problem, running_server
from tests.support.cli import Cli
from tests.support.identifiers import rid
from xinyong.domain.calendar import today
from xinyong.domain.optin import whole_months

pytestmark = pytest.mark.e2e

SCORECARD = Path(__file__).resolve().parents[2] / "catalogs" / "civic-optin.toml"
GRANTS = {
    "lender": ["--role", "lender", "--name", "city-bank-loans", "--scope", "lending"],
    "landlord": ["--role", "lender", "--name", "harbour-lettings", "--scope", "rental-deposit"],
    "water": ["--role", "source", "--name", "water-co", "--scope", "optin:water-co"],
    "bank": ["--role", "source", "--name", "city-bank", "--scope", "optin:city-bank"],
    "fuzzer": ["--role", "subject", "--subject", rid("37108219650505005")],
}


@pytest.fixture(scope="module")
def optin_api(template: Template, tmp_path_factory) -> Iterator[Api]:
    secrets: dict[str, str] = {}

    def prepare(db) -> None:
        cli = Cli(db, db_folder)
        cli("catalog", "load", str(SCORECARD))
        for key, grant in GRANTS.items():
            secrets[key] = cli("token", "create", *grant).stdout.strip().splitlines()[-1]

    db_folder = tmp_path_factory.mktemp("optin")
    with running_server(template, db_folder, prepare=prepare) as running:
        client = Api(running, {**template.tokens, **secrets})
        yield client
        client.close()


def _day(days_before: int) -> str:
    return (today() - dt.timedelta(days=days_before)).isoformat()


def bills(prefix: str, subject: str = ZHANG) -> list[dict]:
    """Three water bills due 90, 60 and 30 days ago: two paid on time, the last five days late."""
    return [
        {
            "type": "obligation",
            "id": f"{prefix}-o1",
            "subject": subject,
            "source": "water-co",
            "due_on": _day(90),
            "amount": 40,
        },
        {
            "type": "obligation",
            "id": f"{prefix}-o2",
            "subject": subject,
            "source": "water-co",
            "due_on": _day(60),
            "amount": 40,
        },
        {
            "type": "obligation",
            "id": f"{prefix}-o3",
            "subject": subject,
            "source": "water-co",
            "due_on": _day(30),
            "amount": 40,
        },
        {"type": "paid", "id": f"{prefix}-p1", "obligation": f"{prefix}-o1", "on": _day(91)},
        {"type": "paid", "id": f"{prefix}-p2", "obligation": f"{prefix}-o2", "on": _day(60)},
        {"type": "paid", "id": f"{prefix}-p3", "obligation": f"{prefix}-o3", "on": _day(25)},
    ]


def consent(api: Api, who: str, sources=("water-co",), purposes=("lending",)) -> dict:
    body = {"scorecard": "civic-optin", "sources": list(sources), "purposes": list(purposes)}
    return api.ok(who, "POST", "/v1/me/consents", 201, json=body)


def test_a_score_from_consented_bills_equals_the_hand_worked_one(optin_api: Api) -> None:
    given = consent(optin_api, "zhang")
    assert given["sources"] == ["water-co"] and given["on"] == today().isoformat()
    written = optin_api.ok("water", "POST", "/v1/events", json=bills("hw"))
    assert [e["outcome"] for e in written["events"]] == ["written"] * 6
    mine = optin_api.ok("zhang", "GET", "/v1/me/optin-score", params={"scorecard": "civic-optin"})
    # 2 of 3 on time (0.667 < 0.8): -120; one late in 12 months: -30; none open: +20;
    # under a year of history: 0; 3 bills in 24 months (< 6): 0.  600 - 120 - 30 + 20 = 470.
    assert mine["score"] == 470 and mine["band"] == "poor"
    assert mine["features"] == {
        "on_time_share_24m": pytest.approx(2 / 3),
        "late_count_12m": 1,
        "open_overdue": 0,
        "history_months": whole_months(today() - dt.timedelta(days=90), today()),
        "obligations_24m": 3,
    }
    assert [r["feature"] for r in mine["reasons"]] == [
        "on_time_share_24m",
        "late_count_12m",
        "history_months",
        "obligations_24m",
    ]
    assert mine["reasons"][0]["raise"] == {"points": -40, "at_least": 0.8, "below": 0.95}
    assert mine["reasons"][0]["text"] == "Bills paid late in the last two years"
    chinese = optin_api.ok(
        "zhang", "GET", "/v1/me/optin-score", params={"scorecard": "civic-optin"}, headers={"Accept-Language": "zh-CN"}
    )
    assert chinese["reasons"][0]["text"] == "近两年有账单逾期缴纳"
    # The same object as the command line prints on the same database, numbers as it writes them.
    raw = optin_api.get("zhang", "/v1/me/optin-score", params={"scorecard": "civic-optin"}).text
    assert '"score":470,' in raw and '"late_count_12m":1,' in raw
    printed = optin_api.server.cli("optin", "score", ZHANG, "--scorecard", "civic-optin", "--json")
    assert json.loads(printed.stdout) == mine
    lent = optin_api.ok(
        "lender", "POST", "/v1/optin/scores", json={"subject": ZHANG, "scorecard": "civic-optin", "purpose": "lending"}
    )
    assert lent["score"] == 470 and lent["features"] == mine["features"]
    entries = optin_api.ok("zhang", "GET", "/v1/me/report")["access_log"]
    reads = [e for e in entries if e["what"] == "optin-score" and e["role"] == "lender"]
    assert reads and reads[0]["reader"] == "city-bank-loans" and reads[0]["purpose"] == "lending"


def test_a_lender_outside_the_consented_purposes_is_refused(optin_api: Api) -> None:
    consent(optin_api, "subject", purposes=("lending",))
    body = {"subject": SUBJECT, "scorecard": "civic-optin", "purpose": "rental-deposit"}
    # The landlord's token is for rental deposits, which the subject did not consent to.
    assert_problem(optin_api.post("landlord", "/v1/optin/scores", json=body), 403, "no-consent")
    # The bank's token is for lending only: it cannot ask for another purpose.
    assert_problem(optin_api.post("lender", "/v1/optin/scores", json=body), 403)
    lent = optin_api.post("lender", "/v1/optin/scores", json={**body, "purpose": "lending"})
    assert lent.status_code == 200, lent.text


def test_officers_service_points_and_sources_cannot_read_opt_in_scores(optin_api: Api) -> None:
    body = {"subject": ZHANG, "scorecard": "civic-optin", "purpose": "lending"}
    for who in ("officer", "service-point", "auditor", "registry", "water", None):
        assert optin_api.post(who, "/v1/optin/scores", json=body).status_code in (401, 403), who
        got = optin_api.get(who, "/v1/me/optin-score", params={"scorecard": "civic-optin"})
        assert got.status_code in (401, 403), who


def test_obligations_without_consent_or_from_another_source_are_refused_and_not_kept(optin_api: Api) -> None:
    # A subject who never consented: nothing of the bill is kept.
    lone = bills("nc", subject=rid("37108219600101001"))[:1]
    assert_problem(optin_api.post("water", "/v1/events", json=lone), 422, "events-refused")
    again = optin_api.post("water", "/v1/events", json=lone)
    assert again.status_code == 422  # still unknown: nothing was kept the first time
    # Zhang consented to the water company only: the bank's bills are refused.
    consent(optin_api, "zhang")
    bank = [{**bills("bk")[0], "source": "city-bank"}]
    refused = assert_problem(optin_api.post("bank", "/v1/events", json=bank), 422)
    assert "city-bank" in refused["errors"][0]["reason"]
    # A source token files for its own source only.
    assert_problem(optin_api.post("water", "/v1/events", json=bank), 403, "outside-scope")


def test_withdrawal_erases_the_bills_and_the_chain_still_verifies(optin_api: Api) -> None:
    given = consent(optin_api, "other-subject", purposes=("lending", "rental-deposit"))
    subject = "rid:347961195004189429"
    optin_api.ok("water", "POST", "/v1/events", json=bills("wd", subject=subject))
    before = optin_api.ok("other-subject", "GET", "/v1/me/optin-score", params={"scorecard": "civic-optin"})
    assert before["features"]["obligations_24m"] == 3
    withdrawn = optin_api.ok("other-subject", "DELETE", f"/v1/me/consents/{given['id']}")
    assert withdrawn["consent"] == given["id"] and withdrawn["scorecard"] == "civic-optin"
    assert_problem(
        optin_api.get("other-subject", "/v1/me/optin-score", params={"scorecard": "civic-optin"}), 403, "no-consent"
    )
    body = {"subject": subject, "scorecard": "civic-optin", "purpose": "lending"}
    assert_problem(optin_api.post("lender", "/v1/optin/scores", json=body), 403, "no-consent")
    assert_problem(optin_api.request("other-subject", "DELETE", f"/v1/me/consents/{given['id']}"), 409)
    # Consenting again scores nothing of what was erased, and the erased bill takes no payment.
    consent(optin_api, "other-subject")
    after = optin_api.ok("other-subject", "GET", "/v1/me/optin-score", params={"scorecard": "civic-optin"})
    assert after["features"]["obligations_24m"] == 0 and after["features"]["on_time_share_24m"] is None
    late = [{"type": "paid", "id": "wd-late", "obligation": "wd-o1", "on": _day(0)}]
    refused = assert_problem(optin_api.post("water", "/v1/events", json=late), 422)
    assert "erased" in refused["errors"][0]["reason"]
    verified = optin_api.server.cli("ledger", "verify")
    assert "optin_events" in verified.stdout and verified.returncode == 0


def test_a_consent_outside_the_scorecard_is_refused(optin_api: Api) -> None:
    refused = optin_api.post(
        "zhang",
        "/v1/me/consents",
        json={"scorecard": "civic-optin", "sources": ["shopping-mall"], "purposes": ["lending"]},
    )
    assert_problem(refused, 422, "consent-refused")
    assert "shopping-mall" in refused.json()["detail"]
    unknown = optin_api.post(
        "zhang", "/v1/me/consents", json={"scorecard": "sesame", "sources": ["water-co"], "purposes": ["lending"]}
    )
    assert_problem(unknown, 422)
    assert_problem(optin_api.request("zhang", "DELETE", "/v1/me/consents/nobody-s"), 404)


def test_public_credit_answers_the_same_whatever_the_opt_in_score(optin_api: Api) -> None:
    """The wall: a terrible opt-in score changes no check, score or report of public credit."""
    question = {"subject": SUBJECT, "action": "rail.high_speed.ticket"}
    check_before = optin_api.ok("service-point", "POST", "/v1/checks", json=question)
    score_before = optin_api.ok(
        "officer", "GET", f"/v1/subjects/{SUBJECT}/score", params={"catalog": "city-personal", "purpose": "wall test"}
    )
    consent(optin_api, "subject")
    never_paid = [
        {
            "type": "obligation",
            "id": f"wall-o{i}",
            "subject": SUBJECT,
            "source": "water-co",
            "due_on": _day(30 * i),
            "amount": 900,
        }
        for i in range(1, 5)
    ]
    optin_api.ok("water", "POST", "/v1/events", json=never_paid)
    terrible = optin_api.ok("subject", "GET", "/v1/me/optin-score", params={"scorecard": "civic-optin"})
    assert terrible["score"] == 350 or terrible["band"] == "poor"
    assert optin_api.ok("service-point", "POST", "/v1/checks", json=question) == check_before
    score_after = optin_api.ok(
        "officer", "GET", f"/v1/subjects/{SUBJECT}/score", params={"catalog": "city-personal", "purpose": "wall test"}
    )
    assert score_after == score_before
    report = optin_api.get("officer", f"/v1/subjects/{SUBJECT}/report", params={"purpose": "wall test"})
    assert report.status_code == 200 and "civic-optin" not in report.text and "water-co" not in report.text


def test_no_opt_in_request_gets_a_server_error_or_an_answer_outside_the_schema(optin_api: Api) -> None:
    """schemathesis on the opt-in routes, with the scorecard loaded: as a lender, and as a
    subject of its own (whose consents the generated requests give and withdraw)."""
    import schemathesis

    from tests.service.test_schemathesis import fuzz

    schema = schemathesis.openapi.from_url(optin_api.server.url + "/openapi.json")
    failures = fuzz(schema, optin_api.headers("lender"), {"/v1/optin/scores"})
    mine = {"/v1/me/consents", "/v1/me/consents/{consent_id}", "/v1/me/optin-score"}
    failures += fuzz(schema, optin_api.headers("fuzzer"), mine)
    assert not failures, "\n\n".join(failures)
