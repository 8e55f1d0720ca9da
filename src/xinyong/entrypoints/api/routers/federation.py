"""Partner nodes: pull this node's signed list bundles (docs/design.md section 10)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from xinyong.entrypoints.api.deps import Node, day_in_range
from xinyong.entrypoints.api.models import ListBundle
from xinyong.entrypoints.api.problems import not_found, problem_responses
from xinyong.entrypoints.dependencies import DeploymentDep, Today
from xinyong.services.federation import NotPublishable

router = APIRouter(tags=["federation"])


@router.get(
    "/v1/federation/lists/{list_id}",
    response_model=ListBundle,
    responses=problem_responses(401, 403, 404, 422),
    summary="A signed bundle of one of this node's lists, for a partner node",
)
def list_bundle(
    list_id: str,
    who: Node,
    d: DeploymentDep,
    today: Today,
    as_of: Annotated[dt.date | None, Query(description="The day the bundle speaks of (default: today).")] = None,
) -> ListBundle:
    """The entries of ``list_id`` in effect on ``as_of``, signed with this node's Ed25519
    key (format ``xinyong-list/1``). Only a ``node`` token may pull; every pull is
    written to the access log of every subject on the bundle."""
    day = day_in_range(as_of or today, "as_of")
    try:
        return ListBundle.model_validate(d.federation.publish(list_id, day, who))
    except NotPublishable as error:
        raise not_found(str(error)) from None
