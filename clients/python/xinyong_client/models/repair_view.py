from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.attachment_view import AttachmentView


T = TypeVar("T", bound="RepairView")


@_attrs_define
class RepairView:
    """
    Attributes:
        id (str):
        record (None | str):
        subject (str):
        rule (None | str):
        applied_on (datetime.date | None):
        proof (None | str):
        commitment (None | str):
        decide_by (datetime.date | None):
        overdue (bool):
        status (str):
        decided_on (datetime.date | None):
        reasons (None | str):
        repair_event (None | str | Unset): the id of the repaired event of a granted repair
        attachments (list[AttachmentView] | Unset): the files attached
    """

    id: str
    record: None | str
    subject: str
    rule: None | str
    applied_on: datetime.date | None
    proof: None | str
    commitment: None | str
    decide_by: datetime.date | None
    overdue: bool
    status: str
    decided_on: datetime.date | None
    reasons: None | str
    repair_event: None | str | Unset = UNSET
    attachments: list[AttachmentView] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        record: None | str
        record = self.record

        subject = self.subject

        rule: None | str
        rule = self.rule

        applied_on: None | str
        if isinstance(self.applied_on, datetime.date):
            applied_on = self.applied_on.isoformat()
        else:
            applied_on = self.applied_on

        proof: None | str
        proof = self.proof

        commitment: None | str
        commitment = self.commitment

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

        reasons: None | str
        reasons = self.reasons

        repair_event: None | str | Unset
        if isinstance(self.repair_event, Unset):
            repair_event = UNSET
        else:
            repair_event = self.repair_event

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
                "subject": subject,
                "rule": rule,
                "applied_on": applied_on,
                "proof": proof,
                "commitment": commitment,
                "decide_by": decide_by,
                "overdue": overdue,
                "status": status,
                "decided_on": decided_on,
                "reasons": reasons,
            }
        )
        if repair_event is not UNSET:
            field_dict["repair_event"] = repair_event
        if attachments is not UNSET:
            field_dict["attachments"] = attachments

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.attachment_view import AttachmentView  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        def _parse_record(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        record = _parse_record(d.pop("record"))

        subject = d.pop("subject")

        def _parse_rule(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        rule = _parse_rule(d.pop("rule"))

        def _parse_applied_on(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                applied_on_type_0 = datetime.date.fromisoformat(data)

                return applied_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        applied_on = _parse_applied_on(d.pop("applied_on"))

        def _parse_proof(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        proof = _parse_proof(d.pop("proof"))

        def _parse_commitment(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        commitment = _parse_commitment(d.pop("commitment"))

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

        def _parse_reasons(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reasons = _parse_reasons(d.pop("reasons"))

        def _parse_repair_event(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        repair_event = _parse_repair_event(d.pop("repair_event", UNSET))

        _attachments = d.pop("attachments", UNSET)
        attachments: list[AttachmentView] | Unset = UNSET
        if _attachments is not UNSET:
            attachments = []
            for attachments_item_data in _attachments:
                attachments_item = AttachmentView.from_dict(attachments_item_data)

                attachments.append(attachments_item)

        repair_view = cls(
            id=id,
            record=record,
            subject=subject,
            rule=rule,
            applied_on=applied_on,
            proof=proof,
            commitment=commitment,
            decide_by=decide_by,
            overdue=overdue,
            status=status,
            decided_on=decided_on,
            reasons=reasons,
            repair_event=repair_event,
            attachments=attachments,
        )

        repair_view.additional_properties = d
        return repair_view

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
