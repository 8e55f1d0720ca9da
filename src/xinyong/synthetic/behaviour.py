"""The synthetic population's behaviour as data: ``behaviour.toml`` beside this module,
checked by the schema below when it is first read, and read once."""

from __future__ import annotations

import functools
import tomllib
from importlib.resources import files
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from xinyong.domain.validation import describe_validation_error

__all__ = ["BEHAVIOUR_FILE", "Behaviour", "BehaviourFileError", "load_behaviour", "parse_behaviour"]

BEHAVIOUR_FILE = "behaviour.toml"

Share = Annotated[float, Field(ge=0, le=1)]
Days = Annotated[int, Field(ge=0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DayWindow(_Strict):
    """``[first, last]`` days, both included."""

    first: Days
    last: Days

    @model_validator(mode="before")
    @classmethod
    def _from_pair(cls, value: object) -> object:
        if isinstance(value, list):
            if len(value) != 2:
                raise ValueError("a window is [first, last], two whole numbers of days")
            return {"first": value[0], "last": value[1]}
        return value

    @model_validator(mode="after")
    def _ordered(self) -> DayWindow:
        if self.last < self.first:
            raise ValueError(f"a window ends ({self.last}) before it begins ({self.first})")
        return self

    @property
    def pair(self) -> tuple[int, int]:
        return self.first, self.last


class Tier(_Strict):
    """Members of one behaviour: a share of the eligible subjects, with records at
    ``rate`` per member per year, or exactly once in the period without one."""

    name: str = Field(min_length=1)
    pool: Literal["reward", "penalty", "listing", "severe"]
    fraction: Share
    rate: Annotated[float, Field(gt=0)] | None = None


class Tiers(_Strict):
    person: tuple[Tier, ...]
    organisation: tuple[Tier, ...]


class Devoted(_Strict):
    fraction: Share
    over_cap: Annotated[float, Field(gt=0)]
    max_rate: Annotated[float, Field(gt=0)]


class Minors(_Strict):
    fraction: Share
    listing_fraction: Share


Weights = dict[str, Annotated[float, Field(ge=0)]]


class KindWeights(_Strict):
    person: Weights
    organisation: Weights


class CategoryWeights(_Strict):
    penalty: KindWeights
    listing: KindWeights
    reward: KindWeights


class DecisionLag(_Strict):
    default: DayWindow
    by_category: dict[str, DayWindow]


class Sources(_Strict):
    default: str
    default_tag: str
    by_rule_prefix: dict[str, str]
    by_category: dict[str, str]
    tags: dict[str, str]

    @model_validator(mode="after")
    def _tagged(self) -> Sources:
        untagged = sorted({*self.by_rule_prefix.values(), *self.by_category.values(), "court"} - set(self.tags))
        if untagged:
            raise ValueError(f"sources without a tag in sources.tags: {', '.join(untagged)}")
        return self


class Dispute(_Strict):
    before_effect_share: Share
    before_effect_annulled: Share
    after_effect_share: Share
    after_effect_days: DayWindow
    after_effect_annulled: Share
    recent_days: Days
    recent_pending: Share
    old_pending: Share
    decided_after_days: DayWindow


class Annulment(_Strict):
    share: Share
    days: DayWindow


class Fulfilment(_Strict):
    listed_share: Share
    listed_days: DayWindow
    restored_share: Share
    restored_days: DayWindow
    paid_share: Share
    paid_days: DayWindow


class Repair(_Strict):
    listed_share: Share
    other_share: Share
    days: DayWindow


class Later(_Strict):
    dispute: Dispute
    annulled: Annulment
    fulfilled: Fulfilment
    repaired: Repair


class Behaviour(_Strict):
    """The whole file."""

    tiers: Tiers
    devoted: Devoted
    minors: Minors
    category_weights: CategoryWeights
    decision_lag: DecisionLag
    sources: Sources
    later: Later


class BehaviourFileError(ValueError):
    """A behaviour file that is not TOML or does not fit the schema; the message names
    the file, the key and the value."""


def parse_behaviour(text: str, source: str = BEHAVIOUR_FILE) -> Behaviour:
    """The behaviour in ``text``, read from ``source`` (named in errors)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise BehaviourFileError(f"{source}: not valid TOML: {error}") from None
    try:
        return Behaviour.model_validate(data)
    except ValidationError as error:
        raise BehaviourFileError(
            describe_validation_error(error, source=source, separator="\n", toml=True, unknown="unknown key")
        ) from None


@functools.cache
def load_behaviour() -> Behaviour:
    """The behaviour shipped with the package, read and checked on first use."""
    text = files("xinyong.synthetic").joinpath(BEHAVIOUR_FILE).read_text(encoding="utf-8")
    return parse_behaviour(text)
