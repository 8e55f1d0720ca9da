from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ListBundleEntry")


@_attrs_define
class ListBundleEntry:
    """
    Attributes:
        subject (str):
        record (str):
        from_ (str): The first day in effect, YYYY-MM-DD.
        until (None | str): The day it ends (not included), or null while open.
        legal_basis (None | str):
    """

    subject: str
    record: str
    from_: str
    until: None | str
    legal_basis: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        subject = self.subject

        record = self.record

        from_ = self.from_

        until: None | str
        until = self.until

        legal_basis: None | str
        legal_basis = self.legal_basis

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "subject": subject,
                "record": record,
                "from": from_,
                "until": until,
                "legal_basis": legal_basis,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        subject = d.pop("subject")

        record = d.pop("record")

        from_ = d.pop("from")

        def _parse_until(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        until = _parse_until(d.pop("until"))

        def _parse_legal_basis(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        legal_basis = _parse_legal_basis(d.pop("legal_basis"))

        list_bundle_entry = cls(
            subject=subject,
            record=record,
            from_=from_,
            until=until,
            legal_basis=legal_basis,
        )

        list_bundle_entry.additional_properties = d
        return list_bundle_entry

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
