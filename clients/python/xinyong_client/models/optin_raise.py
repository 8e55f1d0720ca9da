from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="OptinRaise")


@_attrs_define
class OptinRaise:
    """
    Attributes:
        points (float | int): the points of the nearest bin that gives more
        at_least (float | int | None): the least value that bin holds (null: no lower bound)
        below (float | int | None): the bin holds values below this (null: no upper bound)
    """

    points: float | int
    at_least: float | int | None
    below: float | int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        points: float | int
        points = self.points

        at_least: float | int | None
        at_least = self.at_least

        below: float | int | None
        below = self.below

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "points": points,
                "at_least": at_least,
                "below": below,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_points(data: object) -> float | int:
            return cast(float | int, data)

        points = _parse_points(d.pop("points"))

        def _parse_at_least(data: object) -> float | int | None:
            if data is None:
                return data
            return cast(float | int | None, data)

        at_least = _parse_at_least(d.pop("at_least"))

        def _parse_below(data: object) -> float | int | None:
            if data is None:
                return data
            return cast(float | int | None, data)

        below = _parse_below(d.pop("below"))

        optin_raise = cls(
            points=points,
            at_least=at_least,
            below=below,
        )

        optin_raise.additional_properties = d
        return optin_raise

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
