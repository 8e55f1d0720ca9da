from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.list_bundle_entry import ListBundleEntry


T = TypeVar("T", bound="ListBundle")


@_attrs_define
class ListBundle:
    """A signed list bundle (docs/design.md section 10): ``signature`` is Ed25519, in
    base64, over the bundle without it as JSON with sorted keys, no spaces, UTF-8.

        Attributes:
            format_ (str):
            node (str):
            public_key (str):
            list_ (str):
            title (str):
            as_of (str):
            entries (list[ListBundleEntry]):
            signature (str):
    """

    format_: str
    node: str
    public_key: str
    list_: str
    title: str
    as_of: str
    entries: list[ListBundleEntry]
    signature: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        format_ = self.format_

        node = self.node

        public_key = self.public_key

        list_ = self.list_

        title = self.title

        as_of = self.as_of

        entries = []
        for entries_item_data in self.entries:
            entries_item = entries_item_data.to_dict()
            entries.append(entries_item)

        signature = self.signature

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "format": format_,
                "node": node,
                "public_key": public_key,
                "list": list_,
                "title": title,
                "as_of": as_of,
                "entries": entries,
                "signature": signature,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.list_bundle_entry import ListBundleEntry  # noqa: PLC0415

        d = dict(src_dict)
        format_ = d.pop("format")

        node = d.pop("node")

        public_key = d.pop("public_key")

        list_ = d.pop("list")

        title = d.pop("title")

        as_of = d.pop("as_of")

        entries = []
        _entries = d.pop("entries")
        for entries_item_data in _entries:
            entries_item = ListBundleEntry.from_dict(entries_item_data)

            entries.append(entries_item)

        signature = d.pop("signature")

        list_bundle = cls(
            format_=format_,
            node=node,
            public_key=public_key,
            list_=list_,
            title=title,
            as_of=as_of,
            entries=entries,
            signature=signature,
        )

        list_bundle.additional_properties = d
        return list_bundle

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
