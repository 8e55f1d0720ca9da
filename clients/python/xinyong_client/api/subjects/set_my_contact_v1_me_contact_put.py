from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.contact_answer import ContactAnswer
from ...models.contact_change import ContactChange
from ...models.problem_detail import ProblemDetail
from ...types import Response


def _get_kwargs(
    *,
    body: ContactChange,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/me/contact",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ContactAnswer | ProblemDetail | None:
    if response.status_code == 200:
        response_200 = ContactAnswer.from_dict(response.json())

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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ContactAnswer | ProblemDetail]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: ContactChange,
) -> Response[ContactAnswer | ProblemDetail]:
    """Set the address my notices are emailed to

     The subject sets its own contact address (a ``contact`` event in the ledger,
    sealed), and with ``language`` the language its email is written in. A change is
    announced in the inbox and by email (to the old address as well as the new one);
    setting what is already in force changes nothing.

    Args:
        body (ContactChange):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ContactAnswer | ProblemDetail]
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
    body: ContactChange,
) -> ContactAnswer | ProblemDetail | None:
    """Set the address my notices are emailed to

     The subject sets its own contact address (a ``contact`` event in the ledger,
    sealed), and with ``language`` the language its email is written in. A change is
    announced in the inbox and by email (to the old address as well as the new one);
    setting what is already in force changes nothing.

    Args:
        body (ContactChange):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ContactAnswer | ProblemDetail
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ContactChange,
) -> Response[ContactAnswer | ProblemDetail]:
    """Set the address my notices are emailed to

     The subject sets its own contact address (a ``contact`` event in the ledger,
    sealed), and with ``language`` the language its email is written in. A change is
    announced in the inbox and by email (to the old address as well as the new one);
    setting what is already in force changes nothing.

    Args:
        body (ContactChange):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ContactAnswer | ProblemDetail]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: ContactChange,
) -> ContactAnswer | ProblemDetail | None:
    """Set the address my notices are emailed to

     The subject sets its own contact address (a ``contact`` event in the ledger,
    sealed), and with ``language`` the language its email is written in. A change is
    announced in the inbox and by email (to the old address as well as the new one);
    setting what is already in force changes nothing.

    Args:
        body (ContactChange):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ContactAnswer | ProblemDetail
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
