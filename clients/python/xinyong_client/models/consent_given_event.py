from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="ConsentGivenEvent")


@_attrs_define
class ConsentGivenEvent:
    """A subject's consent to an opt-in scorecard, naming the sources that may file for it and the purposes it may be read
    for (docs/design.md section 9).

        Attributes:
            type_ (Literal['consent_given']):
            id (str):
            subject (str): rid:NUMBER (a person) or uscc:CODE (an organisation)
            scorecard (str):
            sources (list[str]):
            purposes (list[str]):
            on (datetime.date):
    """

    type_: Literal["consent_given"]
    id: str
    subject: str
    scorecard: str
    sources: list[str]
    purposes: list[str]
    on: datetime.date

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        id = self.id

        subject = self.subject

        scorecard = self.scorecard

        sources = self.sources

        purposes = self.purposes

        on = self.on.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
                "id": id,
                "subject": subject,
                "scorecard": scorecard,
                "sources": sources,
                "purposes": purposes,
                "on": on,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = cast(Literal["consent_given"], d.pop("type"))
        if type_ != "consent_given":
            raise ValueError(f"type must match const 'consent_given', got '{type_}'")

        id = d.pop("id")

        subject = d.pop("subject")

        scorecard = d.pop("scorecard")

        sources = cast(list[str], d.pop("sources"))

        purposes = cast(list[str], d.pop("purposes"))

        on = datetime.date.fromisoformat(d.pop("on"))

        consent_given_event = cls(
            type_=type_,
            id=id,
            subject=subject,
            scorecard=scorecard,
            sources=sources,
            purposes=purposes,
            on=on,
        )

        return consent_given_event
