from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem_detail import ProblemDetail
from ...models.repair_queue_v1_repairs_get_status import RepairQueueV1RepairsGetStatus
from ...models.repair_view import RepairView
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    status: RepairQueueV1RepairsGetStatus | Unset = RepairQueueV1RepairsGetStatus.OPEN,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/repairs",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ProblemDetail | list[RepairView] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for componentsschemas_repair_queue_item_data in _response_200:
            componentsschemas_repair_queue_item = RepairView.from_dict(componentsschemas_repair_queue_item_data)

            response_200.append(componentsschemas_repair_queue_item)

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
) -> Response[ProblemDetail | list[RepairView]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    status: RepairQueueV1RepairsGetStatus | Unset = RepairQueueV1RepairsGetStatus.OPEN,
) -> Response[ProblemDetail | list[RepairView]]:
    """The repair queue, by deadline

    Args:
        status (RepairQueueV1RepairsGetStatus | Unset):  Default:
            RepairQueueV1RepairsGetStatus.OPEN.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetail | list[RepairView]]
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
    status: RepairQueueV1RepairsGetStatus | Unset = RepairQueueV1RepairsGetStatus.OPEN,
) -> ProblemDetail | list[RepairView] | None:
    """The repair queue, by deadline

    Args:
        status (RepairQueueV1RepairsGetStatus | Unset):  Default:
            RepairQueueV1RepairsGetStatus.OPEN.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetail | list[RepairView]
    """

    return sync_detailed(
        client=client,
        status=status,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    status: RepairQueueV1RepairsGetStatus | Unset = RepairQueueV1RepairsGetStatus.OPEN,
) -> Response[ProblemDetail | list[RepairView]]:
    """The repair queue, by deadline

    Args:
        status (RepairQueueV1RepairsGetStatus | Unset):  Default:
            RepairQueueV1RepairsGetStatus.OPEN.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetail | list[RepairView]]
    """

    kwargs = _get_kwargs(
        status=status,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    status: RepairQueueV1RepairsGetStatus | Unset = RepairQueueV1RepairsGetStatus.OPEN,
) -> ProblemDetail | list[RepairView] | None:
    """The repair queue, by deadline

    Args:
        status (RepairQueueV1RepairsGetStatus | Unset):  Default:
            RepairQueueV1RepairsGetStatus.OPEN.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetail | list[RepairView]
    """

    return (
        await asyncio_detailed(
            client=client,
            status=status,
        )
    ).parsed
