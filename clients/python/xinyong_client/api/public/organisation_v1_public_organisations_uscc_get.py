import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.organisation_page import OrganisationPage
from ...models.problem_detail import ProblemDetail
from ...types import UNSET, Response, Unset


def _get_kwargs(
    uscc: str,
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
        "url": "/v1/public/organisations/{uscc}".format(
            uscc=quote(str(uscc), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> OrganisationPage | ProblemDetail | None:
    if response.status_code == 200:
        response_200 = OrganisationPage.from_dict(response.json())

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
) -> Response[OrganisationPage | ProblemDetail]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    uscc: str,
    *,
    client: AuthenticatedClient | Client,
    as_of: datetime.date | None | Unset = UNSET,
) -> Response[OrganisationPage | ProblemDetail]:
    """An organisation's public records, grades and list entries

     Look up an organisation by its unified social credit code (with or without the
    ``uscc:`` prefix). Persons are not published here. Lookups are anonymous: they are
    counted (``xinyong_public_lookups_total`` in ``/metrics``), not logged as reads.

    Args:
        uscc (str):
        as_of (datetime.date | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[OrganisationPage | ProblemDetail]
    """

    kwargs = _get_kwargs(
        uscc=uscc,
        as_of=as_of,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    uscc: str,
    *,
    client: AuthenticatedClient | Client,
    as_of: datetime.date | None | Unset = UNSET,
) -> OrganisationPage | ProblemDetail | None:
    """An organisation's public records, grades and list entries

     Look up an organisation by its unified social credit code (with or without the
    ``uscc:`` prefix). Persons are not published here. Lookups are anonymous: they are
    counted (``xinyong_public_lookups_total`` in ``/metrics``), not logged as reads.

    Args:
        uscc (str):
        as_of (datetime.date | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        OrganisationPage | ProblemDetail
    """

    return sync_detailed(
        uscc=uscc,
        client=client,
        as_of=as_of,
    ).parsed


async def asyncio_detailed(
    uscc: str,
    *,
    client: AuthenticatedClient | Client,
    as_of: datetime.date | None | Unset = UNSET,
) -> Response[OrganisationPage | ProblemDetail]:
    """An organisation's public records, grades and list entries

     Look up an organisation by its unified social credit code (with or without the
    ``uscc:`` prefix). Persons are not published here. Lookups are anonymous: they are
    counted (``xinyong_public_lookups_total`` in ``/metrics``), not logged as reads.

    Args:
        uscc (str):
        as_of (datetime.date | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[OrganisationPage | ProblemDetail]
    """

    kwargs = _get_kwargs(
        uscc=uscc,
        as_of=as_of,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    uscc: str,
    *,
    client: AuthenticatedClient | Client,
    as_of: datetime.date | None | Unset = UNSET,
) -> OrganisationPage | ProblemDetail | None:
    """An organisation's public records, grades and list entries

     Look up an organisation by its unified social credit code (with or without the
    ``uscc:`` prefix). Persons are not published here. Lookups are anonymous: they are
    counted (``xinyong_public_lookups_total`` in ``/metrics``), not logged as reads.

    Args:
        uscc (str):
        as_of (datetime.date | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        OrganisationPage | ProblemDetail
    """

    return (
        await asyncio_detailed(
            uscc=uscc,
            client=client,
            as_of=as_of,
        )
    ).parsed
