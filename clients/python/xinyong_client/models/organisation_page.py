from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.public_listing import PublicListing
    from ..models.public_record import PublicRecord
    from ..models.public_standing import PublicStanding


T = TypeVar("T", bound="OrganisationPage")


@_attrs_define
class OrganisationPage:
    """
    Attributes:
        subject (str):
        code (str):
        name (None | str):
        jurisdiction (None | str):
        as_of (datetime.date):
        standings (list[PublicStanding]):
        records (list[PublicRecord]):
        lists (list[PublicListing]):
    """

    subject: str
    code: str
    name: None | str
    jurisdiction: None | str
    as_of: datetime.date
    standings: list[PublicStanding]
    records: list[PublicRecord]
    lists: list[PublicListing]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        subject = self.subject

        code = self.code

        name: None | str
        name = self.name

        jurisdiction: None | str
        jurisdiction = self.jurisdiction

        as_of = self.as_of.isoformat()

        standings = []
        for standings_item_data in self.standings:
            standings_item = standings_item_data.to_dict()
            standings.append(standings_item)

        records = []
        for records_item_data in self.records:
            records_item = records_item_data.to_dict()
            records.append(records_item)

        lists = []
        for lists_item_data in self.lists:
            lists_item = lists_item_data.to_dict()
            lists.append(lists_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "subject": subject,
                "code": code,
                "name": name,
                "jurisdiction": jurisdiction,
                "as_of": as_of,
                "standings": standings,
                "records": records,
                "lists": lists,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.public_listing import PublicListing  # noqa: PLC0415
        from ..models.public_record import PublicRecord  # noqa: PLC0415
        from ..models.public_standing import PublicStanding  # noqa: PLC0415

        d = dict(src_dict)
        subject = d.pop("subject")

        code = d.pop("code")

        def _parse_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        name = _parse_name(d.pop("name"))

        def _parse_jurisdiction(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        jurisdiction = _parse_jurisdiction(d.pop("jurisdiction"))

        as_of = datetime.date.fromisoformat(d.pop("as_of"))

        standings = []
        _standings = d.pop("standings")
        for standings_item_data in _standings:
            standings_item = PublicStanding.from_dict(standings_item_data)

            standings.append(standings_item)

        records = []
        _records = d.pop("records")
        for records_item_data in _records:
            records_item = PublicRecord.from_dict(records_item_data)

            records.append(records_item)

        lists = []
        _lists = d.pop("lists")
        for lists_item_data in _lists:
            lists_item = PublicListing.from_dict(lists_item_data)

            lists.append(lists_item)

        organisation_page = cls(
            subject=subject,
            code=code,
            name=name,
            jurisdiction=jurisdiction,
            as_of=as_of,
            standings=standings,
            records=records,
            lists=lists,
        )

        organisation_page.additional_properties = d
        return organisation_page

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
