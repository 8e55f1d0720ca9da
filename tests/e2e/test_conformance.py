"""The conformance scenarios of docs/design.md, reproduced exactly through the command line:
load the catalogs, import the events, answer the questions."""

from __future__ import annotations

import json

import pytest

from tests.conftest import SCENARIOS, scenario_files

pytestmark = pytest.mark.e2e


def project(question: dict, answer: dict) -> dict:
    """The part of a full answer that expected.jsonl pins down."""
    if "score" in question:
        return {
            "score": answer["score"],
            "grade": answer["grade"],
            "contributions": sorted(
                [c["record"], c["points"], c["capped"], c["disputed"]] for c in answer["contributions"]
            ),
            "lists": sorted([e["list"], e["record"], e["from"], e["until"]] for e in answer["lists"]),
        }
    return {"decision": answer["decision"], "effects": sorted(r["effect"] for r in answer["reasons"])}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenario_is_reproduced_exactly_through_the_command_line(cli, scenario):
    if scenario == SCENARIOS[0]:
        cli = cli.as_process()  # once through the installed console script, as a user runs it
    files = scenario_files(scenario)
    cli("catalog", "load", *map(str, files["catalogs"]))
    cli("import", str(files["events"]))
    questions = [json.loads(line) for line in files["queries"].read_text().splitlines()]
    expected = [json.loads(line) for line in files["expected"].read_text().splitlines()]
    answers = [json.loads(line) for line in cli("query", str(files["queries"])).stdout.splitlines()]
    assert len(answers) == len(questions)
    mismatches = [
        (n, q, project(q, a), e)
        for n, (q, a, e) in enumerate(zip(questions, answers, expected, strict=False), start=1)
        if project(q, a) != e
    ]
    assert not mismatches, f"{len(mismatches)} of {len(questions)} differ; first: {mismatches[0]}"


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_score_and_check_commands_agree_with_query(cli, scenario):
    files = scenario_files(scenario)
    cli("catalog", "load", *map(str, files["catalogs"]))
    cli("import", str(files["events"]))
    lines = files["queries"].read_text().splitlines()
    score_q = next(json.loads(line) for line in lines if '"score"' in line and "uscc" in line)
    check_q = next(json.loads(line) for line in lines if '"check"' in line and '"rail' in line)
    via_score = cli.json(
        "score", score_q["score"], "--catalog", score_q["catalog"], "--as-of", score_q["as_of"], "--json"
    )
    via_check = cli.json("check", check_q["check"], check_q["action"], "--as-of", check_q["as_of"], "--json")
    answers = cli("query", "-", stdin=json.dumps(score_q) + "\n" + json.dumps(check_q) + "\n").stdout.splitlines()
    assert json.loads(answers[0]) == via_score
    assert json.loads(answers[1]) == via_check


def test_reimporting_a_scenario_writes_nothing(cli):
    files = scenario_files(SCENARIOS[0])
    cli("catalog", "load", *map(str, files["catalogs"]))
    first = cli("import", str(files["events"])).stdout
    second = cli("import", str(files["events"])).stdout
    assert "0 already applied" in first
    assert " 0 written (nothing new)" in second
    assert "ledger intact" in cli("ledger", "verify").stdout
