"""A subject's own file."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends

from xinyong.access import Reader
from xinyong.bootstrap import Deployment
from xinyong.service.deps import deployment, role, today
from xinyong.service.models import Report

router = APIRouter(tags=["subjects"])


@router.get(
    "/v1/me/report",
    response_model=Report,
    responses={401: {}, 403: {}},
    summary="My whole file: standings, records, list entries, notices, who looked",
)
def my_report(
    as_of: dt.date | None = None,
    who: Reader = Depends(role("subject")),
    d: Deployment = Depends(deployment),
) -> dict:
    """Everything held on the subject: its standing under every catalog with each
    contribution explained, every record with its later events, list entries, notices,
    and the access log of who read its file, when and why."""
    assert who.subject is not None
    return d.reports.report(who.subject, as_of or today(), who, "subject's own report")
