from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="ObligationEvent")


@_attrs_define
class ObligationEvent:
    """A bill an opt-in source files, due on a day; refused unless a consent of the subject naming the source is in force.
    Needs the scope optin:SOURCE.

        Attributes:
            type_ (Literal['obligation']):
            id (str):
            subject (str): rid:NUMBER (a person) or uscc:CODE (an organisation)
            source (str):
            due_on (datetime.date):
            amount (float):
    """

    type_: Literal["obligation"]
    id: str
    subject: str
    source: str
    due_on: datetime.date
    amount: float

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        id = self.id

        subject = self.subject

        source = self.source

        due_on = self.due_on.isoformat()

        amount = self.amount

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
                "id": id,
                "subject": subject,
                "source": source,
                "due_on": due_on,
                "amount": amount,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = cast(Literal["obligation"], d.pop("type"))
        if type_ != "obligation":
            raise ValueError(f"type must match const 'obligation', got '{type_}'")

        id = d.pop("id")

        subject = d.pop("subject")

        source = d.pop("source")

        due_on = datetime.date.fromisoformat(d.pop("due_on"))

        amount = d.pop("amount")

        obligation_event = cls(
            type_=type_,
            id=id,
            subject=subject,
            source=source,
            due_on=due_on,
            amount=amount,
        )

        return obligation_event
