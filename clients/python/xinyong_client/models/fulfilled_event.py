from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="FulfilledEvent")


@_attrs_define
class FulfilledEvent:
    """The obligation behind the record was fulfilled (the fine paid, the judgment performed): list entries removed on
    fulfilment end that day, and the points too where the rule restores on fulfilment.

        Attributes:
            record (str): the id of the source's record
            on (datetime.date):
            type_ (Literal['fulfilled']):
            id (None | str | Unset): optional: without one, an id is derived from the event's content and place
            note (None | str | Unset):
    """

    record: str
    on: datetime.date
    type_: Literal["fulfilled"]
    id: None | str | Unset = UNSET
    note: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        record = self.record

        on = self.on.isoformat()

        type_ = self.type_

        id: None | str | Unset
        if isinstance(self.id, Unset):
            id = UNSET
        else:
            id = self.id

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "record": record,
                "on": on,
                "type": type_,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id
        if note is not UNSET:
            field_dict["note"] = note

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        record = d.pop("record")

        on = datetime.date.fromisoformat(d.pop("on"))

        type_ = cast(Literal["fulfilled"], d.pop("type"))
        if type_ != "fulfilled":
            raise ValueError(f"type must match const 'fulfilled', got '{type_}'")

        def _parse_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        id = _parse_id(d.pop("id", UNSET))

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        fulfilled_event = cls(
            record=record,
            on=on,
            type_=type_,
            id=id,
            note=note,
        )

        return fulfilled_event
