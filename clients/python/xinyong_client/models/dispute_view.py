from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.attachment_view import AttachmentView


T = TypeVar("T", bound="DisputeView")


@_attrs_define
class DisputeView:
    """
    Attributes:
        id (int):
        record (str):
        rule (str):
        rule_title (None | str):
        source (str):
        reference (None | str):
        subject (str):
        filed_on (datetime.date):
        grounds (None | str):
        suspended (bool):
        decide_by (datetime.date | None):
        overdue (bool):
        status (str):
        decided_on (datetime.date | None):
        outcome (None | str):
        reasons (None | str | Unset):
        filing_id (None | str | Unset): the id of the dispute_filed event
        decision_id (None | str | Unset): the id of the dispute_resolved event, once decided
        attachments (list[AttachmentView] | Unset): the files attached
    """

    id: int
    record: str
    rule: str
    rule_title: None | str
    source: str
    reference: None | str
    subject: str
    filed_on: datetime.date
    grounds: None | str
    suspended: bool
    decide_by: datetime.date | None
    overdue: bool
    status: str
    decided_on: datetime.date | None
    outcome: None | str
    reasons: None | str | Unset = UNSET
    filing_id: None | str | Unset = UNSET
    decision_id: None | str | Unset = UNSET
    attachments: list[AttachmentView] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        record = self.record

        rule = self.rule

        rule_title: None | str
        rule_title = self.rule_title

        source = self.source

        reference: None | str
        reference = self.reference

        subject = self.subject

        filed_on = self.filed_on.isoformat()

        grounds: None | str
        grounds = self.grounds

        suspended = self.suspended

        decide_by: None | str
        if isinstance(self.decide_by, datetime.date):
            decide_by = self.decide_by.isoformat()
        else:
            decide_by = self.decide_by

        overdue = self.overdue

        status = self.status

        decided_on: None | str
        if isinstance(self.decided_on, datetime.date):
            decided_on = self.decided_on.isoformat()
        else:
            decided_on = self.decided_on

        outcome: None | str
        outcome = self.outcome

        reasons: None | str | Unset
        if isinstance(self.reasons, Unset):
            reasons = UNSET
        else:
            reasons = self.reasons

        filing_id: None | str | Unset
        if isinstance(self.filing_id, Unset):
            filing_id = UNSET
        else:
            filing_id = self.filing_id

        decision_id: None | str | Unset
        if isinstance(self.decision_id, Unset):
            decision_id = UNSET
        else:
            decision_id = self.decision_id

        attachments: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.attachments, Unset):
            attachments = []
            for attachments_item_data in self.attachments:
                attachments_item = attachments_item_data.to_dict()
                attachments.append(attachments_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "record": record,
                "rule": rule,
                "rule_title": rule_title,
                "source": source,
                "reference": reference,
                "subject": subject,
                "filed_on": filed_on,
                "grounds": grounds,
                "suspended": suspended,
                "decide_by": decide_by,
                "overdue": overdue,
                "status": status,
                "decided_on": decided_on,
                "outcome": outcome,
            }
        )
        if reasons is not UNSET:
            field_dict["reasons"] = reasons
        if filing_id is not UNSET:
            field_dict["filing_id"] = filing_id
        if decision_id is not UNSET:
            field_dict["decision_id"] = decision_id
        if attachments is not UNSET:
            field_dict["attachments"] = attachments

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.attachment_view import AttachmentView  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        record = d.pop("record")

        rule = d.pop("rule")

        def _parse_rule_title(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        rule_title = _parse_rule_title(d.pop("rule_title"))

        source = d.pop("source")

        def _parse_reference(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reference = _parse_reference(d.pop("reference"))

        subject = d.pop("subject")

        filed_on = datetime.date.fromisoformat(d.pop("filed_on"))

        def _parse_grounds(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        grounds = _parse_grounds(d.pop("grounds"))

        suspended = d.pop("suspended")

        def _parse_decide_by(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                decide_by_type_0 = datetime.date.fromisoformat(data)

                return decide_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        decide_by = _parse_decide_by(d.pop("decide_by"))

        overdue = d.pop("overdue")

        status = d.pop("status")

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

        def _parse_outcome(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        outcome = _parse_outcome(d.pop("outcome"))

        def _parse_reasons(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reasons = _parse_reasons(d.pop("reasons", UNSET))

        def _parse_filing_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        filing_id = _parse_filing_id(d.pop("filing_id", UNSET))

        def _parse_decision_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        decision_id = _parse_decision_id(d.pop("decision_id", UNSET))

        _attachments = d.pop("attachments", UNSET)
        attachments: list[AttachmentView] | Unset = UNSET
        if _attachments is not UNSET:
            attachments = []
            for attachments_item_data in _attachments:
                attachments_item = AttachmentView.from_dict(attachments_item_data)

                attachments.append(attachments_item)

        dispute_view = cls(
            id=id,
            record=record,
            rule=rule,
            rule_title=rule_title,
            source=source,
            reference=reference,
            subject=subject,
            filed_on=filed_on,
            grounds=grounds,
            suspended=suspended,
            decide_by=decide_by,
            overdue=overdue,
            status=status,
            decided_on=decided_on,
            outcome=outcome,
            reasons=reasons,
            filing_id=filing_id,
            decision_id=decision_id,
            attachments=attachments,
        )

        dispute_view.additional_properties = d
        return dispute_view

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
