from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="WebhookEndpointView")


@_attrs_define
class WebhookEndpointView:
    """A registered receiver, without its secret.

    Attributes:
        id (str):
        url (str):
        types (list[str]):
        created_at (str):
        disabled_at (None | str): when it was disabled: nothing is sent to it since
        secret_rotated_at (None | str): when its secret was last rotated (null: never)
    """

    id: str
    url: str
    types: list[str]
    created_at: str
    disabled_at: None | str
    secret_rotated_at: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        url = self.url

        types = self.types

        created_at = self.created_at

        disabled_at: None | str
        disabled_at = self.disabled_at

        secret_rotated_at: None | str
        secret_rotated_at = self.secret_rotated_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "url": url,
                "types": types,
                "created_at": created_at,
                "disabled_at": disabled_at,
                "secret_rotated_at": secret_rotated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        url = d.pop("url")

        types = cast(list[str], d.pop("types"))

        created_at = d.pop("created_at")

        def _parse_disabled_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        disabled_at = _parse_disabled_at(d.pop("disabled_at"))

        def _parse_secret_rotated_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        secret_rotated_at = _parse_secret_rotated_at(d.pop("secret_rotated_at"))

        webhook_endpoint_view = cls(
            id=id,
            url=url,
            types=types,
            created_at=created_at,
            disabled_at=disabled_at,
            secret_rotated_at=secret_rotated_at,
        )

        webhook_endpoint_view.additional_properties = d
        return webhook_endpoint_view

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
