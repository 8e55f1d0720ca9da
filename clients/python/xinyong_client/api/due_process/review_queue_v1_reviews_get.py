from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem_detail import ProblemDetail
from ...models.review_queue_v1_reviews_get_status import ReviewQueueV1ReviewsGetStatus
from ...models.review_view import ReviewView
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    status: ReviewQueueV1ReviewsGetStatus | Unset = ReviewQueueV1ReviewsGetStatus.OPEN,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/reviews",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ProblemDetail | list[ReviewView] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for componentsschemas_review_queue_item_data in _response_200:
            componentsschemas_review_queue_item = ReviewView.from_dict(componentsschemas_review_queue_item_data)

            response_200.append(componentsschemas_review_queue_item)

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
) -> Response[ProblemDetail | list[ReviewView]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    status: ReviewQueueV1ReviewsGetStatus | Unset = ReviewQueueV1ReviewsGetStatus.OPEN,
) -> Response[ProblemDetail | list[ReviewView]]:
    """The review queue

    Args:
        status (ReviewQueueV1ReviewsGetStatus | Unset):  Default:
            ReviewQueueV1ReviewsGetStatus.OPEN.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetail | list[ReviewView]]
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
    status: ReviewQueueV1ReviewsGetStatus | Unset = ReviewQueueV1ReviewsGetStatus.OPEN,
) -> ProblemDetail | list[ReviewView] | None:
    """The review queue

    Args:
        status (ReviewQueueV1ReviewsGetStatus | Unset):  Default:
            ReviewQueueV1ReviewsGetStatus.OPEN.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetail | list[ReviewView]
    """

    return sync_detailed(
        client=client,
        status=status,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    status: ReviewQueueV1ReviewsGetStatus | Unset = ReviewQueueV1ReviewsGetStatus.OPEN,
) -> Response[ProblemDetail | list[ReviewView]]:
    """The review queue

    Args:
        status (ReviewQueueV1ReviewsGetStatus | Unset):  Default:
            ReviewQueueV1ReviewsGetStatus.OPEN.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetail | list[ReviewView]]
    """

    kwargs = _get_kwargs(
        status=status,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    status: ReviewQueueV1ReviewsGetStatus | Unset = ReviewQueueV1ReviewsGetStatus.OPEN,
) -> ProblemDetail | list[ReviewView] | None:
    """The review queue

    Args:
        status (ReviewQueueV1ReviewsGetStatus | Unset):  Default:
            ReviewQueueV1ReviewsGetStatus.OPEN.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetail | list[ReviewView]
    """

    return (
        await asyncio_detailed(
            client=client,
            status=status,
        )
    ).parsed
