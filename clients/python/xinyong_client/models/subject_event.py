from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SubjectEvent")


@_attrs_define
class SubjectEvent:
    """A subject's facts: its jurisdiction, and its name (sealed at rest). Filed by the registry only; the latest one wins.

    Attributes:
        type_ (Literal['subject']):
        subject (str): rid:NUMBER (a person) or uscc:CODE (an organisation)
        jurisdiction (str):
        name (None | str | Unset):
        email (None | str | Unset):
    """

    type_: Literal["subject"]
    subject: str
    jurisdiction: str
    name: None | str | Unset = UNSET
    email: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        subject = self.subject

        jurisdiction = self.jurisdiction

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
                "subject": subject,
                "jurisdiction": jurisdiction,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if email is not UNSET:
            field_dict["email"] = email

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = cast(Literal["subject"], d.pop("type"))
        if type_ != "subject":
            raise ValueError(f"type must match const 'subject', got '{type_}'")

        subject = d.pop("subject")

        jurisdiction = d.pop("jurisdiction")

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        subject_event = cls(
            type_=type_,
            subject=subject,
            jurisdiction=jurisdiction,
            name=name,
            email=email,
        )

        return subject_event
