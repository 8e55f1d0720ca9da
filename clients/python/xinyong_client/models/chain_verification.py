from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ChainVerification")


@_attrs_define
class ChainVerification:
    """
    Attributes:
        table (str):
        intact (bool):
        rows (int):
        head (str):
        broken_at (int | None):
        problem (None | str):
    """

    table: str
    intact: bool
    rows: int
    head: str
    broken_at: int | None
    problem: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        table = self.table

        intact = self.intact

        rows = self.rows

        head = self.head

        broken_at: int | None
        broken_at = self.broken_at

        problem: None | str
        problem = self.problem

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "table": table,
                "intact": intact,
                "rows": rows,
                "head": head,
                "broken_at": broken_at,
                "problem": problem,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        table = d.pop("table")

        intact = d.pop("intact")

        rows = d.pop("rows")

        head = d.pop("head")

        def _parse_broken_at(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        broken_at = _parse_broken_at(d.pop("broken_at"))

        def _parse_problem(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        problem = _parse_problem(d.pop("problem"))

        chain_verification = cls(
            table=table,
            intact=intact,
            rows=rows,
            head=head,
            broken_at=broken_at,
            problem=problem,
        )

        chain_verification.additional_properties = d
        return chain_verification

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
