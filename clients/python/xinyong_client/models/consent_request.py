from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="ConsentRequest")


@_attrs_define
class ConsentRequest:
    """A subject's consent to an opt-in scorecard (docs/design.md section 9).

    Attributes:
        scorecard (str): the scorecard's id, e.g. civic-optin
        sources (list[str]): the scorecard's sources it may read bills from
        purposes (list[str]): what lenders may read the score for
    """

    scorecard: str
    sources: list[str]
    purposes: list[str]

    def to_dict(self) -> dict[str, Any]:
        scorecard = self.scorecard

        sources = self.sources

        purposes = self.purposes

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "scorecard": scorecard,
                "sources": sources,
                "purposes": purposes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        scorecard = d.pop("scorecard")

        sources = cast(list[str], d.pop("sources"))

        purposes = cast(list[str], d.pop("purposes"))

        consent_request = cls(
            scorecard=scorecard,
            sources=sources,
            purposes=purposes,
        )

        return consent_request
