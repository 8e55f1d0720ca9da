from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.access_entry import AccessEntry
    from ..models.catalog_standing import CatalogStanding
    from ..models.foreign_list_entry import ForeignListEntry
    from ..models.notice_view import NoticeView
    from ..models.record_view import RecordView
    from ..models.report_list_entry import ReportListEntry


T = TypeVar("T", bound="Report")


@_attrs_define
class Report:
    """
    Attributes:
        subject (str):
        kind (str):
        name (None | str):
        jurisdiction (None | str):
        as_of (datetime.date):
        standings (list[CatalogStanding]):
        records (list[RecordView]):
        lists (list[ReportListEntry]):
        notices (list[NoticeView]):
        access_log (list[AccessEntry]):
        foreign_lists (list[ForeignListEntry] | Unset): entries on partner nodes' lists
    """

    subject: str
    kind: str
    name: None | str
    jurisdiction: None | str
    as_of: datetime.date
    standings: list[CatalogStanding]
    records: list[RecordView]
    lists: list[ReportListEntry]
    notices: list[NoticeView]
    access_log: list[AccessEntry]
    foreign_lists: list[ForeignListEntry] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        subject = self.subject

        kind = self.kind

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

        notices = []
        for notices_item_data in self.notices:
            notices_item = notices_item_data.to_dict()
            notices.append(notices_item)

        access_log = []
        for access_log_item_data in self.access_log:
            access_log_item = access_log_item_data.to_dict()
            access_log.append(access_log_item)

        foreign_lists: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.foreign_lists, Unset):
            foreign_lists = []
            for foreign_lists_item_data in self.foreign_lists:
                foreign_lists_item = foreign_lists_item_data.to_dict()
                foreign_lists.append(foreign_lists_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "subject": subject,
                "kind": kind,
                "name": name,
                "jurisdiction": jurisdiction,
                "as_of": as_of,
                "standings": standings,
                "records": records,
                "lists": lists,
                "notices": notices,
                "access_log": access_log,
            }
        )
        if foreign_lists is not UNSET:
            field_dict["foreign_lists"] = foreign_lists

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.access_entry import AccessEntry  # noqa: PLC0415
        from ..models.catalog_standing import CatalogStanding  # noqa: PLC0415
        from ..models.foreign_list_entry import ForeignListEntry  # noqa: PLC0415
        from ..models.notice_view import NoticeView  # noqa: PLC0415
        from ..models.record_view import RecordView  # noqa: PLC0415
        from ..models.report_list_entry import ReportListEntry  # noqa: PLC0415

        d = dict(src_dict)
        subject = d.pop("subject")

        kind = d.pop("kind")

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
            standings_item = CatalogStanding.from_dict(standings_item_data)

            standings.append(standings_item)

        records = []
        _records = d.pop("records")
        for records_item_data in _records:
            records_item = RecordView.from_dict(records_item_data)

            records.append(records_item)

        lists = []
        _lists = d.pop("lists")
        for lists_item_data in _lists:
            lists_item = ReportListEntry.from_dict(lists_item_data)

            lists.append(lists_item)

        notices = []
        _notices = d.pop("notices")
        for notices_item_data in _notices:
            notices_item = NoticeView.from_dict(notices_item_data)

            notices.append(notices_item)

        access_log = []
        _access_log = d.pop("access_log")
        for access_log_item_data in _access_log:
            access_log_item = AccessEntry.from_dict(access_log_item_data)

            access_log.append(access_log_item)

        _foreign_lists = d.pop("foreign_lists", UNSET)
        foreign_lists: list[ForeignListEntry] | Unset = UNSET
        if _foreign_lists is not UNSET:
            foreign_lists = []
            for foreign_lists_item_data in _foreign_lists:
                foreign_lists_item = ForeignListEntry.from_dict(foreign_lists_item_data)

                foreign_lists.append(foreign_lists_item)

        report = cls(
            subject=subject,
            kind=kind,
            name=name,
            jurisdiction=jurisdiction,
            as_of=as_of,
            standings=standings,
            records=records,
            lists=lists,
            notices=notices,
            access_log=access_log,
            foreign_lists=foreign_lists,
        )

        report.additional_properties = d
        return report

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
