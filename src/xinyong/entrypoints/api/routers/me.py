"""A subject's own file, and its own contact address."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool

from xinyong.entrypoints.api.deps import SubjectReader
from xinyong.entrypoints.api.models import ContactAnswer, ContactChange, Report
from xinyong.entrypoints.api.problems import Problem, forbidden, problem_responses
from xinyong.entrypoints.dependencies import DeploymentDep, Today
from xinyong.services.delivery import contact_address, contact_language
from xinyong.services.intake import ImportForbidden, ImportRefused

router = APIRouter(tags=["subjects"])


@router.get(
    "/v1/me/report",
    response_model=Report,
    responses=problem_responses(401, 403, 422),
    summary="My whole file: standings, records, list entries, notices, who looked",
)
def my_report(who: SubjectReader, d: DeploymentDep, today: Today, as_of: dt.date | None = None) -> Any:
    """Everything held on the subject: its standing under every catalog with each
    contribution explained, every record with its later events, list entries, notices,
    and the access log of who read its file, when and why."""
    assert who.subject is not None
    return Report.of(d.reports.report(who.subject, as_of or today, who, "subject's own report"))


@router.get(
    "/v1/me/contact",
    response_model=ContactAnswer,
    responses=problem_responses(401, 403),
    summary="The address my notices are emailed to",
)
def my_contact(who: SubjectReader, d: DeploymentDep) -> ContactAnswer:
    assert who.subject is not None
    return ContactAnswer(email=contact_address(d.units, who.subject), language=contact_language(d.units, who.subject))


@router.put(
    "/v1/me/contact",
    response_model=ContactAnswer,
    responses=problem_responses(401, 403, 422, body=True),
    summary="Set the address my notices are emailed to",
)
async def set_my_contact(body: ContactChange, who: SubjectReader, d: DeploymentDep, today: Today) -> ContactAnswer:
    """The subject sets its own contact address (a ``contact`` event in the ledger,
    sealed), and with ``language`` the language its email is written in. A change is
    announced in the inbox and by email (to the old address as well as the new one);
    setting what is already in force changes nothing."""
    assert who.subject is not None
    event = {"type": "contact", "subject": str(who.subject), "email": body.email, "on": today.isoformat()}
    if body.language is not None:
        event["language"] = body.language
    try:
        result = await run_in_threadpool(d.intake.submit, [event], submitter=who)
    except ImportForbidden as refused:
        raise forbidden(refused.rejections[0].reason) from None
    except ImportRefused as refused:
        raise Problem(
            422,
            "invalid-request",
            "The request does not fit",
            refused.rejections[0].reason,
            errors=[{"field": "email", "message": refused.rejections[0].reason}],
        ) from None
    language = contact_language(d.units, who.subject)
    return ContactAnswer(email=body.email, language=language, changed=result.written > 0)
