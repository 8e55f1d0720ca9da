from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.optin_raise import OptinRaise


T = TypeVar("T", bound="OptinReason")


@_attrs_define
class OptinReason:
    """
    Attributes:
        feature (str):
        points (float | int):
        possible (float | int): the most points the feature gives
        text (str): why it costs points, in the language asked for
        raise_ (None | OptinRaise): what would raise it; null when nothing would
    """

    feature: str
    points: float | int
    possible: float | int
    text: str
    raise_: None | OptinRaise
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.optin_raise import OptinRaise  # noqa: PLC0415

        feature = self.feature

        points: float | int
        points = self.points

        possible: float | int
        possible = self.possible

        text = self.text

        raise_: dict[str, Any] | None
        if isinstance(self.raise_, OptinRaise):
            raise_ = self.raise_.to_dict()
        else:
            raise_ = self.raise_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "feature": feature,
                "points": points,
                "possible": possible,
                "text": text,
                "raise": raise_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.optin_raise import OptinRaise  # noqa: PLC0415

        d = dict(src_dict)
        feature = d.pop("feature")

        def _parse_points(data: object) -> float | int:
            return cast(float | int, data)

        points = _parse_points(d.pop("points"))

        def _parse_possible(data: object) -> float | int:
            return cast(float | int, data)

        possible = _parse_possible(d.pop("possible"))

        text = d.pop("text")

        def _parse_raise_(data: object) -> None | OptinRaise:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                raise_type_0 = OptinRaise.from_dict(data)

                return raise_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OptinRaise, data)

        raise_ = _parse_raise_(d.pop("raise"))

        optin_reason = cls(
            feature=feature,
            points=points,
            possible=possible,
            text=text,
            raise_=raise_,
        )

        optin_reason.additional_properties = d
        return optin_reason

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
