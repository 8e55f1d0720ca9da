"""Notices: what a subject (or a source) is told, and when. Pure: which events and which
days cause which notices, and what facts they carry. Storage writes them to an outbox in
the same transaction as the event that causes them; channels deliver them.

A notice says nothing in a language: it carries a message key (its title is
``KEY.title``, its text begins with ``KEY``), the further sentences of its text as
:class:`~xinyong.domain.messages.Message` lines, and its facts as fields. The
entrypoints and channels render it in the reader's language (``xinyong.messages``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass, field
from typing import Any

from xinyong.domain.calendar import day_before
from xinyong.domain.catalog.registry import CatalogRegistry
from xinyong.domain.events import (
    Annulled,
    DisputeFiled,
    DisputeResolved,
    Fulfilled,
    RecordChange,
    Repaired,
    SubjectEvent,
)
from xinyong.domain.federation import Bundle, BundleEntry
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.messages import Message, declare, declare_notice
from xinyong.domain.standing import CheckDecision, RecordFile, Timeline, repairable_from, rule_in_force, timeline

# The notices, by key.
RECORD_NEW = declare_notice("notice.record.new")
RECORD_EFFECTIVE = declare_notice("notice.record.effective")
RECORD_ANNULLED = declare_notice("notice.record.annulled")
DISPUTE_FILED = declare_notice("notice.dispute.filed")
DISPUTE_FILED_SOURCE = declare_notice("notice.dispute.filed.source")
DISPUTE_DECIDED = declare_notice("notice.dispute.decided")
DISPUTE_DECIDED_SOURCE = declare_notice("notice.dispute.decided.source")
REPAIR_APPLIED = declare_notice("notice.repair.applied")
REPAIR_GRANTED = declare_notice("notice.repair.granted")
REPAIR_REFUSED = declare_notice("notice.repair.refused")
REVIEW_DECIDED = declare_notice("notice.review.decided")
FULFILLED = declare_notice("notice.fulfilled")
LIST_STARTED = declare_notice("notice.list.started")
LIST_ENDED = declare_notice("notice.list.ended")
ADVERSE = {"deny": declare_notice("notice.adverse.deny"), "review": declare_notice("notice.adverse.review")}
FOREIGN_ENTRY = declare_notice("notice.foreign.entry")
SUBJECT_REGISTERED = declare_notice("notice.subject.registered")
SUBJECT_CHANGED = declare_notice("notice.subject.changed")
CONTACT_SET = declare_notice("notice.contact.set")
CONTACT_REPLACED = declare_notice("notice.contact.changed")
CONTACT_LANGUAGE = {
    "zh-CN": declare_notice("notice.contact.language.zh"),
    "en": declare_notice("notice.contact.language.en"),
}
OPTIN_CONSENT_GIVEN = declare_notice("notice.optin.consent_given")
OPTIN_CONSENT_WITHDRAWN = declare_notice("notice.optin.consent_withdrawn")

# The further sentences of their texts.
HOW_TO_DISPUTE = declare("notice.how_to_dispute")
HOW_TO_CONTEST = declare("notice.how_to_contest")
DISPUTE_WITH_NODE = declare("notice.foreign.dispute_with")
NOT_YOU = declare("notice.contact.not_you")
PLACEMENT = declare("notice.record.placement")
LIST_WITHHELD = declare("notice.record.list_withheld")
WINDOW = {
    "open": declare("notice.record.window.open"),
    "closed": declare("notice.record.window.closed"),
    "none": declare("notice.record.window.none"),
}
SUSPENDED = {True: declare("notice.dispute.filed.suspended"), False: declare("notice.dispute.filed.counting")}
DISPUTE_DEADLINE = declare("notice.dispute.filed.deadline")
DISPUTE_DEADLINE_SOURCE = declare("notice.dispute.filed.source.deadline")
OUTCOME = {
    name: declare(f"notice.outcome.{name}") for name in ("upheld", "annulled", "granted", "confirmed", "overturned")
}
DISPUTE_RESULT = {
    "annulled": declare("notice.dispute.decided.annulled"),
    "upheld": declare("notice.dispute.decided.upheld"),
}
REASONS = declare("notice.reasons")
DECIDE_BY = declare("notice.decide_by")
FULFILLED_LIST_ENDED = declare("notice.fulfilled.list_ended")
FULFILLED_POINTS_ENDED = declare("notice.fulfilled.points_ended")
LIST_UNTIL = {True: declare("notice.list.until"), False: declare("notice.list.until_removed")}
LIST_WAYS_OFF = declare("notice.list.ways_off")
ADVERSE_REASON = {
    (effect, trigger): declare(f"notice.adverse.reason.{effect}.{trigger}")
    for effect in ("deny", "review")
    for trigger in ("list", "grade")
}
SUBJECT_NAMED = {True: declare("notice.subject.name"), False: declare("notice.subject.no_name")}
SUBJECT_CHANGE = {
    "jurisdiction": declare("notice.subject.changed.jurisdiction"),
    "name": declare("notice.subject.changed.name"),
    "name_set": declare("notice.subject.changed.name_set"),
    "name_removed": declare("notice.subject.changed.name_removed"),
}
SUBJECT_WHY = declare("notice.subject.why")

# Why a list placement a rule calls for was not made (``list_withheld``).
MINOR = "minor"


@dataclass(frozen=True)
class NoticeDraft:
    """A notice to be written: to a subject, or to the source of a record. Its text is
    the sentence ``key`` followed by ``lines``; each is filled from ``fields`` and the
    line's own fields."""

    kind: str
    subject: SubjectRef
    key: str
    fields: dict[str, Any] = field(default_factory=dict)
    lines: tuple[Message, ...] = ()
    record: str | None = None
    to_source: str | None = None  # set: the notice goes to this source, not the subject
    dedupe: str | None = None  # set: at most one notice with this key is ever written
    # The ledger event that caused the notice (a dispute's filing, its decision), when it
    # has an id: named in the webhook a source's notice is also sent as. Not stored.
    event: str | None = None

    def __post_init__(self) -> None:
        # A notice keeps the facts as they were, in the catalog's own words: a catalog's
        # text is stored as the plain string, and rendered in the reader's language by
        # looking the text up again (catalog, version and rule are among the fields).
        object.__setattr__(self, "fields", _plain(self.fields))
        # A line without fields (the shared ones of ``_lines``) has nothing to make plain.
        object.__setattr__(
            self, "lines", tuple(m if not m.fields else Message(m.key, _plain(m.fields)) for m in self.lines)
        )

    def message_keys(self) -> list[str]:
        """Every message key the notice's rendering looks up."""
        return [f"{self.key}.title", self.key, *(line.key for line in self.lines)]


def _plain(fields: Mapping[str, Any]) -> dict[str, Any]:
    """``fields`` with every catalog text (a ``str`` that knows its translations) as a
    plain ``str``, nested mappings and lists included."""
    # One pass, the common values (plain strings, numbers, days) taken as they are
    # without a call: every notice goes through here, most of their values are scalars.
    found: dict[str, Any] = {}
    for key, value in fields.items():
        found[key] = value if type(value) in _SCALARS else _plain_value(value)
    return found


def _plain_value(value: Any) -> Any:
    if isinstance(value, str):
        return str(value) if type(value) is not str else value
    if isinstance(value, Mapping):
        return {k: _plain_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_plain_value(v) for v in value)
    return value


# Values that ``_plain`` leaves as they are: exactly these types (a subclass of ``str``
# may be a catalog text, and containers are looked into).
_SCALARS = frozenset({str, int, bool, float, type(None), dt.date})


def quoted_in(
    fields: Mapping[str, Any], registry: CatalogRegistry, language: str, day: str | None = None
) -> dict[str, Any]:
    """A notice's (or a line's) ``fields`` with the catalog texts they quote given in
    ``language``: the name of the authority that is its ``source``, the rule's title and
    legal basis and its list's title, looked up in the
    catalog version the notice names (``rule``, ``catalog_version``); a reason's legal
    basis, looked up by its ``catalog`` and ``measure`` in the version in force on ``day``
    (the check's day). A field whose catalog, version, rule or measure is not loaded stays
    as stored: in the catalog's own words."""
    found = dict(fields)
    rule_ref, version_name = fields.get("rule"), fields.get("catalog_version")
    source = fields.get("source")
    if isinstance(source, str):
        # The authority by its name, as the catalog of the rule names it.
        owner_id = rule_ref.split("/", 1)[0] if isinstance(rule_ref, str) and "/" in rule_ref else None
        name = registry.source_name(source, owner_id)
        if name is not None:
            found["source"] = name.in_language(language)
    if isinstance(rule_ref, str) and "/" in rule_ref and isinstance(version_name, str):
        catalog_id, rule = rule_ref.split("/", 1)
        version = registry.version(catalog_id, version_name)
        if version is not None:
            for key, path in (
                ("rule_title", f"rules.{rule}.title"),
                ("legal_basis", f"rules.{rule}.legal_basis"),
                ("list_title", f"lists.{fields.get('list')}.title"),
            ):
                text = version.text(path, language) if fields.get(key) is not None else None
                if text is not None:
                    found[key] = text
        return found
    owner, measure = fields.get("catalog"), fields.get("measure")
    if isinstance(owner, str) and isinstance(measure, str) and fields.get("legal_basis") is not None:
        in_force = registry.in_force(owner, dt.date.fromisoformat(day)) if day else None
        versions = [in_force] if in_force is not None else list(reversed(registry.versions(owner)))
        for candidate in versions:
            index = next((i for i in range(len(candidate.measures)) if candidate.measure_name(i) == measure), None)
            if index is not None:
                text = candidate.text(f"measures.{candidate.measure_key(index)}.legal_basis", language)
                if text is not None:
                    found["legal_basis"] = text
                break
    return found


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


# A line without fields of its own is the same immutable value in every notice.
_PLAIN_LINES: dict[str, Message] = {}


def _lines(*keys: str | None) -> tuple[Message, ...]:
    return tuple(_PLAIN_LINES.get(key) or _PLAIN_LINES.setdefault(key, Message(key)) for key in keys if key is not None)


def _record_facts(file: RecordFile, line: Timeline, registry: CatalogRegistry) -> dict[str, Any]:
    version, rule = rule_in_force(file.record, registry)
    facts: dict[str, Any] = {
        "record": file.id,
        "rule": file.record.rule,
        "rule_title": rule.title,
        "legal_basis": rule.legal_basis,
        "catalog_version": version.version,
        "points": rule.points,
        "source": file.record.source,
        "reference": file.record.reference,
        "occurred_on": _day(file.record.occurred_on),
        "decided_on": _day(file.record.decided_on),
        "effective_on": _day(line.effective_on),
        "expires_on": _day(line.expires_on),
        "ends_on": _day(line.ends_on),
    }
    if rule.list is not None:
        definition = registry.list_definition(rule.list, line.effective_on)
        facts["list"] = rule.list
        facts["list_title"] = definition.title if definition else None
        if file.subject.is_minor_on(file.record.occurred_on):
            # A person under 18 when the act happened is never placed on a list.
            facts["list_withheld"] = MINOR
    # earliest_repair's day, from the effective_on the timeline already holds (the same
    # one, computed from decided_on whatever a dispute did) rather than derived again.
    if (repair := repairable_from(rule, line.effective_on)) is not None:
        facts["repairable_from"] = _day(repair)
    return facts


def record_notice(
    file: RecordFile,
    registry: CatalogRegistry,
    today: dt.date | None = None,
    timelines: Callable[[RecordFile], Timeline] | None = None,
) -> NoticeDraft:
    """The notice that a record was made: before it takes effect, with the last day to
    dispute it while it does not yet count. ``today`` is the day the notice is written:
    a record entered after that last day is told as already in effect. ``timelines``
    (:class:`Timelines` of ``registry``) shares the record's timeline with the caller."""
    line = timelines(file) if timelines is not None else timeline(file, registry)
    facts = _record_facts(file, line, registry)
    last_day = day_before(line.effective_on)
    facts["dispute_before_effect_until"] = _day(last_day) if last_day >= file.record.decided_on else None
    if not facts["dispute_before_effect_until"]:
        window = "none"
    elif today is None or last_day >= today:
        window = "open"
    else:
        window = "closed"
    facts["dispute_window"] = window
    placement = None
    if "list" in facts:
        placement = LIST_WITHHELD if "list_withheld" in facts else PLACEMENT
    return NoticeDraft(
        "record",
        file.subject,
        RECORD_NEW,
        facts,
        _lines(placement, WINDOW[window], HOW_TO_DISPUTE),
        file.id,
        dedupe=f"record:{file.id}",
    )


def change_notices(
    before: RecordFile,
    change: RecordChange,
    after: RecordFile,
    registry: CatalogRegistry,
    timelines: Callable[[RecordFile], Timeline] | None = None,
) -> list[NoticeDraft]:
    """Notices caused by a later event on a record; ``timelines`` as for
    :func:`record_notice`."""
    derive = timelines if timelines is not None else (lambda f: timeline(f, registry))
    line_before = derive(before)
    line = derive(after)
    facts = _record_facts(after, line, registry)
    facts["on"] = _day(change.on)
    subject, record, source = after.subject, after.id, after.record.source
    drafts: list[NoticeDraft] = []
    if isinstance(change, DisputeFiled):
        deadline = next((d.deadline for d in reversed(line.disputes) if d.filed_on == change.on), None)
        facts["decide_by"] = _day(deadline)
        facts["suspended"] = change.on < line.effective_on
        drafts.append(
            NoticeDraft(
                "dispute_filed",
                subject,
                DISPUTE_FILED,
                facts,
                _lines(SUSPENDED[facts["suspended"]], DISPUTE_DEADLINE if deadline else None),
                record,
            )
        )
        drafts.append(
            NoticeDraft(
                "dispute_filed",
                subject,
                DISPUTE_FILED_SOURCE,
                facts,
                _lines(DISPUTE_DEADLINE_SOURCE if deadline else None),
                record,
                to_source=source,
                event=change.id,
            )
        )
    elif isinstance(change, DisputeResolved):
        facts["outcome"] = change.outcome
        facts["reasons"] = change.reasons
        drafts.append(
            NoticeDraft(
                "dispute_decided",
                subject,
                DISPUTE_DECIDED,
                facts,
                _lines(OUTCOME[change.outcome], DISPUTE_RESULT[change.outcome], REASONS if change.reasons else None),
                record,
            )
        )
        drafts.append(
            NoticeDraft(
                "dispute_decided",
                subject,
                DISPUTE_DECIDED_SOURCE,
                facts,
                _lines(OUTCOME[change.outcome]),
                record,
                source,
                event=change.id,
            )
        )
    elif isinstance(change, Repaired):
        drafts.append(NoticeDraft("repair_granted", subject, REPAIR_GRANTED, facts, (), record))
    elif isinstance(change, Annulled):
        drafts.append(NoticeDraft("annulled", subject, RECORD_ANNULLED, facts, (), record))
    elif isinstance(change, Fulfilled):
        ended: list[str] = []
        if line_before.placement and line.placement != line_before.placement:
            facts["list_ended"] = line_before.placement.list
            ended.append(FULFILLED_LIST_ENDED)
        if line.ends_on != line_before.ends_on:
            facts["points_ended"] = True
            ended.append(FULFILLED_POINTS_ENDED)
        drafts.append(NoticeDraft("fulfilled", subject, FULFILLED, facts, _lines(*ended), record))
    return drafts


def due_notice_keys(line: Timeline, day: dt.date) -> list[str]:
    """The dedupe keys of the notices :func:`due_notices` gives for a record of timeline
    ``line`` by ``day``, without writing them out: a round asks which were written
    already before it writes out those that were not."""
    if line.annulled:
        return []
    keys = []
    start = line.starts_counting()
    if start is not None and start <= day:
        keys.append(f"effective:{line.file.id}")
    p = line.placement
    if p is not None:
        if p.start <= day:
            keys.append(f"list-start:{line.file.id}")
        if p.until is not None and p.until <= day:
            keys.append(f"list-end:{line.file.id}:{p.until}")
    return keys


def next_due_day(line: Timeline, day: dt.date) -> dt.date | None:
    """The first day after ``day`` on which a record of timeline ``line`` has a notice
    more to give (:func:`due_notice_keys`): the day it starts counting, or its list
    entry starts or ends. None when nothing more comes due, whatever the day, until its
    file changes. A round keeps it, so that the next day's round reads only the records
    something comes due for."""
    if line.annulled:
        return None
    p = line.placement
    days = (line.starts_counting(), p.start if p else None, p.until if p else None)
    later = [d for d in days if d is not None and d > day]
    return min(later) if later else None


def due_notices(
    file: RecordFile,
    registry: CatalogRegistry,
    day: dt.date,
    timelines: Callable[[RecordFile], Timeline] | None = None,
    *,
    unless: Container[str] = (),
) -> list[NoticeDraft]:
    """Notices of what a record's timeline brings about by ``day``: it took effect, its
    list entry started or ended. Each has a dedupe key (:func:`due_notice_keys`), so a
    daily run tells once; those whose key is in ``unless`` are left out.
    ``timelines`` (:class:`Timelines` of ``registry``) shares the record's timeline with
    the caller."""
    line = timelines(file) if timelines is not None else timeline(file, registry)
    keys = [k for k in due_notice_keys(line, day) if k not in unless]
    if not keys:
        return []
    facts = _record_facts(file, line, registry)
    drafts = []
    for key in keys:
        if key.startswith("effective:"):
            start = line.starts_counting()
            drafts.append(
                NoticeDraft(
                    "record_effective",
                    file.subject,
                    RECORD_EFFECTIVE,
                    {**facts, "counting_from": _day(start)},
                    (),
                    file.id,
                    dedupe=key,
                )
            )
            continue
        p = line.placement
        assert p is not None
        entry = {**facts, "list": p.list, "from": _day(p.start), "until": _day(p.until)}
        if key.startswith("list-start:"):
            drafts.append(
                NoticeDraft(
                    "list_entry_started",
                    file.subject,
                    LIST_STARTED,
                    entry,
                    _lines(LIST_UNTIL[p.until is not None], LIST_WAYS_OFF, HOW_TO_DISPUTE),
                    file.id,
                    dedupe=key,
                )
            )
        else:
            drafts.append(NoticeDraft("list_entry_ended", file.subject, LIST_ENDED, entry, (), file.id, dedupe=key))
    return drafts


def adverse_action_notice(decision: CheckDecision, asked_by: str, check_ref: str) -> NoticeDraft | None:
    """A check that denied an action or sent it to review tells the subject why."""
    if decision.decision == "allow":
        return None
    reasons: list[dict[str, Any]] = []
    lines: list[Message] = []
    for r in decision.reasons:
        trigger = {k: v for k, v in dict(r.trigger).items() if k != "score"}
        reasons.append(
            {
                "catalog": r.catalog,
                "measure": r.measure,
                "effect": r.effect,
                "trigger": trigger,
                "legal_basis": r.legal_basis,
            }
        )
        if r.effect in ("deny", "review"):
            fields = {"catalog": r.catalog, "measure": r.measure, "legal_basis": r.legal_basis, **trigger}
            lines.append(Message(ADVERSE_REASON[(r.effect, "list" if "list" in trigger else "grade")], fields))
    return NoticeDraft(
        "adverse_action",
        decision.subject,
        ADVERSE[decision.decision],
        {
            "action": decision.action,
            "decision": decision.decision,
            "asked_by": asked_by,
            "as_of": _day(decision.as_of),
            "check": check_ref,
            "reasons": reasons,
        },
        (*lines, Message(HOW_TO_CONTEST)),
    )


def foreign_entry_notice(subject: SubjectRef, entry: BundleEntry, bundle: Bundle) -> NoticeDraft:
    """A local subject first reached by an entry of another node's list is told which
    list, from which node, since when and why, and that the entry is disputed with that
    node, which keeps the record (docs/design.md section 10)."""
    return NoticeDraft(
        "foreign_entry",
        subject,
        FOREIGN_ENTRY,
        {
            "list": bundle.name,
            "node": bundle.node,
            "title": bundle.title,
            "record": entry.record,
            "from": _day(entry.start),
            "until": _day(entry.until) if entry.until else None,
            "legal_basis": entry.legal_basis,
            "as_of": _day(bundle.as_of),
        },
        (Message(DISPUTE_WITH_NODE, {"node": bundle.node, "record": entry.record}),),
        record=None,
        dedupe=f"foreign:{bundle.name}:{entry.record}",
    )


# ---------------------------------------------------------------------- cases


def repair_applied_notice(
    subject: SubjectRef, record: str, case: str, on: dt.date, decide_by: dt.date | None
) -> NoticeDraft:
    """The notice that an application to repair a record was received."""
    return NoticeDraft(
        "repair_applied",
        subject,
        REPAIR_APPLIED,
        {"record": record, "case": case, "on": _day(on), "decide_by": _day(decide_by)},
        _lines(DECIDE_BY if decide_by else None),
        record,
    )


def repair_refused_notice(subject: SubjectRef, record: str | None, case: str, on: dt.date, reasons: str) -> NoticeDraft:
    """The notice that an application to repair a record was refused, and why."""
    return NoticeDraft(
        "repair_refused",
        subject,
        REPAIR_REFUSED,
        {"record": record, "case": case, "on": _day(on), "reasons": reasons},
        _lines(REASONS),
        record,
    )


def review_decided_notice(
    subject: SubjectRef, case: str, action: str | None, outcome: str, reasons: str, on: dt.date
) -> NoticeDraft:
    """The notice that a human reviewed a check's decision: ``outcome`` is
    ``confirmed`` or ``overturned``."""
    return NoticeDraft(
        "review_decided",
        subject,
        REVIEW_DECIDED,
        {"case": case, "outcome": outcome, "reasons": reasons, "action": action, "on": _day(on)},
        _lines(OUTCOME[outcome], REASONS),
    )


# ---------------------------------------------------------------------- subject facts

CONTACT_CHANGED = "contact_changed"
EMAIL_LANGUAGE = "email_language"


def mask_email(address: str | None) -> str | None:
    """An address as a notice shows it: enough to recognise it, not to use it
    (``wang.wu@example.org`` → ``w***@example.org``)."""
    if address is None:
        return None
    local, _, domain = address.rpartition("@")
    return f"{local[:1]}***@{domain}"


def subject_facts_notice(before: SubjectEvent | None, after: SubjectEvent, on: dt.date) -> NoticeDraft | None:
    """The notice that a subject's facts were registered or changed: its jurisdiction
    (which decides the catalogs whose grade measures can reach it) and its name. None
    when neither changed."""
    changed = [
        name
        for name, old, new in (
            ("jurisdiction", before.jurisdiction if before else None, after.jurisdiction),
            ("name", before.name if before else None, after.name),
        )
        if before is None or old != new
    ]
    if not changed:
        return None
    facts: dict[str, Any] = {
        "on": _day(on),
        "registered": before is None,
        "changed": changed,
        "jurisdiction": after.jurisdiction,
        "name": after.name,
        "previous_jurisdiction": before.jurisdiction if before else None,
        "previous_name": before.name if before else None,
    }
    if before is None:
        key, lines = SUBJECT_REGISTERED, _lines(SUBJECT_NAMED[bool(after.name)], SUBJECT_WHY)
    else:
        parts = []
        if "jurisdiction" in changed:
            parts.append(SUBJECT_CHANGE["jurisdiction"])
        if "name" in changed:
            parts.append(
                SUBJECT_CHANGE["name"]
                if before.name and after.name
                else SUBJECT_CHANGE["name_set"]
                if after.name
                else SUBJECT_CHANGE["name_removed"]
            )
        key, lines = SUBJECT_CHANGED, _lines(*parts, SUBJECT_WHY)
    return NoticeDraft("subject_facts", after.subject, key, facts, lines)


def language_notice(subject: SubjectRef, language: str, on: dt.date) -> NoticeDraft:
    """The notice that the subject's email will be written in ``language`` from ``on``
    (told in that language, like everything the subject reads from then on)."""
    return NoticeDraft(EMAIL_LANGUAGE, subject, CONTACT_LANGUAGE[language], {"on": _day(on), "language": language})


OPTIN_CONSENT = "optin_consent"


def optin_consent_notice(
    subject: SubjectRef,
    given: bool,
    scorecard: str,
    on: dt.date,
    sources: tuple[str, ...] = (),
    purposes: tuple[str, ...] = (),
    erased: int = 0,
    names: Mapping[str, Mapping[str, str]] | None = None,
) -> NoticeDraft:
    """The notice that the subject gave its consent to an opt-in scorecard (naming the
    sources it may read and the purposes a lender may read it for), or withdrew it (and
    how many bills were erased with it). ``names`` gives, for each language, what the
    scorecard calls itself, its sources and its purposes (``Scorecard.names``): the
    notice says them in its reader's language (a field ``{"@": {language: text}}``)."""
    said = dict(names or {})

    def in_each(pick: Callable[[Mapping[str, str]], Any]) -> dict[str, Any] | None:
        return {"@": {language: pick(table) for language, table in said.items()}} if said else None

    fields: dict[str, Any] = {
        "scorecard": scorecard,
        "scorecard_title": in_each(lambda table: table.get("title", scorecard)),
        "on": _day(on),
    }
    if given:
        fields |= {
            "sources": ", ".join(sources),
            "source_names": in_each(lambda table: [table.get(f"sources.{s}", s) for s in sources]),
            "purposes": ", ".join(purposes),
            "purpose_names": in_each(lambda table: [table.get(f"purposes.{p}", p) for p in purposes]),
        }
        return NoticeDraft(OPTIN_CONSENT, subject, OPTIN_CONSENT_GIVEN, fields)
    fields["erased"] = erased
    return NoticeDraft(OPTIN_CONSENT, subject, OPTIN_CONSENT_WITHDRAWN, fields)


def contact_notice(subject: SubjectRef, previous: str | None, address: str, change: int, on: dt.date) -> NoticeDraft:
    """The notice that the address a subject's notices are emailed to was set or changed.
    Email delivery sends it to the new address and to the previous one (``change`` is
    the index of the new address in the subject's contact history, so that the channel
    can find both without the notice holding them in full)."""
    facts = {
        "on": _day(on),
        "email": mask_email(address),
        "previous_email": mask_email(previous),
        "contact_change": change,
    }
    key = CONTACT_SET if previous is None else CONTACT_REPLACED
    return NoticeDraft(CONTACT_CHANGED, subject, key, facts, _lines(NOT_YOU))
