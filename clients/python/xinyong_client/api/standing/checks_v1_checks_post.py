from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.check_answer import CheckAnswer
from ...models.check_question import CheckQuestion
from ...models.problem_detail import ProblemDetail
from ...types import Response


def _get_kwargs(
    *,
    body: CheckQuestion,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/checks",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CheckAnswer | ProblemDetail | None:
    if response.status_code == 200:
        response_200 = CheckAnswer.from_dict(response.json())

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

    if response.status_code == 413:
        response_413 = ProblemDetail.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = ProblemDetail.from_dict(response.json())

        return response_422

    if response.status_code == 503:
        response_503 = ProblemDetail.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[CheckAnswer | ProblemDetail]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: CheckQuestion,
) -> Response[CheckAnswer | ProblemDetail]:
    """Decide one action for one subject

     A service point asks whether a subject may do an action on a day. The answer gives
    the decision with every reason, its legal basis and how to dispute; a service point
    never sees scores. An officer states a purpose with every check, as with every read.
    Each check is logged with its purpose. Many questions at once (a passenger manifest)
    go to `POST /v1/checks/batch`.

    Deprecated but kept: a JSON array of questions is still accepted here and answered
    with an array of answers (the form of /v1 before the batch route).

    Args:
        body (CheckQuestion):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CheckAnswer | ProblemDetail]
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
    body: CheckQuestion,
) -> CheckAnswer | ProblemDetail | None:
    """Decide one action for one subject

     A service point asks whether a subject may do an action on a day. The answer gives
    the decision with every reason, its legal basis and how to dispute; a service point
    never sees scores. An officer states a purpose with every check, as with every read.
    Each check is logged with its purpose. Many questions at once (a passenger manifest)
    go to `POST /v1/checks/batch`.

    Deprecated but kept: a JSON array of questions is still accepted here and answered
    with an array of answers (the form of /v1 before the batch route).

    Args:
        body (CheckQuestion):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CheckAnswer | ProblemDetail
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CheckQuestion,
) -> Response[CheckAnswer | ProblemDetail]:
    """Decide one action for one subject

     A service point asks whether a subject may do an action on a day. The answer gives
    the decision with every reason, its legal basis and how to dispute; a service point
    never sees scores. An officer states a purpose with every check, as with every read.
    Each check is logged with its purpose. Many questions at once (a passenger manifest)
    go to `POST /v1/checks/batch`.

    Deprecated but kept: a JSON array of questions is still accepted here and answered
    with an array of answers (the form of /v1 before the batch route).

    Args:
        body (CheckQuestion):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CheckAnswer | ProblemDetail]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: CheckQuestion,
) -> CheckAnswer | ProblemDetail | None:
    """Decide one action for one subject

     A service point asks whether a subject may do an action on a day. The answer gives
    the decision with every reason, its legal basis and how to dispute; a service point
    never sees scores. An officer states a purpose with every check, as with every read.
    Each check is logged with its purpose. Many questions at once (a passenger manifest)
    go to `POST /v1/checks/batch`.

    Deprecated but kept: a JSON array of questions is still accepted here and answered
    with an array of answers (the form of /v1 before the batch route).

    Args:
        body (CheckQuestion):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CheckAnswer | ProblemDetail
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
