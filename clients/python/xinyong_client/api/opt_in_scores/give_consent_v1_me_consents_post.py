from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.consent_answer import ConsentAnswer
from ...models.consent_request import ConsentRequest
from ...models.problem_detail import ProblemDetail
from ...types import Response


def _get_kwargs(
    *,
    body: ConsentRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/me/consents",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ConsentAnswer | ProblemDetail | None:
    if response.status_code == 201:
        response_201 = ConsentAnswer.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = ProblemDetail.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ProblemDetail.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ProblemDetail.from_dict(response.json())

        return response_403

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
) -> Response[ConsentAnswer | ProblemDetail]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: ConsentRequest,
) -> Response[ConsentAnswer | ProblemDetail]:
    """Consent to an opt-in score

     The subject consents, from today, to ``scorecard`` reading its bills from
    ``sources`` (among the scorecard's), and lenders reading the score for ``purposes``
    (among the scorecard's). A later consent replaces an earlier one. The subject is
    told by a notice.

    Args:
        body (ConsentRequest): A subject's consent to an opt-in scorecard (docs/design.md section
            9).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConsentAnswer | ProblemDetail]
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
    body: ConsentRequest,
) -> ConsentAnswer | ProblemDetail | None:
    """Consent to an opt-in score

     The subject consents, from today, to ``scorecard`` reading its bills from
    ``sources`` (among the scorecard's), and lenders reading the score for ``purposes``
    (among the scorecard's). A later consent replaces an earlier one. The subject is
    told by a notice.

    Args:
        body (ConsentRequest): A subject's consent to an opt-in scorecard (docs/design.md section
            9).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConsentAnswer | ProblemDetail
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ConsentRequest,
) -> Response[ConsentAnswer | ProblemDetail]:
    """Consent to an opt-in score

     The subject consents, from today, to ``scorecard`` reading its bills from
    ``sources`` (among the scorecard's), and lenders reading the score for ``purposes``
    (among the scorecard's). A later consent replaces an earlier one. The subject is
    told by a notice.

    Args:
        body (ConsentRequest): A subject's consent to an opt-in scorecard (docs/design.md section
            9).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConsentAnswer | ProblemDetail]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: ConsentRequest,
) -> ConsentAnswer | ProblemDetail | None:
    """Consent to an opt-in score

     The subject consents, from today, to ``scorecard`` reading its bills from
    ``sources`` (among the scorecard's), and lenders reading the score for ``purposes``
    (among the scorecard's). A later consent replaces an earlier one. The subject is
    told by a notice.

    Args:
        body (ConsentRequest): A subject's consent to an opt-in scorecard (docs/design.md section
            9).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConsentAnswer | ProblemDetail
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
