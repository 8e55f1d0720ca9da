"""Notices: what a subject (or a source) is told, and when. Pure: which events and which
days cause which notices, and what they say. Storage writes them to an outbox in the
same transaction as the event that causes them; channels deliver them.

Every notice carries its facts as fields (so that a page can render it in any
language) and an English text."""

from __future__ import annotations

import datetime as dt
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
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.standing import CheckDecision, RecordFile, Timeline, earliest_repair, rule_in_force, timeline

HOW_TO_DISPUTE = (
    "To dispute it, file a dispute with your grounds in the portal or with "
    "POST /v1/me/disputes; a dispute filed before the record takes effect keeps it from "
    "counting until it is decided."
)
HOW_TO_CONTEST = (
    "You may dispute the record behind this decision (POST /v1/me/disputes) and ask for "
    "a human review of the decision itself (POST /v1/me/reviews)."
)


@dataclass(frozen=True)
class NoticeDraft:
    """A notice to be written: to a subject, or to the source of a record."""

    kind: str
    subject: SubjectRef
    title: str
    text: str
    fields: dict[str, Any] = field(default_factory=dict)
    record: str | None = None
    to_source: str | None = None  # set: the notice goes to this source, not the subject
    dedupe: str | None = None  # set: at most one notice with this key is ever written


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


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
    }
    if rule.list is not None:
        definition = registry.list_definition(rule.list, line.effective_on)
        facts["list"] = rule.list
        facts["list_title"] = definition.title if definition else None
        if file.subject.is_minor_on(file.record.occurred_on):
            facts["list_withheld"] = "a person under 18 when the act happened is never placed on a list"
    repair = earliest_repair(file, registry)
    if repair is not None:
        facts["repairable_from"] = _day(repair)
    return facts


def record_notice(file: RecordFile, registry: CatalogRegistry, today: dt.date | None = None) -> NoticeDraft:
    """The notice that a record was made: before it takes effect, with the last day to
    dispute it while it does not yet count. ``today`` is the day the notice is written:
    a record entered after that last day is told as already in effect."""
    line = timeline(file, registry)
    facts = _record_facts(file, line, registry)
    last_day = day_before(line.effective_on)
    facts["dispute_before_effect_until"] = _day(last_day) if last_day >= file.record.decided_on else None
    title = facts["rule_title"] or file.record.rule
    placement = ""
    if "list" in facts and "list_withheld" not in facts:
        placement = f" It places you on the list {facts['list']!r} ({facts['list_title'] or ''}) when it takes effect."
    if facts["dispute_before_effect_until"] and (today is None or last_day >= today):
        window = (
            f"You can dispute it until {facts['dispute_before_effect_until']} and it will not count until "
            "the dispute is decided; after that you can still dispute it, but it counts meanwhile."
        )
    elif facts["dispute_before_effect_until"]:
        window = "It is already in effect; you can still dispute it, but it counts meanwhile."
    else:
        window = "It takes effect at once; you can still dispute it."
    text = (
        f"{file.record.source} recorded '{title}' ({file.record.rule}, {rule_points(facts['points'])}) "
        f"{'for' if facts['points'] > 0 else 'against'} you, reference {file.record.reference or '-'}, "
        f"decided on {facts['decided_on']}, "
        f"legal basis: {facts['legal_basis'] or 'none given'}. It takes effect on {facts['effective_on']} "
        f"and counts until {facts['expires_on']}.{placement} {window} {HOW_TO_DISPUTE}"
    )
    return NoticeDraft("record", file.subject, f"New record: {title}", text, facts, file.id, dedupe=f"record:{file.id}")


def rule_points(points: int) -> str:
    return f"{points:+d} points" if points else "no points"


def change_notices(
    before: RecordFile, change: RecordChange, after: RecordFile, registry: CatalogRegistry
) -> list[NoticeDraft]:
    """Notices caused by a later event on a record."""
    line_before = timeline(before, registry)
    line = timeline(after, registry)
    facts = _record_facts(after, line, registry)
    facts["on"] = _day(change.on)
    subject, record, source = after.subject, after.id, after.record.source
    title = facts["rule_title"] or after.record.rule
    drafts: list[NoticeDraft] = []
    if isinstance(change, DisputeFiled):
        deadline = next((d.deadline for d in reversed(line.disputes) if d.filed_on == change.on), None)
        facts["decide_by"] = _day(deadline)
        facts["suspended"] = change.on < line.effective_on
        drafts.append(
            NoticeDraft(
                "dispute_filed",
                subject,
                f"Dispute filed: {title}",
                f"Your dispute of record {record} filed on {change.on} was received. "
                + (
                    "The record does not count until it is decided. "
                    if facts["suspended"]
                    else "The record keeps counting, marked as disputed, until it is decided. "
                )
                + (f"If it is not decided by {deadline}, the record stops counting from that day." if deadline else ""),
                facts,
                record,
            )
        )
        drafts.append(
            NoticeDraft(
                "dispute_filed",
                subject,
                f"Dispute filed on your record {record}",
                f"The subject of record {record} ({after.record.rule}, reference {after.record.reference or '-'}) "
                f"disputed it on {change.on}."
                + (f" Decide it by {deadline}, or the record stops counting." if deadline else ""),
                facts,
                record,
                to_source=source,
            )
        )
    elif isinstance(change, DisputeResolved):
        facts["outcome"] = change.outcome
        facts["reasons"] = change.reasons
        result = (
            "The record is annulled: it never counts, and any list entry it made is removed."
            if change.outcome == "annulled"
            else f"The record stands and counts until {_day(line.ends_on)}."
        )
        drafts.append(
            NoticeDraft(
                "dispute_decided",
                subject,
                f"Dispute decided: {title}",
                f"Your dispute of record {record} was decided on {change.on}: {change.outcome}. {result}"
                + (f" Reasons: {change.reasons}" if change.reasons else ""),
                facts,
                record,
            )
        )
        drafts.append(
            NoticeDraft(
                "dispute_decided",
                subject,
                f"Dispute on your record {record} decided",
                f"The dispute of record {record} was decided on {change.on}: {change.outcome}.",
                facts,
                record,
                to_source=source,
            )
        )
    elif isinstance(change, Repaired):
        drafts.append(
            NoticeDraft(
                "repair_granted",
                subject,
                f"Credit repair granted: {title}",
                f"Credit repair of record {record} was granted on {change.on}: the record and any "
                "list entry it made end on that day.",
                facts,
                record,
            )
        )
    elif isinstance(change, Annulled):
        drafts.append(
            NoticeDraft(
                "annulled",
                subject,
                f"Record annulled: {title}",
                f"The decision behind record {record} was revoked on {change.on}: the record never "
                "counts, and any list entry it made is removed.",
                facts,
                record,
            )
        )
    elif isinstance(change, Fulfilled):
        ended = []
        if line_before.placement and line.placement != line_before.placement:
            ended.append(f"your entry on the list {line_before.placement.list!r} ends on {change.on}")
        if line.ends_on != line_before.ends_on:
            ended.append(f"the record's points end on {_day(line.ends_on)}")
        drafts.append(
            NoticeDraft(
                "fulfilled",
                subject,
                f"Obligation fulfilled: {title}",
                f"Fulfilment of record {record} was registered on {change.on}"
                + (": " + "; ".join(ended) + "." if ended else "."),
                facts,
                record,
            )
        )
    return drafts


def due_notices(file: RecordFile, registry: CatalogRegistry, day: dt.date) -> list[NoticeDraft]:
    """Notices of what a record's timeline brings about by ``day``: it took effect, its
    list entry started or ended. Each has a dedupe key, so a daily run tells once."""
    line = timeline(file, registry)
    if line.annulled:
        return []
    facts = _record_facts(file, line, registry)
    title = facts["rule_title"] or file.record.rule
    drafts = []
    start = line.starts_counting()
    if start is not None and start <= day:
        drafts.append(
            NoticeDraft(
                "record_effective",
                file.subject,
                f"Record in effect: {title}",
                f"Record {file.id} ({file.record.rule}, {rule_points(facts['points'])}) counts from {start} "
                f"until {_day(line.ends_on)}.",
                {**facts, "counting_from": _day(start)},
                file.id,
                dedupe=f"effective:{file.id}",
            )
        )
    if line.placement is not None:
        p = line.placement
        if p.start <= day:
            drafts.append(
                NoticeDraft(
                    "list_entry_started",
                    file.subject,
                    f"Placed on list {p.list}",
                    f"Because of record {file.id}, you are on the list {p.list!r} from {p.start} "
                    f"until {_day(p.until) or 'removed'}. The measures that follow from it are "
                    f"shown in your report; the ways off the list are fulfilment, repair and "
                    "annulment where its catalog allows them. " + HOW_TO_DISPUTE,
                    {**facts, "from": _day(p.start), "until": _day(p.until)},
                    file.id,
                    dedupe=f"list-start:{file.id}",
                )
            )
        if p.until is not None and p.until <= day:
            drafts.append(
                NoticeDraft(
                    "list_entry_ended",
                    file.subject,
                    f"Off list {p.list}",
                    f"Your entry on the list {p.list!r} made by record {file.id} ended on {p.until}.",
                    {**facts, "from": _day(p.start), "until": _day(p.until)},
                    file.id,
                    dedupe=f"list-end:{file.id}:{p.until}",
                )
            )
    return drafts


def adverse_action_notice(decision: CheckDecision, asked_by: str, check_ref: str) -> NoticeDraft | None:
    """A check that denied an action or sent it to review tells the subject why."""
    if decision.decision == "allow":
        return None
    reasons = []
    for r in decision.reasons:
        if r.effect not in ("deny", "review"):
            continue
        t = dict(r.trigger)
        trigger = (
            f"your entry on the list {t['list']!r} (record {t['record']})"
            if "list" in t
            else f"your grade {t['grade']} under {r.catalog}"
        )
        reasons.append(
            f"{r.effect} by measure {r.measure} of {r.catalog} because of {trigger}; legal basis: {r.legal_basis}"
        )
    verb = "denied" if decision.decision == "deny" else "sent to review"
    return NoticeDraft(
        "adverse_action",
        decision.subject,
        f"{decision.action} {verb}",
        f"{asked_by} asked on {decision.as_of} whether you may do '{decision.action}': it was "
        f"{verb}. " + " ".join(reasons) + " " + HOW_TO_CONTEST,
        {
            "action": decision.action,
            "decision": decision.decision,
            "asked_by": asked_by,
            "as_of": _day(decision.as_of),
            "check": check_ref,
            "reasons": [
                {
                    "catalog": r.catalog,
                    "measure": r.measure,
                    "effect": r.effect,
                    "trigger": {k: v for k, v in dict(r.trigger).items() if k != "score"},
                    "legal_basis": r.legal_basis,
                }
                for r in decision.reasons
            ],
        },
    )


# ---------------------------------------------------------------------- subject facts

CONTACT_CHANGED = "contact_changed"
NOT_YOU = (
    "If you did not ask for this change, tell the registry at once and set your address "
    "again in the portal or with PUT /v1/me/contact."
)


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
        title = "You are registered"
        what = f"The registry entered you on {on} in jurisdiction {after.jurisdiction}" + (
            f" under the name {after.name!r}." if after.name else ", with no name."
        )
    else:
        title = "Your registered facts changed"
        parts = []
        if "jurisdiction" in changed:
            parts.append(f"your jurisdiction from {before.jurisdiction} to {after.jurisdiction}")
        if "name" in changed:
            parts.append(
                f"your name from {before.name!r} to {after.name!r}"
                if before.name and after.name
                else f"your name to {after.name!r}"
                if after.name
                else "your name was removed"
            )
        what = f"The registry changed on {on}: " + "; ".join(parts) + "."
    text = (
        what + " Your jurisdiction decides under which catalogs' grades measures can apply to you. "
        "If this is wrong, ask the registry to correct it."
    )
    return NoticeDraft("subject_facts", after.subject, title, text, facts)


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
    if previous is None:
        title = "Email address for your notices set"
        text = f"From {on}, your notices are also sent by email to {facts['email']}. {NOT_YOU}"
    else:
        title = "Email address for your notices changed"
        text = (
            f"From {on}, your notices are sent by email to {facts['email']} instead of "
            f"{facts['previous_email']}; this notice goes to both addresses. {NOT_YOU}"
        )
    return NoticeDraft(CONTACT_CHANGED, subject, title, text, facts)
