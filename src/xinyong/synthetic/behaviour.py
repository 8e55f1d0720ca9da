"""The synthetic population as data, in files beside this module, each checked by its
schema below when it is first read, and read once: its behaviour (``behaviour.toml``)
and its names and places (``names.toml``)."""

from __future__ import annotations

import functools
import tomllib
from importlib.resources import files
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from xinyong.domain.validation import describe_validation_error

__all__ = [
    "BEHAVIOUR_FILE",
    "NAMES_FILE",
    "Behaviour",
    "BehaviourFileError",
    "Names",
    "load_behaviour",
    "load_names",
    "parse_behaviour",
    "parse_names",
]

BEHAVIOUR_FILE = "behaviour.toml"
NAMES_FILE = "names.toml"

Share = Annotated[float, Field(ge=0, le=1)]
Days = Annotated[int, Field(ge=0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_T = TypeVar("_T", bound=_Strict)
_Items = TypeVar("_Items", str, tuple[str, ...])


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


# ---------------------------------------------------------------- names and places

# Characters of Chinese names: no spaces, digits or Latin letters, none twice.
Characters = Annotated[str, Field(min_length=1, pattern=r"^[\u3400-\u9fff]+$")]
Word = Annotated[str, Field(min_length=1, pattern=r"^[\u3400-\u9fff]+$")]
Place = Annotated[str, Field(pattern=r"^[\u3400-\u9fff]*$")]  # empty: no place
AddressCode = Annotated[str, Field(pattern=r"^[1-8][0-9]{5}$")]  # GB/T 2260
Jurisdiction = Annotated[str, Field(pattern=r"^[A-Z]{2}(-[A-Z0-9]+)*$")]


def _once_each(items: _Items) -> _Items:
    """``items`` if none is there twice (a name drawn twice as often by mistake)."""
    repeated = sorted({x for x in items if items.count(x) > 1})
    if repeated:
        raise ValueError(f"more than once: {', '.join(repeated)}")
    return items


class PersonNames(_Strict):
    surnames: Characters
    given_male: Characters
    given_female: Characters

    _distinct = field_validator("surnames", "given_male", "given_female")(_once_each)


class FirmForm(_Strict):
    form: Word
    weight: Annotated[int, Field(gt=0)]


class FirmNames(_Strict):
    trade_names: Annotated[tuple[Word, ...], Field(min_length=1)]
    trades: Annotated[tuple[Word, ...], Field(min_length=1)]
    forms: Annotated[tuple[FirmForm, ...], Field(min_length=1)]
    # By the depth of the registering jurisdiction: 1 national, 2 province, 3 city.
    places: dict[Annotated[int, Field(ge=1, le=3)], Annotated[tuple[Place, ...], Field(min_length=1)]]

    _distinct = field_validator("trade_names", "trades")(_once_each)


class Addresses(_Strict):
    home: AddressCode
    home_jurisdiction: Jurisdiction
    province: Annotated[tuple[AddressCode, ...], Field(min_length=1)]
    national: AddressCode
    provincial: Annotated[tuple[AddressCode, ...], Field(min_length=1)]
    outside: dict[Jurisdiction, Annotated[tuple[AddressCode, ...], Field(min_length=1)]]


class Names(_Strict):
    """The whole names file."""

    persons: PersonNames
    firms: FirmNames
    addresses: Addresses


# ------------------------------------------------------------------------ reading


class BehaviourFileError(ValueError):
    """A data file of the population that is not TOML or does not fit its schema; the
    message names the file, the key and the value."""


def _parse(model: type[_T], text: str, source: str) -> _T:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise BehaviourFileError(f"{source}: not valid TOML: {error}") from None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise BehaviourFileError(
            describe_validation_error(error, source=source, separator="\n", toml=True, unknown="unknown key")
        ) from None


def _packaged(name: str) -> str:
    return files("xinyong.synthetic").joinpath(name).read_text(encoding="utf-8")


def parse_behaviour(text: str, source: str = BEHAVIOUR_FILE) -> Behaviour:
    """The behaviour in ``text``, read from ``source`` (named in errors)."""
    return _parse(Behaviour, text, source)


def parse_names(text: str, source: str = NAMES_FILE) -> Names:
    """The names and places in ``text``, read from ``source`` (named in errors)."""
    return _parse(Names, text, source)


@functools.cache
def load_behaviour() -> Behaviour:
    """The behaviour shipped with the package, read and checked on first use."""
    return parse_behaviour(_packaged(BEHAVIOUR_FILE))


@functools.cache
def load_names() -> Names:
    """The names and places shipped with the package, read and checked on first use."""
    return parse_names(_packaged(NAMES_FILE))
