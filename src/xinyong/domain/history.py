"""What a stream of ledger events says, read in ledger order: each record's file (the
record and the later events applied to it), each subject's contact history and the
records that were annulled. Pure folds: the SQL store and the in-memory fake of the
tests read the ledger through the same functions, so they cannot disagree."""

from __future__ import annotations

from collections.abc import Iterable

from xinyong.domain.events import Annulled, ContactEvent, DisputeResolved, RecordChange, RecordEvent, SubjectEvent
from xinyong.domain.standing import RecordFile

LedgerEvent = SubjectEvent | ContactEvent | RecordEvent | RecordChange


def record_files(events: Iterable[LedgerEvent]) -> dict[str, RecordFile]:
    """The file of every record among ``events`` (in ledger order), with the later events
    on it that are among ``events`` too, in their order; later events on records not
    among them, and events about subjects, are left out."""
    records: dict[str, RecordEvent] = {}
    changes: dict[str, list[RecordChange]] = {}
    for item in events:
        if isinstance(item, RecordEvent):
            records[item.id] = item
        elif not isinstance(item, (SubjectEvent, ContactEvent)):
            changes.setdefault(item.record, []).append(item)
    return {rid: RecordFile(record, tuple(changes.get(rid, ()))) for rid, record in records.items()}


def contact_history(events: Iterable[LedgerEvent]) -> list[str]:
    """A subject's email addresses in the order they took over, from its ``contact``
    events and the ``subject`` events that carry an email (in ledger order): an event
    repeating the address in force adds nothing, one without an email leaves it as it
    is. The last is the address in force; ``[]`` when none was ever given."""
    history: list[str] = []
    for item in events:
        address = item.email if isinstance(item, (SubjectEvent, ContactEvent)) else None
        if address is not None and (not history or history[-1] != address):
            history.append(address)
    return history


def contact_language(events: Iterable[LedgerEvent]) -> str | None:
    """The language a subject reads its email in: that of its latest ``contact`` event
    naming one (in ledger order); None when it never said."""
    language = None
    for item in events:
        if isinstance(item, ContactEvent) and item.language is not None:
            language = item.language
    return language


def annuls(change: RecordChange) -> bool:
    """Whether ``change`` annuls its record: an ``annulled`` event, or a dispute decided
    ``annulled``."""
    return isinstance(change, Annulled) or (isinstance(change, DisputeResolved) and change.outcome == "annulled")
