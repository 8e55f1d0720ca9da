"""Webhooks: a token owner registers receivers, rotates their secrets, disables them and
reads every delivery attempt. Only the owner (the token's name and role) sees its
endpoints; to anyone else they do not exist (404). Registration is not kept under an
``Idempotency-Key``: its answer holds a secret, which is shown once and stored only
sealed."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool

from xinyong.domain.webhooks import WebhookRefused
from xinyong.entrypoints.api.deps import WebhookOwner
from xinyong.entrypoints.api.models import (
    WebhookAttemptList,
    WebhookAttemptView,
    WebhookEndpointCreated,
    WebhookEndpointList,
    WebhookEndpointNew,
    WebhookEndpointView,
    WebhookSecret,
)
from xinyong.entrypoints.api.problems import Problem, not_found, problem_responses
from xinyong.entrypoints.dependencies import DeploymentDep
from xinyong.services.webhooks import EndpointDisabled, TooManyEndpoints, UnknownEndpoint

router = APIRouter(tags=["webhooks"])


def _refused(refused: WebhookRefused) -> Problem:
    return Problem(
        422,
        "invalid-request",
        "The request does not fit",
        str(refused),
        errors=[{"field": refused.field, "message": refused.message}],
    )


@router.post(
    "/v1/webhooks",
    response_model=WebhookEndpointCreated,
    status_code=201,
    responses=problem_responses(401, 403, 409, 422, body=True),
    summary="Register a webhook receiver (its secret is shown once)",
)
async def register(asked: WebhookEndpointNew, who: WebhookOwner, d: DeploymentDep) -> WebhookEndpointCreated:
    """Messages are signed after Standard Webhooks (`webhook-id`, `webhook-timestamp`,
    `webhook-signature`) with the secret in the answer, which is not shown again. The
    address is https:// (plain http only to hosts the deployment allows), without
    credentials. A source receives `record.dispute_filed` and `record.dispute_decided`
    for its own records. An owner has at most 10 enabled endpoints."""
    try:
        made = await run_in_threadpool(d.webhooks.register, who, asked.url, asked.types)
    except WebhookRefused as refused:
        raise _refused(refused) from None
    except TooManyEndpoints as refused:
        raise Problem(409, "too-many-endpoints", "Too many webhook endpoints", str(refused)) from None
    return WebhookEndpointCreated(**WebhookEndpointView.of(made.endpoint).model_dump(), secret=made.secret)


@router.get(
    "/v1/webhooks",
    response_model=WebhookEndpointList,
    responses=problem_responses(401, 403),
    summary="My webhook receivers (never their secrets)",
)
async def endpoints(who: WebhookOwner, d: DeploymentDep) -> list[WebhookEndpointView]:
    return [WebhookEndpointView.of(e) for e in await run_in_threadpool(d.webhooks.endpoints, who)]


@router.post(
    "/v1/webhooks/{endpoint_id}/rotate",
    response_model=WebhookSecret,
    responses=problem_responses(401, 403, 404, 409, 422),
    summary="Make a new secret for a receiver (the old one signs too for a grace period)",
)
async def rotate(endpoint_id: str, who: WebhookOwner, d: DeploymentDep) -> WebhookSecret:
    """During the grace period (24 hours) each message carries two signatures, under the
    new secret and the old one, so that the receiver can switch when it likes."""
    try:
        rotated = await run_in_threadpool(d.webhooks.rotate, who, endpoint_id)
    except UnknownEndpoint as unknown:
        raise not_found(str(unknown)) from None
    except EndpointDisabled as disabled:
        raise Problem(409, "endpoint-disabled", "The endpoint was disabled", str(disabled)) from None
    return WebhookSecret(
        endpoint=rotated.endpoint,
        secret=rotated.secret,
        previous_valid_until=rotated.previous_valid_until.isoformat(timespec="seconds"),
    )


@router.delete(
    "/v1/webhooks/{endpoint_id}",
    response_model=WebhookEndpointView,
    responses=problem_responses(401, 403, 404, 422),
    summary="Disable a receiver: nothing more is sent to it",
)
async def disable(endpoint_id: str, who: WebhookOwner, d: DeploymentDep) -> WebhookEndpointView:
    """The endpoint and its attempts stay readable; messages not yet delivered are not
    tried again."""
    try:
        return WebhookEndpointView.of(await run_in_threadpool(d.webhooks.disable, who, endpoint_id))
    except UnknownEndpoint as unknown:
        raise not_found(str(unknown)) from None


@router.get(
    "/v1/webhooks/{endpoint_id}/attempts",
    response_model=WebhookAttemptList,
    responses=problem_responses(401, 403, 404, 422),
    summary="Every attempt to deliver to a receiver, newest first",
)
async def attempts(endpoint_id: str, who: WebhookOwner, d: DeploymentDep) -> list[WebhookAttemptView]:
    """Each attempt with its message id (the `webhook-id` header, the same on every retry
    of a message), event type, number, time, HTTP status or error, and when the next
    attempt is due."""
    try:
        found = await run_in_threadpool(d.webhooks.attempts, who, endpoint_id)
    except UnknownEndpoint as unknown:
        raise not_found(str(unknown)) from None
    return [WebhookAttemptView.of(a) for a in found]
