from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="WithdrawalAnswer")


@_attrs_define
class WithdrawalAnswer:
    """
    Attributes:
        id (str): the withdrawal's id
        consent (str):
        scorecard (str):
        on (datetime.date):
    """

    id: str
    consent: str
    scorecard: str
    on: datetime.date
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        consent = self.consent

        scorecard = self.scorecard

        on = self.on.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "consent": consent,
                "scorecard": scorecard,
                "on": on,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        consent = d.pop("consent")

        scorecard = d.pop("scorecard")

        on = datetime.date.fromisoformat(d.pop("on"))

        withdrawal_answer = cls(
            id=id,
            consent=consent,
            scorecard=scorecard,
            on=on,
        )

        withdrawal_answer.additional_properties = d
        return withdrawal_answer

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
