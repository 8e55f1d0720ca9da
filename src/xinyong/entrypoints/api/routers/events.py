"""Sources submit events."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from xinyong.entrypoints.api.deps import SourceOrRegistry, json_body
from xinyong.entrypoints.api.event_models import MAX_EVENTS
from xinyong.entrypoints.api.idempotency import IdempotentRoute
from xinyong.entrypoints.api.models import EventsAnswer
from xinyong.entrypoints.api.problems import Problem, problem_responses
from xinyong.entrypoints.dependencies import DeploymentDep
from xinyong.services.intake import ImportForbidden, ImportRefused

router = APIRouter(tags=["sources"], route_class=IdempotentRoute)


@router.post(
    "/v1/events",
    response_model=EventsAnswer,
    responses=problem_responses(401, 403, 409, 422, body=True),
    summary="Submit a batch of events (all or nothing)",
    # Documented by the named components of xinyong.entrypoints.api.event_models (the
    # app adds them); read as JSON and validated by the intake, which names each bad event.
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventBatch"}}},
        }
    },
)
async def submit_events(request: Request, who: SourceOrRegistry, d: DeploymentDep) -> EventsAnswer:
    """A source submits records for rules in its scopes and events on its own records;
    the registry submits a subject's facts (``subject`` events: jurisdiction, name,
    kind; ``contact`` events: the address notices are emailed to), which no source may.
    A source whose token has the scope ``optin:SOURCE`` files ``obligation`` and ``paid``
    events of opt-in scores for that source only (docs/design.md section 9): an
    obligation is refused, and nothing of it kept, unless a consent of its subject naming
    the source is in force.
    The batch is applied in order and in one transaction: if any event does not fit,
    nothing is written and every bad event is listed by its index (from 1).

    Every event has an id: a record's `id`; a later event's optional `id`, or else one
    derived from its content and its place in the batch. The answer lists each event's
    id and whether it was written or replayed. Re-sending the same batch changes
    nothing; an id already taken by another event is a 409 `id-conflict`; an event dated
    after today, or that does not fit its record's state, is refused with the reason."""
    events = await json_body(request)
    if not isinstance(events, list):
        raise Problem(
            422,
            "invalid-request",
            "The request does not fit",
            "the body is a JSON array of events",
            errors=[{"field": "body", "message": "expected a list of events"}],
        )
    if len(events) > MAX_EVENTS:
        raise Problem(413, "batch-too-large", "Too many events", f"at most {MAX_EVENTS} events a request")
    try:
        result = await run_in_threadpool(d.intake.submit, events, submitter=who)
    except ImportForbidden as refused:
        raise _refused(403, "outside-scope", "Events outside this token's authority", refused) from None
    except ImportRefused as refused:
        if any(r.conflict for r in refused.rejections):
            raise _refused(
                409, "id-conflict", "An event id is taken by another event; nothing was written", refused
            ) from None
        raise _refused(422, "events-refused", "Events refused; nothing was written", refused) from None
    return EventsAnswer.of(result)


def _refused(status: int, slug: str, title: str, refused: ImportRefused) -> Problem:
    """The problem for a refused batch: every bad event by its index, with the reason."""
    return Problem(
        status, slug, title, str(refused), errors=[{"index": r.line, "reason": r.reason} for r in refused.rejections]
    )
