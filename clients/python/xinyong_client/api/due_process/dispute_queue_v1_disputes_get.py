from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.dispute_queue_v1_disputes_get_status import DisputeQueueV1DisputesGetStatus
from ...models.dispute_view import DisputeView
from ...models.problem_detail import ProblemDetail
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    status: DisputeQueueV1DisputesGetStatus | Unset = DisputeQueueV1DisputesGetStatus.OPEN,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/disputes",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ProblemDetail | list[DisputeView] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for componentsschemas_dispute_queue_item_data in _response_200:
            componentsschemas_dispute_queue_item = DisputeView.from_dict(componentsschemas_dispute_queue_item_data)

            response_200.append(componentsschemas_dispute_queue_item)

        return response_200

    if response.status_code == 401:
        response_401 = ProblemDetail.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ProblemDetail.from_dict(response.json())

        return response_403

    if response.status_code == 422:
        response_422 = ProblemDetail.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ProblemDetail | list[DisputeView]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    status: DisputeQueueV1DisputesGetStatus | Unset = DisputeQueueV1DisputesGetStatus.OPEN,
) -> Response[ProblemDetail | list[DisputeView]]:
    """The dispute queue, by deadline

     Open disputes ordered by the day they must be decided by, overdue ones marked.

    Args:
        status (DisputeQueueV1DisputesGetStatus | Unset):  Default:
            DisputeQueueV1DisputesGetStatus.OPEN.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetail | list[DisputeView]]
    """

    kwargs = _get_kwargs(
        status=status,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    status: DisputeQueueV1DisputesGetStatus | Unset = DisputeQueueV1DisputesGetStatus.OPEN,
) -> ProblemDetail | list[DisputeView] | None:
    """The dispute queue, by deadline

     Open disputes ordered by the day they must be decided by, overdue ones marked.

    Args:
        status (DisputeQueueV1DisputesGetStatus | Unset):  Default:
            DisputeQueueV1DisputesGetStatus.OPEN.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetail | list[DisputeView]
    """

    return sync_detailed(
        client=client,
        status=status,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    status: DisputeQueueV1DisputesGetStatus | Unset = DisputeQueueV1DisputesGetStatus.OPEN,
) -> Response[ProblemDetail | list[DisputeView]]:
    """The dispute queue, by deadline

     Open disputes ordered by the day they must be decided by, overdue ones marked.

    Args:
        status (DisputeQueueV1DisputesGetStatus | Unset):  Default:
            DisputeQueueV1DisputesGetStatus.OPEN.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetail | list[DisputeView]]
    """

    kwargs = _get_kwargs(
        status=status,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    status: DisputeQueueV1DisputesGetStatus | Unset = DisputeQueueV1DisputesGetStatus.OPEN,
) -> ProblemDetail | list[DisputeView] | None:
    """The dispute queue, by deadline

     Open disputes ordered by the day they must be decided by, overdue ones marked.

    Args:
        status (DisputeQueueV1DisputesGetStatus | Unset):  Default:
            DisputeQueueV1DisputesGetStatus.OPEN.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetail | list[DisputeView]
    """

    return (
        await asyncio_detailed(
            client=client,
            status=status,
        )
    ).parsed
