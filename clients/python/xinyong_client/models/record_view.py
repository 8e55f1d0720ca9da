from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.placement import Placement
    from ..models.record_view_events_item import RecordViewEventsItem


T = TypeVar("T", bound="RecordView")


@_attrs_define
class RecordView:
    """
    Attributes:
        record (str):
        rule (str):
        title (None | str):
        category (str):
        points (int):
        legal_basis (None | str):
        catalog_version (str):
        occurred_on (datetime.date):
        decided_on (datetime.date):
        source (str):
        reference (None | str):
        effective_on (datetime.date):
        expires_on (datetime.date):
        ends_on (datetime.date | None): null for an annulled record
        status (str):
        disputed (bool):
        list_ (None | Placement):
        repairable_from (datetime.date | None):
        events (list[RecordViewEventsItem]): the record's later events, as filed
    """

    record: str
    rule: str
    title: None | str
    category: str
    points: int
    legal_basis: None | str
    catalog_version: str
    occurred_on: datetime.date
    decided_on: datetime.date
    source: str
    reference: None | str
    effective_on: datetime.date
    expires_on: datetime.date
    ends_on: datetime.date | None
    status: str
    disputed: bool
    list_: None | Placement
    repairable_from: datetime.date | None
    events: list[RecordViewEventsItem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.placement import Placement  # noqa: PLC0415

        record = self.record

        rule = self.rule

        title: None | str
        title = self.title

        category = self.category

        points = self.points

        legal_basis: None | str
        legal_basis = self.legal_basis

        catalog_version = self.catalog_version

        occurred_on = self.occurred_on.isoformat()

        decided_on = self.decided_on.isoformat()

        source = self.source

        reference: None | str
        reference = self.reference

        effective_on = self.effective_on.isoformat()

        expires_on = self.expires_on.isoformat()

        ends_on: None | str
        if isinstance(self.ends_on, datetime.date):
            ends_on = self.ends_on.isoformat()
        else:
            ends_on = self.ends_on

        status = self.status

        disputed = self.disputed

        list_: dict[str, Any] | None
        if isinstance(self.list_, Placement):
            list_ = self.list_.to_dict()
        else:
            list_ = self.list_

        repairable_from: None | str
        if isinstance(self.repairable_from, datetime.date):
            repairable_from = self.repairable_from.isoformat()
        else:
            repairable_from = self.repairable_from

        events = []
        for events_item_data in self.events:
            events_item = events_item_data.to_dict()
            events.append(events_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "record": record,
                "rule": rule,
                "title": title,
                "category": category,
                "points": points,
                "legal_basis": legal_basis,
                "catalog_version": catalog_version,
                "occurred_on": occurred_on,
                "decided_on": decided_on,
                "source": source,
                "reference": reference,
                "effective_on": effective_on,
                "expires_on": expires_on,
                "ends_on": ends_on,
                "status": status,
                "disputed": disputed,
                "list": list_,
                "repairable_from": repairable_from,
                "events": events,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.placement import Placement  # noqa: PLC0415
        from ..models.record_view_events_item import RecordViewEventsItem  # noqa: PLC0415

        d = dict(src_dict)
        record = d.pop("record")

        rule = d.pop("rule")

        def _parse_title(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        title = _parse_title(d.pop("title"))

        category = d.pop("category")

        points = d.pop("points")

        def _parse_legal_basis(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        legal_basis = _parse_legal_basis(d.pop("legal_basis"))

        catalog_version = d.pop("catalog_version")

        occurred_on = datetime.date.fromisoformat(d.pop("occurred_on"))

        decided_on = datetime.date.fromisoformat(d.pop("decided_on"))

        source = d.pop("source")

        def _parse_reference(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reference = _parse_reference(d.pop("reference"))

        effective_on = datetime.date.fromisoformat(d.pop("effective_on"))

        expires_on = datetime.date.fromisoformat(d.pop("expires_on"))

        def _parse_ends_on(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ends_on_type_0 = datetime.date.fromisoformat(data)

                return ends_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        ends_on = _parse_ends_on(d.pop("ends_on"))

        status = d.pop("status")

        disputed = d.pop("disputed")

        def _parse_list_(data: object) -> None | Placement:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                list_type_0 = Placement.from_dict(data)

                return list_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Placement, data)

        list_ = _parse_list_(d.pop("list"))

        def _parse_repairable_from(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                repairable_from_type_0 = datetime.date.fromisoformat(data)

                return repairable_from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        repairable_from = _parse_repairable_from(d.pop("repairable_from"))

        events = []
        _events = d.pop("events")
        for events_item_data in _events:
            events_item = RecordViewEventsItem.from_dict(events_item_data)

            events.append(events_item)

        record_view = cls(
            record=record,
            rule=rule,
            title=title,
            category=category,
            points=points,
            legal_basis=legal_basis,
            catalog_version=catalog_version,
            occurred_on=occurred_on,
            decided_on=decided_on,
            source=source,
            reference=reference,
            effective_on=effective_on,
            expires_on=expires_on,
            ends_on=ends_on,
            status=status,
            disputed=disputed,
            list_=list_,
            repairable_from=repairable_from,
            events=events,
        )

        record_view.additional_properties = d
        return record_view

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
