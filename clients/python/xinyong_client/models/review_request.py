from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ReviewRequest")


@_attrs_define
class ReviewRequest:
    """
    Attributes:
        notice (str): the id of the adverse-action notice
        grounds (str):
    """

    notice: str
    grounds: str

    def to_dict(self) -> dict[str, Any]:
        notice = self.notice

        grounds = self.grounds

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "notice": notice,
                "grounds": grounds,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        notice = d.pop("notice")

        grounds = d.pop("grounds")

        review_request = cls(
            notice=notice,
            grounds=grounds,
        )

        return review_request
