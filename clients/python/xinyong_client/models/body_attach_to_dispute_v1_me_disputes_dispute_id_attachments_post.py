from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types

T = TypeVar("T", bound="BodyAttachToDisputeV1MeDisputesDisputeIdAttachmentsPost")


@_attrs_define
class BodyAttachToDisputeV1MeDisputesDisputeIdAttachmentsPost:
    """
    Attributes:
        file (list[str]): one or more PDF, JPEG or PNG files (by content), each at most 5242880 bytes; at most 5 on a
            case
    """

    file: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        file = self.file

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "file": file,
            }
        )

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        for file_item_element in self.file:
            files.append(("file", (None, str(file_item_element).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        file = cast(list[str], d.pop("file"))

        body_attach_to_dispute_v1_me_disputes_dispute_id_attachments_post = cls(
            file=file,
        )

        body_attach_to_dispute_v1_me_disputes_dispute_id_attachments_post.additional_properties = d
        return body_attach_to_dispute_v1_me_disputes_dispute_id_attachments_post

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
