from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.access_entry import AccessEntry


T = TypeVar("T", bound="AccessLogPage")


@_attrs_define
class AccessLogPage:
    """
    Attributes:
        total (int):
        limit (int):
        offset (int):
        entries (list[AccessEntry]):
    """

    total: int
    limit: int
    offset: int
    entries: list[AccessEntry]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        total = self.total

        limit = self.limit

        offset = self.offset

        entries = []
        for entries_item_data in self.entries:
            entries_item = entries_item_data.to_dict()
            entries.append(entries_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "total": total,
                "limit": limit,
                "offset": offset,
                "entries": entries,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.access_entry import AccessEntry  # noqa: PLC0415

        d = dict(src_dict)
        total = d.pop("total")

        limit = d.pop("limit")

        offset = d.pop("offset")

        entries = []
        _entries = d.pop("entries")
        for entries_item_data in _entries:
            entries_item = AccessEntry.from_dict(entries_item_data)

            entries.append(entries_item)

        access_log_page = cls(
            total=total,
            limit=limit,
            offset=offset,
            entries=entries,
        )

        access_log_page.additional_properties = d
        return access_log_page

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
