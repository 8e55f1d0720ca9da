"""Auditors: the access log and the ledger's hash chain."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from xinyong.entrypoints.api.deps import Auditor, subject_ref
from xinyong.entrypoints.api.models import AccessLogPage, LedgerVerification
from xinyong.entrypoints.api.problems import problem_responses
from xinyong.entrypoints.dependencies import DeploymentDep

router = APIRouter(tags=["audit"])


@router.get(
    "/v1/access-log",
    response_model=AccessLogPage,
    responses=problem_responses(401, 403, 422),
    summary="Who read whose data, when and why",
)
def access_log(
    who: Auditor,
    d: DeploymentDep,
    subject: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> AccessLogPage:
    """Entries newest first, for one subject or for all."""
    ref = subject_ref(subject) if subject is not None else None
    return AccessLogPage.of(d.audit.access_log(ref, limit, offset))


@router.get(
    "/v1/ledger/verify",
    response_model=LedgerVerification,
    responses=problem_responses(401, 403),
    summary="Recompute the ledger's hash chain",
)
def verify(who: Auditor, d: DeploymentDep) -> LedgerVerification:
    """Verifies the keyed chain of every append-only table from its first row; names each break."""
    return LedgerVerification.of(d.audit.verify())
