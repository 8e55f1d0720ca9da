from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.review_view_decision_type_0 import ReviewViewDecisionType0


T = TypeVar("T", bound="ReviewView")


@_attrs_define
class ReviewView:
    """
    Attributes:
        id (str):
        subject (str):
        requested_on (datetime.date | None):
        notice (None | str):
        grounds (None | str):
        decision (None | ReviewViewDecisionType0):
        status (str):
        reasons (None | str):
        decided_on (datetime.date | None):
    """

    id: str
    subject: str
    requested_on: datetime.date | None
    notice: None | str
    grounds: None | str
    decision: None | ReviewViewDecisionType0
    status: str
    reasons: None | str
    decided_on: datetime.date | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.review_view_decision_type_0 import ReviewViewDecisionType0  # noqa: PLC0415

        id = self.id

        subject = self.subject

        requested_on: None | str
        if isinstance(self.requested_on, datetime.date):
            requested_on = self.requested_on.isoformat()
        else:
            requested_on = self.requested_on

        notice: None | str
        notice = self.notice

        grounds: None | str
        grounds = self.grounds

        decision: dict[str, Any] | None
        if isinstance(self.decision, ReviewViewDecisionType0):
            decision = self.decision.to_dict()
        else:
            decision = self.decision

        status = self.status

        reasons: None | str
        reasons = self.reasons

        decided_on: None | str
        if isinstance(self.decided_on, datetime.date):
            decided_on = self.decided_on.isoformat()
        else:
            decided_on = self.decided_on

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "subject": subject,
                "requested_on": requested_on,
                "notice": notice,
                "grounds": grounds,
                "decision": decision,
                "status": status,
                "reasons": reasons,
                "decided_on": decided_on,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.review_view_decision_type_0 import ReviewViewDecisionType0  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        subject = d.pop("subject")

        def _parse_requested_on(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                requested_on_type_0 = datetime.date.fromisoformat(data)

                return requested_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        requested_on = _parse_requested_on(d.pop("requested_on"))

        def _parse_notice(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        notice = _parse_notice(d.pop("notice"))

        def _parse_grounds(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        grounds = _parse_grounds(d.pop("grounds"))

        def _parse_decision(data: object) -> None | ReviewViewDecisionType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                decision_type_0 = ReviewViewDecisionType0.from_dict(data)

                return decision_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ReviewViewDecisionType0, data)

        decision = _parse_decision(d.pop("decision"))

        status = d.pop("status")

        def _parse_reasons(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reasons = _parse_reasons(d.pop("reasons"))

        def _parse_decided_on(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                decided_on_type_0 = datetime.date.fromisoformat(data)

                return decided_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        decided_on = _parse_decided_on(d.pop("decided_on"))

        review_view = cls(
            id=id,
            subject=subject,
            requested_on=requested_on,
            notice=notice,
            grounds=grounds,
            decision=decision,
            status=status,
            reasons=reasons,
            decided_on=decided_on,
        )

        review_view.additional_properties = d
        return review_view

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
