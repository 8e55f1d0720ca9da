from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem_detail import ProblemDetail
from ...models.webhook_endpoint_created import WebhookEndpointCreated
from ...models.webhook_endpoint_new import WebhookEndpointNew
from ...types import Response


def _get_kwargs(
    *,
    body: WebhookEndpointNew,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/webhooks",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ProblemDetail | WebhookEndpointCreated | None:
    if response.status_code == 201:
        response_201 = WebhookEndpointCreated.from_dict(response.json())

        return response_201

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
) -> Response[ProblemDetail | WebhookEndpointCreated]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: WebhookEndpointNew,
) -> Response[ProblemDetail | WebhookEndpointCreated]:
    """Register a webhook receiver (its secret is shown once)

     Messages are signed after Standard Webhooks (`webhook-id`, `webhook-timestamp`,
    `webhook-signature`) with the secret in the answer, which is not shown again. The
    address is https:// (plain http only to hosts the deployment allows), without
    credentials. A source receives `record.dispute_filed` and `record.dispute_decided`
    for its own records. An owner has at most 10 enabled endpoints.

    Args:
        body (WebhookEndpointNew): A receiver for the events the caller's role may get (all of
            them when ``types``
            is left out).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetail | WebhookEndpointCreated]
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
    body: WebhookEndpointNew,
) -> ProblemDetail | WebhookEndpointCreated | None:
    """Register a webhook receiver (its secret is shown once)

     Messages are signed after Standard Webhooks (`webhook-id`, `webhook-timestamp`,
    `webhook-signature`) with the secret in the answer, which is not shown again. The
    address is https:// (plain http only to hosts the deployment allows), without
    credentials. A source receives `record.dispute_filed` and `record.dispute_decided`
    for its own records. An owner has at most 10 enabled endpoints.

    Args:
        body (WebhookEndpointNew): A receiver for the events the caller's role may get (all of
            them when ``types``
            is left out).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetail | WebhookEndpointCreated
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: WebhookEndpointNew,
) -> Response[ProblemDetail | WebhookEndpointCreated]:
    """Register a webhook receiver (its secret is shown once)

     Messages are signed after Standard Webhooks (`webhook-id`, `webhook-timestamp`,
    `webhook-signature`) with the secret in the answer, which is not shown again. The
    address is https:// (plain http only to hosts the deployment allows), without
    credentials. A source receives `record.dispute_filed` and `record.dispute_decided`
    for its own records. An owner has at most 10 enabled endpoints.

    Args:
        body (WebhookEndpointNew): A receiver for the events the caller's role may get (all of
            them when ``types``
            is left out).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetail | WebhookEndpointCreated]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: WebhookEndpointNew,
) -> ProblemDetail | WebhookEndpointCreated | None:
    """Register a webhook receiver (its secret is shown once)

     Messages are signed after Standard Webhooks (`webhook-id`, `webhook-timestamp`,
    `webhook-signature`) with the secret in the answer, which is not shown again. The
    address is https:// (plain http only to hosts the deployment allows), without
    credentials. A source receives `record.dispute_filed` and `record.dispute_decided`
    for its own records. An owner has at most 10 enabled endpoints.

    Args:
        body (WebhookEndpointNew): A receiver for the events the caller's role may get (all of
            them when ``types``
            is left out).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetail | WebhookEndpointCreated
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
