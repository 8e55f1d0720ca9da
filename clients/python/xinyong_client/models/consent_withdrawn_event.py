from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="ConsentWithdrawnEvent")


@_attrs_define
class ConsentWithdrawnEvent:
    """A subject withdraws its consent to an opt-in scorecard: nothing more is read or filed under it.

    Attributes:
        type_ (Literal['consent_withdrawn']):
        id (str):
        subject (str): rid:NUMBER (a person) or uscc:CODE (an organisation)
        scorecard (str):
        on (datetime.date):
    """

    type_: Literal["consent_withdrawn"]
    id: str
    subject: str
    scorecard: str
    on: datetime.date

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        id = self.id

        subject = self.subject

        scorecard = self.scorecard

        on = self.on.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
                "id": id,
                "subject": subject,
                "scorecard": scorecard,
                "on": on,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = cast(Literal["consent_withdrawn"], d.pop("type"))
        if type_ != "consent_withdrawn":
            raise ValueError(f"type must match const 'consent_withdrawn', got '{type_}'")

        id = d.pop("id")

        subject = d.pop("subject")

        scorecard = d.pop("scorecard")

        on = datetime.date.fromisoformat(d.pop("on"))

        consent_withdrawn_event = cls(
            type_=type_,
            id=id,
            subject=subject,
            scorecard=scorecard,
            on=on,
        )

        return consent_withdrawn_event
