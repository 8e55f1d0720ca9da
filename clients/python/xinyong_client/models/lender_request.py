from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="LenderRequest")


@_attrs_define
class LenderRequest:
    """
    Attributes:
        subject (str): rid:NUMBER or uscc:CODE
        scorecard (str):
        purpose (str): one of the token's scopes, which the subject consented to
        as_of (datetime.date | None | Unset): the day asked about (default: today)
    """

    subject: str
    scorecard: str
    purpose: str
    as_of: datetime.date | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        subject = self.subject

        scorecard = self.scorecard

        purpose = self.purpose

        as_of: None | str | Unset
        if isinstance(self.as_of, Unset):
            as_of = UNSET
        elif isinstance(self.as_of, datetime.date):
            as_of = self.as_of.isoformat()
        else:
            as_of = self.as_of

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "subject": subject,
                "scorecard": scorecard,
                "purpose": purpose,
            }
        )
        if as_of is not UNSET:
            field_dict["as_of"] = as_of

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        subject = d.pop("subject")

        scorecard = d.pop("scorecard")

        purpose = d.pop("purpose")

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

        lender_request = cls(
            subject=subject,
            scorecard=scorecard,
            purpose=purpose,
            as_of=as_of,
        )

        return lender_request
