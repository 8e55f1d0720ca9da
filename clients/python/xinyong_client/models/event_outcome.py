from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.event_outcome_outcome import EventOutcomeOutcome

T = TypeVar("T", bound="EventOutcome")


@_attrs_define
class EventOutcome:
    """
    Attributes:
        index (int): the event's position in the batch, from 1
        type_ (str):
        id (None | str): the record's id, or the later event's id: given, or derived from its content and place; none
            for subject events
        outcome (EventOutcomeOutcome): replayed: the same event was filed before; nothing was written
    """

    index: int
    type_: str
    id: None | str
    outcome: EventOutcomeOutcome
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        index = self.index

        type_ = self.type_

        id: None | str
        id = self.id

        outcome = self.outcome.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "index": index,
                "type": type_,
                "id": id,
                "outcome": outcome,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        index = d.pop("index")

        type_ = d.pop("type")

        def _parse_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        id = _parse_id(d.pop("id"))

        outcome = EventOutcomeOutcome(d.pop("outcome"))

        event_outcome = cls(
            index=index,
            type_=type_,
            id=id,
            outcome=outcome,
        )

        event_outcome.additional_properties = d
        return event_outcome

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
