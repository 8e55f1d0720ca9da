"""The catalog schema of docs/design.md section 5: one jurisdiction's rules for one kind of
subject, in one version. Catalogs are data; this module validates them and knows nothing
of files or storage."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
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
_WORDS = re.compile(r"[a-z]{2}")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")

# The texts a reader sees, by where they stand: the linter wants each of them translated
# into every language a catalog declares. Proportionality notes (for officers and
# auditors) may be translated too, but need not be; so may grade names, which must be
# when they are words ("not-scored") rather than codes ("AAA").
READER_TEXTS: dict[str, tuple[str, ...]] = {
    "": ("title", "description", "legal_basis"),
    "rules": ("title", "description", "legal_basis"),
    "lists": ("title", "description", "legal_basis"),
    "measures": ("title", "benefit", "legal_basis"),
}
OPTIONAL_TEXTS: dict[str, tuple[str, ...]] = {
    "rules": ("proportionality",),
    "measures": ("proportionality",),
}


class Text(str):
    """A text of a catalog in the catalog's own language, which knows its translations.

    It is the plain string wherever a string is wanted (JSON answers, stored notice
    fields, comparisons), and gives itself in another language with :meth:`in_language`.
    """

    translations: Mapping[str, str]

    def __new__(cls, own: str, translations: Mapping[str, str]) -> Text:
        text = super().__new__(cls, own)
        text.translations = translations
        return text

    def __getnewargs__(self) -> tuple[str, Mapping[str, str]]:  # type: ignore[override]
        return (str(self), dict(self.translations))

    def in_language(self, language: str) -> str:
        """The text in ``language``; the catalog's own text when it has no translation
        (``zh`` finds ``zh-CN``)."""
        return translated(self.translations, language) or str(self)


def translated(translations: Mapping[str, str], language: str) -> str | None:
    """``language``'s entry in ``translations``, else that of a language with the same
    primary tag (``zh`` and ``zh-CN``, ``en-GB`` and ``en``), else None."""
    found = translations.get(language)
    if found is not None:
        return found
    primary = language.split("-")[0].lower()
    for tag, text in translations.items():
        if tag.split("-")[0].lower() == primary:
            return text
    return None


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

    @model_validator(mode="before")
    @classmethod
    def _not_a_scorecard(cls, data: Any) -> Any:
        if isinstance(data, dict) and "scorecard" in data:
            raise ValueError(
                f"a measure cannot be triggered by scorecard {data['scorecard']!r}: opt-in scores are "
                "walled off from public credit, and no measure, check, list or grade may read them "
                "(docs/design.md section 9)"
            )
        return data

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
    # The names of the authorities that submit records under this catalog, by the id a
    # record carries as its ``source`` ("traffic-police" = "Rongcheng Traffic Police"):
    # what a reader is shown instead of the id.
    sources: dict[str, str] = Field(default_factory=dict)
    dispute_deadline: DurationField | None = None
    repair_deadline: DurationField | None = None
    # The language of the texts above, the languages the catalog is written for, and the
    # texts in each other language by dotted path (docs/design.md section 5).
    language: str = "en"
    languages: tuple[str, ...] = ()
    translations: dict[str, dict[str, str]] = Field(default_factory=dict)

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if not _LANGUAGE.match(value):
            raise ValueError(f"language {value!r} must be a language tag like 'en' or 'zh-CN'")
        return value

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for tag in value:
            if not _LANGUAGE.match(tag):
                raise ValueError(f"language {tag!r} must be a language tag like 'en' or 'zh-CN'")
        if len(set(value)) != len(value):
            raise ValueError(f"languages must not repeat, got {list(value)}")
        return value

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

    @field_validator("sources")
    @classmethod
    def _source_names(cls, value: dict[str, str]) -> dict[str, str]:
        for source, name in value.items():
            if not source.strip() or not str(name).strip():
                raise ValueError(f"sources: {source!r} needs an id and a name")
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
        self._check_translations()
        self._attach_translations()
        return self

    # -- texts and their translations

    def texts(self, *, optional: bool = False) -> Iterator[tuple[str, str]]:
        """Every text a reader sees, as ``(dotted path, text)`` in the catalog's own
        language: ``title``, ``rules.traffic.red_light.legal_basis``,
        ``lists.judgment-defaulters.title``, ``measures.aaa-heating-discount.benefit``
        (``measures.0.benefit`` for a measure without an id)... With ``optional``,
        also the texts that may be translated but need not be (proportionality notes,
        grade names that are codes). A grade's text is its name, at ``grades.NAME``."""
        parts: list[tuple[str, BaseModel]] = [("", self)]
        parts += [(f"rules.{name}.", rule) for name, rule in self.rules.items()]
        parts += [(f"lists.{name}.", definition) for name, definition in self.lists.items()]
        parts += [(f"measures.{self.measure_key(i)}.", measure) for i, measure in enumerate(self.measures)]
        for prefix, part in parts:
            section = prefix.split(".")[0]
            fields = READER_TEXTS.get(section, ())
            if optional:
                fields += OPTIONAL_TEXTS.get(section, ())
            for name in fields:
                value = getattr(part, name)
                if value:
                    yield prefix + name, value
        for source, name in self.sources.items():
            yield f"sources.{source}", name
        # A grade named by a word ("not-scored") is read; one named by letters ("AAA") is a code.
        for band in self.grades:
            if optional or _WORDS.search(band.name):
                yield f"grades.{band.name}", band.name

    def text(self, path: str, language: str) -> str | None:
        """The text at dotted ``path`` in ``language``, falling back to the catalog's own
        text; None when the catalog has no text there."""
        own = dict(self.texts(optional=True)).get(path)
        if own is None:
            return None
        given = {lang: table[path] for lang, table in self.translations.items() if path in table}
        return translated(given, language) or str(own)

    def missing_translations(self) -> dict[str, list[str]]:
        """For each declared language other than the catalog's own, the paths of the
        texts a reader sees that it has no translation for."""
        missing: dict[str, list[str]] = {}
        for language in self.languages:
            if language == self.language:
                continue
            table = self.translations.get(language, {})
            paths = [path for path, _ in self.texts() if path not in table]
            if paths:
                missing[language] = paths
        return missing

    def _check_translations(self) -> None:
        known = {path for path, _ in self.texts(optional=True)}
        for language, table in self.translations.items():
            if not _LANGUAGE.match(language):
                raise ValueError(f"translations.{language}: {language!r} is not a language tag like 'en' or 'zh-CN'")
            if language == self.language:
                raise ValueError(
                    f"translations.{language}: the catalog's own texts are in {language!r} "
                    "(see 'language'); translations are for other languages"
                )
            if self.languages and language not in self.languages:
                raise ValueError(
                    f"translations.{language}: {language!r} is not one of the catalog's "
                    f"languages {list(self.languages)}"
                )
            for path, text in table.items():
                if path not in known:
                    raise ValueError(
                        f"translations.{language}: unknown path {path!r}: the catalog has no text there "
                        "(paths are like 'title', 'rules.RULE.title', 'lists.LIST.legal_basis', "
                        "'measures.MEASURE_ID.benefit', or 'measures.0.benefit' for a measure without an id)"
                    )
                if not text.strip():
                    raise ValueError(f"translations.{language}: {path!r} is empty")

    def _attach_translations(self) -> None:
        """Make every text a :class:`Text` that knows its translations. Nested parts are
        copied, never changed: a part may be shared with another catalog."""
        by_path: dict[str, dict[str, str]] = {}
        for language, table in self.translations.items():
            for path, text in table.items():
                by_path.setdefault(path, {})[language] = text

        def attach(prefix: str, part: Any) -> dict[str, Text]:
            section = prefix.split(".")[0]
            fields = READER_TEXTS.get(section, ()) + OPTIONAL_TEXTS.get(section, ())
            return {
                name: Text(value, by_path.get(prefix + name, {}))
                for name in fields
                if isinstance(value := getattr(part, name), str)
            }

        def copied(prefix: str, part: Any) -> Any:
            return part.model_copy(update=attach(prefix, part))

        for name, value in attach("", self).items():
            object.__setattr__(self, name, value)
        object.__setattr__(
            self, "sources", {k: Text(v, by_path.get(f"sources.{k}", {})) for k, v in self.sources.items()}
        )
        object.__setattr__(self, "rules", {n: copied(f"rules.{n}.", r) for n, r in self.rules.items()})
        object.__setattr__(self, "lists", {n: copied(f"lists.{n}.", d) for n, d in self.lists.items()})
        object.__setattr__(
            self, "measures", tuple(copied(f"measures.{self.measure_key(i)}.", m) for i, m in enumerate(self.measures))
        )

    def measure_key(self, index: int) -> str:
        """How a measure's texts are addressed in translations: ``measures.KEY.title``,
        KEY its ``id``, or its position when it has none."""
        return self.measures[index].id or str(index)

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
