from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ForeignListEntry")


@_attrs_define
class ForeignListEntry:
    """An entry on a partner node's list (docs/design.md section 10), with the node that
    keeps its record and the bundle it came from.

        Attributes:
            list_ (str): NODE/LIST
            node (str):
            title (str):
            record (str):
            from_ (datetime.date):
            until (datetime.date | None):
            legal_basis (None | str):
            bundle_as_of (datetime.date):
            stale (bool):
    """

    list_: str
    node: str
    title: str
    record: str
    from_: datetime.date
    until: datetime.date | None
    legal_basis: None | str
    bundle_as_of: datetime.date
    stale: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        list_ = self.list_

        node = self.node

        title = self.title

        record = self.record

        from_ = self.from_.isoformat()

        until: None | str
        if isinstance(self.until, datetime.date):
            until = self.until.isoformat()
        else:
            until = self.until

        legal_basis: None | str
        legal_basis = self.legal_basis

        bundle_as_of = self.bundle_as_of.isoformat()

        stale = self.stale

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "list": list_,
                "node": node,
                "title": title,
                "record": record,
                "from": from_,
                "until": until,
                "legal_basis": legal_basis,
                "bundle_as_of": bundle_as_of,
                "stale": stale,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        list_ = d.pop("list")

        node = d.pop("node")

        title = d.pop("title")

        record = d.pop("record")

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

        def _parse_legal_basis(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        legal_basis = _parse_legal_basis(d.pop("legal_basis"))

        bundle_as_of = datetime.date.fromisoformat(d.pop("bundle_as_of"))

        stale = d.pop("stale")

        foreign_list_entry = cls(
            list_=list_,
            node=node,
            title=title,
            record=record,
            from_=from_,
            until=until,
            legal_basis=legal_basis,
            bundle_as_of=bundle_as_of,
            stale=stale,
        )

        foreign_list_entry.additional_properties = d
        return foreign_list_entry

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
