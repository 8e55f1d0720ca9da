"""The public lookup: organisations and published lists. No token needed. A list or an
organisation that is not published answers 404 (``NotPublished``, see
:mod:`xinyong.entrypoints.api.problems`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from xinyong.entrypoints.api.deps import public_rate_limit, subject_ref
from xinyong.entrypoints.api.models import ListPage, OrganisationPage, SearchAnswer
from xinyong.entrypoints.api.problems import RATE_LIMIT_HEADERS, not_found, problem_responses
from xinyong.entrypoints.dependencies import DeploymentDep, Today

# Every public route is rate-limited per client address (XINYONG_PUBLIC_RATE), and says
# how much of its quota the client has left.
router = APIRouter(
    tags=["public"],
    dependencies=[Depends(public_rate_limit)],
    responses={200: {"description": "Successful Response", "headers": RATE_LIMIT_HEADERS}, **problem_responses(429)},
)


@router.get(
    "/v1/public/organisations/{uscc}",
    response_model=OrganisationPage,
    responses=problem_responses(404, 422),
    summary="An organisation's public records, grades and list entries",
)
def organisation(uscc: str, d: DeploymentDep, today: Today, as_of: dt.date | None = None) -> Any:
    """Look up an organisation by its unified social credit code (with or without the
    ``uscc:`` prefix). Persons are not published here. Lookups are anonymous: they are
    counted (``xinyong_public_lookups_total`` in ``/metrics``), not logged as reads."""
    ref = subject_ref(uscc if uscc.startswith(("uscc:", "rid:")) else f"uscc:{uscc}", "uscc")
    if ref.kind != "organisation":
        raise not_found("persons are not published in the public lookup")
    return OrganisationPage.of(d.publication.organisation(str(ref), as_of or today))


@router.get(
    "/v1/public/search",
    response_model=SearchAnswer,
    responses=problem_responses(422),
    summary="Find organisations by name or code",
)
def search(
    d: DeploymentDep,
    q: Annotated[str, Query(min_length=1, max_length=100)],
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> SearchAnswer:
    """Organisations whose name contains ``q`` or whose code starts with it."""
    return SearchAnswer.model_validate({"query": q, "results": d.publication.search(q, limit)}, from_attributes=True)


@router.get(
    "/v1/public/lists/{list_id}",
    response_model=ListPage,
    responses=problem_responses(404, 422),
    summary="A list's current published entries",
)
def published_list(
    list_id: str,
    d: DeploymentDep,
    today: Today,
    as_of: dt.date | None = None,
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Any:
    """Entries on the list on the day, newest first. Organisations are published with
    code and name; persons only where the list's catalog says ``publish = "all"``, and
    then with a masked number."""
    return ListPage.of(d.publication.list_entries(list_id, as_of or today, page, per_page))
