from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

from ..models.contact_event_language_type_0 import ContactEventLanguageType0
from ..types import UNSET, Unset

T = TypeVar("T", bound="ContactEvent")


@_attrs_define
class ContactEvent:
    """The address a subject's notices are emailed to, from `on`, and the language it reads them in. Filed by the registry
    (or the subject itself, through its portal); never by a source.

        Attributes:
            type_ (Literal['contact']):
            subject (str): rid:NUMBER (a person) or uscc:CODE (an organisation)
            email (str):
            on (datetime.date):
            language (ContactEventLanguageType0 | None | Unset):
    """

    type_: Literal["contact"]
    subject: str
    email: str
    on: datetime.date
    language: ContactEventLanguageType0 | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        subject = self.subject

        email = self.email

        on = self.on.isoformat()

        language: None | str | Unset
        if isinstance(self.language, Unset):
            language = UNSET
        elif isinstance(self.language, ContactEventLanguageType0):
            language = self.language.value
        else:
            language = self.language

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
                "subject": subject,
                "email": email,
                "on": on,
            }
        )
        if language is not UNSET:
            field_dict["language"] = language

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = cast(Literal["contact"], d.pop("type"))
        if type_ != "contact":
            raise ValueError(f"type must match const 'contact', got '{type_}'")

        subject = d.pop("subject")

        email = d.pop("email")

        on = datetime.date.fromisoformat(d.pop("on"))

        def _parse_language(data: object) -> ContactEventLanguageType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                language_type_0 = ContactEventLanguageType0(data)

                return language_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ContactEventLanguageType0 | None | Unset, data)

        language = _parse_language(d.pop("language", UNSET))

        contact_event = cls(
            type_=type_,
            subject=subject,
            email=email,
            on=on,
            language=language,
        )

        return contact_event
