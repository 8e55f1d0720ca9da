from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.list_entry import ListEntry
    from ..models.message_view import MessageView


T = TypeVar("T", bound="OutlookChange")


@_attrs_define
class OutlookChange:
    """
    Attributes:
        day (datetime.date):
        score (int):
        grade (str):
        lists (list[ListEntry]):
        what (list[str]): what changes, rendered in the language asked by Accept-Language (en default)
        messages (list[MessageView]): what changes, as message keys with fields
    """

    day: datetime.date
    score: int
    grade: str
    lists: list[ListEntry]
    what: list[str]
    messages: list[MessageView]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        day = self.day.isoformat()

        score = self.score

        grade = self.grade

        lists = []
        for lists_item_data in self.lists:
            lists_item = lists_item_data.to_dict()
            lists.append(lists_item)

        what = self.what

        messages = []
        for messages_item_data in self.messages:
            messages_item = messages_item_data.to_dict()
            messages.append(messages_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "day": day,
                "score": score,
                "grade": grade,
                "lists": lists,
                "what": what,
                "messages": messages,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.list_entry import ListEntry  # noqa: PLC0415
        from ..models.message_view import MessageView  # noqa: PLC0415

        d = dict(src_dict)
        day = datetime.date.fromisoformat(d.pop("day"))

        score = d.pop("score")

        grade = d.pop("grade")

        lists = []
        _lists = d.pop("lists")
        for lists_item_data in _lists:
            lists_item = ListEntry.from_dict(lists_item_data)

            lists.append(lists_item)

        what = cast(list[str], d.pop("what"))

        messages = []
        _messages = d.pop("messages")
        for messages_item_data in _messages:
            messages_item = MessageView.from_dict(messages_item_data)

            messages.append(messages_item)

        outlook_change = cls(
            day=day,
            score=score,
            grade=grade,
            lists=lists,
            what=what,
            messages=messages,
        )

        outlook_change.additional_properties = d
        return outlook_change

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
