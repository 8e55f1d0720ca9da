import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.list_bundle import ListBundle
from ...models.problem_detail import ProblemDetail
from ...types import UNSET, Response, Unset


def _get_kwargs(
    list_id: str,
    *,
    as_of: datetime.date | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_as_of: None | str | Unset
    if isinstance(as_of, Unset):
        json_as_of = UNSET
    elif isinstance(as_of, datetime.date):
        json_as_of = as_of.isoformat()
    else:
        json_as_of = as_of
    params["as_of"] = json_as_of

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/federation/lists/{list_id}".format(
            list_id=quote(str(list_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ListBundle | ProblemDetail | None:
    if response.status_code == 200:
        response_200 = ListBundle.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ProblemDetail.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ProblemDetail.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ProblemDetail.from_dict(response.json())

        return response_404

    if response.status_code == 422:
        response_422 = ProblemDetail.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ListBundle | ProblemDetail]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    list_id: str,
    *,
    client: AuthenticatedClient,
    as_of: datetime.date | None | Unset = UNSET,
) -> Response[ListBundle | ProblemDetail]:
    """A signed bundle of one of this node's lists, for a partner node

     The entries of ``list_id`` in effect on ``as_of``, signed with this node's Ed25519
    key (format ``xinyong-list/1``). Only a ``node`` token may pull; every pull is
    written to the access log of every subject on the bundle.

    Args:
        list_id (str):
        as_of (datetime.date | None | Unset): The day the bundle speaks of (default: today).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ListBundle | ProblemDetail]
    """

    kwargs = _get_kwargs(
        list_id=list_id,
        as_of=as_of,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    list_id: str,
    *,
    client: AuthenticatedClient,
    as_of: datetime.date | None | Unset = UNSET,
) -> ListBundle | ProblemDetail | None:
    """A signed bundle of one of this node's lists, for a partner node

     The entries of ``list_id`` in effect on ``as_of``, signed with this node's Ed25519
    key (format ``xinyong-list/1``). Only a ``node`` token may pull; every pull is
    written to the access log of every subject on the bundle.

    Args:
        list_id (str):
        as_of (datetime.date | None | Unset): The day the bundle speaks of (default: today).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ListBundle | ProblemDetail
    """

    return sync_detailed(
        list_id=list_id,
        client=client,
        as_of=as_of,
    ).parsed


async def asyncio_detailed(
    list_id: str,
    *,
    client: AuthenticatedClient,
    as_of: datetime.date | None | Unset = UNSET,
) -> Response[ListBundle | ProblemDetail]:
    """A signed bundle of one of this node's lists, for a partner node

     The entries of ``list_id`` in effect on ``as_of``, signed with this node's Ed25519
    key (format ``xinyong-list/1``). Only a ``node`` token may pull; every pull is
    written to the access log of every subject on the bundle.

    Args:
        list_id (str):
        as_of (datetime.date | None | Unset): The day the bundle speaks of (default: today).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ListBundle | ProblemDetail]
    """

    kwargs = _get_kwargs(
        list_id=list_id,
        as_of=as_of,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    list_id: str,
    *,
    client: AuthenticatedClient,
    as_of: datetime.date | None | Unset = UNSET,
) -> ListBundle | ProblemDetail | None:
    """A signed bundle of one of this node's lists, for a partner node

     The entries of ``list_id`` in effect on ``as_of``, signed with this node's Ed25519
    key (format ``xinyong-list/1``). Only a ``node`` token may pull; every pull is
    written to the access log of every subject on the bundle.

    Args:
        list_id (str):
        as_of (datetime.date | None | Unset): The day the bundle speaks of (default: today).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ListBundle | ProblemDetail
    """

    return (
        await asyncio_detailed(
            list_id=list_id,
            client=client,
            as_of=as_of,
        )
    ).parsed
