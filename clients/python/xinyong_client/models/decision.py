from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Decision")


@_attrs_define
class Decision:
    """
    Attributes:
        outcome (str): disputes: upheld | annulled; repairs: granted | refused; reviews: confirmed | overturned
        reasons (str):
    """

    outcome: str
    reasons: str

    def to_dict(self) -> dict[str, Any]:
        outcome = self.outcome

        reasons = self.reasons

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "outcome": outcome,
                "reasons": reasons,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        outcome = d.pop("outcome")

        reasons = d.pop("reasons")

        decision = cls(
            outcome=outcome,
            reasons=reasons,
        )

        return decision
