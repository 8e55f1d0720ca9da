from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CheckQuestion")


@_attrs_define
class CheckQuestion:
    """
    Attributes:
        subject (str): rid:NUMBER or uscc:CODE
        action (str):
        as_of (datetime.date | None | Unset): default: today
        purpose (None | str | Unset):
    """

    subject: str
    action: str
    as_of: datetime.date | None | Unset = UNSET
    purpose: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        subject = self.subject

        action = self.action

        as_of: None | str | Unset
        if isinstance(self.as_of, Unset):
            as_of = UNSET
        elif isinstance(self.as_of, datetime.date):
            as_of = self.as_of.isoformat()
        else:
            as_of = self.as_of

        purpose: None | str | Unset
        if isinstance(self.purpose, Unset):
            purpose = UNSET
        else:
            purpose = self.purpose

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "subject": subject,
                "action": action,
            }
        )
        if as_of is not UNSET:
            field_dict["as_of"] = as_of
        if purpose is not UNSET:
            field_dict["purpose"] = purpose

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        subject = d.pop("subject")

        action = d.pop("action")

        def _parse_as_of(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                as_of_type_0 = datetime.date.fromisoformat(data)

                return as_of_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        as_of = _parse_as_of(d.pop("as_of", UNSET))

        def _parse_purpose(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        purpose = _parse_purpose(d.pop("purpose", UNSET))

        check_question = cls(
            subject=subject,
            action=action,
            as_of=as_of,
            purpose=purpose,
        )

        return check_question
