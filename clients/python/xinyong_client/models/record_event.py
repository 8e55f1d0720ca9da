from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="RecordEvent")


@_attrs_define
class RecordEvent:
    """One fact about one subject under one catalog rule, with the decision that established it. Filed by a source whose
    token's scopes cover the rule.

        Attributes:
            type_ (Literal['record']):
            id (str): the record's id, unique in the ledger
            subject (str): rid:NUMBER (a person) or uscc:CODE (an organisation)
            rule (str): CATALOG/RULE
            occurred_on (datetime.date):
            decided_on (datetime.date):
            source (str):
            reference (None | str | Unset):
            summary (None | str | Unset): resident identity numbers in it are masked
    """

    type_: Literal["record"]
    id: str
    subject: str
    rule: str
    occurred_on: datetime.date
    decided_on: datetime.date
    source: str
    reference: None | str | Unset = UNSET
    summary: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        id = self.id

        subject = self.subject

        rule = self.rule

        occurred_on = self.occurred_on.isoformat()

        decided_on = self.decided_on.isoformat()

        source = self.source

        reference: None | str | Unset
        if isinstance(self.reference, Unset):
            reference = UNSET
        else:
            reference = self.reference

        summary: None | str | Unset
        if isinstance(self.summary, Unset):
            summary = UNSET
        else:
            summary = self.summary

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
                "id": id,
                "subject": subject,
                "rule": rule,
                "occurred_on": occurred_on,
                "decided_on": decided_on,
                "source": source,
            }
        )
        if reference is not UNSET:
            field_dict["reference"] = reference
        if summary is not UNSET:
            field_dict["summary"] = summary

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = cast(Literal["record"], d.pop("type"))
        if type_ != "record":
            raise ValueError(f"type must match const 'record', got '{type_}'")

        id = d.pop("id")

        subject = d.pop("subject")

        rule = d.pop("rule")

        occurred_on = datetime.date.fromisoformat(d.pop("occurred_on"))

        decided_on = datetime.date.fromisoformat(d.pop("decided_on"))

        source = d.pop("source")

        def _parse_reference(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reference = _parse_reference(d.pop("reference", UNSET))

        def _parse_summary(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        summary = _parse_summary(d.pop("summary", UNSET))

        record_event = cls(
            type_=type_,
            id=id,
            subject=subject,
            rule=rule,
            occurred_on=occurred_on,
            decided_on=decided_on,
            source=source,
            reference=reference,
            summary=summary,
        )

        return record_event
