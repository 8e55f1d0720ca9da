"""What changed between two versions of a catalog, and for whom it got worse.

Pure: two catalogs in, a list of changes out. Each change says whether it makes the
catalog *harsher* for the subjects it scores (a bigger penalty, a smaller reward, a
longer validity, a shorter notice, a later repair, a new denial...), *milder*, *mixed*
(both at once) or *neutral* (a new title or legal basis)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from xinyong.domain.calendar import Duration
from xinyong.domain.catalog.model import Catalog, ListDefinition, Measure, Rule

Direction = Literal["harsher", "milder", "mixed", "neutral"]
Part = Literal["catalog", "rule", "list", "measure"]

_EPOCH = dt.date(2000, 1, 1)
# How hard a measure's effect falls on the subject: a benefit favours, a denial hurts most.
_SEVERITY = {"benefit": -1, "allow": 0, "review": 1, "deny": 2}
# How widely a list publishes its entries.
_REACH = {"none": 0, "organisations": 1, "all": 2}


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of a rule, list, measure or of the catalog itself, before and after."""

    field: str
    before: Any  # a display value: a number, a duration as text, a tuple, or None
    after: Any
    direction: Direction


@dataclass(frozen=True, slots=True)
class Change:
    part: Part
    name: str  # the rule's name, the list's id, the measure's name, or the catalog id
    change: Literal["added", "removed", "changed"]
    direction: Direction
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True, slots=True)
class CatalogDiff:
    catalog: str
    before: str  # version
    after: str
    changes: tuple[Change, ...]

    def of(self, part: Part) -> list[Change]:
        return [c for c in self.changes if c.part == part]

    def find(self, part: Part, name: str) -> Change | None:
        return next((c for c in self.changes if c.part == part and c.name == name), None)

    @property
    def harsher(self) -> list[Change]:
        return [c for c in self.changes if c.direction in ("harsher", "mixed")]

    @property
    def milder(self) -> list[Change]:
        return [c for c in self.changes if c.direction in ("milder", "mixed")]


def combine(directions: Iterable[Direction]) -> Direction:
    """The direction of several changes together."""
    found = {d for d in directions if d != "neutral"}
    if "mixed" in found or {"harsher", "milder"} <= found:
        return "mixed"
    return found.pop() if found else "neutral"


def _days(value: Duration | None, none_is_forever: bool) -> float:
    """A duration as a number of days after a fixed day, for comparisons; None is 0 or
    forever as the field means it."""
    if value is None:
        return float("inf") if none_is_forever else 0.0
    return float((value.after(_EPOCH) - _EPOCH).days)


def _shown(value: Any) -> Any:
    if isinstance(value, Duration):
        return str(value)
    if isinstance(value, tuple):
        return tuple(_shown(v) for v in value)
    return value


def _compare(before: float, after: float, worse_when_larger: bool) -> Direction:
    if after == before:
        return "neutral"
    larger = after > before
    return "harsher" if larger == worse_when_larger else "milder"


def _field(name: str, before: Any, after: Any, direction: Direction) -> FieldChange:
    return FieldChange(name, _shown(before), _shown(after), direction)


_NEUTRAL_RULE_FIELDS = ("title", "description", "category", "legal_basis", "proportionality")


def _rule_fields(before: Rule, after: Rule, old: Catalog, new: Catalog) -> list[FieldChange]:
    fields: list[FieldChange] = []
    penalty = before.points < 0 or after.points < 0
    reward = before.points > 0 and after.points > 0
    if before.points != after.points:
        fields.append(_field("points", before.points, after.points, _compare(before.points, after.points, False)))
    if before.valid_for != after.valid_for:
        # A penalty that counts longer hurts; a reward that counts longer helps.
        longer_is_worse = penalty
        direction = _compare(_days(before.valid_for, False), _days(after.valid_for, False), longer_is_worse)
        fields.append(
            _field("valid_for", before.valid_for, after.valid_for, direction if (penalty or reward) else "neutral")
        )
    if before.notice != after.notice:
        direction = _compare(_days(before.notice, False), _days(after.notice, False), False)
        fields.append(_field("notice", before.notice, after.notice, direction if penalty else "neutral"))
    if before.repairable_after != after.repairable_after:
        # No repairable_after: repair is never possible, the longest wait of all.
        direction = _compare(_days(before.repairable_after, True), _days(after.repairable_after, True), True)
        fields.append(
            _field(
                "repairable_after", before.repairable_after, after.repairable_after, direction if penalty else "neutral"
            )
        )
    if before.cap_per_year != after.cap_per_year:
        # A cap limits what counts: a tighter cap helps on a penalty and hurts on a reward.
        was = float("inf") if before.cap_per_year is None else before.cap_per_year
        now = float("inf") if after.cap_per_year is None else after.cap_per_year
        direction = _compare(was, now, penalty)
        fields.append(
            _field(
                "cap_per_year", before.cap_per_year, after.cap_per_year, direction if (penalty or reward) else "neutral"
            )
        )
    if before.list != after.list:
        fields.append(_field("list", before.list, after.list, _list_placement(before, after, old, new)))
    was_duration = _placement_duration(before, old)
    now_duration = _placement_duration(after, new)
    if before.list is not None and before.list == after.list and was_duration != now_duration:
        black = _list_kind(after.list, new) == "black"
        direction = _compare(_days(was_duration, True), _days(now_duration, True), black)
        fields.append(_field("list_duration", was_duration, now_duration, direction))
    if before.restore_on_fulfilment != after.restore_on_fulfilment:
        direction = "milder" if after.restore_on_fulfilment else "harsher"
        fields.append(
            _field(
                "restore_on_fulfilment",
                before.restore_on_fulfilment,
                after.restore_on_fulfilment,
                direction if penalty else "neutral",
            )
        )
    for name in _NEUTRAL_RULE_FIELDS:
        if getattr(before, name) != getattr(after, name):
            fields.append(_field(name, getattr(before, name), getattr(after, name), "neutral"))
    return fields


def _list_kind(list_id: str | None, catalog: Catalog) -> str | None:
    definition = catalog.lists.get(list_id) if list_id else None
    return definition.kind if definition else None


def _placement_duration(rule: Rule, catalog: Catalog) -> Duration | None:
    """How long the rule's list entry lasts: its own list_duration, else the list's."""
    if rule.list is None:
        return None
    if rule.list_duration is not None:
        return rule.list_duration
    definition = catalog.lists.get(rule.list)
    return definition.duration if definition else None


def _list_placement(before: Rule, after: Rule, old: Catalog, new: Catalog) -> Direction:
    """A placement on a blacklist gained is harsher, on a redlist milder; lost, the reverse."""
    gained = {"black": "harsher", "red": "milder"}
    lost = {"black": "milder", "red": "harsher"}
    directions: list[Direction] = []
    if before.list is not None:
        directions.append(lost.get(_list_kind(before.list, old) or "", "neutral"))  # type: ignore[arg-type]
    if after.list is not None:
        directions.append(gained.get(_list_kind(after.list, new) or "", "neutral"))  # type: ignore[arg-type]
    return combine(directions)


def _rule_added(rule: Rule, catalog: Catalog) -> Direction:
    if rule.points < 0 or _list_kind(rule.list, catalog) == "black":
        return "harsher"
    if rule.points > 0 or _list_kind(rule.list, catalog) == "red":
        return "milder"
    return "neutral"


def _opposite(direction: Direction) -> Direction:
    return {"harsher": "milder", "milder": "harsher"}.get(direction, direction)  # type: ignore[return-value]


def _list_fields(before: ListDefinition, after: ListDefinition) -> list[FieldChange]:
    fields: list[FieldChange] = []
    black = after.kind == "black"
    if before.kind != after.kind:
        fields.append(_field("kind", before.kind, after.kind, "harsher" if after.kind == "black" else "milder"))
    if before.duration != after.duration:
        direction = _compare(_days(before.duration, True), _days(after.duration, True), black)
        fields.append(_field("duration", before.duration, after.duration, direction))
    if set(before.removal) != set(after.removal):
        lost, gained = set(before.removal) - set(after.removal), set(after.removal) - set(before.removal)
        # Fewer ways off a blacklist is harsher; off a redlist, milder.
        parts: list[Direction] = []
        if lost:
            parts.append("harsher" if black else "milder")
        if gained:
            parts.append("milder" if black else "harsher")
        fields.append(_field("removal", tuple(before.removal), tuple(after.removal), combine(parts)))
    if before.publish != after.publish:
        direction = _compare(_REACH[before.publish], _REACH[after.publish], True)
        fields.append(_field("publish", before.publish, after.publish, direction if black else "neutral"))
    for name in ("title", "description", "legal_basis"):
        if getattr(before, name) != getattr(after, name):
            fields.append(_field(name, getattr(before, name), getattr(after, name), "neutral"))
    return fields


def measure_key(catalog: Catalog, index: int) -> str:
    """How a measure is matched across versions: its id, else its trigger and action."""
    measure = catalog.measures[index]
    if measure.id:
        return measure.id
    when = f"list {measure.when.list}" if measure.when.list else "grades " + ",".join(measure.when.grades or ())
    return f"{when} → {measure.action}"


def _measure_added(measure: Measure) -> Direction:
    severity = _SEVERITY[measure.effect]
    return "harsher" if severity > 0 else "milder" if severity < 0 else "neutral"


def _measure_fields(before: Measure, after: Measure) -> list[FieldChange]:
    fields: list[FieldChange] = []
    if before.effect != after.effect:
        direction = _compare(_SEVERITY[before.effect], _SEVERITY[after.effect], True)
        fields.append(_field("effect", before.effect, after.effect, direction))
    if before.when.grades != after.when.grades:
        was, now = set(before.when.grades or ()), set(after.when.grades or ())
        # A measure that reaches more grades hurts more people if it hurts, helps more if it helps.
        hurts = _SEVERITY[after.effect] > 0
        helps = _SEVERITY[after.effect] < 0
        parts: list[Direction] = []
        if now - was:
            parts.append("harsher" if hurts else "milder" if helps else "neutral")
        if was - now:
            parts.append("milder" if hurts else "harsher" if helps else "neutral")
        fields.append(_field("when.grades", before.when.grades, after.when.grades, combine(parts)))
    if before.when.list != after.when.list:
        fields.append(_field("when.list", before.when.list, after.when.list, "neutral"))
    for name in ("action", "benefit", "title", "legal_basis", "proportionality", "applies_to"):
        if getattr(before, name) != getattr(after, name):
            fields.append(_field(name, getattr(before, name), getattr(after, name), "neutral"))
    return fields


def _catalog_fields(before: Catalog, after: Catalog) -> list[FieldChange]:
    fields: list[FieldChange] = []
    if before.base != after.base:
        fields.append(_field("base", before.base, after.base, _compare(before.base, after.base, False)))
    old_bands = {g.name: g.min for g in before.grades}
    new_bands = {g.name: g.min for g in after.grades}
    for name in [g.name for g in after.grades] + [n for n in old_bands if n not in new_bands]:
        was, now = old_bands.get(name), new_bands.get(name)
        if name in old_bands and name in new_bands and was != now:
            # A band that needs more points is harder to reach.
            def lo(v: int | None) -> float:
                return float("-inf") if v is None else v

            fields.append(_field(f"grades.{name}", was, now, _compare(lo(was), lo(now), True)))
        elif name not in old_bands or name not in new_bands:
            fields.append(_field(f"grades.{name}", was, now, "neutral"))
    for name in ("dispute_deadline", "repair_deadline"):
        was, now = getattr(before, name), getattr(after, name)
        if was != now:
            # The longer the authority may take, the longer the subject waits.
            direction = _compare(_days(was, True), _days(now, True), True)
            fields.append(_field(name, was, now, direction))
    for name in ("title", "description", "jurisdiction", "legal_basis", "subject_kind"):
        if getattr(before, name) != getattr(after, name):
            fields.append(_field(name, getattr(before, name), getattr(after, name), "neutral"))
    return fields


def diff(before: Catalog, after: Catalog) -> CatalogDiff:
    """The changes from ``before`` to ``after`` (normally two versions of one catalog,
    older first): the catalog's own fields, then rules, lists and measures by name."""
    changes: list[Change] = []
    fields = _catalog_fields(before, after)
    if fields:
        changes.append(Change("catalog", after.id, "changed", combine(f.direction for f in fields), tuple(fields)))

    for name in sorted(before.rules.keys() | after.rules.keys()):
        old, new = before.rules.get(name), after.rules.get(name)
        if old is None and new is not None:
            changes.append(Change("rule", name, "added", _rule_added(new, after)))
        elif new is None and old is not None:
            changes.append(Change("rule", name, "removed", _opposite(_rule_added(old, before))))
        elif old is not None and new is not None and old != new:
            fields = _rule_fields(old, new, before, after)
            changes.append(Change("rule", name, "changed", combine(f.direction for f in fields), tuple(fields)))

    for list_id in sorted(before.lists.keys() | after.lists.keys()):
        old_list, new_list = before.lists.get(list_id), after.lists.get(list_id)
        if old_list is None and new_list is not None:
            changes.append(Change("list", list_id, "added", "harsher" if new_list.kind == "black" else "milder"))
        elif new_list is None and old_list is not None:
            changes.append(Change("list", list_id, "removed", "milder" if old_list.kind == "black" else "harsher"))
        elif old_list is not None and new_list is not None and old_list != new_list:
            fields = _list_fields(old_list, new_list)
            changes.append(Change("list", list_id, "changed", combine(f.direction for f in fields), tuple(fields)))

    old_measures = {measure_key(before, i): m for i, m in enumerate(before.measures)}
    new_measures = {measure_key(after, i): m for i, m in enumerate(after.measures)}
    for key in list(new_measures) + [k for k in old_measures if k not in new_measures]:
        old_m, new_m = old_measures.get(key), new_measures.get(key)
        if old_m is None and new_m is not None:
            changes.append(Change("measure", key, "added", _measure_added(new_m)))
        elif new_m is None and old_m is not None:
            changes.append(Change("measure", key, "removed", _opposite(_measure_added(old_m))))
        elif old_m is not None and new_m is not None and old_m != new_m:
            fields = _measure_fields(old_m, new_m)
            changes.append(Change("measure", key, "changed", combine(f.direction for f in fields), tuple(fields)))
    return CatalogDiff(after.id, before.version, after.version, tuple(changes))
