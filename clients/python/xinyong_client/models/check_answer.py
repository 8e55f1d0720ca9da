from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.check_answer_decision import CheckAnswerDecision

if TYPE_CHECKING:
    from ..models.reason import Reason


T = TypeVar("T", bound="CheckAnswer")


@_attrs_define
class CheckAnswer:
    """
    Attributes:
        subject (str):
        action (str):
        as_of (datetime.date):
        decision (CheckAnswerDecision):
        reasons (list[Reason]):
        benefits (list[str]):
        how_to_dispute (str):
    """

    subject: str
    action: str
    as_of: datetime.date
    decision: CheckAnswerDecision
    reasons: list[Reason]
    benefits: list[str]
    how_to_dispute: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        subject = self.subject

        action = self.action

        as_of = self.as_of.isoformat()

        decision = self.decision.value

        reasons = []
        for reasons_item_data in self.reasons:
            reasons_item = reasons_item_data.to_dict()
            reasons.append(reasons_item)

        benefits = self.benefits

        how_to_dispute = self.how_to_dispute

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "subject": subject,
                "action": action,
                "as_of": as_of,
                "decision": decision,
                "reasons": reasons,
                "benefits": benefits,
                "how_to_dispute": how_to_dispute,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.reason import Reason  # noqa: PLC0415

        d = dict(src_dict)
        subject = d.pop("subject")

        action = d.pop("action")

        as_of = datetime.date.fromisoformat(d.pop("as_of"))

        decision = CheckAnswerDecision(d.pop("decision"))

        reasons = []
        _reasons = d.pop("reasons")
        for reasons_item_data in _reasons:
            reasons_item = Reason.from_dict(reasons_item_data)

            reasons.append(reasons_item)

        benefits = cast(list[str], d.pop("benefits"))

        how_to_dispute = d.pop("how_to_dispute")

        check_answer = cls(
            subject=subject,
            action=action,
            as_of=as_of,
            decision=decision,
            reasons=reasons,
            benefits=benefits,
            how_to_dispute=how_to_dispute,
        )

        check_answer.additional_properties = d
        return check_answer

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
