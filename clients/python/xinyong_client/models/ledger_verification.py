from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.chain_verification import ChainVerification


T = TypeVar("T", bound="LedgerVerification")


@_attrs_define
class LedgerVerification:
    """The ledger's own chain first (``events``, ``head``), then every chained table.

    Attributes:
        intact (bool):
        events (int):
        head (str):
        broken_at (int | None):
        problem (None | str):
        tables (list[ChainVerification] | Unset):
    """

    intact: bool
    events: int
    head: str
    broken_at: int | None
    problem: None | str
    tables: list[ChainVerification] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        intact = self.intact

        events = self.events

        head = self.head

        broken_at: int | None
        broken_at = self.broken_at

        problem: None | str
        problem = self.problem

        tables: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.tables, Unset):
            tables = []
            for tables_item_data in self.tables:
                tables_item = tables_item_data.to_dict()
                tables.append(tables_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "intact": intact,
                "events": events,
                "head": head,
                "broken_at": broken_at,
                "problem": problem,
            }
        )
        if tables is not UNSET:
            field_dict["tables"] = tables

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.chain_verification import ChainVerification  # noqa: PLC0415

        d = dict(src_dict)
        intact = d.pop("intact")

        events = d.pop("events")

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

        _tables = d.pop("tables", UNSET)
        tables: list[ChainVerification] | Unset = UNSET
        if _tables is not UNSET:
            tables = []
            for tables_item_data in _tables:
                tables_item = ChainVerification.from_dict(tables_item_data)

                tables.append(tables_item)

        ledger_verification = cls(
            intact=intact,
            events=events,
            head=head,
            broken_at=broken_at,
            problem=problem,
            tables=tables,
        )

        ledger_verification.additional_properties = d
        return ledger_verification

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
