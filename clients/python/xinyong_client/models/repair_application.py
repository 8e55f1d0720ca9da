from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="RepairApplication")


@_attrs_define
class RepairApplication:
    """
    Attributes:
        record (str):
        proof (str): proof that the obligation was met
        commitment (str): a written credit commitment
    """

    record: str
    proof: str
    commitment: str

    def to_dict(self) -> dict[str, Any]:
        record = self.record

        proof = self.proof

        commitment = self.commitment

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "record": record,
                "proof": proof,
                "commitment": commitment,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        record = d.pop("record")

        proof = d.pop("proof")

        commitment = d.pop("commitment")

        repair_application = cls(
            record=record,
            proof=proof,
            commitment=commitment,
        )

        return repair_application
