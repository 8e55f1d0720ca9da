from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.webhook_attempt_view_outcome import WebhookAttemptViewOutcome

T = TypeVar("T", bound="WebhookAttemptView")


@_attrs_define
class WebhookAttemptView:
    """One attempt to deliver a message to one of the caller's endpoints.

    Attributes:
        message (str): the message id (webhook-id), the same on every attempt of it
        type_ (str):
        attempt (int): 1 for the first attempt of the message
        at (str):
        status (int | None): the receiver's HTTP status; null when it did not answer
        outcome (WebhookAttemptViewOutcome):
        error (None | str):
        next_attempt_at (None | str): when it is tried again (null: delivered or given up)
    """

    message: str
    type_: str
    attempt: int
    at: str
    status: int | None
    outcome: WebhookAttemptViewOutcome
    error: None | str
    next_attempt_at: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        type_ = self.type_

        attempt = self.attempt

        at = self.at

        status: int | None
        status = self.status

        outcome = self.outcome.value

        error: None | str
        error = self.error

        next_attempt_at: None | str
        next_attempt_at = self.next_attempt_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "message": message,
                "type": type_,
                "attempt": attempt,
                "at": at,
                "status": status,
                "outcome": outcome,
                "error": error,
                "next_attempt_at": next_attempt_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        message = d.pop("message")

        type_ = d.pop("type")

        attempt = d.pop("attempt")

        at = d.pop("at")

        def _parse_status(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        status = _parse_status(d.pop("status"))

        outcome = WebhookAttemptViewOutcome(d.pop("outcome"))

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))

        def _parse_next_attempt_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_attempt_at = _parse_next_attempt_at(d.pop("next_attempt_at"))

        webhook_attempt_view = cls(
            message=message,
            type_=type_,
            attempt=attempt,
            at=at,
            status=status,
            outcome=outcome,
            error=error,
            next_attempt_at=next_attempt_at,
        )

        webhook_attempt_view.additional_properties = d
        return webhook_attempt_view

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
