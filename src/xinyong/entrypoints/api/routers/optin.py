"""Opt-in scores (docs/design.md section 9): the subject gives and withdraws its consent
and reads its own score; a lender reads it for a purpose the subject consented to. No
other role reaches them: an officer, a service point or the public gets 403."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool

from xinyong.domain.access import AccessDenied, Reader
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.optin import OptinRefused
from xinyong.entrypoints.answers import optin_json
from xinyong.entrypoints.api.deps import Language, Lender, SubjectReader, day_in_range, subject_ref
from xinyong.entrypoints.api.models import (
    ConsentAnswer,
    ConsentRequest,
    ConsentsAnswer,
    LenderRequest,
    OptinScoreAnswer,
    WithdrawalAnswer,
)
from xinyong.entrypoints.api.problems import Problem, forbidden, not_found, problem_responses
from xinyong.entrypoints.dependencies import DeploymentDep, Today
from xinyong.services.intake import ImportForbidden, ImportRefused
from xinyong.services.optin import UnknownScorecard

router = APIRouter(tags=["opt-in scores"])


def _no_consent(error: Exception) -> Problem:
    return Problem(403, "no-consent", "No consent for this read", str(error).strip("'\""))


def _score(
    d: Any, subject: SubjectRef, scorecard: str, day: dt.date, who: Reader, purpose: str | None, language: str
) -> OptinScoreAnswer:
    try:
        result = d.optin.score(subject, scorecard, day, who, purpose)
    except UnknownScorecard as error:
        raise not_found(str(error).strip("'\"")) from None
    except (OptinRefused, AccessDenied) as error:
        raise _no_consent(error) from None
    return OptinScoreAnswer.model_validate(optin_json(str(subject), result, language))


@router.get(
    "/v1/me/optin-score",
    response_model=OptinScoreAnswer,
    response_model_by_alias=True,
    responses=problem_responses(401, 403, 404, 422),
    summary="My opt-in score, its band and the reasons for it",
)
def my_optin_score(
    who: SubjectReader,
    d: DeploymentDep,
    today: Today,
    language: Language,
    scorecard: str,
    as_of: dt.date | None = None,
) -> OptinScoreAnswer:
    """The subject's own score under ``scorecard`` on ``as_of`` (default today), with
    each feature's value and the reasons it falls short, largest first, and what would
    raise each; only while its consent is in force on that day (else 403 ``no-consent``).
    The read is in the subject's access log."""
    assert who.subject is not None
    day = day_in_range(as_of or today, "as_of")
    return _score(d, who.subject, scorecard, day, who, None, language)


@router.get(
    "/v1/me/consents",
    response_model=ConsentsAnswer,
    responses=problem_responses(401, 403),
    summary="My consents to opt-in scores in force today",
)
def my_consents(who: SubjectReader, d: DeploymentDep, today: Today) -> ConsentsAnswer:
    assert who.subject is not None
    views = d.optin.consents(who.subject, today)
    return ConsentsAnswer(
        consents=[
            ConsentAnswer(
                id=v.consent.id,
                scorecard=v.scorecard.id,
                sources=list(v.consent.sources),
                purposes=list(v.consent.purposes),
                on=v.consent.on,
            )
            for v in views
            if v.consent is not None
        ]
    )


@router.post(
    "/v1/me/consents",
    response_model=ConsentAnswer,
    status_code=201,
    responses=problem_responses(401, 403, 422, body=True),
    summary="Consent to an opt-in score",
)
async def give_consent(body: ConsentRequest, who: SubjectReader, d: DeploymentDep, today: Today) -> ConsentAnswer:
    """The subject consents, from today, to ``scorecard`` reading its bills from
    ``sources`` (among the scorecard's), and lenders reading the score for ``purposes``
    (among the scorecard's). A later consent replaces an earlier one. The subject is
    told by a notice."""
    assert who.subject is not None
    try:
        consent_id = await run_in_threadpool(
            d.optin.give, who.subject, body.scorecard, body.sources, body.purposes, who, today
        )
    except ImportForbidden as refused:
        raise forbidden(refused.rejections[0].reason) from None
    except ImportRefused as refused:
        reason = refused.rejections[0].reason
        raise Problem(
            422, "consent-refused", "The consent does not fit the scorecard", reason, errors=[{"reason": reason}]
        ) from None
    return ConsentAnswer(
        id=consent_id, scorecard=body.scorecard, sources=body.sources, purposes=body.purposes, on=today
    )


@router.delete(
    "/v1/me/consents/{consent_id}",
    response_model=WithdrawalAnswer,
    responses=problem_responses(401, 403, 404, 409, 422),
    summary="Withdraw a consent: the bills it let in are erased",
)
async def withdraw_consent(consent_id: str, who: SubjectReader, d: DeploymentDep, today: Today) -> WithdrawalAnswer:
    """The subject withdraws its consent from today: every bill of the subject from the
    scorecard's sources is erased (crypto-shredded), no score is answered until it
    consents again, and no lender can read one. 404 for a consent that is not its own,
    409 for one no longer in force."""
    assert who.subject is not None
    subject = who.subject
    try:
        withdrawal = await run_in_threadpool(d.optin.withdraw, subject, consent_id, who, today)
    except LookupError as error:
        raise not_found(str(error).strip("'\"")) from None
    except OptinRefused as error:
        raise Problem(409, "not-in-force", "The consent is not in force", str(error)) from None
    except ImportRefused as refused:
        raise Problem(409, "not-in-force", "The consent cannot be withdrawn", refused.rejections[0].reason) from None
    scorecard = next(
        (v.scorecard.id for v in d.optin.consents(subject, today) if any(c.id == consent_id for c in v.history)), ""
    )
    return WithdrawalAnswer(id=withdrawal, consent=consent_id, scorecard=scorecard, on=today)


@router.post(
    "/v1/optin/scores",
    response_model=OptinScoreAnswer,
    response_model_by_alias=True,
    responses=problem_responses(401, 403, 404, 422, body=True),
    summary="A lender reads a subject's opt-in score for a consented purpose",
)
def lender_score(
    body: LenderRequest, who: Lender, d: DeploymentDep, today: Today, language: Language
) -> OptinScoreAnswer:
    """A lender reads the score for ``purpose``: one of its token's scopes, and one the
    subject's consent in force names; else 403. Every read is written to the subject's
    access log with the lender's name and the purpose."""
    subject = subject_ref(body.subject)
    day = day_in_range(body.as_of or today, "as_of")
    return _score(d, subject, body.scorecard, day, who, body.purpose, language)
