import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.optin_score_answer import OptinScoreAnswer
from ...models.problem_detail import ProblemDetail
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    scorecard: str,
    as_of: datetime.date | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["scorecard"] = scorecard

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
        "url": "/v1/me/optin-score",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> OptinScoreAnswer | ProblemDetail | None:
    if response.status_code == 200:
        response_200 = OptinScoreAnswer.from_dict(response.json())

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
) -> Response[OptinScoreAnswer | ProblemDetail]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    scorecard: str,
    as_of: datetime.date | None | Unset = UNSET,
) -> Response[OptinScoreAnswer | ProblemDetail]:
    """My opt-in score, its band and the reasons for it

     The subject's own score under ``scorecard`` on ``as_of`` (default today), with
    each feature's value and the reasons it falls short, largest first, and what would
    raise each; only while its consent is in force on that day (else 403 ``no-consent``).
    The read is in the subject's access log.

    Args:
        scorecard (str):
        as_of (datetime.date | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[OptinScoreAnswer | ProblemDetail]
    """

    kwargs = _get_kwargs(
        scorecard=scorecard,
        as_of=as_of,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    scorecard: str,
    as_of: datetime.date | None | Unset = UNSET,
) -> OptinScoreAnswer | ProblemDetail | None:
    """My opt-in score, its band and the reasons for it

     The subject's own score under ``scorecard`` on ``as_of`` (default today), with
    each feature's value and the reasons it falls short, largest first, and what would
    raise each; only while its consent is in force on that day (else 403 ``no-consent``).
    The read is in the subject's access log.

    Args:
        scorecard (str):
        as_of (datetime.date | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        OptinScoreAnswer | ProblemDetail
    """

    return sync_detailed(
        client=client,
        scorecard=scorecard,
        as_of=as_of,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    scorecard: str,
    as_of: datetime.date | None | Unset = UNSET,
) -> Response[OptinScoreAnswer | ProblemDetail]:
    """My opt-in score, its band and the reasons for it

     The subject's own score under ``scorecard`` on ``as_of`` (default today), with
    each feature's value and the reasons it falls short, largest first, and what would
    raise each; only while its consent is in force on that day (else 403 ``no-consent``).
    The read is in the subject's access log.

    Args:
        scorecard (str):
        as_of (datetime.date | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[OptinScoreAnswer | ProblemDetail]
    """

    kwargs = _get_kwargs(
        scorecard=scorecard,
        as_of=as_of,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    scorecard: str,
    as_of: datetime.date | None | Unset = UNSET,
) -> OptinScoreAnswer | ProblemDetail | None:
    """My opt-in score, its band and the reasons for it

     The subject's own score under ``scorecard`` on ``as_of`` (default today), with
    each feature's value and the reasons it falls short, largest first, and what would
    raise each; only while its consent is in force on that day (else 403 ``no-consent``).
    The read is in the subject's access log.

    Args:
        scorecard (str):
        as_of (datetime.date | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        OptinScoreAnswer | ProblemDetail
    """

    return (
        await asyncio_detailed(
            client=client,
            scorecard=scorecard,
            as_of=as_of,
        )
    ).parsed
