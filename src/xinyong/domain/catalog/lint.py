"""The catalog linter of docs/design.md sections 2 and 5: what a catalog may not express.

Pure: it gets parsed catalogs and returns findings; it reads no files and writes
nothing. Errors make ``xinyong catalog lint`` exit non-zero; warnings do not.

Keyword matching alone would be easy to evade and prone to false alarms, so the linter
combines independent checks:

- a vocabulary of the refused matters of section 2, matched as whole words over
  normalised identifiers and text (``socialMedia.post`` reads as "social media post"),
  with Chinese terms, and with exceptions for innocent phrases ("good faith", "child
  labour", "parent company", "public health");
- the legal basis of every sanction: present, not a placeholder, naming an instrument;
- categories: only the allowed ones, and the reward-only ones never used to punish;
- the structure of measures: whom they reach, which lists they name, and whether the
  conduct that triggers them is related to the action they restrict (the proportionality
  and EU AI Act art. 5(1)(c) checks);
- the structure of lists: a path off every black list, and no publication of persons.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError, model_validator

from xinyong.domain.catalog.model import ALLOWED_CATEGORIES, Catalog, ListDefinition, Measure, Rule
from xinyong.domain.federation import InvalidForeignList, foreign_list, is_foreign
from xinyong.domain.validation import describe_validation_error

PROFILES: tuple[str, ...] = ("default", "eu")

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One problem in one catalog version, at one key path."""

    severity: Severity
    catalog: str
    version: str
    where: str
    code: str
    message: str

    def __str__(self) -> str:
        where = f"{self.catalog} {self.version}: {self.where}"
        return f"{self.severity}: {where}: {self.message} [{self.code}]"


# ----------------------------------------------------------------------------- vocabulary


def normalise(text: str) -> str:
    """Identifiers and prose as lowercase words separated by single spaces.

    ``social_media.post``, ``socialMedia-post`` and ``Social media: post`` all become
    ``social media post``; Chinese characters are kept as they are.
    """
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", text)
    text = text.lower().replace("_", " ")
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class _Group:
    """A family of refused matters and where in a catalog it is looked for."""

    explanation: str
    in_rules_and_lists: bool
    in_measures: bool
    # A measure that names these matters reaches someone other than the subject.
    reaches_others: bool = False


@dataclass(frozen=True)
class _Matter:
    name: str
    group: str
    english: tuple[str, ...]  # regex fragments over normalise()d text, matched as whole words
    # Space-separated regex fragments matched anywhere (Chinese has no word boundaries).
    chinese: str = ""
    persons_only: bool = False  # organisations have no private life or schooling
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        english = rf"(?<![a-z0-9])(?:{'|'.join(self.english)})(?![a-z0-9])"
        pattern = "|".join([english, *self.chinese.split()])
        object.__setattr__(self, "_pattern", re.compile(pattern))

    def search(self, normalised: str) -> str | None:
        found = self._pattern.search(normalised)
        return found.group(0) if found else None


@dataclass(frozen=True)
class _Essential:
    """A kind of service people need to live (or coercion), which no measure may touch
    with one of ``effects``."""

    name: str
    explanation: str
    effects: frozenset[str]
    matter: _Matter
    code: str = "essential-service"


@dataclass(frozen=True)
class Vocabulary:
    """The linter's data, from ``vocabulary.toml`` beside this module."""

    groups: dict[str, _Group]
    matters: tuple[_Matter, ...]
    essentials: tuple[_Essential, ...]
    business: frozenset[str]  # first segments of actions that are business, not access
    # The contexts of conduct: see REWARD_ONLY_CATEGORIES, RULE_DOMAINS, ACTION_CONTEXTS.
    reward_only: frozenset[str] = frozenset()
    rule_domains: dict[str, str] = field(default_factory=dict)
    action_contexts: dict[str, frozenset[str]] = field(default_factory=dict)
    # What a legal basis may not be, and the words that name a kind of instrument.
    placeholders: frozenset[str] = frozenset()
    instrument: re.Pattern[str] = re.compile(r"(?!)")
    not_a_name: frozenset[str] = frozenset()


VOCABULARY_FILE = "vocabulary.toml"


# The file's schema. Patterns must compile; groups and contexts must be known.


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as error:
        raise ValueError(f"the pattern does not compile: {error}") from None
    return pattern


def _each_compiles(text: str) -> str:
    for pattern in text.split():
        _compiles(pattern)
    return text


Patterns = list[Annotated[str, AfterValidator(_compiles)]]
Chinese = Annotated[str, AfterValidator(_each_compiles)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _GroupEntry(_Strict):
    explanation: str
    in_rules_and_lists: bool
    in_measures: bool
    reaches_others: bool = False


class _MatterEntry(_Strict):
    name: str
    group: str
    english: Patterns
    chinese: Chinese = ""
    persons_only: bool = False


class _EssentialEntry(_Strict):
    name: str
    explanation: str
    effects: list[Literal["deny", "review", "allow", "benefit"]]
    english: Patterns
    chinese: Chinese = ""
    code: str = "essential-service"


class _Essentials(_Strict):
    business: list[str]
    kinds: list[_EssentialEntry]


class _Contexts(_Strict):
    reward_only_categories: list[str]
    rule_domains: dict[str, str]
    actions: dict[str, list[str]]

    @model_validator(mode="after")
    def _known(self) -> _Contexts:
        unknown = sorted(set(self.reward_only_categories) - set(ALLOWED_CATEGORIES))
        if unknown:
            raise ValueError(f"reward_only_categories: not a category: {', '.join(unknown)}")
        known = {*ALLOWED_CATEGORIES, *self.rule_domains.values()}
        for action, contexts in self.actions.items():
            unknown = sorted(set(contexts) - known)
            if unknown:
                raise ValueError(f"actions.{action}: {', '.join(unknown)} is neither a category nor a rule domain")
        return self


class _LegalBasis(_Strict):
    placeholders: list[str]
    instruments: Patterns
    instruments_chinese: Chinese
    not_a_name: list[str]


class _VocabularyFile(_Strict):
    groups: dict[str, _GroupEntry]
    matters: list[_MatterEntry]
    essentials: _Essentials
    contexts: _Contexts
    legal_basis: _LegalBasis

    @model_validator(mode="after")
    def _grouped(self) -> _VocabularyFile:
        for matter in self.matters:
            if matter.group not in self.groups:
                raise ValueError(f"matter {matter.name!r}: unknown group {matter.group!r}")
        return self


def load_vocabulary(text: str | None = None) -> Vocabulary:
    """Read the vocabulary (``text``, or the file shipped with the package); a file that
    does not fit raises ``ValueError`` naming the file, the key and the value."""
    import tomllib
    from importlib.resources import files

    if text is None:
        text = files("xinyong.domain.catalog").joinpath(VOCABULARY_FILE).read_text(encoding="utf-8")
    try:
        data = _VocabularyFile.model_validate(tomllib.loads(text))
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{VOCABULARY_FILE}: not valid TOML: {error}") from None
    except ValidationError as error:
        raise ValueError(
            describe_validation_error(
                error, source=VOCABULARY_FILE, separator="\n", toml=True, unknown="unknown key", whole="(top level)"
            )
        ) from None
    groups = {
        name: _Group(g.explanation, g.in_rules_and_lists, g.in_measures, g.reaches_others)
        for name, g in data.groups.items()
    }
    matters = tuple(_Matter(m.name, m.group, tuple(m.english), m.chinese, m.persons_only) for m in data.matters)
    essentials = tuple(
        _Essential(
            kind.name,
            kind.explanation,
            frozenset(kind.effects),
            _Matter(kind.name, "essentials", tuple(kind.english), kind.chinese),
            kind.code,
        )
        for kind in data.essentials.kinds
    )
    contexts, legal = data.contexts, data.legal_basis
    return Vocabulary(
        groups,
        matters,
        essentials,
        frozenset(data.essentials.business),
        reward_only=frozenset(contexts.reward_only_categories),
        rule_domains=dict(contexts.rule_domains),
        action_contexts={action: frozenset(found) for action, found in contexts.actions.items()},
        placeholders=frozenset(legal.placeholders),
        instrument=re.compile(
            rf"(?<![a-z])({'|'.join(legal.instruments)})(?![a-z])|" + "|".join(legal.instruments_chinese.split())
        ),
        not_a_name=frozenset(legal.not_a_name),
    )


_VOCABULARY = load_vocabulary()
_GROUPS = _VOCABULARY.groups
_MATTERS = _VOCABULARY.matters


@dataclass(frozen=True)
class EssentialTerm:
    """A measure on a service people need to live, or a coercive one: the kind, why it is
    refused, the measure's field and the words found."""

    kind: str
    explanation: str
    field: str
    found: str
    code: str


def essential_terms(action: str, texts: dict[str, str | None], effect: str) -> list[EssentialTerm]:
    """What makes a measure with ``action``, ``texts`` (id, title, benefit) and ``effect``
    fall on a service people need to live, or coerce: one term per kind found."""
    if action.split(".", 1)[0] in _VOCABULARY.business:
        return []
    found: list[EssentialTerm] = []
    fields = {"action": action, **texts}
    for kind in _VOCABULARY.essentials:
        if effect not in kind.effects:
            continue
        for field_name, text in fields.items():
            if not text:
                continue
            words = kind.matter.search(normalise(text))
            if words is not None:
                found.append(EssentialTerm(kind.name, kind.explanation, field_name, words, kind.code))
                break
    return found


@dataclass(frozen=True)
class RefusedTerm:
    """A refused matter found in a text: which matter, its group and the words found."""

    matter: str
    group: str
    found: str


def refused_terms(
    text: str,
    *,
    subject_kind: str = "person",
    in_measure: bool = False,
) -> list[RefusedTerm]:
    """The refused matters of docs/design.md section 2 that ``text`` speaks of.

    ``subject_kind`` is the kind of subject the catalog scores (private life and
    schooling concern persons only); ``in_measure`` says the text is a measure's, where
    the restricted action may lawfully be a purchase but must never reach another person.
    """
    normal = normalise(text)
    terms: list[RefusedTerm] = []
    for matter in _MATTERS:
        group = _GROUPS[matter.group]
        if not (group.in_measures if in_measure else group.in_rules_and_lists):
            continue
        if matter.persons_only and subject_kind != "person":
            continue
        found = matter.search(normal)
        if found is not None:
            terms.append(RefusedTerm(matter.name, matter.group, found))
    return terms


# ----------------------------------------------------------------------------- legal basis

# The legal-basis vocabulary, from the vocabulary file's [legal_basis] table: texts that
# stand in for a citation, words that name a kind of legal instrument, and words that do
# not say which instrument.
_PLACEHOLDERS = _VOCABULARY.placeholders
_INSTRUMENT = _VOCABULARY.instrument
_NOT_A_NAME = _VOCABULARY.not_a_name


def legal_basis_problem(text: str | None) -> tuple[str, str] | None:
    """``None`` when ``text`` cites an instrument; otherwise ``(code, reason)`` with code
    ``missing-legal-basis`` (absent, blank or a placeholder) or ``vague-legal-basis``
    (text that names no legal instrument)."""
    if text is None:
        return "missing-legal-basis", "has no legal_basis"
    squeezed = re.sub(r"[\W_]+", "", text.lower())
    if squeezed in _PLACEHOLDERS or not re.search(r"[^\W\d_]", text):
        return (
            "missing-legal-basis",
            f"has a legal_basis of {text!r}, which is a placeholder, not a citation",
        )
    words = normalise(text).split()
    names_instrument = _INSTRUMENT.search(text.lower()) is not None
    named = [w for w in words if not _INSTRUMENT.fullmatch(w) and w not in _NOT_A_NAME and not w.isdigit()]
    if not names_instrument or not named:
        reason = (
            f"has a legal_basis of {text!r}, which does not name a law, regulation or other "
            "instrument (for example 'Road Traffic Safety Law, art. 90')"
        )
        return "vague-legal-basis", reason
    return None


# ----------------------------------------------------------------------------- contexts

# The contexts of conduct, from the vocabulary file's [contexts] table (see its comments):
# categories that exist to reward and may never punish; the rule-name prefixes that name
# a regulated domain more precisely than a rule's category; and which contexts of conduct
# may restrict an action, by the action's dotted prefix (the longest prefix listed wins;
# an action not listed is related to no context).
REWARD_ONLY_CATEGORIES: frozenset[str] = _VOCABULARY.reward_only
RULE_DOMAINS: dict[str, str] = _VOCABULARY.rule_domains
ACTION_CONTEXTS: dict[str, frozenset[str]] = _VOCABULARY.action_contexts


def rule_context(name: str, rule: Rule) -> str:
    """The context of conduct a rule records: see :data:`RULE_DOMAINS`."""
    return RULE_DOMAINS.get(name.split(".", 1)[0], rule.category)


def action_contexts(action: str) -> frozenset[str]:
    """The contexts whose conduct may restrict ``action``: see :data:`ACTION_CONTEXTS`."""
    parts = action.split(".")
    for n in range(len(parts), 0, -1):
        found = ACTION_CONTEXTS.get(".".join(parts[:n]))
        if found is not None:
            return found
    return frozenset()


# ----------------------------------------------------------------------------- the linter


def _rule_key(name: str) -> str:
    return f'rules."{name}"' if "." in name else f"rules.{name}"


@dataclass
class _Deployment:
    """What every catalog on the command line says about lists."""

    definitions: dict[str, set[str]]  # list id -> catalog ids that define it
    feeders: dict[str, list[tuple[str, Rule]]]  # list id -> (rule name, rule) naming it
    scorecards: frozenset[str] = frozenset()  # opt-in scorecards: walled off from measures
    imported: frozenset[str] = frozenset()  # foreign lists (NODE/LIST) with a bundle imported

    @classmethod
    def of(
        cls, catalogs: Iterable[Catalog], scorecards: Iterable[str] = (), imported: Iterable[str] = ()
    ) -> _Deployment:
        definitions: dict[str, set[str]] = defaultdict(set)
        feeders: dict[str, list[tuple[str, Rule]]] = defaultdict(list)
        for catalog in catalogs:
            for list_id in catalog.lists:
                definitions[list_id].add(catalog.id)
            for name, rule in catalog.rules.items():
                if rule.list is not None:
                    feeders[rule.list].append((name, rule))
        return cls(dict(definitions), dict(feeders), frozenset(scorecards), frozenset(imported))


class _Linter:
    def __init__(self, catalog: Catalog, deployment: _Deployment, profile: str):
        self.catalog = catalog
        self.deployment = deployment
        # The AI Act's ban on social scoring (art. 5(1)(c)) protects natural persons;
        # organisation catalogs are held to the default profile under it.
        self.eu = profile == "eu" and catalog.subject_kind == "person"
        self.findings: list[Finding] = []

    def add(self, severity: Severity, where: str, code: str, message: str) -> None:
        self.findings.append(Finding(severity, self.catalog.id, self.catalog.version, where, code, message))

    def run(self) -> list[Finding]:
        for name, rule in self.catalog.rules.items():
            self.check_rule(name, rule)
        for list_id, definition in self.catalog.lists.items():
            self.check_list(list_id, definition)
        for index, measure in enumerate(self.catalog.measures):
            self.check_measure(index, measure)
        self.check_translations()
        return self.findings

    # -- translations

    def check_translations(self) -> None:
        """Every text a reader sees is given in every language the catalog declares, and
        a translation speaks of no refused matter that its original leaves out."""
        own = dict(self.catalog.texts())
        for language, paths in self.catalog.missing_translations().items():
            for path in paths:
                self.add(
                    "warning",
                    f'translations.{language}."{path}"',
                    "missing-translation",
                    f"the catalog is written for {language!r} (languages) but gives no {language} "
                    f"text for {path!r}, so readers in {language} see {str(own[path])!r}",
                )
        for language, table in self.catalog.translations.items():
            for path, text in table.items():
                in_measure = path.startswith("measures.")
                for term in refused_terms(text, subject_kind=self.catalog.subject_kind, in_measure=in_measure):
                    self.add(
                        "error",
                        f'translations.{language}."{path}"',
                        "refused-matter",
                        f"the {language} text of {path!r} is {text!r}, which speaks of {term.matter} "
                        f"({term.found!r}), {_GROUPS[term.group].explanation} (docs/design.md section 2)",
                    )

    # -- refused matters

    def vocabulary(self, where: str, what: str, fields: dict[str, str | None], *, in_measure: bool) -> None:
        for key, text in fields.items():
            if not text:
                continue
            terms = refused_terms(text, subject_kind=self.catalog.subject_kind, in_measure=in_measure)
            at = f"{where}.{key}" if key != "name" else where
            others = [t for t in terms if in_measure and _GROUPS[t.group].reaches_others]
            refused = [t for t in terms if t not in others]
            if others:
                named = "; ".join(f"{t.matter} ({t.found!r})" for t in others)
                self.add(
                    "error",
                    at,
                    "measure-reaches-others",
                    f"{what} has {key} {text!r}, which names {named}: a measure may fall only "
                    "on the subject of the record, never on relatives or other persons",
                )
            if refused:
                spoken = "; ".join(f"{t.matter} ({t.found!r}), {_GROUPS[t.group].explanation}" for t in refused)
                self.add(
                    "error",
                    at,
                    "refused-matter",
                    f"{what} has {key} {text!r}, which speaks of {spoken} (docs/design.md section 2)",
                )

    # -- rules

    def check_rule(self, name: str, rule: Rule) -> None:
        where = _rule_key(name)
        what = f"rule {name!r}"
        self.vocabulary(
            where,
            what,
            {"name": name, "title": rule.title, "description": rule.description},
            in_measure=False,
        )
        if rule.category not in ALLOWED_CATEGORIES:
            self.add(
                "error",
                f"{where}.category",
                "unknown-category",
                f"{what} has category {rule.category!r}, which is not one of the allowed "
                f"categories ({', '.join(ALLOWED_CATEGORIES)})",
            )
        blacklists = self.list_kind(rule.list) == "black"
        sanction = rule.points < 0 or blacklists
        if rule.category in REWARD_ONLY_CATEGORIES and sanction:
            how = f"deducts {-rule.points} points" if rule.points < 0 else f"places on black list {rule.list!r}"
            self.add(
                "error",
                f"{where}.points" if rule.points < 0 else f"{where}.list",
                "penalty-in-reward-category",
                f"{what} {how} in category {rule.category!r}, which is for rewards only; a "
                "breach of the law belongs in the category of the authority that found it",
            )
        problem = legal_basis_problem(rule.legal_basis)
        if problem is not None:
            code, reason = problem
            if sanction:
                kind = "deducts points" if rule.points < 0 else f"places on black list {rule.list!r}"
                self.add("error", f"{where}.legal_basis", code, f"{what} {kind} but {reason}")
            elif rule.legal_basis is not None:
                self.add("warning", f"{where}.legal_basis", code, f"{what} {reason}")
        if rule.points > 0 and rule.category in {"charity", "public_service"} and rule.cap_per_year is None:
            self.add(
                "warning",
                f"{where}.cap_per_year",
                "uncapped-reward",
                f"{what} earns {rule.points} points with no cap_per_year, so credit can be bought "
                "with donations or hours; set a yearly cap",
            )

    def list_kind(self, list_id: str | None) -> str | None:
        if list_id is None:
            return None
        definition = self.catalog.lists.get(list_id)
        return definition.kind if definition is not None else None

    # -- lists

    def check_list(self, list_id: str, definition: ListDefinition) -> None:
        where = f"lists.{list_id}"
        what = f"list {list_id!r}"
        self.vocabulary(
            where,
            what,
            {"name": list_id, "title": definition.title, "description": definition.description},
            in_measure=False,
        )
        others = self.deployment.definitions.get(list_id, set()) - {self.catalog.id}
        if others:
            self.add(
                "error",
                where,
                "duplicate-list",
                f"{what} is also defined by catalog(s) {', '.join(sorted(others))}; list ids are "
                "global in a deployment, so give this list another id",
            )
        if definition.kind == "black" and not definition.removal:
            feeders = [rule for _, rule in self.catalog.rules.items() if rule.list == list_id]
            every_entry_ends = definition.duration is not None or (
                bool(feeders) and all(rule.list_duration is not None for rule in feeders)
            )
            if not every_entry_ends:
                self.add(
                    "error",
                    f"{where}.removal",
                    "no-path-off-list",
                    f"black {what} has no duration and an empty removal, so an entry could stay on "
                    "it for ever; every entry needs a path off the list (set a duration or "
                    'removal = ["fulfilment", "repair", "annulment"])',
                )
        if definition.publish == "all":
            self.add(
                "warning",
                f"{where}.publish",
                "publishes-persons",
                f'{what} has publish = "all", which publishes entries of natural persons; '
                "nothing should be broadcast about individuals (docs/design.md section 2)",
            )
        if definition.legal_basis is not None and (problem := legal_basis_problem(definition.legal_basis)):
            code, reason = problem
            self.add("warning", f"{where}.legal_basis", code, f"{what} {reason}")

    # -- measures

    def check_measure(self, index: int, measure: Measure) -> None:
        where = f"measures[{index}]"
        what = f"measure {measure.id!r}" if measure.id else "this measure"
        self.vocabulary(
            where,
            what,
            {
                "id": measure.id,
                "title": measure.title,
                "action": measure.action,
                "benefit": measure.benefit,
            },
            in_measure=True,
        )
        self.check_essentials(where, what, measure)
        problem = legal_basis_problem(measure.legal_basis)
        if problem is not None:
            code, reason = problem
            self.add("error", f"{where}.legal_basis", code, f"{what} on {measure.action!r} {reason}")
        if measure.applies_to != "subject":
            self.add(
                "error",
                f"{where}.applies_to",
                "measure-reaches-others",
                f"{what} applies to {measure.applies_to!r}; a measure may fall only on the "
                "subject of the record (no guilt by association)",
            )
        cards = self.deployment.scorecards
        named = [
            (f"{where}.{key}", value)
            for key, value in (("when.list", measure.when.list), ("action", measure.action))
            if value is not None and (value in cards or value.split(".")[0] in cards)
        ]
        for place, value in named:
            self.add(
                "error",
                place,
                "optin-walled-off",
                f"{what} names {value!r}, an opt-in scorecard: opt-in scores are walled off from public "
                "credit, and no measure, check, list or grade may read them (docs/design.md section 9)",
            )
        if measure.when.list is not None and is_foreign(measure.when.list):
            self.check_foreign_list(where, what, measure.when.list)
        elif measure.when.list is not None and measure.when.list not in self.deployment.definitions and not named:
            self.add(
                "error",
                f"{where}.when.list",
                "unknown-list",
                f"{what} is triggered by list {measure.when.list!r}, which no catalog given "
                "defines; lint it together with the catalog that defines the list",
            )
        self.check_proportionality(where, what, measure)

    def check_foreign_list(self, where: str, what: str, name: str) -> None:
        """A measure on another node's list (docs/design.md section 10) names it
        ``NODE/LIST``; a list of which no bundle was imported triggers nothing yet."""
        try:
            foreign_list(name)
        except InvalidForeignList as error:
            self.add("error", f"{where}.when.list", "foreign-list-name", f"{what}: {error}")
            return
        if name not in self.deployment.imported:
            self.add(
                "warning",
                f"{where}.when.list",
                "foreign-list-not-imported",
                f"{what} is triggered by foreign list {name!r}, of which no bundle has been imported; "
                "it falls on nobody until one is (`xinyong lists import` or `xinyong lists pull`)",
            )

    def check_essentials(self, where: str, what: str, measure: Measure) -> None:
        """No measure denies or sends to review what people need to live, and none sends
        officials to a person: under every profile (docs/design.md section 2)."""
        texts = {"id": measure.id, "title": measure.title, "benefit": measure.benefit}
        for term in essential_terms(measure.action, texts, measure.effect):
            rule = (
                "no measure may send officials to a person"
                if term.code == "coercive-measure"
                else "no measure may deny or send to review what people need to live"
            )
            self.add(
                "error",
                f"{where}.{term.field}",
                term.code,
                f"{what} ({measure.effect} on action {measure.action!r}) has {term.field} "
                f"{fields_text(measure, term.field)!r}, which speaks of {term.kind} ({term.found!r}): "
                f"{term.explanation}; {rule}, under any profile (docs/design.md section 2)",
            )

    def check_proportionality(self, where: str, what: str, measure: Measure) -> None:
        """Whether the conduct behind a trigger is related to the action it restricts.

        A ``review`` counts as detrimental treatment like a ``deny``: being held for
        review delays or conditions a service that others get at once, and the EU AI Act
        art. 5(1)(c) speaks of "detrimental or unfavourable treatment", not only refusal.
        """
        related = action_contexts(measure.action)
        if measure.when.grades is not None:
            contexts = {rule_context(n, r) for n, r in self.catalog.rules.items() if r.points != 0}
            # A grade is a score built from every rule with points, rewards included. It
            # stays within art. 5(1)(c) only when all of that conduct is related to the
            # action (a driving-points grade deciding a driving licence, a tax grade
            # deciding invoices); otherwise it is social scoring.
            unrelated = sorted(contexts - related)
            if not unrelated:
                return
            grades = ", ".join(measure.when.grades)
            if measure.effect in ("deny", "review"):
                if self.eu:
                    self.add(
                        "error",
                        f"{where}.when.grades",
                        "eu-grade-denial",
                        f"{what} sends {measure.action!r} to {measure.effect} on grade(s) {grades}, "
                        f"a score built from conduct in unrelated contexts ({', '.join(unrelated)}); "
                        "the EU AI Act art. 5(1)(c) prohibits such detrimental treatment, and a "
                        "proportionality note does not cure it",
                    )
                elif not measure.proportionality:
                    self.add(
                        "warning",
                        f"{where}.proportionality",
                        "proportionality-note",
                        f"{what} sends {measure.action!r} to {measure.effect} on grade(s) {grades}, "
                        f"a score built partly from conduct unrelated to it ({', '.join(unrelated)}); "
                        "add a proportionality note saying why this is proportionate",
                    )
            elif measure.effect == "benefit" and self.eu:
                # Withholding from everyone else what the top grades get is unfavourable
                # treatment in relative terms; arguable, so only a warning.
                self.add(
                    "warning",
                    f"{where}.when.grades",
                    "eu-grade-benefit",
                    f"{what} gives {measure.benefit!r} on {measure.action!r} to grade(s) {grades}, "
                    f"a score built from conduct in unrelated contexts ({', '.join(unrelated)}); "
                    "withholding it from other grades may be unfavourable treatment under the EU "
                    "AI Act art. 5(1)(c)",
                )
            return
        if measure.effect not in ("deny", "review") or measure.when.list is None:
            return
        feeders = self.deployment.feeders.get(measure.when.list, [])
        unrelated_rules = sorted({n for n, r in feeders if rule_context(n, r) not in related})
        if not unrelated_rules:
            return
        feeder_contexts = sorted({rule_context(n, r) for n, r in feeders if n in unrelated_rules})
        because = (
            f"entries made by rule(s) {', '.join(unrelated_rules)} ({', '.join(feeder_contexts)}), "
            f"a context unrelated to {measure.action!r}"
        )
        if self.eu:
            self.add(
                "error",
                f"{where}.when.list",
                "eu-unrelated-context",
                f"{what} sends {measure.action!r} to {measure.effect} on list "
                f"{measure.when.list!r}, whose {because}; the EU AI Act art. 5(1)(c) prohibits "
                "detrimental treatment in a context unrelated to the conduct",
            )
        elif not measure.proportionality:
            self.add(
                "warning",
                f"{where}.proportionality",
                "proportionality-note",
                f"{what} sends {measure.action!r} to {measure.effect} on list "
                f"{measure.when.list!r}, whose {because}; add a proportionality note saying why "
                "this is proportionate",
            )


def fields_text(measure: Measure, name: str) -> str:
    return str(getattr(measure, name) or "")


def lint(
    catalogs: Sequence[Catalog],
    profile: str = "default",
    imported: Iterable[str] = (),
    *,
    scorecards: Iterable[str] = (),
) -> list[Finding]:
    """Every finding for every catalog version given, under ``profile`` (see
    :data:`PROFILES`). Lists named by measures resolve against all catalogs given, and
    foreign lists (``NODE/LIST``) against ``imported``, those with a bundle imported; an
    identical catalog version given twice is linted once. A measure naming one of the
    opt-in ``scorecards`` (as its list or its action) is an error."""
    if profile not in PROFILES:
        raise ValueError(f"profile {profile!r} is not one of {', '.join(PROFILES)}")
    deployment = _Deployment.of(catalogs, scorecards, imported)
    findings: list[Finding] = []
    seen: list[Catalog] = []
    for catalog in catalogs:
        if any(other == catalog for other in seen):
            continue
        seen.append(catalog)
        findings.extend(_Linter(catalog, deployment, profile).run())
    return findings
