"""Scores and checks against the fake unit of work: the answers are the standing
module's on the same events, and every read is written to the access log."""

from __future__ import annotations

import json

import pytest

from tests.e2e.test_conformance import project
from tests.unit.services.conftest import BASIC, RESIDENT
from xinyong.domain.access import Reader
from xinyong.domain.calendar import parse_date
from xinyong.domain.catalog.files import parse_catalog
from xinyong.domain.catalog.registry import CatalogRegistry
from xinyong.domain.events import RecordEvent, SubjectEvent, parse_lines
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.standing import RecordFile, check_of, standing_of, timeline
from xinyong.entrypoints.answers import answer_json, check_json, standing_json
from xinyong.services.inquiries import Unanswered

pytestmark = pytest.mark.unit

QUESTIONS = [json.loads(line) for line in BASIC["queries"].read_text().splitlines()]
EXPECTED = [json.loads(line) for line in BASIC["expected"].read_text().splitlines()]
AIRLINE = Reader("sky-airline", "service-point", "t9", ("air_travel",))


def oracle() -> dict[str, object]:
    """The answers of the standing module on the scenario's events, read straight from
    its file: no repository in between."""
    registry = CatalogRegistry.of([parse_catalog(p.read_text(), str(p)) for p in BASIC["catalogs"]])
    records: dict[str, RecordEvent] = {}
    changes: dict[str, list] = {}
    jurisdictions: dict[SubjectRef, str] = {}
    for _, _, item, _ in parse_lines(BASIC["events"].read_text().splitlines()):
        if isinstance(item, SubjectEvent):
            jurisdictions[item.subject] = item.jurisdiction
        elif isinstance(item, RecordEvent):
            records[item.id] = item
        elif item is not None and item.type != "contact":
            changes.setdefault(item.record, []).append(item)
    lines = [timeline(RecordFile(r, tuple(changes.get(i, ()))), registry) for i, r in records.items()]
    answers: dict[str, object] = {}
    for question in QUESTIONS:
        subject = SubjectRef.parse(question.get("score") or question["check"])
        day = parse_date(question["as_of"])
        mine = [ln for ln in lines if ln.file.subject == subject]
        if "score" in question:
            answer = standing_of(subject, question["catalog"], day, mine, registry, jurisdictions.get(subject))
            answers[json.dumps(question)] = standing_json(answer)
        else:
            decision = check_of(subject, question["action"], day, mine, registry, jurisdictions.get(subject))
            answers[json.dumps(question)] = check_json(decision)
    return answers


def access_count(world) -> int:
    with world.units(read_only=True) as uow:
        return uow.access_log.entries(limit=0)[0]


def test_every_answer_is_the_standing_modules_on_the_same_events(world):
    expected = oracle()
    inquiries = world.services.inquiries
    for question, pinned in zip(QUESTIONS, EXPECTED, strict=True):
        answer = answer_json(inquiries.answer(question))
        assert answer == expected[json.dumps(question)], question
        assert project(question, answer) == pinned, question


def test_every_score_and_check_is_logged_with_who_asked_and_why(world):
    inquiries = world.services.inquiries
    before = access_count(world)
    officer = Reader("officer-zhou", "officer", "t1")
    inquiries.standing(RESIDENT, "city-personal", parse_date("2026-07-01"), officer, "a loan file")
    inquiries.check(RESIDENT, "loan.apply", parse_date("2026-07-01"), officer, "a loan file")
    with world.units(read_only=True) as uow:
        _, entries = uow.access_log.entries(RESIDENT)
    assert access_count(world) == before + 2
    assert [(e.what, e.reader, e.purpose) for e in entries[:2]] == [
        ("check", "officer-zhou", "a loan file"),
        ("score", "officer-zhou", "a loan file"),
    ]
    assert entries[1].detail is not None and "city-personal on 2026-07-01" in entries[1].detail


def test_a_file_of_questions_is_answered_and_logged_in_one_unit_of_work(world):
    inquiries = world.services.inquiries
    before, commits = access_count(world), world.units.commits
    answers = inquiries.answer_many([*QUESTIONS[:20], {"score": str(RESIDENT)}, "not an object"])
    assert len(answers) == 22 and answers[20] == Unanswered(21, "catalog: a score question names its catalog")
    assert isinstance(answers[21], Unanswered) and answers[21].line == 22
    assert access_count(world) == before + 20
    assert world.units.commits == commits + 1
    assert [answer_json(a) for a in answers[:20]] == [answer_json(inquiries.answer(q)) for q in QUESTIONS[:20]]


def test_a_service_points_denial_tells_the_subject_and_an_officers_does_not(world):
    denied = next(
        (q, a)
        for q, a in zip(QUESTIONS, EXPECTED, strict=True)
        if "check" in q and a["decision"] == "deny" and q["action"].startswith("air_travel")
    )[0]
    subject, day = SubjectRef.parse(denied["check"]), parse_date(denied["as_of"])
    inquiries = world.services.inquiries
    with world.units(read_only=True) as uow:
        before = len(uow.notices.inbox(subject))
    inquiries.check(subject, denied["action"], day, Reader("officer-zhou", "officer", "t1"), "a check")
    decision = inquiries.check(subject, denied["action"], day, AIRLINE, "boarding")
    assert decision.decision == "deny"
    with world.units(read_only=True) as uow:
        inbox = uow.notices.inbox(subject)
    assert len(inbox) == before + 1 and inbox[0].kind == "adverse_action"
