"""Issue 4, item 4 of the build list, "the way back": the outlook lists each future day
on which the score, the grade or a list entry changes if nothing new happens, and which
repairs become possible when; every day it names agrees with the score asked for on
that day."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.due_process.conftest import JD, OUTLOOK, RC, TODAY, add_months, day

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def outlook(api) -> dict:
    return api.ok("outlook", "GET", "/v1/me/outlook", params={"catalog": RC})


def test_the_outlook_starts_from_todays_score(api, outlook):
    now = api.score("outlook", OUTLOOK, TODAY)

    assert (outlook["as_of"], outlook["score"], outlook["grade"]) == (TODAY.isoformat(), now["score"], now["grade"])
    assert (outlook["score"], outlook["grade"]) == (845, "C")


def test_the_outlook_lists_the_days_the_grade_changes_as_the_penalties_expire(outlook):
    # 1000 - 5 (ticket) - 50 (breach) - 100 (damage); each expires on its own day.
    ticket_ends = add_months(day(-15), 3)
    breach_ends = add_months(day(-185), 24)
    damage_ends = add_months(day(-285), 36)

    changes = [(c["day"], c["score"], c["grade"]) for c in outlook["changes"]]

    assert changes == [
        (ticket_ends.isoformat(), 850, "B"),
        (breach_ends.isoformat(), 900, "B"),
        (damage_ends.isoformat(), 1000, "A"),
    ]
    assert "grade C → B" in outlook["changes"][0]["what"]
    assert "record outlook-ticket stops counting (-5 no longer)" in outlook["changes"][0]["what"]


def test_the_outlook_gives_each_change_as_a_key_with_fields_and_in_chinese_when_asked(api, outlook):
    first = outlook["changes"][0]
    assert {"key": "outlook.grade", "fields": {"was": "C", "grade": "B"}} in first["messages"]
    assert len(first["messages"]) == len(first["what"])
    chinese = api.ok(
        "outlook", "GET", "/v1/me/outlook", params={"catalog": RC}, headers={"Accept-Language": "zh-CN,zh;q=0.9"}
    )
    assert chinese["changes"][0]["messages"] == first["messages"]
    assert "等级 C → B" in chinese["changes"][0]["what"]
    assert "记录 outlook-ticket 停止计分（不再计 -5 分）" in chinese["changes"][0]["what"]


def test_every_day_of_the_outlook_agrees_with_the_score_asked_for_on_that_day_and_the_day_before(api, outlook):
    previous = (outlook["score"], outlook["grade"])
    for change in outlook["changes"]:
        on = dt.date.fromisoformat(change["day"])
        asked = api.score("outlook", OUTLOOK, on)
        assert (asked["score"], asked["grade"]) == (change["score"], change["grade"]), change
        before = api.score("outlook", OUTLOOK, on - dt.timedelta(days=1))
        assert (before["score"], before["grade"]) == previous, change
        previous = (change["score"], change["grade"])


def test_the_outlook_names_the_day_each_repair_becomes_possible(api, outlook):
    report = api.ok("outlook", "GET", "/v1/me/report")
    repairable = {r["record"]: r["repairable_from"] for r in report["records"]}

    options = {o["record"]: o["possible_from"] for o in outlook["repairs"]}

    # The ticket can be repaired already (from today); the others when their period is over.
    assert options == {
        "outlook-ticket": TODAY.isoformat(),
        "outlook-breach": repairable["outlook-breach"],
        "outlook-damage": repairable["outlook-damage"],
    }
    assert repairable["outlook-breach"] == add_months(day(-185), 12).isoformat()


def test_the_command_line_outlook_agrees_with_the_service(server, outlook):
    printed = server.cli.json("outlook", OUTLOOK, "--catalog", RC, "--json")

    assert printed == outlook


def test_the_command_line_outlook_speaks_chinese_with_lang(server):
    printed = server.cli.json("outlook", OUTLOOK, "--catalog", RC, "--json", "--lang", "zh-CN")

    assert "等级 C → B" in printed["changes"][0]["what"]


def test_the_outlook_of_a_list_tells_when_the_entry_ends(api):
    # The adverse subject's entry (decided 200 days ago, in effect 10 days later) lasts 2 years.
    answer = api.ok("adverse", "GET", "/v1/me/outlook", params={"catalog": JD})

    ends = add_months(day(-190), 24).isoformat()
    assert [e["until"] for e in answer["lists"]] == [ends]
    assert [(c["day"], c["lists"]) for c in answer["changes"]] == [(ends, [])]
    assert "entry on list judgment-defaulters (record adverse-default) ends" in answer["changes"][0]["what"]


def test_the_outlook_of_an_unknown_catalog_is_not_found(api):
    answer = api.get("outlook", "/v1/me/outlook", params={"catalog": "no-such-catalog"})

    assert answer.status_code == 404, answer.text


def test_the_outlook_as_of_a_later_day_starts_from_that_day(api, outlook):
    second = dt.date.fromisoformat(outlook["changes"][1]["day"])

    later = api.ok("outlook", "GET", "/v1/me/outlook", params={"catalog": RC, "as_of": second.isoformat()})

    assert (later["score"], later["grade"]) == (900, "B")
    assert later["changes"] == outlook["changes"][2:]
