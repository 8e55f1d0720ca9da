from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PublicRecord")


@_attrs_define
class PublicRecord:
    """
    Attributes:
        record (str):
        rule (str):
        title (None | str):
        legal_basis (None | str):
        occurred_on (datetime.date):
        decided_on (datetime.date):
        source (str):
        reference (None | str):
        effective_on (datetime.date):
        until (datetime.date):
        disputed (bool):
    """

    record: str
    rule: str
    title: None | str
    legal_basis: None | str
    occurred_on: datetime.date
    decided_on: datetime.date
    source: str
    reference: None | str
    effective_on: datetime.date
    until: datetime.date
    disputed: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        record = self.record

        rule = self.rule

        title: None | str
        title = self.title

        legal_basis: None | str
        legal_basis = self.legal_basis

        occurred_on = self.occurred_on.isoformat()

        decided_on = self.decided_on.isoformat()

        source = self.source

        reference: None | str
        reference = self.reference

        effective_on = self.effective_on.isoformat()

        until = self.until.isoformat()

        disputed = self.disputed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "record": record,
                "rule": rule,
                "title": title,
                "legal_basis": legal_basis,
                "occurred_on": occurred_on,
                "decided_on": decided_on,
                "source": source,
                "reference": reference,
                "effective_on": effective_on,
                "until": until,
                "disputed": disputed,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        record = d.pop("record")

        rule = d.pop("rule")

        def _parse_title(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        title = _parse_title(d.pop("title"))

        def _parse_legal_basis(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        legal_basis = _parse_legal_basis(d.pop("legal_basis"))

        occurred_on = datetime.date.fromisoformat(d.pop("occurred_on"))

        decided_on = datetime.date.fromisoformat(d.pop("decided_on"))

        source = d.pop("source")

        def _parse_reference(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reference = _parse_reference(d.pop("reference"))

        effective_on = datetime.date.fromisoformat(d.pop("effective_on"))

        until = datetime.date.fromisoformat(d.pop("until"))

        disputed = d.pop("disputed")

        public_record = cls(
            record=record,
            rule=rule,
            title=title,
            legal_basis=legal_basis,
            occurred_on=occurred_on,
            decided_on=decided_on,
            source=source,
            reference=reference,
            effective_on=effective_on,
            until=until,
            disputed=disputed,
        )

        public_record.additional_properties = d
        return public_record

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
