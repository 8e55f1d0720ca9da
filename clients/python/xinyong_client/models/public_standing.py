from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PublicStanding")


@_attrs_define
class PublicStanding:
    """
    Attributes:
        catalog (str):
        title (None | str):
        version (str):
        score (int):
        grade (str):
    """

    catalog: str
    title: None | str
    version: str
    score: int
    grade: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        catalog = self.catalog

        title: None | str
        title = self.title

        version = self.version

        score = self.score

        grade = self.grade

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "catalog": catalog,
                "title": title,
                "version": version,
                "score": score,
                "grade": grade,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        catalog = d.pop("catalog")

        def _parse_title(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        title = _parse_title(d.pop("title"))

        version = d.pop("version")

        score = d.pop("score")

        grade = d.pop("grade")

        public_standing = cls(
            catalog=catalog,
            title=title,
            version=version,
            score=score,
            grade=grade,
        )

        public_standing.additional_properties = d
        return public_standing

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
