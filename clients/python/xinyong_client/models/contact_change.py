from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.contact_change_language_type_0 import ContactChangeLanguageType0
from ..types import UNSET, Unset

T = TypeVar("T", bound="ContactChange")


@_attrs_define
class ContactChange:
    """
    Attributes:
        email (str): where notices are emailed to
        language (ContactChangeLanguageType0 | None | Unset): the language the email is written in; left out: as it was
            (Chinese if never set)
    """

    email: str
    language: ContactChangeLanguageType0 | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        language: None | str | Unset
        if isinstance(self.language, Unset):
            language = UNSET
        elif isinstance(self.language, ContactChangeLanguageType0):
            language = self.language.value
        else:
            language = self.language

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "email": email,
            }
        )
        if language is not UNSET:
            field_dict["language"] = language

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        email = d.pop("email")

        def _parse_language(data: object) -> ContactChangeLanguageType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                language_type_0 = ContactChangeLanguageType0(data)

                return language_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ContactChangeLanguageType0 | None | Unset, data)

        language = _parse_language(d.pop("language", UNSET))

        contact_change = cls(
            email=email,
            language=language,
        )

        return contact_change
