"""Auditors: the access log and the ledger's hash chain."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from xinyong.bootstrap import Deployment
from xinyong.domain.access import Reader
from xinyong.entrypoints.api.deps import role, subject_ref
from xinyong.entrypoints.api.models import AccessLogPage, LedgerVerification
from xinyong.entrypoints.dependencies import deployment

router = APIRouter(tags=["audit"])


@router.get(
    "/v1/access-log",
    response_model=AccessLogPage,
    responses={401: {}, 403: {}, 422: {}},
    summary="Who read whose data, when and why",
)
def access_log(
    subject: str | None = Query(default=None, max_length=100),
    limit: int = Query(default=100, ge=1, le=1000),
    offset: int = Query(default=0, ge=0),
    who: Reader = Depends(role("auditor")),
    d: Deployment = Depends(deployment),
) -> dict:
    """Entries newest first, for one subject or for all."""
    ref = subject_ref(subject) if subject is not None else None
    total, entries = d.access_log.entries(ref, limit, offset)
    return {
        "total": total,
        "limit": limit,
        "offset": offset,
        "entries": [
            {"at": a.at, "reader": a.reader, "role": a.role, "what": a.what, "purpose": a.purpose, "detail": a.detail}
            for a in entries
        ],
    }


@router.get(
    "/v1/ledger/verify",
    response_model=LedgerVerification,
    responses={401: {}, 403: {}},
    summary="Recompute the ledger's hash chain",
)
def verify(who: Reader = Depends(role("auditor")), d: Deployment = Depends(deployment)) -> dict:
    """Verifies the keyed chain of every append-only table from its first row; names each break."""
    with d.store.reading() as connection:
        reports = d.store.verify(connection)
    ledger = reports[0]
    return {
        "intact": all(r.intact for r in reports),
        "events": ledger.rows,
        "head": ledger.head,
        "broken_at": ledger.broken_at,
        "problem": ledger.problem,
        "tables": [
            {
                "table": r.table,
                "intact": r.intact,
                "rows": r.rows,
                "head": r.head,
                "broken_at": r.broken_at,
                "problem": r.problem,
            }
            for r in reports
        ],
    }
