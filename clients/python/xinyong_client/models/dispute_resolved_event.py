from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

from ..models.dispute_resolved_event_outcome import DisputeResolvedEventOutcome
from ..types import UNSET, Unset

T = TypeVar("T", bound="DisputeResolvedEvent")


@_attrs_define
class DisputeResolvedEvent:
    """The decision of a dispute: `upheld` (a suspended record counts from the decision; its expiry is unchanged) or
    `annulled` (the record never counted, on any day).

        Attributes:
            record (str): the id of the source's record
            on (datetime.date):
            type_ (Literal['dispute_resolved']):
            outcome (DisputeResolvedEventOutcome):
            id (None | str | Unset): optional: without one, an id is derived from the event's content and place
            note (None | str | Unset):
            reasons (None | str | Unset):
    """

    record: str
    on: datetime.date
    type_: Literal["dispute_resolved"]
    outcome: DisputeResolvedEventOutcome
    id: None | str | Unset = UNSET
    note: None | str | Unset = UNSET
    reasons: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        record = self.record

        on = self.on.isoformat()

        type_ = self.type_

        outcome = self.outcome.value

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

        reasons: None | str | Unset
        if isinstance(self.reasons, Unset):
            reasons = UNSET
        else:
            reasons = self.reasons

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "record": record,
                "on": on,
                "type": type_,
                "outcome": outcome,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id
        if note is not UNSET:
            field_dict["note"] = note
        if reasons is not UNSET:
            field_dict["reasons"] = reasons

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        record = d.pop("record")

        on = datetime.date.fromisoformat(d.pop("on"))

        type_ = cast(Literal["dispute_resolved"], d.pop("type"))
        if type_ != "dispute_resolved":
            raise ValueError(f"type must match const 'dispute_resolved', got '{type_}'")

        outcome = DisputeResolvedEventOutcome(d.pop("outcome"))

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

        def _parse_reasons(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reasons = _parse_reasons(d.pop("reasons", UNSET))

        dispute_resolved_event = cls(
            record=record,
            on=on,
            type_=type_,
            outcome=outcome,
            id=id,
            note=note,
            reasons=reasons,
        )

        return dispute_resolved_event
