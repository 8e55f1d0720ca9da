"""The opt-in scorecard of docs/design.md section 9: a score on credit behaviour only, in a
range such as Sesame Credit's 350–950, from a closed vocabulary of features over a
subject's obligations and payments. Scorecards are data (TOML files told apart from
catalogs by ``kind = "scorecard"``); this module validates them and knows nothing of
files or storage.

A feature outside the vocabulary never loads: nothing can be scored here but whether
bills were paid, and on time.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
import tomllib
from collections.abc import Iterator, Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator

from xinyong.domain.calendar import in_range, parse_date
from xinyong.domain.catalog.model import Text, translated
from xinyong.domain.validation import describe_validation_error

# The closed vocabulary of section 9, each with the direction in which a value is better
# for the subject (``None``: neither, as for how many bills fell due). A payment on time
# moves every feature it touches in its better direction, which the linter holds
# scorecards to.
VOCABULARY: dict[str, Literal["higher", "lower"] | None] = {
    "on_time_share_24m": "higher",
    "late_count_12m": "lower",
    "open_overdue": "lower",
    "history_months": "higher",
    "obligations_24m": None,
}

# Names that say what a feature would score if it were allowed, for a refusal that says
# why: the matters of section 2 that an opt-in score above all must not reach.
_REFUSED_MATTERS: tuple[tuple[str, str], ...] = (
    (r"purchas|shopping|spend|buy|merchant|basket|order", "purchases"),
    (r"friend|contact|social|network|relative|family|follower|connection|dating", "social connections"),
    (r"locat|gps|geo|address|travel|mobility|checkin|check_in", "location"),
    (r"device|phone|handset|imei|app_|browser|os_", "the device used"),
    (r"game|gaming|hobby|leisure|video", "lawful private life"),
)

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
# Points and limits stay far inside what every engine sums exactly.
_LIMIT = 1_000_000


class ScorecardFileError(ValueError):
    """A scorecard file that cannot be read or does not fit the schema."""


def refused_matter(feature: str) -> str | None:
    """What a feature outside the vocabulary would score, when its name says so."""
    name = feature.lower()
    for pattern, matter in _REFUSED_MATTERS:
        if re.search(pattern, name):
            return matter
    return None


def _finite(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("must be a number, not true or false")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return in_range(value)
    return in_range(parse_date(value))


Number = Annotated[int | float, BeforeValidator(_finite), Field(ge=-_LIMIT, le=_LIMIT)]
DateField = Annotated[dt.date, BeforeValidator(_date)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bin(_Strict):
    """One bin of a feature: ``missing = true`` matches a missing value, ``below = X`` a
    value under X, a bin with neither every value that reaches it."""

    missing: bool = False
    below: Number | None = None
    points: Number

    @model_validator(mode="after")
    def _one_condition(self) -> Bin:
        if self.missing and self.below is not None:
            raise ValueError("a bin takes 'missing = true' or 'below', not both")
        return self

    def matches(self, value: float | None) -> bool:
        if self.missing:
            return value is None
        if self.below is not None:
            return value is not None and value < self.below
        return True


class Feature(_Strict):
    """A feature of the vocabulary, the reason shown when it costs points, and its bins."""

    name: str
    reason: str = Field(min_length=1)
    bins: tuple[Bin, ...] = Field(min_length=1)

    @field_validator("name")
    @classmethod
    def _in_vocabulary(cls, value: str) -> str:
        if value not in VOCABULARY:
            matter = refused_matter(value)
            why = f"; scoring {matter} is refused by design (docs/design.md section 2)" if matter else ""
            raise ValueError(
                f"feature {value!r} is not in the vocabulary ({', '.join(VOCABULARY)}): "
                f"an opt-in score reads credit behaviour only{why}"
            )
        return value

    @property
    def best(self) -> int | float:
        """The most points a bin of this feature gives."""
        return max(b.points for b in self.bins)

    def bin_for(self, value: float | None) -> int | None:
        """The index of the first bin that matches ``value``, or None."""
        for index, candidate in enumerate(self.bins):
            if candidate.matches(value):
                return index
        return None

    def lower_bound(self, index: int) -> int | float | None:
        """The least value bin ``index`` holds: the ``below`` of the nearest value bin
        before it (None when it has none, or is the missing bin)."""
        if self.bins[index].missing:
            return None
        bounds = [b.below for b in self.bins[:index] if not b.missing and b.below is not None]
        return max(bounds) if bounds else None

    def monotone_problem(self) -> str | None:
        """Why the bins do not rise in the feature's better direction, or None: bins by
        value (``below`` rising, the rest last) must give points that do not fall as the
        value improves."""
        direction = VOCABULARY[self.name]
        values = [b for b in self.bins if not b.missing]
        belows = [b.below for b in values if b.below is not None]
        if belows != sorted(belows) or any(b.below is None for b in values[:-1]):
            return "value bins should list rising 'below' thresholds, the bin without one last"
        if direction is None:
            return None
        points = [b.points for b in values]
        ordered = points if direction == "higher" else points[::-1]
        if any(later < earlier for earlier, later in itertools.pairwise(ordered)):
            better = "higher" if direction == "higher" else "lower"
            return f"points should not fall as the value gets {better} (a {better} value is better), got {points}"
        return None


class Band(_Strict):
    name: str = Field(min_length=1)
    min: Number | None = None


class Scorecard(_Strict):
    """One version of one opt-in scorecard."""

    kind: Literal["scorecard"]
    id: str
    title: str | None = None
    description: str | None = None
    version: str = Field(min_length=1)
    effective_from: DateField
    subject_kind: Literal["person", "organisation"]
    range: tuple[Number, Number]
    base: Number
    sources: tuple[str, ...] = Field(min_length=1)
    purposes: tuple[str, ...] = Field(min_length=1)
    bands: tuple[Band, ...] = Field(min_length=1)
    features: tuple[Feature, ...] = Field(min_length=1)
    # The names of the sources by the ids obligations carry, and of the purposes, for
    # readers.
    source_names: dict[str, str] = Field(default_factory=dict)
    purpose_names: dict[str, str] = Field(default_factory=dict)
    language: str = "en"
    languages: tuple[str, ...] = ()
    translations: dict[str, dict[str, str]] = Field(default_factory=dict)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(f"scorecard id {value!r} must be lowercase letters, digits, '-' or '_'")
        return value

    @field_validator("sources", "purposes")
    @classmethod
    def _ids(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            if not _ID.match(item):
                raise ValueError(f"{item!r} must be lowercase letters, digits, '-' or '_'")
        if len(set(value)) != len(value):
            raise ValueError(f"must not repeat, got {list(value)}")
        return value

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if not _LANGUAGE.match(value):
            raise ValueError(f"language {value!r} must be a language tag like 'en' or 'zh-CN'")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Scorecard:
        low, high = self.range
        if not low < high:
            raise ValueError(f"range: the lowest score must be below the highest, got {list(self.range)}")
        if not low <= self.base <= high:
            raise ValueError(f"base: {self.base} lies outside the range {list(self.range)}")
        names = [f.name for f in self.features]
        if len(set(names)) != len(names):
            raise ValueError(f"features: each feature may appear once, got {names}")
        bands = [b.name for b in self.bands]
        if len(set(bands)) != len(bands):
            raise ValueError(f"bands: names must be unique, got {bands}")
        mins = [b.min for b in self.bands if b.min is not None]
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            raise ValueError(f"bands: list them highest first with distinct 'min', got {mins}")
        if any(b.min is None for b in self.bands[:-1]):
            raise ValueError("bands: only the last band may omit 'min'")
        unknown = sorted(set(self.source_names) - set(self.sources))
        if unknown:
            raise ValueError(f"source_names: {unknown} are not among the scorecard's sources")
        unknown = sorted(set(self.purpose_names) - set(self.purposes))
        if unknown:
            raise ValueError(f"purpose_names: {unknown} are not among the scorecard's purposes")
        known = {path for path, _ in self.texts()}
        for language, table in self.translations.items():
            if not _LANGUAGE.match(language) or language == self.language:
                raise ValueError(f"translations.{language}: not a language other than the scorecard's own")
            for path, text in table.items():
                if path not in known:
                    raise ValueError(
                        f"translations.{language}: unknown path {path!r} (paths are 'title', "
                        "'description', 'features.NAME.reason', 'bands.NAME', 'source_names.ID', "
                        "'purpose_names.ID')"
                    )
                if not text.strip():
                    raise ValueError(f"translations.{language}: {path!r} is empty")
        return self

    def texts(self) -> Iterator[tuple[str, str]]:
        """Every text a reader sees, by dotted path, in the scorecard's own language."""
        for name in ("title", "description"):
            if value := getattr(self, name):
                yield name, value
        for feature in self.features:
            yield f"features.{feature.name}.reason", feature.reason
        for band in self.bands:
            yield f"bands.{band.name}", band.name
        for source, name in self.source_names.items():
            yield f"source_names.{source}", name
        for purpose, name in self.purpose_names.items():
            yield f"purpose_names.{purpose}", name

    def text(self, path: str, language: str) -> str | None:
        """The text at ``path`` in ``language``, falling back to the scorecard's own."""
        own = dict(self.texts()).get(path)
        if own is None:
            return None
        given = {lang: table[path] for lang, table in self.translations.items() if path in table}
        return translated(given, language) or own

    def names(self, language: str) -> dict[str, str]:
        """What a reader of ``language`` is told the scorecard, its sources and its
        purposes are called: ``title``, ``sources.ID`` and ``purposes.ID`` (the id where
        the scorecard names nothing)."""
        named = {"title": self.text("title", language) or self.id}
        named |= {f"sources.{s}": self.text(f"source_names.{s}", language) or s for s in self.sources}
        named |= {f"purposes.{p}": self.text(f"purpose_names.{p}", language) or p for p in self.purposes}
        return named

    def reason(self, feature: str) -> Text:
        own = next(f.reason for f in self.features if f.name == feature)
        path = f"features.{feature}.reason"
        return Text(own, {lang: table[path] for lang, table in self.translations.items() if path in table})

    def missing_translations(self) -> dict[str, list[str]]:
        missing: dict[str, list[str]] = {}
        for language in self.languages:
            if language == self.language:
                continue
            table = self.translations.get(language, {})
            paths = [path for path, _ in self.texts() if path not in table]
            if paths:
                missing[language] = paths
        return missing

    def band_for(self, score: float) -> str | None:
        """The first band (highest ``min``) whose ``min`` is not above ``score``; a band
        without ``min`` takes the rest."""
        for band in self.bands:
            if band.min is None or band.min <= score:
                return band.name
        return None


def scorecard_in_force(versions: list[Scorecard], day: dt.date) -> Scorecard | None:
    """The version with the latest ``effective_from`` not after ``day``."""
    candidates = [v for v in versions if v.effective_from <= day]
    return max(candidates, key=lambda v: v.effective_from) if candidates else None


def is_scorecard(data: Mapping[str, Any]) -> bool:
    """True for the parsed TOML of a scorecard (``kind = "scorecard"``), not a catalog."""
    return data.get("kind") == "scorecard"


def parse_scorecard_data(data: Mapping[str, Any], source: str = "<scorecard>") -> Scorecard:
    try:
        return Scorecard.model_validate(data)
    except ValidationError as error:
        raise ScorecardFileError(
            describe_validation_error(
                error, source=source, separator="\n", toml=True, unknown="unknown key", whole="(top level)"
            )
        ) from None


def parse_scorecard(text: str, source: str = "<scorecard>") -> Scorecard:
    """Parse one scorecard version from TOML text, with errors naming file, key and value."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScorecardFileError(f"{source}: not valid TOML: {error}") from None
    except ValueError as error:
        raise ScorecardFileError(f"{source}: a number is out of range: {str(error).split(':')[0]}") from None
    return parse_scorecard_data(data, source)
