import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.list_page import ListPage
from ...models.problem_detail import ProblemDetail
from ...types import UNSET, Response, Unset


def _get_kwargs(
    list_id: str,
    *,
    as_of: datetime.date | None | Unset = UNSET,
    page: int | Unset = 1,
    per_page: int | Unset = 50,
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

    params["page"] = page

    params["per_page"] = per_page

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/public/lists/{list_id}".format(
            list_id=quote(str(list_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ListPage | ProblemDetail | None:
    if response.status_code == 200:
        response_200 = ListPage.from_dict(response.json())

        return response_200

    if response.status_code == 404:
        response_404 = ProblemDetail.from_dict(response.json())

        return response_404

    if response.status_code == 422:
        response_422 = ProblemDetail.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = ProblemDetail.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ListPage | ProblemDetail]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    list_id: str,
    *,
    client: AuthenticatedClient | Client,
    as_of: datetime.date | None | Unset = UNSET,
    page: int | Unset = 1,
    per_page: int | Unset = 50,
) -> Response[ListPage | ProblemDetail]:
    """A list's current published entries

     Entries on the list on the day, newest first. Organisations are published with
    code and name; persons only where the list's catalog says ``publish = "all"``, and
    then with a masked number.

    Args:
        list_id (str):
        as_of (datetime.date | None | Unset):
        page (int | Unset):  Default: 1.
        per_page (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ListPage | ProblemDetail]
    """

    kwargs = _get_kwargs(
        list_id=list_id,
        as_of=as_of,
        page=page,
        per_page=per_page,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    list_id: str,
    *,
    client: AuthenticatedClient | Client,
    as_of: datetime.date | None | Unset = UNSET,
    page: int | Unset = 1,
    per_page: int | Unset = 50,
) -> ListPage | ProblemDetail | None:
    """A list's current published entries

     Entries on the list on the day, newest first. Organisations are published with
    code and name; persons only where the list's catalog says ``publish = "all"``, and
    then with a masked number.

    Args:
        list_id (str):
        as_of (datetime.date | None | Unset):
        page (int | Unset):  Default: 1.
        per_page (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ListPage | ProblemDetail
    """

    return sync_detailed(
        list_id=list_id,
        client=client,
        as_of=as_of,
        page=page,
        per_page=per_page,
    ).parsed


async def asyncio_detailed(
    list_id: str,
    *,
    client: AuthenticatedClient | Client,
    as_of: datetime.date | None | Unset = UNSET,
    page: int | Unset = 1,
    per_page: int | Unset = 50,
) -> Response[ListPage | ProblemDetail]:
    """A list's current published entries

     Entries on the list on the day, newest first. Organisations are published with
    code and name; persons only where the list's catalog says ``publish = "all"``, and
    then with a masked number.

    Args:
        list_id (str):
        as_of (datetime.date | None | Unset):
        page (int | Unset):  Default: 1.
        per_page (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ListPage | ProblemDetail]
    """

    kwargs = _get_kwargs(
        list_id=list_id,
        as_of=as_of,
        page=page,
        per_page=per_page,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    list_id: str,
    *,
    client: AuthenticatedClient | Client,
    as_of: datetime.date | None | Unset = UNSET,
    page: int | Unset = 1,
    per_page: int | Unset = 50,
) -> ListPage | ProblemDetail | None:
    """A list's current published entries

     Entries on the list on the day, newest first. Organisations are published with
    code and name; persons only where the list's catalog says ``publish = "all"``, and
    then with a masked number.

    Args:
        list_id (str):
        as_of (datetime.date | None | Unset):
        page (int | Unset):  Default: 1.
        per_page (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ListPage | ProblemDetail
    """

    return (
        await asyncio_detailed(
            list_id=list_id,
            client=client,
            as_of=as_of,
            page=page,
            per_page=per_page,
        )
    ).parsed
