"""The catalog schema of docs/design.md section 5: one jurisdiction's rules for one kind of
subject, in one version. Catalogs are data; this module validates them and knows nothing
of files or storage."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    field_validator,
    model_validator,
)

from xinyong.domain.calendar import Duration, in_range, parse_date

ALLOWED_CATEGORIES: tuple[str, ...] = (
    "judicial",
    "administrative_penalty",
    "tax",
    "contract",
    "traffic",
    "market_regulation",
    "product_quality",
    "environment",
    "public_service",
    "charity",
    "honour",
)

# Points, bases and band limits are bounded so that a year of anyone's records sums far
# inside a 64-bit integer in every engine (SQLite, DuckDB, Spark).
POINTS_LIMIT = 1_000_000_000
Points = Annotated[int, Field(ge=-POINTS_LIMIT, le=POINTS_LIMIT)]

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_RULE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
_JURISDICTION = re.compile(r"^[A-Z]{2}(-[A-Z0-9]+)*$")


def _duration(value: Any) -> Duration:
    if isinstance(value, Duration):
        return value
    return Duration.parse(value)


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return in_range(value)
    return in_range(parse_date(value))


DurationField = Annotated[Duration, BeforeValidator(_duration), PlainSerializer(str)]
DateField = Annotated[dt.date, BeforeValidator(_date)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GradeBand(_Strict):
    name: str = Field(min_length=1)
    min: Points | None = None


class Rule(_Strict):
    """A kind of credit record: its points, how long it counts and what it triggers."""

    title: str | None = None
    description: str | None = None
    category: str
    points: Points
    valid_for: DurationField
    notice: DurationField | None = None
    repairable_after: DurationField | None = None
    cap_per_year: int | None = Field(default=None, ge=0, le=POINTS_LIMIT)
    list: str | None = None
    list_duration: DurationField | None = None
    restore_on_fulfilment: bool = False
    legal_basis: str | None = None
    proportionality: str | None = None

    @property
    def is_penalty(self) -> bool:
        return self.points < 0


class ListDefinition(_Strict):
    """A blacklist or redlist: entries are made by records of the rules that name it."""

    title: str | None = None
    description: str | None = None
    kind: Literal["black", "red"]
    duration: DurationField | None = None
    removal: tuple[Literal["fulfilment", "repair", "annulment"], ...] = ()
    legal_basis: str | None = None
    publish: Literal["organisations", "all", "none"] = "organisations"


class Trigger(_Strict):
    """When a measure falls: on a grade of this catalog, or on an entry on a list."""

    grades: tuple[str, ...] | None = None
    list: str | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Trigger:
        if (self.grades is None) == (self.list is None):
            raise ValueError("'when' takes exactly one of 'grades' or 'list'")
        if self.grades is not None and not self.grades:
            raise ValueError("'when.grades' must name at least one grade")
        return self


Effect = Literal["deny", "review", "allow", "benefit"]


class Measure(_Strict):
    """A joint punishment or reward: what happens to an action when the trigger holds."""

    id: str | None = None
    title: str | None = None
    when: Trigger
    action: str = Field(min_length=1)
    effect: Effect
    benefit: str | None = None
    legal_basis: str | None = None
    proportionality: str | None = None
    # Who the measure falls on. Only the subject itself is accepted by the linter: the
    # field exists so that a catalog that tries to reach relatives says so explicitly.
    applies_to: str = "subject"

    @field_validator("action")
    @classmethod
    def _dotted(cls, value: str) -> str:
        if not _RULE.match(value):
            raise ValueError(f"action {value!r} must be dotted lowercase words like 'rail.high_speed'")
        return value

    @model_validator(mode="after")
    def _benefit_named(self) -> Measure:
        if self.effect == "benefit" and not self.benefit:
            raise ValueError("a measure with effect 'benefit' must name the 'benefit'")
        return self

    def applies_to_action(self, action: str) -> bool:
        """True when this measure's action equals ``action`` or is a dotted prefix of it."""
        return action == self.action or action.startswith(self.action + ".")


class Catalog(_Strict):
    """One version of one jurisdiction's catalog."""

    id: str
    title: str | None = None
    description: str | None = None
    jurisdiction: str
    subject_kind: Literal["person", "organisation"]
    version: str = Field(min_length=1)
    effective_from: DateField
    legal_basis: str | None = None
    base: Points
    grades: tuple[GradeBand, ...] = Field(min_length=1)
    rules: dict[str, Rule] = Field(default_factory=dict)
    lists: dict[str, ListDefinition] = Field(default_factory=dict)
    measures: tuple[Measure, ...] = ()
    dispute_deadline: DurationField | None = None
    repair_deadline: DurationField | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(f"catalog id {value!r} must be lowercase letters, digits, '-' or '_'")
        return value

    @field_validator("jurisdiction")
    @classmethod
    def _jurisdiction(cls, value: str) -> str:
        if not _JURISDICTION.match(value):
            raise ValueError(f"jurisdiction {value!r} must be a hierarchical code like 'CN' or 'CN-SD-RC'")
        return value

    @field_validator("rules")
    @classmethod
    def _rule_names(cls, value: dict[str, Rule]) -> dict[str, Rule]:
        for name in value:
            if not _RULE.match(name):
                raise ValueError(f"rule name {name!r} must be dotted lowercase words")
        return value

    @field_validator("lists")
    @classmethod
    def _list_names(cls, value: dict[str, ListDefinition]) -> dict[str, ListDefinition]:
        for name in value:
            if not _ID.match(name):
                raise ValueError(f"list id {name!r} must be lowercase letters, digits, '-' or '_'")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Catalog:
        names = [g.name for g in self.grades]
        if len(set(names)) != len(names):
            raise ValueError(f"grades: names must be unique, got {names}")
        open_bands = [g.name for g in self.grades if g.min is None]
        if len(open_bands) > 1:
            raise ValueError(f"grades: only one band may omit 'min', got {open_bands}")
        mins = [g.min for g in self.grades if g.min is not None]
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            raise ValueError(f"grades: bands must be listed highest first with distinct 'min', got {mins}")
        if open_bands and self.grades[-1].min is not None:
            raise ValueError("grades: the band without 'min' must come last")
        for name, rule in self.rules.items():
            if rule.list is not None and rule.list not in self.lists:
                raise ValueError(f"rules.{name!r}.list: {rule.list!r} is not a list defined in this catalog")
        for i, measure in enumerate(self.measures):
            if measure.when.grades:
                unknown = [g for g in measure.when.grades if g not in names]
                if unknown:
                    raise ValueError(f"measures[{i}].when.grades: unknown grades {unknown}")
        ids = [m.id for m in self.measures if m.id is not None]
        if len(set(ids)) != len(ids):
            raise ValueError("measures: ids must be unique")
        return self

    def measure_name(self, index: int) -> str:
        """The name a measure is known by in reasons: its ``id``, or its position."""
        measure = self.measures[index]
        return measure.id or f"measures[{index}]"

    def grade_for(self, score: int) -> str:
        """The band with the highest ``min`` not above ``score``; the open band otherwise."""
        for band in self.grades:
            if band.min is not None and score >= band.min:
                return band.name
        for band in self.grades:
            if band.min is None:
                return band.name
        # No open band and the score is below every band: it falls in the lowest.
        return self.grades[-1].name

    def covers_jurisdiction(self, jurisdiction: str | None) -> bool:
        """True when ``jurisdiction`` equals this catalog's or lies inside it."""
        if jurisdiction is None:
            return False
        return jurisdiction == self.jurisdiction or jurisdiction.startswith(self.jurisdiction + "-")
