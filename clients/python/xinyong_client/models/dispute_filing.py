from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="DisputeFiling")


@_attrs_define
class DisputeFiling:
    """
    Attributes:
        record (str):
        grounds (str):
    """

    record: str
    grounds: str

    def to_dict(self) -> dict[str, Any]:
        record = self.record

        grounds = self.grounds

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "record": record,
                "grounds": grounds,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        record = d.pop("record")

        grounds = d.pop("grounds")

        dispute_filing = cls(
            record=record,
            grounds=grounds,
        )

        return dispute_filing
