from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.attachment_view_case_kind import AttachmentViewCaseKind

T = TypeVar("T", bound="AttachmentView")


@_attrs_define
class AttachmentView:
    """A file attached to a dispute or a repair application, without its bytes.

    Attributes:
        id (str):
        case_kind (AttachmentViewCaseKind):
        case_id (str):
        created_at (str):
        media_type (str): found in the file's content: application/pdf, image/jpeg or image/png
        size (int): bytes
        sha256 (str):
        filename (None | str): the name it downloads under; null once the subject's key was erased
    """

    id: str
    case_kind: AttachmentViewCaseKind
    case_id: str
    created_at: str
    media_type: str
    size: int
    sha256: str
    filename: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        case_kind = self.case_kind.value

        case_id = self.case_id

        created_at = self.created_at

        media_type = self.media_type

        size = self.size

        sha256 = self.sha256

        filename: None | str
        filename = self.filename

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "case_kind": case_kind,
                "case_id": case_id,
                "created_at": created_at,
                "media_type": media_type,
                "size": size,
                "sha256": sha256,
                "filename": filename,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        case_kind = AttachmentViewCaseKind(d.pop("case_kind"))

        case_id = d.pop("case_id")

        created_at = d.pop("created_at")

        media_type = d.pop("media_type")

        size = d.pop("size")

        sha256 = d.pop("sha256")

        def _parse_filename(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        filename = _parse_filename(d.pop("filename"))

        attachment_view = cls(
            id=id,
            case_kind=case_kind,
            case_id=case_id,
            created_at=created_at,
            media_type=media_type,
            size=size,
            sha256=sha256,
            filename=filename,
        )

        attachment_view.additional_properties = d
        return attachment_view

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
