from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.message_view import MessageView
    from ..models.notice_view_fields import NoticeViewFields


T = TypeVar("T", bound="NoticeView")


@_attrs_define
class NoticeView:
    """
    Attributes:
        id (str):
        created_at (str):
        kind (str):
        record (None | str):
        to (str):
        title (str): rendered in `language`
        text (str): rendered in `language`
        language (str): the language of title and text: en, or zh-CN when asked by Accept-Language
        key (None | str): the message key of the notice (null for notices stored as prose)
        lines (list[MessageView]): the further sentences of the text, as message keys with fields
        fields (NoticeViewFields):
        read_at (None | str | Unset): when the subject first marked it read (null: unread, or a notice to a source)
    """

    id: str
    created_at: str
    kind: str
    record: None | str
    to: str
    title: str
    text: str
    language: str
    key: None | str
    lines: list[MessageView]
    fields: NoticeViewFields
    read_at: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        created_at = self.created_at

        kind = self.kind

        record: None | str
        record = self.record

        to = self.to

        title = self.title

        text = self.text

        language = self.language

        key: None | str
        key = self.key

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        fields = self.fields.to_dict()

        read_at: None | str | Unset
        if isinstance(self.read_at, Unset):
            read_at = UNSET
        else:
            read_at = self.read_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "created_at": created_at,
                "kind": kind,
                "record": record,
                "to": to,
                "title": title,
                "text": text,
                "language": language,
                "key": key,
                "lines": lines,
                "fields": fields,
            }
        )
        if read_at is not UNSET:
            field_dict["read_at"] = read_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.message_view import MessageView  # noqa: PLC0415
        from ..models.notice_view_fields import NoticeViewFields  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        created_at = d.pop("created_at")

        kind = d.pop("kind")

        def _parse_record(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        record = _parse_record(d.pop("record"))

        to = d.pop("to")

        title = d.pop("title")

        text = d.pop("text")

        language = d.pop("language")

        def _parse_key(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        key = _parse_key(d.pop("key"))

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = MessageView.from_dict(lines_item_data)

            lines.append(lines_item)

        fields = NoticeViewFields.from_dict(d.pop("fields"))

        def _parse_read_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        read_at = _parse_read_at(d.pop("read_at", UNSET))

        notice_view = cls(
            id=id,
            created_at=created_at,
            kind=kind,
            record=record,
            to=to,
            title=title,
            text=text,
            language=language,
            key=key,
            lines=lines,
            fields=fields,
            read_at=read_at,
        )

        notice_view.additional_properties = d
        return notice_view

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
