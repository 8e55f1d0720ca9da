"""The public lookup: organisations and published lists. No token needed."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Query

from xinyong.bootstrap import Deployment
from xinyong.entrypoints.api.deps import public_rate_limit, subject_ref
from xinyong.entrypoints.api.models import ListPage, OrganisationPage, SearchAnswer
from xinyong.entrypoints.api.problems import not_found
from xinyong.entrypoints.dependencies import deployment, today
from xinyong.services.publication import NotPublished

# Every public route is rate-limited per client address (XINYONG_PUBLIC_RATE).
router = APIRouter(
    tags=["public"],
    dependencies=[Depends(public_rate_limit)],
    responses={
        429: {
            "description": "Too many requests from this client: wait for the seconds in Retry-After",
            "headers": {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}},
        }
    },
)


@router.get(
    "/v1/public/organisations/{uscc}",
    response_model=OrganisationPage,
    responses={404: {}, 422: {}},
    summary="An organisation's public records, grades and list entries",
)
def organisation(uscc: str, as_of: dt.date | None = None, d: Deployment = Depends(deployment)) -> dict:
    """Look up an organisation by its unified social credit code (with or without the
    ``uscc:`` prefix). Persons are not published here. Lookups are anonymous: they are
    counted (``xinyong_public_lookups_total`` in ``/metrics``), not logged as reads."""
    text = uscc if uscc.startswith(("uscc:", "rid:")) else f"uscc:{uscc}"
    ref = subject_ref(text, "uscc")
    if ref.kind != "organisation":
        raise not_found("persons are not published in the public lookup")
    try:
        return d.publication.organisation(str(ref), as_of or today())
    except NotPublished as error:
        raise not_found(str(error)) from None


@router.get(
    "/v1/public/search", response_model=SearchAnswer, responses={422: {}}, summary="Find organisations by name or code"
)
def search(
    q: str = Query(min_length=1, max_length=100),
    limit: int = Query(default=50, ge=1, le=200),
    d: Deployment = Depends(deployment),
) -> dict:
    """Organisations whose name contains ``q`` or whose code starts with it."""
    return {"query": q, "results": d.publication.search(q, limit)}


@router.get(
    "/v1/public/lists/{list_id}",
    response_model=ListPage,
    responses={404: {}, 422: {}},
    summary="A list's current published entries",
)
def published_list(
    list_id: str,
    as_of: dt.date | None = None,
    page: int = Query(default=1, ge=1, le=100000),
    per_page: int = Query(default=50, ge=1, le=500),
    d: Deployment = Depends(deployment),
) -> dict:
    """Entries on the list on the day, newest first. Organisations are published with
    code and name; persons only where the list's catalog says ``publish = "all"``, and
    then with a masked number."""
    try:
        return d.publication.list_entries(list_id, as_of or today(), page, per_page)
    except NotPublished as error:
        raise not_found(str(error)) from None
