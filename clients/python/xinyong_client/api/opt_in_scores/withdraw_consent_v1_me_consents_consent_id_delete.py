from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem_detail import ProblemDetail
from ...models.withdrawal_answer import WithdrawalAnswer
from ...types import Response


def _get_kwargs(
    consent_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/v1/me/consents/{consent_id}".format(
            consent_id=quote(str(consent_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ProblemDetail | WithdrawalAnswer | None:
    if response.status_code == 200:
        response_200 = WithdrawalAnswer.from_dict(response.json())

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

    if response.status_code == 409:
        response_409 = ProblemDetail.from_dict(response.json())

        return response_409

    if response.status_code == 422:
        response_422 = ProblemDetail.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ProblemDetail | WithdrawalAnswer]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    consent_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[ProblemDetail | WithdrawalAnswer]:
    """Withdraw a consent: the bills it let in are erased

     The subject withdraws its consent from today: every bill of the subject from the
    scorecard's sources is erased (crypto-shredded), no score is answered until it
    consents again, and no lender can read one. 404 for a consent that is not its own,
    409 for one no longer in force.

    Args:
        consent_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetail | WithdrawalAnswer]
    """

    kwargs = _get_kwargs(
        consent_id=consent_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    consent_id: str,
    *,
    client: AuthenticatedClient,
) -> ProblemDetail | WithdrawalAnswer | None:
    """Withdraw a consent: the bills it let in are erased

     The subject withdraws its consent from today: every bill of the subject from the
    scorecard's sources is erased (crypto-shredded), no score is answered until it
    consents again, and no lender can read one. 404 for a consent that is not its own,
    409 for one no longer in force.

    Args:
        consent_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetail | WithdrawalAnswer
    """

    return sync_detailed(
        consent_id=consent_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    consent_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[ProblemDetail | WithdrawalAnswer]:
    """Withdraw a consent: the bills it let in are erased

     The subject withdraws its consent from today: every bill of the subject from the
    scorecard's sources is erased (crypto-shredded), no score is answered until it
    consents again, and no lender can read one. 404 for a consent that is not its own,
    409 for one no longer in force.

    Args:
        consent_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetail | WithdrawalAnswer]
    """

    kwargs = _get_kwargs(
        consent_id=consent_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    consent_id: str,
    *,
    client: AuthenticatedClient,
) -> ProblemDetail | WithdrawalAnswer | None:
    """Withdraw a consent: the bills it let in are erased

     The subject withdraws its consent from today: every bill of the subject from the
    scorecard's sources is erased (crypto-shredded), no score is answered until it
    consents again, and no lender can read one. 404 for a consent that is not its own,
    409 for one no longer in force.

    Args:
        consent_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetail | WithdrawalAnswer
    """

    return (
        await asyncio_detailed(
            consent_id=consent_id,
            client=client,
        )
    ).parsed
