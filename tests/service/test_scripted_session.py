"""A scripted session over HTTP gives the same answers as the command line on the same
data, and the subject's report shows who looked (issue 3, "What it must show")."""

from __future__ import annotations

import pytest

from tests.service.conftest import (
    AS_OF,
    MANIFEST,
    SERVICE_POINT_NAME,
    SESSION_EVENTS,
    SOURCE_NAME,
    ZHANG,
    ZHANG_NAME,
    assert_problem,
    without_scores,
)

pytestmark = pytest.mark.e2e


def test_a_sources_batch_with_a_subject_event_is_refused_whole(scripted):
    body = assert_problem(scripted.source_facts, 403, "outside-scope")
    assert [e["index"] for e in body["errors"]] == [1]
    assert "registry" in body["errors"][0]["reason"]


def test_the_registry_registers_a_subject_once(scripted):
    assert scripted.registered.status_code == 200, scripted.registered.text
    registered, reregistered = scripted.registered.json(), scripted.reregistered.json()
    assert [(e["type"], e["outcome"]) for e in registered.pop("events")] == [("subject", "written")]
    assert [(e["type"], e["outcome"]) for e in reregistered.pop("events")] == [("subject", "replayed")]
    assert registered == {"received": 1, "written": 1, "unchanged": 0, "written_by_type": {"subject": 1}}
    assert reregistered == {"received": 1, "written": 0, "unchanged": 1, "written_by_type": {}}


def test_the_registered_subject_is_told_its_facts(scripted):
    notices = [n for n in scripted.report.json()["notices"] if n["kind"] == "subject_facts"]
    assert len(notices) == 1
    assert notices[0]["fields"]["jurisdiction"] == "CN-SD-RC"
    assert notices[0]["fields"]["registered"] is True


def test_a_source_batch_answers_what_was_new(scripted):
    assert scripted.submitted.status_code == 200, scripted.submitted.text
    answer = scripted.submitted.json()
    events = answer.pop("events")
    assert answer == {
        "received": 4,
        "written": 4,
        "unchanged": 0,
        "written_by_type": {"record": 3, "dispute_filed": 1},
    }
    # Each event with its id (a later event without one gets an id from its content).
    assert [(e["index"], e["type"], e["outcome"]) for e in events] == [
        (1, "record", "written"),
        (2, "record", "written"),
        (3, "record", "written"),
        (4, "dispute_filed", "written"),
    ]
    assert all(e["id"] for e in events)


def test_resending_a_batch_writes_nothing(scripted):
    assert scripted.resubmitted.status_code == 200, scripted.resubmitted.text
    answer = scripted.resubmitted.json()
    events = answer.pop("events")
    assert answer == {
        "received": 4,
        "written": 0,
        "unchanged": 4,
        "written_by_type": {},
    }
    assert [e["id"] for e in events] == [e["id"] for e in scripted.submitted.json()["events"]]
    assert {e["outcome"] for e in events} == {"replayed"}


def test_the_subjects_score_over_http_equals_score_json_on_the_command_line(scripted):
    assert scripted.own_score.status_code == 200, scripted.own_score.text
    assert scripted.own_score.json() == scripted.cli_score


def test_an_officers_score_over_http_equals_score_json_on_the_command_line(scripted):
    assert scripted.officer_score.status_code == 200, scripted.officer_score.text
    assert scripted.officer_score.json() == scripted.cli_score


def test_the_later_event_posted_over_http_counts(scripted):
    # The red light was disputed before it took effect, so only the drunk driving counts.
    counted = {c["record"]: c["points"] for c in scripted.own_score.json()["contributions"]}
    assert counted == {"http-tp-0002": -30}
    assert scripted.own_score.json()["score"] == 970


def test_a_single_check_equals_check_json_on_the_command_line_without_scores(scripted):
    assert scripted.single_check.status_code == 200, scripted.single_check.text
    assert scripted.single_check.json() == without_scores(scripted.cli_single_check)


def test_a_manifest_answers_one_check_per_passenger_in_order(scripted):
    assert scripted.manifest.status_code == 200, scripted.manifest.text
    answers = scripted.manifest.json()
    assert [(a["subject"], a["action"]) for a in answers] == [(q["subject"], q["action"]) for q in MANIFEST]


def test_a_manifest_equals_check_json_on_the_command_line_without_scores(scripted):
    assert scripted.manifest.json() == [without_scores(c) for c in scripted.cli_manifest]


def test_a_manifest_denies_the_listed_passengers(scripted):
    decisions = [a["decision"] for a in scripted.manifest.json()]
    assert decisions == ["allow", "deny", "deny", "allow"]
    denied = scripted.manifest.json()[1]
    assert denied["reasons"][0]["trigger"]["list"] == "judgment-defaulters"
    assert denied["reasons"][0]["legal_basis"]
    assert denied["how_to_dispute"]


def test_the_report_names_and_places_the_subject(scripted):
    assert scripted.report.status_code == 200, scripted.report.text
    report = scripted.report.json()
    assert (report["subject"], report["name"], report["jurisdiction"]) == (ZHANG, ZHANG_NAME, "CN-SD-RC")


def test_the_reports_standing_agrees_with_score_json_on_the_command_line(scripted):
    cli = scripted.cli_score
    standing = next(s for s in scripted.report.json()["standings"] if s["catalog"] == "city-personal")
    projected = {key: standing[key] for key in cli}
    projected["contributions"] = [{key: c[key] for key in cli["contributions"][0]} for c in standing["contributions"]]
    assert projected == cli


def test_the_report_lists_every_record_with_its_later_events(scripted):
    records = {r["record"]: r for r in scripted.report.json()["records"]}
    assert set(records) == {"http-tp-0001", "http-tp-0002"}
    assert [e["type"] for e in records["http-tp-0001"]["events"]] == ["dispute_filed"]
    assert records["http-tp-0001"]["source"] == SOURCE_NAME


def test_the_reports_access_log_lists_the_service_points_check(scripted):
    log = scripted.report.json()["access_log"]
    checks = [e for e in log if e["reader"] == SERVICE_POINT_NAME]
    assert checks, log
    assert {(e["role"], e["what"]) for e in checks} == {("service-point", "check")}
    assert any(e["purpose"] == "ticket sale" and "rail.high_speed.ticket" in e["detail"] for e in checks), checks


def test_the_reports_access_log_lists_the_manifest_check_on_this_subject_only(scripted):
    details = [e["detail"] for e in scripted.report.json()["access_log"] if e["what"] == "check"]
    assert any(f"air_travel.ticket on {AS_OF}: allow" in d for d in details), details
    # The other passengers' checks are in their own logs, not in this one.
    assert not any("2024-" in (d or "") for d in details), details


def test_the_reports_access_log_lists_the_officers_read_with_its_purpose(scripted):
    log = scripted.report.json()["access_log"]
    assert any(e["role"] == "officer" and e["what"] == "score" and e["purpose"] == "scripted session" for e in log)


def test_the_session_leaves_the_ledger_intact(scripted):
    verified = scripted.api.get("auditor", "/v1/ledger/verify")
    assert verified.status_code == 200, verified.text
    body = verified.json()
    assert body["intact"] is True
    assert body["events"] == scripted.api.ledger_events()


def test_the_command_line_sees_the_events_posted_over_http(scripted):
    ids = {e.get("id") for e in SESSION_EVENTS} - {None}
    contributions = {c["record"] for c in scripted.cli_score["contributions"]}
    assert contributions <= ids and contributions
