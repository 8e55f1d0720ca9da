from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="PaidEvent")


@_attrs_define
class PaidEvent:
    """The payment of an obligation, on a day.

    Attributes:
        type_ (Literal['paid']):
        id (str):
        obligation (str):
        on (datetime.date):
    """

    type_: Literal["paid"]
    id: str
    obligation: str
    on: datetime.date

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        id = self.id

        obligation = self.obligation

        on = self.on.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
                "id": id,
                "obligation": obligation,
                "on": on,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = cast(Literal["paid"], d.pop("type"))
        if type_ != "paid":
            raise ValueError(f"type must match const 'paid', got '{type_}'")

        id = d.pop("id")

        obligation = d.pop("obligation")

        on = datetime.date.fromisoformat(d.pop("on"))

        paid_event = cls(
            type_=type_,
            id=id,
            obligation=obligation,
            on=on,
        )

        return paid_event
