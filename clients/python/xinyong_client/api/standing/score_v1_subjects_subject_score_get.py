import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem_detail import ProblemDetail
from ...models.score_answer import ScoreAnswer
from ...types import UNSET, Response, Unset


def _get_kwargs(
    subject: str,
    *,
    catalog: str,
    as_of: datetime.date | None | Unset = UNSET,
    purpose: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["catalog"] = catalog

    json_as_of: None | str | Unset
    if isinstance(as_of, Unset):
        json_as_of = UNSET
    elif isinstance(as_of, datetime.date):
        json_as_of = as_of.isoformat()
    else:
        json_as_of = as_of
    params["as_of"] = json_as_of

    json_purpose: None | str | Unset
    if isinstance(purpose, Unset):
        json_purpose = UNSET
    else:
        json_purpose = purpose
    params["purpose"] = json_purpose

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/subjects/{subject}/score".format(
            subject=quote(str(subject), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ProblemDetail | ScoreAnswer | None:
    if response.status_code == 200:
        response_200 = ScoreAnswer.from_dict(response.json())

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
) -> Response[ProblemDetail | ScoreAnswer]:
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
    catalog: str,
    as_of: datetime.date | None | Unset = UNSET,
    purpose: None | str | Unset = UNSET,
) -> Response[ProblemDetail | ScoreAnswer]:
    """A subject's score, grade, contributions and list entries

     The ``score --json`` object. Officers read any subject and give a purpose; a
    subject reads only itself. Every read is written to the access log.

    Args:
        subject (str):
        catalog (str):
        as_of (datetime.date | None | Unset):
        purpose (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetail | ScoreAnswer]
    """

    kwargs = _get_kwargs(
        subject=subject,
        catalog=catalog,
        as_of=as_of,
        purpose=purpose,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    subject: str,
    *,
    client: AuthenticatedClient,
    catalog: str,
    as_of: datetime.date | None | Unset = UNSET,
    purpose: None | str | Unset = UNSET,
) -> ProblemDetail | ScoreAnswer | None:
    """A subject's score, grade, contributions and list entries

     The ``score --json`` object. Officers read any subject and give a purpose; a
    subject reads only itself. Every read is written to the access log.

    Args:
        subject (str):
        catalog (str):
        as_of (datetime.date | None | Unset):
        purpose (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetail | ScoreAnswer
    """

    return sync_detailed(
        subject=subject,
        client=client,
        catalog=catalog,
        as_of=as_of,
        purpose=purpose,
    ).parsed


async def asyncio_detailed(
    subject: str,
    *,
    client: AuthenticatedClient,
    catalog: str,
    as_of: datetime.date | None | Unset = UNSET,
    purpose: None | str | Unset = UNSET,
) -> Response[ProblemDetail | ScoreAnswer]:
    """A subject's score, grade, contributions and list entries

     The ``score --json`` object. Officers read any subject and give a purpose; a
    subject reads only itself. Every read is written to the access log.

    Args:
        subject (str):
        catalog (str):
        as_of (datetime.date | None | Unset):
        purpose (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetail | ScoreAnswer]
    """

    kwargs = _get_kwargs(
        subject=subject,
        catalog=catalog,
        as_of=as_of,
        purpose=purpose,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    subject: str,
    *,
    client: AuthenticatedClient,
    catalog: str,
    as_of: datetime.date | None | Unset = UNSET,
    purpose: None | str | Unset = UNSET,
) -> ProblemDetail | ScoreAnswer | None:
    """A subject's score, grade, contributions and list entries

     The ``score --json`` object. Officers read any subject and give a purpose; a
    subject reads only itself. Every read is written to the access log.

    Args:
        subject (str):
        catalog (str):
        as_of (datetime.date | None | Unset):
        purpose (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetail | ScoreAnswer
    """

    return (
        await asyncio_detailed(
            subject=subject,
            client=client,
            catalog=catalog,
            as_of=as_of,
            purpose=purpose,
        )
    ).parsed
