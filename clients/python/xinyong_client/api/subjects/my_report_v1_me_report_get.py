import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem_detail import ProblemDetail
from ...models.report import Report
from ...types import UNSET, Response, Unset


def _get_kwargs(
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
        "url": "/v1/me/report",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ProblemDetail | Report | None:
    if response.status_code == 200:
        response_200 = Report.from_dict(response.json())

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
) -> Response[ProblemDetail | Report]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    as_of: datetime.date | None | Unset = UNSET,
) -> Response[ProblemDetail | Report]:
    """My whole file: standings, records, list entries, notices, who looked

     Everything held on the subject: its standing under every catalog with each
    contribution explained, every record with its later events, list entries, notices,
    and the access log of who read its file, when and why.

    Args:
        as_of (datetime.date | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetail | Report]
    """

    kwargs = _get_kwargs(
        as_of=as_of,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    as_of: datetime.date | None | Unset = UNSET,
) -> ProblemDetail | Report | None:
    """My whole file: standings, records, list entries, notices, who looked

     Everything held on the subject: its standing under every catalog with each
    contribution explained, every record with its later events, list entries, notices,
    and the access log of who read its file, when and why.

    Args:
        as_of (datetime.date | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetail | Report
    """

    return sync_detailed(
        client=client,
        as_of=as_of,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    as_of: datetime.date | None | Unset = UNSET,
) -> Response[ProblemDetail | Report]:
    """My whole file: standings, records, list entries, notices, who looked

     Everything held on the subject: its standing under every catalog with each
    contribution explained, every record with its later events, list entries, notices,
    and the access log of who read its file, when and why.

    Args:
        as_of (datetime.date | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetail | Report]
    """

    kwargs = _get_kwargs(
        as_of=as_of,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    as_of: datetime.date | None | Unset = UNSET,
) -> ProblemDetail | Report | None:
    """My whole file: standings, records, list entries, notices, who looked

     Everything held on the subject: its standing under every catalog with each
    contribution explained, every record with its later events, list entries, notices,
    and the access log of who read its file, when and why.

    Args:
        as_of (datetime.date | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetail | Report
    """

    return (
        await asyncio_detailed(
            client=client,
            as_of=as_of,
        )
    ).parsed
