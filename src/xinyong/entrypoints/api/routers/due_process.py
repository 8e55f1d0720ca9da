"""Due process over HTTP: disputes, repairs, human reviews, the outlook, notices and the
export of a subject's whole file."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse

from xinyong.bootstrap import Deployment
from xinyong.domain.access import Reader
from xinyong.domain.standing import NotInForce
from xinyong.entrypoints.api.deps import deployment, language, role, today
from xinyong.entrypoints.api.idempotency import IdempotentRoute
from xinyong.entrypoints.api.models import (
    Decision,
    DisputeFiling,
    DisputeView,
    NoticeView,
    Outlook,
    RepairApplication,
    RepairView,
    Report,
    ReviewRequest,
    ReviewView,
)
from xinyong.entrypoints.api.problems import Problem
from xinyong.services.due_process import DueProcessError
from xinyong.services.export import whole_file

router = APIRouter(tags=["due process"], route_class=IdempotentRoute)
OUTCOMES = {"dispute": ("upheld", "annulled"), "repair": ("granted", "refused"), "review": ("confirmed", "overturned")}


def _problem(error: DueProcessError) -> Problem:
    return Problem(error.status, error.slug, "Not possible", str(error), **error.fields)


def _outcome(kind: str, decision: Decision) -> None:
    if decision.outcome not in OUTCOMES[kind]:
        raise Problem(
            422,
            "invalid-request",
            "The request does not fit",
            f"outcome must be one of {', '.join(OUTCOMES[kind])}",
            errors=[{"field": "outcome", "message": f"one of {', '.join(OUTCOMES[kind])}"}],
        )


def _subject(who: Reader):
    assert who.subject is not None
    return who.subject


@router.post(
    "/v1/me/disputes",
    response_model=DisputeView,
    status_code=201,
    responses={401: {}, 403: {}, 404: {}, 409: {}, 422: {}},
    summary="Dispute one of my records",
)
def file_dispute(
    body: DisputeFiling, who: Reader = Depends(role("subject")), d: Deployment = Depends(deployment)
) -> dict:
    """Filed before the record takes effect, the dispute keeps it from counting until it
    is decided; filed later, the record counts, marked as disputed. The source is told."""
    try:
        return d.due_process.file_dispute(_subject(who), body.record, body.grounds, today())
    except DueProcessError as error:
        raise _problem(error) from None


@router.get(
    "/v1/disputes",
    response_model=list[DisputeView],
    responses={401: {}, 403: {}},
    summary="The dispute queue, by deadline",
)
def dispute_queue(
    status: Literal["open", "decided", "all"] = "open",
    who: Reader = Depends(role("officer")),
    d: Deployment = Depends(deployment),
) -> list:
    """Open disputes ordered by the day they must be decided by, overdue ones marked."""
    return d.due_process.disputes(today(), status)


@router.post(
    "/v1/disputes/{dispute_id}/decision",
    response_model=DisputeView,
    responses={401: {}, 403: {}, 404: {}, 409: {}, 422: {}},
    summary="Decide a dispute, with reasons",
)
def decide_dispute(
    dispute_id: int, body: Decision, who: Reader = Depends(role("officer")), d: Deployment = Depends(deployment)
) -> dict:
    _outcome("dispute", body)
    try:
        return d.due_process.decide_dispute(dispute_id, body.outcome, body.reasons, who, today())
    except DueProcessError as error:
        raise _problem(error) from None


@router.post(
    "/v1/me/repairs",
    response_model=RepairView,
    status_code=201,
    responses={401: {}, 403: {}, 404: {}, 409: {}, 422: {}},
    summary="Apply for credit repair of one of my records",
)
def apply_for_repair(
    body: RepairApplication, who: Reader = Depends(role("subject")), d: Deployment = Depends(deployment)
) -> dict:
    """With proof that the obligation was met and a written commitment. An application
    made too early is refused with `first_day`, the first day it can succeed."""
    try:
        return d.due_process.apply_for_repair(_subject(who), body.record, body.proof, body.commitment, today())
    except DueProcessError as error:
        raise _problem(error) from None


@router.get(
    "/v1/repairs",
    response_model=list[RepairView],
    responses={401: {}, 403: {}},
    summary="The repair queue, by deadline",
)
def repair_queue(
    status: Literal["open", "granted", "refused", "all"] = "open",
    who: Reader = Depends(role("officer")),
    d: Deployment = Depends(deployment),
) -> list:
    return d.due_process.repairs(today(), status)


@router.post(
    "/v1/repairs/{case_id}/decision",
    response_model=RepairView,
    responses={401: {}, 403: {}, 404: {}, 409: {}, 422: {}},
    summary="Grant or refuse a repair, with reasons",
)
def decide_repair(
    case_id: str, body: Decision, who: Reader = Depends(role("officer")), d: Deployment = Depends(deployment)
) -> dict:
    """A granted repair is a `repaired` event: the record and its list entries end today."""
    _outcome("repair", body)
    try:
        return d.due_process.decide_repair(case_id, body.outcome, body.reasons, who, today())
    except DueProcessError as error:
        raise _problem(error) from None


@router.post(
    "/v1/me/reviews",
    response_model=ReviewView,
    status_code=201,
    responses={401: {}, 403: {}, 404: {}, 409: {}, 422: {}},
    summary="Ask a human to review a decision that went against me",
)
def request_review(
    body: ReviewRequest, who: Reader = Depends(role("subject")), d: Deployment = Depends(deployment)
) -> dict:
    try:
        return d.due_process.request_review(_subject(who), body.notice, body.grounds, today())
    except DueProcessError as error:
        raise _problem(error) from None


@router.get("/v1/reviews", response_model=list[ReviewView], responses={401: {}, 403: {}}, summary="The review queue")
def review_queue(
    status: Literal["open", "confirmed", "overturned", "all"] = "open",
    who: Reader = Depends(role("officer")),
    d: Deployment = Depends(deployment),
) -> list:
    return d.due_process.reviews(status)


@router.post(
    "/v1/reviews/{case_id}/decision",
    response_model=ReviewView,
    responses={401: {}, 403: {}, 404: {}, 409: {}, 422: {}},
    summary="Decide a human review, with reasons",
)
def decide_review(
    case_id: str, body: Decision, who: Reader = Depends(role("officer")), d: Deployment = Depends(deployment)
) -> dict:
    _outcome("review", body)
    try:
        return d.due_process.decide_review(case_id, body.outcome, body.reasons, who, today())
    except DueProcessError as error:
        raise _problem(error) from None


@router.get(
    "/v1/me/outlook",
    response_model=Outlook,
    responses={401: {}, 403: {}, 404: {}, 422: {}},
    summary="When my score, grade and list entries change, and what I can do",
)
def my_outlook(
    catalog: str = Query(min_length=1, max_length=100),
    as_of: dt.date | None = None,
    who: Reader = Depends(role("subject")),
    d: Deployment = Depends(deployment),
    lang: str = Depends(language),
) -> dict:
    """If nothing new happens: each future day on which the score or grade changes or a
    list entry ends, and which repairs become possible when."""
    try:
        return d.due_process.outlook(_subject(who), catalog, as_of or today(), lang)
    except NotInForce as error:
        raise Problem(404, "not-found", "Not found", str(error)) from None


@router.get("/v1/me/notices", response_model=list[NoticeView], responses={401: {}, 403: {}}, summary="My inbox")
def my_notices(
    who: Reader = Depends(role("subject")), d: Deployment = Depends(deployment), lang: str = Depends(language)
) -> list:
    return [n.as_json(lang) for n in d.outbox.inbox(_subject(who))]


@router.get(
    "/v1/source/notices",
    response_model=list[NoticeView],
    responses={401: {}, 403: {}},
    summary="Notices to a source: disputes of its records and their decisions",
)
def source_notices(
    who: Reader = Depends(role("source")), d: Deployment = Depends(deployment), lang: str = Depends(language)
) -> list:
    return [n.as_json(lang) for n in d.outbox.for_source(who.name)]


@router.get(
    "/v1/me/export", response_model=Report, responses={401: {}, 403: {}}, summary="Download my whole file as JSON"
)
def export_json(who: Reader = Depends(role("subject")), d: Deployment = Depends(deployment)) -> dict:
    """Report, notices, disputes, repairs, reviews and the access log."""
    return whole_file(d.reports, d.due_process, who, today())


@router.get(
    "/v1/me/export.html",
    response_class=HTMLResponse,
    responses={401: {}, 403: {}},
    summary="My whole file as a printable page",
)
def export_html(who: Reader = Depends(role("subject")), d: Deployment = Depends(deployment)) -> HTMLResponse:
    from xinyong.entrypoints.web.export import render_export

    return HTMLResponse(render_export(whole_file(d.reports, d.due_process, who, today())))
