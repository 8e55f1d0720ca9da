from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.event_outcome import EventOutcome
    from ..models.events_answer_written_by_type import EventsAnswerWrittenByType


T = TypeVar("T", bound="EventsAnswer")


@_attrs_define
class EventsAnswer:
    """
    Attributes:
        received (int):
        written (int):
        unchanged (int):
        written_by_type (EventsAnswerWrittenByType):
        events (list[EventOutcome] | Unset):
    """

    received: int
    written: int
    unchanged: int
    written_by_type: EventsAnswerWrittenByType
    events: list[EventOutcome] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        received = self.received

        written = self.written

        unchanged = self.unchanged

        written_by_type = self.written_by_type.to_dict()

        events: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.events, Unset):
            events = []
            for events_item_data in self.events:
                events_item = events_item_data.to_dict()
                events.append(events_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "received": received,
                "written": written,
                "unchanged": unchanged,
                "written_by_type": written_by_type,
            }
        )
        if events is not UNSET:
            field_dict["events"] = events

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event_outcome import EventOutcome  # noqa: PLC0415
        from ..models.events_answer_written_by_type import EventsAnswerWrittenByType  # noqa: PLC0415

        d = dict(src_dict)
        received = d.pop("received")

        written = d.pop("written")

        unchanged = d.pop("unchanged")

        written_by_type = EventsAnswerWrittenByType.from_dict(d.pop("written_by_type"))

        _events = d.pop("events", UNSET)
        events: list[EventOutcome] | Unset = UNSET
        if _events is not UNSET:
            events = []
            for events_item_data in _events:
                events_item = EventOutcome.from_dict(events_item_data)

                events.append(events_item)

        events_answer = cls(
            received=received,
            written=written,
            unchanged=unchanged,
            written_by_type=written_by_type,
            events=events,
        )

        events_answer.additional_properties = d
        return events_answer

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
