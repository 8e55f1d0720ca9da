from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.annulled_event import AnnulledEvent
from ...models.consent_given_event import ConsentGivenEvent
from ...models.consent_withdrawn_event import ConsentWithdrawnEvent
from ...models.contact_event import ContactEvent
from ...models.dispute_filed_event import DisputeFiledEvent
from ...models.dispute_resolved_event import DisputeResolvedEvent
from ...models.events_answer import EventsAnswer
from ...models.fulfilled_event import FulfilledEvent
from ...models.obligation_event import ObligationEvent
from ...models.paid_event import PaidEvent
from ...models.problem_detail import ProblemDetail
from ...models.record_event import RecordEvent
from ...models.repaired_event import RepairedEvent
from ...models.subject_event import SubjectEvent
from ...types import Response


def _get_kwargs(
    *,
    body: list[
        AnnulledEvent
        | ConsentGivenEvent
        | ConsentWithdrawnEvent
        | ContactEvent
        | DisputeFiledEvent
        | DisputeResolvedEvent
        | FulfilledEvent
        | ObligationEvent
        | PaidEvent
        | RecordEvent
        | RepairedEvent
        | SubjectEvent
    ],
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/events",
    }

    _kwargs["json"] = []
    for componentsschemas_event_batch_item_data in body:
        componentsschemas_event_batch_item: dict[str, Any]
        if isinstance(componentsschemas_event_batch_item_data, SubjectEvent):
            componentsschemas_event_batch_item = componentsschemas_event_batch_item_data.to_dict()
        elif isinstance(componentsschemas_event_batch_item_data, ContactEvent):
            componentsschemas_event_batch_item = componentsschemas_event_batch_item_data.to_dict()
        elif isinstance(componentsschemas_event_batch_item_data, RecordEvent):
            componentsschemas_event_batch_item = componentsschemas_event_batch_item_data.to_dict()
        elif isinstance(componentsschemas_event_batch_item_data, DisputeFiledEvent):
            componentsschemas_event_batch_item = componentsschemas_event_batch_item_data.to_dict()
        elif isinstance(componentsschemas_event_batch_item_data, DisputeResolvedEvent):
            componentsschemas_event_batch_item = componentsschemas_event_batch_item_data.to_dict()
        elif isinstance(componentsschemas_event_batch_item_data, FulfilledEvent):
            componentsschemas_event_batch_item = componentsschemas_event_batch_item_data.to_dict()
        elif isinstance(componentsschemas_event_batch_item_data, RepairedEvent):
            componentsschemas_event_batch_item = componentsschemas_event_batch_item_data.to_dict()
        elif isinstance(componentsschemas_event_batch_item_data, AnnulledEvent):
            componentsschemas_event_batch_item = componentsschemas_event_batch_item_data.to_dict()
        elif isinstance(componentsschemas_event_batch_item_data, ConsentGivenEvent):
            componentsschemas_event_batch_item = componentsschemas_event_batch_item_data.to_dict()
        elif isinstance(componentsschemas_event_batch_item_data, ConsentWithdrawnEvent):
            componentsschemas_event_batch_item = componentsschemas_event_batch_item_data.to_dict()
        elif isinstance(componentsschemas_event_batch_item_data, ObligationEvent):
            componentsschemas_event_batch_item = componentsschemas_event_batch_item_data.to_dict()
        else:
            componentsschemas_event_batch_item = componentsschemas_event_batch_item_data.to_dict()

        _kwargs["json"].append(componentsschemas_event_batch_item)

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> EventsAnswer | ProblemDetail | None:
    if response.status_code == 200:
        response_200 = EventsAnswer.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ProblemDetail.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ProblemDetail.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ProblemDetail.from_dict(response.json())

        return response_403

    if response.status_code == 409:
        response_409 = ProblemDetail.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = ProblemDetail.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = ProblemDetail.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[EventsAnswer | ProblemDetail]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: list[
        AnnulledEvent
        | ConsentGivenEvent
        | ConsentWithdrawnEvent
        | ContactEvent
        | DisputeFiledEvent
        | DisputeResolvedEvent
        | FulfilledEvent
        | ObligationEvent
        | PaidEvent
        | RecordEvent
        | RepairedEvent
        | SubjectEvent
    ],
) -> Response[EventsAnswer | ProblemDetail]:
    """Submit a batch of events (all or nothing)

     A source submits records for rules in its scopes and events on its own records;
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
    after today, or that does not fit its record's state, is refused with the reason.

    Args:
        body (list[AnnulledEvent | ConsentGivenEvent | ConsentWithdrawnEvent | ContactEvent |
            DisputeFiledEvent | DisputeResolvedEvent | FulfilledEvent | ObligationEvent | PaidEvent |
            RecordEvent | RepairedEvent | SubjectEvent]): A source's batch: applied in order and in
            one transaction (all or nothing).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EventsAnswer | ProblemDetail]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: list[
        AnnulledEvent
        | ConsentGivenEvent
        | ConsentWithdrawnEvent
        | ContactEvent
        | DisputeFiledEvent
        | DisputeResolvedEvent
        | FulfilledEvent
        | ObligationEvent
        | PaidEvent
        | RecordEvent
        | RepairedEvent
        | SubjectEvent
    ],
) -> EventsAnswer | ProblemDetail | None:
    """Submit a batch of events (all or nothing)

     A source submits records for rules in its scopes and events on its own records;
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
    after today, or that does not fit its record's state, is refused with the reason.

    Args:
        body (list[AnnulledEvent | ConsentGivenEvent | ConsentWithdrawnEvent | ContactEvent |
            DisputeFiledEvent | DisputeResolvedEvent | FulfilledEvent | ObligationEvent | PaidEvent |
            RecordEvent | RepairedEvent | SubjectEvent]): A source's batch: applied in order and in
            one transaction (all or nothing).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EventsAnswer | ProblemDetail
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: list[
        AnnulledEvent
        | ConsentGivenEvent
        | ConsentWithdrawnEvent
        | ContactEvent
        | DisputeFiledEvent
        | DisputeResolvedEvent
        | FulfilledEvent
        | ObligationEvent
        | PaidEvent
        | RecordEvent
        | RepairedEvent
        | SubjectEvent
    ],
) -> Response[EventsAnswer | ProblemDetail]:
    """Submit a batch of events (all or nothing)

     A source submits records for rules in its scopes and events on its own records;
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
    after today, or that does not fit its record's state, is refused with the reason.

    Args:
        body (list[AnnulledEvent | ConsentGivenEvent | ConsentWithdrawnEvent | ContactEvent |
            DisputeFiledEvent | DisputeResolvedEvent | FulfilledEvent | ObligationEvent | PaidEvent |
            RecordEvent | RepairedEvent | SubjectEvent]): A source's batch: applied in order and in
            one transaction (all or nothing).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EventsAnswer | ProblemDetail]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: list[
        AnnulledEvent
        | ConsentGivenEvent
        | ConsentWithdrawnEvent
        | ContactEvent
        | DisputeFiledEvent
        | DisputeResolvedEvent
        | FulfilledEvent
        | ObligationEvent
        | PaidEvent
        | RecordEvent
        | RepairedEvent
        | SubjectEvent
    ],
) -> EventsAnswer | ProblemDetail | None:
    """Submit a batch of events (all or nothing)

     A source submits records for rules in its scopes and events on its own records;
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
    after today, or that does not fit its record's state, is refused with the reason.

    Args:
        body (list[AnnulledEvent | ConsentGivenEvent | ConsentWithdrawnEvent | ContactEvent |
            DisputeFiledEvent | DisputeResolvedEvent | FulfilledEvent | ObligationEvent | PaidEvent |
            RecordEvent | RepairedEvent | SubjectEvent]): A source's batch: applied in order and in
            one transaction (all or nothing).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EventsAnswer | ProblemDetail
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
