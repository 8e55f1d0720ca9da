from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AccessEntry")


@_attrs_define
class AccessEntry:
    """
    Attributes:
        at (str):
        reader (str):
        role (str):
        what (str):
        purpose (None | str):
        detail (None | str):
    """

    at: str
    reader: str
    role: str
    what: str
    purpose: None | str
    detail: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        at = self.at

        reader = self.reader

        role = self.role

        what = self.what

        purpose: None | str
        purpose = self.purpose

        detail: None | str
        detail = self.detail

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "at": at,
                "reader": reader,
                "role": role,
                "what": what,
                "purpose": purpose,
                "detail": detail,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        at = d.pop("at")

        reader = d.pop("reader")

        role = d.pop("role")

        what = d.pop("what")

        def _parse_purpose(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        purpose = _parse_purpose(d.pop("purpose"))

        def _parse_detail(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        detail = _parse_detail(d.pop("detail"))

        access_entry = cls(
            at=at,
            reader=reader,
            role=role,
            what=what,
            purpose=purpose,
            detail=detail,
        )

        access_entry.additional_properties = d
        return access_entry

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
