from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ConsentAnswer")


@_attrs_define
class ConsentAnswer:
    """
    Attributes:
        id (str): the consent's id: DELETE /v1/me/consents/{id} withdraws it
        scorecard (str):
        sources (list[str]):
        purposes (list[str]):
        on (datetime.date): in force from this day until withdrawn
    """

    id: str
    scorecard: str
    sources: list[str]
    purposes: list[str]
    on: datetime.date
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        scorecard = self.scorecard

        sources = self.sources

        purposes = self.purposes

        on = self.on.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "scorecard": scorecard,
                "sources": sources,
                "purposes": purposes,
                "on": on,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        scorecard = d.pop("scorecard")

        sources = cast(list[str], d.pop("sources"))

        purposes = cast(list[str], d.pop("purposes"))

        on = datetime.date.fromisoformat(d.pop("on"))

        consent_answer = cls(
            id=id,
            scorecard=scorecard,
            sources=sources,
            purposes=purposes,
            on=on,
        )

        consent_answer.additional_properties = d
        return consent_answer

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
