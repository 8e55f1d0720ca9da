"""Standings and checks: officers and subjects read scores; service points ask checks.
A catalog not in force on the day answers 404 (``NotInForce``, see
:mod:`xinyong.entrypoints.api.problems`)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import TypeAdapter, ValidationError

from xinyong.bootstrap import Deployment
from xinyong.domain import calendar
from xinyong.domain.access import MAX_PURPOSE, Reader
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.validation import field_problems
from xinyong.entrypoints.answers import check_json, standing_json
from xinyong.entrypoints.api.deps import (
    BEARER_SECURITY,
    CHECKERS,
    Officer,
    OfficerOrSubject,
    admitted,
    day_in_range,
    json_body,
    language,
    officer_purpose,
    post_request_route,
    subject_ref,
)
from xinyong.entrypoints.api.models import CheckAnswer, CheckAnswers, CheckQuestion, Report, ScoreAnswer
from xinyong.entrypoints.api.problems import Problem, forbidden, problem_responses
from xinyong.entrypoints.dependencies import DeploymentDep, Today

router = APIRouter(tags=["standing"])
MAX_CHECKS = 1000
Purpose = Annotated[str | None, Query(max_length=MAX_PURPOSE)]


@router.get(
    "/v1/subjects/{subject}/score",
    response_model=ScoreAnswer,
    responses=problem_responses(401, 403, 404, 422),
    summary="A subject's score, grade, contributions and list entries",
)
def score(
    subject: str,
    who: OfficerOrSubject,
    d: DeploymentDep,
    today: Today,
    catalog: Annotated[str, Query(min_length=1, max_length=100)],
    as_of: dt.date | None = None,
    purpose: Purpose = None,
) -> Any:
    """The ``score --json`` object. Officers read any subject and give a purpose; a
    subject reads only itself. Every read is written to the access log."""
    ref = subject_ref(subject)
    if not who.may_read(ref):
        raise forbidden("a subject token reads only its own subject")
    return standing_json(d.inquiries.standing(ref, catalog, as_of or today, who, officer_purpose(who, purpose)))


@router.get(
    "/v1/subjects/{subject}/report",
    response_model=Report,
    responses=problem_responses(401, 403, 422),
    summary="An officer's view of a subject's whole file",
)
def subject_report(
    subject: str,
    who: Officer,
    d: DeploymentDep,
    today: Today,
    purpose: Annotated[str, Query(min_length=1, max_length=MAX_PURPOSE)],
    as_of: dt.date | None = None,
) -> Any:
    """The subject's whole file, as the subject sees it; the read is logged with its purpose."""
    return Report.of(d.reports.report(subject_ref(subject), as_of or today, who, officer_purpose(who, purpose)))


# The bodies are read here, not by FastAPI (the hot path; and the old list form of
# /v1/checks): the document names them, with the components the app adds. The token is
# read here too (deps.admitted), so the routes declare the bearer scheme themselves.
_CHECK_BODY = {
    "security": BEARER_SECURITY,
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CheckQuestion"}}},
    },
}
_MANIFEST_BODY = {
    "security": BEARER_SECURITY,
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CheckManifest"}}},
    },
}
_QUESTIONS = TypeAdapter(list[CheckQuestion])
# The answer as json.dumps(..., ensure_ascii=False) writes it, with the encoder made once.
_ANSWER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _questions(data: object, at: str = "") -> tuple[list[CheckQuestion], bool]:
    """Validate a check body: one question or a list; errors name the field (after
    ``at``, the path to the list in the body)."""
    many = isinstance(data, list)
    if many and len(data) > MAX_CHECKS:  # type: ignore[arg-type]
        raise Problem(413, "batch-too-large", "Too many checks", f"at most {MAX_CHECKS} checks a request")
    if not many and not isinstance(data, dict):
        raise Problem(
            422,
            "invalid-request",
            "The request does not fit",
            "the body is a check question object or a list of them",
            errors=[{"field": "body", "message": "expected an object or a list"}],
        )
    try:
        return _QUESTIONS.validate_python(data if many else [data]), many
    except ValidationError as error:
        whole = at.rstrip(".") or "body"
        listed = [
            {"field": p.field if p.field == whole else at + p.field, "message": p.message}
            for p in field_problems(error, skip=() if many else ("0",), whole=whole)
        ]
        raise Problem(
            422,
            "invalid-request",
            "The request does not fit",
            "; ".join(f"{x['field']}: {x['message']}" for x in listed),
            errors=listed,
        ) from None


@post_request_route(
    router,
    "/v1/checks",
    response_model=CheckAnswer,
    responses=problem_responses(401, 403, 422, 503, body=True),
    summary="Decide one action for one subject",
    openapi_extra=_CHECK_BODY,
)
async def checks(request: Request) -> Response:
    """A service point asks whether a subject may do an action on a day. The answer gives
    the decision with every reason, its legal basis and how to dispute; a service point
    never sees scores. An officer states a purpose with every check, as with every read.
    Each check is logged with its purpose. Many questions at once (a passenger manifest)
    go to `POST /v1/checks/batch`.

    Deprecated but kept: a JSON array of questions is still accepted here and answered
    with an array of answers (the form of /v1 before the batch route)."""
    who = await admitted(request, *CHECKERS)
    questions, many = _questions(await json_body(request))
    answers = await _decided(request, who, questions, many)
    # Written as it is: check_json is the documented object (CheckAnswer, which the
    # schema declares and the tests hold it to), so it is not validated again here.
    return Response(_ANSWER.encode(answers if many else answers[0]).encode(), media_type="application/json")


@post_request_route(
    router,
    "/v1/checks/batch",
    response_model=CheckAnswers,
    responses=problem_responses(401, 403, 422, 503, body=True),
    summary="Decide a manifest: many questions at once, answered in their order",
    openapi_extra=_MANIFEST_BODY,
)
async def checks_batch(request: Request) -> Response:
    """Like `POST /v1/checks`, for a list of questions (at most 1000): the answers come
    in the questions' order, and every error names its question by position
    (`questions.2.subject`). All are decided, or none: a question outside the service
    point's scopes refuses the manifest."""
    who = await admitted(request, *CHECKERS)
    data = await json_body(request)
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list) or set(data) != {"questions"}:
        raise Problem(
            422,
            "invalid-request",
            "The request does not fit",
            "the body is an object with one field, questions: a list of check questions",
            errors=[{"field": "questions", "message": "expected an object with a list of questions"}],
        )
    questions, _ = _questions(data["questions"], "questions.")
    answers = await _decided(request, who, questions, True, "questions.")
    return Response(_ANSWER.encode({"answers": answers}).encode(), media_type="application/json")


async def _decided(
    request: Request, who: Reader, questions: list[CheckQuestion], many: bool, at: str = ""
) -> list[dict[str, Any]]:
    """Every question decided and logged, as the answers' objects."""
    # The service points' hot path: the deployment, the day and the language are read
    # here rather than as dependencies (each one costs every request).
    d: Deployment = request.app.state.deployment
    today = calendar.today()
    lang = await language(request)
    parsed = _asked(questions, many, who, today, at)
    purposes = {q.purpose for q in questions if q.purpose}
    purpose = "; ".join(sorted(purposes)) if purposes else None
    # Decided from derived standing on the event loop; logged by group commit before
    # the answer goes out.
    decisions = d.inquiries.decide(parsed)
    await request.app.state.check_log.record(decisions, who, purpose)
    return [check_json(who.sees(x), lang) for x in decisions]


def _asked(
    questions: list[CheckQuestion], many: bool, who: Reader, today: dt.date, prefix: str = ""
) -> list[tuple[SubjectRef, str, dt.date]]:
    """Each question as (subject, action, day), once the reader may ask it: errors name
    the field, with the question's position in a list."""
    parsed = []
    for index, q in enumerate(questions):
        at = f"{prefix}{index}." if many else ""
        ref = subject_ref(q.subject, f"{at}subject")
        if not who.may_check(q.action):
            raise forbidden(f"action {q.action!r} is outside this service point's scopes")
        officer_purpose(who, q.purpose, f"{at}purpose")
        parsed.append((ref, q.action, day_in_range(q.as_of, f"{at}as_of") if q.as_of else today))
    return parsed
