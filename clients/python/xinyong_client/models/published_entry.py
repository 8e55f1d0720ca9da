from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PublishedEntry")


@_attrs_define
class PublishedEntry:
    """
    Attributes:
        subject (str): uscc:CODE, or a person's masked rid:NUMBER
        name (None | str):
        record (str):
        rule (str):
        from_ (datetime.date):
        until (datetime.date | None):
    """

    subject: str
    name: None | str
    record: str
    rule: str
    from_: datetime.date
    until: datetime.date | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        subject = self.subject

        name: None | str
        name = self.name

        record = self.record

        rule = self.rule

        from_ = self.from_.isoformat()

        until: None | str
        if isinstance(self.until, datetime.date):
            until = self.until.isoformat()
        else:
            until = self.until

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "subject": subject,
                "name": name,
                "record": record,
                "rule": rule,
                "from": from_,
                "until": until,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        subject = d.pop("subject")

        def _parse_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        name = _parse_name(d.pop("name"))

        record = d.pop("record")

        rule = d.pop("rule")

        from_ = datetime.date.fromisoformat(d.pop("from"))

        def _parse_until(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                until_type_0 = datetime.date.fromisoformat(data)

                return until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        until = _parse_until(d.pop("until"))

        published_entry = cls(
            subject=subject,
            name=name,
            record=record,
            rule=rule,
            from_=from_,
            until=until,
        )

        published_entry.additional_properties = d
        return published_entry

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
