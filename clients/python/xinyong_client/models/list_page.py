from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.published_entry import PublishedEntry


T = TypeVar("T", bound="ListPage")


@_attrs_define
class ListPage:
    """
    Attributes:
        list_ (str):
        title (None | str):
        kind (str):
        catalog (str):
        publishes (str):
        removal (list[str]):
        as_of (datetime.date):
        total (int):
        persons_not_published (int):
        page (int):
        per_page (int):
        entries (list[PublishedEntry]):
    """

    list_: str
    title: None | str
    kind: str
    catalog: str
    publishes: str
    removal: list[str]
    as_of: datetime.date
    total: int
    persons_not_published: int
    page: int
    per_page: int
    entries: list[PublishedEntry]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        list_ = self.list_

        title: None | str
        title = self.title

        kind = self.kind

        catalog = self.catalog

        publishes = self.publishes

        removal = self.removal

        as_of = self.as_of.isoformat()

        total = self.total

        persons_not_published = self.persons_not_published

        page = self.page

        per_page = self.per_page

        entries = []
        for entries_item_data in self.entries:
            entries_item = entries_item_data.to_dict()
            entries.append(entries_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "list": list_,
                "title": title,
                "kind": kind,
                "catalog": catalog,
                "publishes": publishes,
                "removal": removal,
                "as_of": as_of,
                "total": total,
                "persons_not_published": persons_not_published,
                "page": page,
                "per_page": per_page,
                "entries": entries,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.published_entry import PublishedEntry  # noqa: PLC0415

        d = dict(src_dict)
        list_ = d.pop("list")

        def _parse_title(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        title = _parse_title(d.pop("title"))

        kind = d.pop("kind")

        catalog = d.pop("catalog")

        publishes = d.pop("publishes")

        removal = cast(list[str], d.pop("removal"))

        as_of = datetime.date.fromisoformat(d.pop("as_of"))

        total = d.pop("total")

        persons_not_published = d.pop("persons_not_published")

        page = d.pop("page")

        per_page = d.pop("per_page")

        entries = []
        _entries = d.pop("entries")
        for entries_item_data in _entries:
            entries_item = PublishedEntry.from_dict(entries_item_data)

            entries.append(entries_item)

        list_page = cls(
            list_=list_,
            title=title,
            kind=kind,
            catalog=catalog,
            publishes=publishes,
            removal=removal,
            as_of=as_of,
            total=total,
            persons_not_published=persons_not_published,
            page=page,
            per_page=per_page,
            entries=entries,
        )

        list_page.additional_properties = d
        return list_page

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
