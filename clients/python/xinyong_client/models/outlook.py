from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.list_entry import ListEntry
    from ..models.outlook_change import OutlookChange
    from ..models.repair_option import RepairOption


T = TypeVar("T", bound="Outlook")


@_attrs_define
class Outlook:
    """
    Attributes:
        subject (str):
        catalog (str):
        as_of (datetime.date):
        score (int):
        grade (str):
        lists (list[ListEntry]):
        changes (list[OutlookChange]):
        repairs (list[RepairOption]):
    """

    subject: str
    catalog: str
    as_of: datetime.date
    score: int
    grade: str
    lists: list[ListEntry]
    changes: list[OutlookChange]
    repairs: list[RepairOption]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        subject = self.subject

        catalog = self.catalog

        as_of = self.as_of.isoformat()

        score = self.score

        grade = self.grade

        lists = []
        for lists_item_data in self.lists:
            lists_item = lists_item_data.to_dict()
            lists.append(lists_item)

        changes = []
        for changes_item_data in self.changes:
            changes_item = changes_item_data.to_dict()
            changes.append(changes_item)

        repairs = []
        for repairs_item_data in self.repairs:
            repairs_item = repairs_item_data.to_dict()
            repairs.append(repairs_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "subject": subject,
                "catalog": catalog,
                "as_of": as_of,
                "score": score,
                "grade": grade,
                "lists": lists,
                "changes": changes,
                "repairs": repairs,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.list_entry import ListEntry  # noqa: PLC0415
        from ..models.outlook_change import OutlookChange  # noqa: PLC0415
        from ..models.repair_option import RepairOption  # noqa: PLC0415

        d = dict(src_dict)
        subject = d.pop("subject")

        catalog = d.pop("catalog")

        as_of = datetime.date.fromisoformat(d.pop("as_of"))

        score = d.pop("score")

        grade = d.pop("grade")

        lists = []
        _lists = d.pop("lists")
        for lists_item_data in _lists:
            lists_item = ListEntry.from_dict(lists_item_data)

            lists.append(lists_item)

        changes = []
        _changes = d.pop("changes")
        for changes_item_data in _changes:
            changes_item = OutlookChange.from_dict(changes_item_data)

            changes.append(changes_item)

        repairs = []
        _repairs = d.pop("repairs")
        for repairs_item_data in _repairs:
            repairs_item = RepairOption.from_dict(repairs_item_data)

            repairs.append(repairs_item)

        outlook = cls(
            subject=subject,
            catalog=catalog,
            as_of=as_of,
            score=score,
            grade=grade,
            lists=lists,
            changes=changes,
            repairs=repairs,
        )

        outlook.additional_properties = d
        return outlook

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
