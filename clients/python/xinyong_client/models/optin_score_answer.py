from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.optin_reason import OptinReason
    from ..models.optin_score_answer_features import OptinScoreAnswerFeatures


T = TypeVar("T", bound="OptinScoreAnswer")


@_attrs_define
class OptinScoreAnswer:
    """An opt-in score, as ``optin score --json`` prints it.

    Attributes:
        subject (str):
        scorecard (str):
        as_of (datetime.date):
        score (float | int):
        band (None | str):
        features (OptinScoreAnswerFeatures): each feature's value; null when missing
        reasons (list[OptinReason]): largest shortfall first, at most four
    """

    subject: str
    scorecard: str
    as_of: datetime.date
    score: float | int
    band: None | str
    features: OptinScoreAnswerFeatures
    reasons: list[OptinReason]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        subject = self.subject

        scorecard = self.scorecard

        as_of = self.as_of.isoformat()

        score: float | int
        score = self.score

        band: None | str
        band = self.band

        features = self.features.to_dict()

        reasons = []
        for reasons_item_data in self.reasons:
            reasons_item = reasons_item_data.to_dict()
            reasons.append(reasons_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "subject": subject,
                "scorecard": scorecard,
                "as_of": as_of,
                "score": score,
                "band": band,
                "features": features,
                "reasons": reasons,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.optin_reason import OptinReason  # noqa: PLC0415
        from ..models.optin_score_answer_features import OptinScoreAnswerFeatures  # noqa: PLC0415

        d = dict(src_dict)
        subject = d.pop("subject")

        scorecard = d.pop("scorecard")

        as_of = datetime.date.fromisoformat(d.pop("as_of"))

        def _parse_score(data: object) -> float | int:
            return cast(float | int, data)

        score = _parse_score(d.pop("score"))

        def _parse_band(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        band = _parse_band(d.pop("band"))

        features = OptinScoreAnswerFeatures.from_dict(d.pop("features"))

        reasons = []
        _reasons = d.pop("reasons")
        for reasons_item_data in _reasons:
            reasons_item = OptinReason.from_dict(reasons_item_data)

            reasons.append(reasons_item)

        optin_score_answer = cls(
            subject=subject,
            scorecard=scorecard,
            as_of=as_of,
            score=score,
            band=band,
            features=features,
            reasons=reasons,
        )

        optin_score_answer.additional_properties = d
        return optin_score_answer

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
