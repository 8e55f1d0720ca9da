from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.attachment_view import AttachmentView
from ...models.body_attach_to_dispute_v1_me_disputes_dispute_id_attachments_post import (
    BodyAttachToDisputeV1MeDisputesDisputeIdAttachmentsPost,
)
from ...models.problem_detail import ProblemDetail
from ...types import Response


def _get_kwargs(
    dispute_id: int,
    *,
    body: BodyAttachToDisputeV1MeDisputesDisputeIdAttachmentsPost,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/me/disputes/{dispute_id}/attachments".format(
            dispute_id=quote(str(dispute_id), safe=""),
        ),
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ProblemDetail | list[AttachmentView] | None:
    if response.status_code == 201:
        response_201 = []
        _response_201 = response.json()
        for componentsschemas_attachment_list_item_data in _response_201:
            componentsschemas_attachment_list_item = AttachmentView.from_dict(
                componentsschemas_attachment_list_item_data
            )

            response_201.append(componentsschemas_attachment_list_item)

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

    if response.status_code == 404:
        response_404 = ProblemDetail.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = ProblemDetail.from_dict(response.json())

        return response_409

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
) -> Response[ProblemDetail | list[AttachmentView]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    dispute_id: int,
    *,
    client: AuthenticatedClient,
    body: BodyAttachToDisputeV1MeDisputesDisputeIdAttachmentsPost,
) -> Response[ProblemDetail | list[AttachmentView]]:
    """Attach files to my open dispute

     Multipart, field `file` (repeated for several). All the files are attached, or none:
    a file that is not a PDF, JPEG or PNG by its content, empty or too large, or one too
    many for the case is refused naming the field. A decided dispute takes no more files.

    Args:
        dispute_id (int):
        body (BodyAttachToDisputeV1MeDisputesDisputeIdAttachmentsPost):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetail | list[AttachmentView]]
    """

    kwargs = _get_kwargs(
        dispute_id=dispute_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    dispute_id: int,
    *,
    client: AuthenticatedClient,
    body: BodyAttachToDisputeV1MeDisputesDisputeIdAttachmentsPost,
) -> ProblemDetail | list[AttachmentView] | None:
    """Attach files to my open dispute

     Multipart, field `file` (repeated for several). All the files are attached, or none:
    a file that is not a PDF, JPEG or PNG by its content, empty or too large, or one too
    many for the case is refused naming the field. A decided dispute takes no more files.

    Args:
        dispute_id (int):
        body (BodyAttachToDisputeV1MeDisputesDisputeIdAttachmentsPost):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetail | list[AttachmentView]
    """

    return sync_detailed(
        dispute_id=dispute_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    dispute_id: int,
    *,
    client: AuthenticatedClient,
    body: BodyAttachToDisputeV1MeDisputesDisputeIdAttachmentsPost,
) -> Response[ProblemDetail | list[AttachmentView]]:
    """Attach files to my open dispute

     Multipart, field `file` (repeated for several). All the files are attached, or none:
    a file that is not a PDF, JPEG or PNG by its content, empty or too large, or one too
    many for the case is refused naming the field. A decided dispute takes no more files.

    Args:
        dispute_id (int):
        body (BodyAttachToDisputeV1MeDisputesDisputeIdAttachmentsPost):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetail | list[AttachmentView]]
    """

    kwargs = _get_kwargs(
        dispute_id=dispute_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    dispute_id: int,
    *,
    client: AuthenticatedClient,
    body: BodyAttachToDisputeV1MeDisputesDisputeIdAttachmentsPost,
) -> ProblemDetail | list[AttachmentView] | None:
    """Attach files to my open dispute

     Multipart, field `file` (repeated for several). All the files are attached, or none:
    a file that is not a PDF, JPEG or PNG by its content, empty or too large, or one too
    many for the case is refused naming the field. A decided dispute takes no more files.

    Args:
        dispute_id (int):
        body (BodyAttachToDisputeV1MeDisputesDisputeIdAttachmentsPost):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetail | list[AttachmentView]
    """

    return (
        await asyncio_detailed(
            dispute_id=dispute_id,
            client=client,
            body=body,
        )
    ).parsed
