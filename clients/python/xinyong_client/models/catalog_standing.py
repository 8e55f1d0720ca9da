from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.explained_contribution import ExplainedContribution
    from ..models.grade import Grade
    from ..models.list_entry import ListEntry


T = TypeVar("T", bound="CatalogStanding")


@_attrs_define
class CatalogStanding:
    """A standing under one catalog, each contribution explained.

    Attributes:
        subject (str):
        catalog (str):
        as_of (datetime.date):
        score (int):
        grade (str):
        contributions (list[ExplainedContribution]):
        lists (list[ListEntry]):
        version (str):
        title (None | str):
        base (int):
        covered (bool): whether the catalog covers the subject's jurisdiction
        grades (list[Grade]):
    """

    subject: str
    catalog: str
    as_of: datetime.date
    score: int
    grade: str
    contributions: list[ExplainedContribution]
    lists: list[ListEntry]
    version: str
    title: None | str
    base: int
    covered: bool
    grades: list[Grade]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        subject = self.subject

        catalog = self.catalog

        as_of = self.as_of.isoformat()

        score = self.score

        grade = self.grade

        contributions = []
        for contributions_item_data in self.contributions:
            contributions_item = contributions_item_data.to_dict()
            contributions.append(contributions_item)

        lists = []
        for lists_item_data in self.lists:
            lists_item = lists_item_data.to_dict()
            lists.append(lists_item)

        version = self.version

        title: None | str
        title = self.title

        base = self.base

        covered = self.covered

        grades = []
        for grades_item_data in self.grades:
            grades_item = grades_item_data.to_dict()
            grades.append(grades_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "subject": subject,
                "catalog": catalog,
                "as_of": as_of,
                "score": score,
                "grade": grade,
                "contributions": contributions,
                "lists": lists,
                "version": version,
                "title": title,
                "base": base,
                "covered": covered,
                "grades": grades,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.explained_contribution import ExplainedContribution  # noqa: PLC0415
        from ..models.grade import Grade  # noqa: PLC0415
        from ..models.list_entry import ListEntry  # noqa: PLC0415

        d = dict(src_dict)
        subject = d.pop("subject")

        catalog = d.pop("catalog")

        as_of = datetime.date.fromisoformat(d.pop("as_of"))

        score = d.pop("score")

        grade = d.pop("grade")

        contributions = []
        _contributions = d.pop("contributions")
        for contributions_item_data in _contributions:
            contributions_item = ExplainedContribution.from_dict(contributions_item_data)

            contributions.append(contributions_item)

        lists = []
        _lists = d.pop("lists")
        for lists_item_data in _lists:
            lists_item = ListEntry.from_dict(lists_item_data)

            lists.append(lists_item)

        version = d.pop("version")

        def _parse_title(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        title = _parse_title(d.pop("title"))

        base = d.pop("base")

        covered = d.pop("covered")

        grades = []
        _grades = d.pop("grades")
        for grades_item_data in _grades:
            grades_item = Grade.from_dict(grades_item_data)

            grades.append(grades_item)

        catalog_standing = cls(
            subject=subject,
            catalog=catalog,
            as_of=as_of,
            score=score,
            grade=grade,
            contributions=contributions,
            lists=lists,
            version=version,
            title=title,
            base=base,
            covered=covered,
            grades=grades,
        )

        catalog_standing.additional_properties = d
        return catalog_standing

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
