import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem_detail import ProblemDetail
from ...models.report import Report
from ...types import UNSET, Response, Unset


def _get_kwargs(
    subject: str,
    *,
    purpose: str,
    as_of: datetime.date | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["purpose"] = purpose

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
        "url": "/v1/subjects/{subject}/report".format(
            subject=quote(str(subject), safe=""),
        ),
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
    subject: str,
    *,
    client: AuthenticatedClient,
    purpose: str,
    as_of: datetime.date | None | Unset = UNSET,
) -> Response[ProblemDetail | Report]:
    """An officer's view of a subject's whole file

     The subject's whole file, as the subject sees it; the read is logged with its purpose.

    Args:
        subject (str):
        purpose (str):
        as_of (datetime.date | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetail | Report]
    """

    kwargs = _get_kwargs(
        subject=subject,
        purpose=purpose,
        as_of=as_of,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    subject: str,
    *,
    client: AuthenticatedClient,
    purpose: str,
    as_of: datetime.date | None | Unset = UNSET,
) -> ProblemDetail | Report | None:
    """An officer's view of a subject's whole file

     The subject's whole file, as the subject sees it; the read is logged with its purpose.

    Args:
        subject (str):
        purpose (str):
        as_of (datetime.date | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetail | Report
    """

    return sync_detailed(
        subject=subject,
        client=client,
        purpose=purpose,
        as_of=as_of,
    ).parsed


async def asyncio_detailed(
    subject: str,
    *,
    client: AuthenticatedClient,
    purpose: str,
    as_of: datetime.date | None | Unset = UNSET,
) -> Response[ProblemDetail | Report]:
    """An officer's view of a subject's whole file

     The subject's whole file, as the subject sees it; the read is logged with its purpose.

    Args:
        subject (str):
        purpose (str):
        as_of (datetime.date | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetail | Report]
    """

    kwargs = _get_kwargs(
        subject=subject,
        purpose=purpose,
        as_of=as_of,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    subject: str,
    *,
    client: AuthenticatedClient,
    purpose: str,
    as_of: datetime.date | None | Unset = UNSET,
) -> ProblemDetail | Report | None:
    """An officer's view of a subject's whole file

     The subject's whole file, as the subject sees it; the read is logged with its purpose.

    Args:
        subject (str):
        purpose (str):
        as_of (datetime.date | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetail | Report
    """

    return (
        await asyncio_detailed(
            subject=subject,
            client=client,
            purpose=purpose,
            as_of=as_of,
        )
    ).parsed
