from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ExplainedContribution")


@_attrs_define
class ExplainedContribution:
    """
    Attributes:
        record (str):
        rule (str):
        points (int):
        effective_on (datetime.date):
        expires_on (datetime.date | None):
        disputed (bool):
        capped (bool):
        title (None | str):
        legal_basis (None | str):
        occurred_on (datetime.date):
        source (str):
        reference (None | str):
        cap_per_year (int | None):
    """

    record: str
    rule: str
    points: int
    effective_on: datetime.date
    expires_on: datetime.date | None
    disputed: bool
    capped: bool
    title: None | str
    legal_basis: None | str
    occurred_on: datetime.date
    source: str
    reference: None | str
    cap_per_year: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        record = self.record

        rule = self.rule

        points = self.points

        effective_on = self.effective_on.isoformat()

        expires_on: None | str
        if isinstance(self.expires_on, datetime.date):
            expires_on = self.expires_on.isoformat()
        else:
            expires_on = self.expires_on

        disputed = self.disputed

        capped = self.capped

        title: None | str
        title = self.title

        legal_basis: None | str
        legal_basis = self.legal_basis

        occurred_on = self.occurred_on.isoformat()

        source = self.source

        reference: None | str
        reference = self.reference

        cap_per_year: int | None
        cap_per_year = self.cap_per_year

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "record": record,
                "rule": rule,
                "points": points,
                "effective_on": effective_on,
                "expires_on": expires_on,
                "disputed": disputed,
                "capped": capped,
                "title": title,
                "legal_basis": legal_basis,
                "occurred_on": occurred_on,
                "source": source,
                "reference": reference,
                "cap_per_year": cap_per_year,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        record = d.pop("record")

        rule = d.pop("rule")

        points = d.pop("points")

        effective_on = datetime.date.fromisoformat(d.pop("effective_on"))

        def _parse_expires_on(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_on_type_0 = datetime.date.fromisoformat(data)

                return expires_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        expires_on = _parse_expires_on(d.pop("expires_on"))

        disputed = d.pop("disputed")

        capped = d.pop("capped")

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

        source = d.pop("source")

        def _parse_reference(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reference = _parse_reference(d.pop("reference"))

        def _parse_cap_per_year(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        cap_per_year = _parse_cap_per_year(d.pop("cap_per_year"))

        explained_contribution = cls(
            record=record,
            rule=rule,
            points=points,
            effective_on=effective_on,
            expires_on=expires_on,
            disputed=disputed,
            capped=capped,
            title=title,
            legal_basis=legal_basis,
            occurred_on=occurred_on,
            source=source,
            reference=reference,
            cap_per_year=cap_per_year,
        )

        explained_contribution.additional_properties = d
        return explained_contribution

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
