from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.reason_effect import ReasonEffect

if TYPE_CHECKING:
    from ..models.reason_trigger import ReasonTrigger


T = TypeVar("T", bound="Reason")


@_attrs_define
class Reason:
    """
    Attributes:
        catalog (str):
        measure (str):
        effect (ReasonEffect):
        trigger (ReasonTrigger):
        legal_basis (None | str):
    """

    catalog: str
    measure: str
    effect: ReasonEffect
    trigger: ReasonTrigger
    legal_basis: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        catalog = self.catalog

        measure = self.measure

        effect = self.effect.value

        trigger = self.trigger.to_dict()

        legal_basis: None | str
        legal_basis = self.legal_basis

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "catalog": catalog,
                "measure": measure,
                "effect": effect,
                "trigger": trigger,
                "legal_basis": legal_basis,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.reason_trigger import ReasonTrigger  # noqa: PLC0415

        d = dict(src_dict)
        catalog = d.pop("catalog")

        measure = d.pop("measure")

        effect = ReasonEffect(d.pop("effect"))

        trigger = ReasonTrigger.from_dict(d.pop("trigger"))

        def _parse_legal_basis(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        legal_basis = _parse_legal_basis(d.pop("legal_basis"))

        reason = cls(
            catalog=catalog,
            measure=measure,
            effect=effect,
            trigger=trigger,
            legal_basis=legal_basis,
        )

        reason.additional_properties = d
        return reason

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
