from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.lender_request import LenderRequest
from ...models.optin_score_answer import OptinScoreAnswer
from ...models.problem_detail import ProblemDetail
from ...types import Response


def _get_kwargs(
    *,
    body: LenderRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/optin/scores",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> OptinScoreAnswer | ProblemDetail | None:
    if response.status_code == 200:
        response_200 = OptinScoreAnswer.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ProblemDetail.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ProblemDetail.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ProblemDetail.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ProblemDetail.from_dict(response.json())

        return response_404

    if response.status_code == 413:
        response_413 = ProblemDetail.from_dict(response.json())

        return response_413

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
    body: LenderRequest,
) -> Response[OptinScoreAnswer | ProblemDetail]:
    """A lender reads a subject's opt-in score for a consented purpose

     A lender reads the score for ``purpose``: one of its token's scopes, and one the
    subject's consent in force names; else 403. Every read is written to the subject's
    access log with the lender's name and the purpose.

    Args:
        body (LenderRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[OptinScoreAnswer | ProblemDetail]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: LenderRequest,
) -> OptinScoreAnswer | ProblemDetail | None:
    """A lender reads a subject's opt-in score for a consented purpose

     A lender reads the score for ``purpose``: one of its token's scopes, and one the
    subject's consent in force names; else 403. Every read is written to the subject's
    access log with the lender's name and the purpose.

    Args:
        body (LenderRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        OptinScoreAnswer | ProblemDetail
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: LenderRequest,
) -> Response[OptinScoreAnswer | ProblemDetail]:
    """A lender reads a subject's opt-in score for a consented purpose

     A lender reads the score for ``purpose``: one of its token's scopes, and one the
    subject's consent in force names; else 403. Every read is written to the subject's
    access log with the lender's name and the purpose.

    Args:
        body (LenderRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[OptinScoreAnswer | ProblemDetail]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: LenderRequest,
) -> OptinScoreAnswer | ProblemDetail | None:
    """A lender reads a subject's opt-in score for a consented purpose

     A lender reads the score for ``purpose``: one of its token's scopes, and one the
    subject's consent in force names; else 403. Every read is written to the subject's
    access log with the lender's name and the purpose.

    Args:
        body (LenderRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        OptinScoreAnswer | ProblemDetail
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
