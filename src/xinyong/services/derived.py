"""Derived standing: each subject's record timelines, derived from the ledger once and
kept current as events arrive, so that a check does not recompute a subject's history.

It is a cache and nothing more: every entry is rebuilt from the ledger when the ledger
moves past it (events are filed under their subject, so the subjects an append touched
are known) or when the catalogs change, and it can be dropped at any time."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from xinyong.domain.catalog.registry import CatalogRegistry
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.standing import Timeline, timeline
from xinyong.services.catalogs import CatalogLibrary
from xinyong.services.unit_of_work import UnitsOfWork


@dataclass(frozen=True)
class SubjectStanding:
    lines: tuple[Timeline, ...]
    jurisdiction: str | None
    registry: CatalogRegistry


class DerivedStanding:
    def __init__(self, units: UnitsOfWork, library: CatalogLibrary, capacity: int = 200_000):
        self.units = units
        self.library = library
        self.capacity = capacity
        self._lock = threading.Lock()
        self._head: int | None = None
        self._registry: CatalogRegistry | None = None
        self._entries: OrderedDict[str, SubjectStanding] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def of(self, subject: SubjectRef) -> SubjectStanding:
        """The subject's derived standing as of the ledger's head now."""
        registry = self.library.registry()
        with self.units(read_only=True) as uow:
            key = uow.ledger.subject_key(subject)
            head = uow.ledger.head()
            with self._lock:
                if registry is not self._registry:
                    self._entries.clear()
                    self._registry = registry
                    self._head = head
                elif self._head is None:
                    self._head = head
                elif head != self._head:
                    touched = uow.ledger.subjects_touched_since(self._head)
                    for k in touched:
                        self._entries.pop(k, None)
                    self._head = head
                found = self._entries.get(key)
                if found is not None:
                    self._entries.move_to_end(key)
                    self.hits += 1
                    return found
                self.misses += 1
            # Read in the same snapshot as the head above, so the entry is as of `head`.
            filed = uow.ledger.subject_ledger(subject, text=False)
        entry = SubjectStanding(tuple(timeline(f, registry) for f in filed.files), filed.jurisdiction, registry)
        with self._lock:
            # Keep it only if nothing moved on since it was read.
            if self._head == head and self._registry is registry:
                self._entries[key] = entry
                while len(self._entries) > self.capacity:
                    self._entries.popitem(last=False)
        return entry

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._head = None
