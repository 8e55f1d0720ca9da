"""Erasing free text once its retention ends: each subject's free text is sealed under
the subject's own key, so erasing that key erases the text wherever it is stored, while
the ledger, its chain and every score, grade and list entry stay as they were."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from xinyong.adapters.storage.store import LedgerStore
from xinyong.adapters.storage.tables import subject_keys
from xinyong.domain.calendar import Duration
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.retention import DEFAULT_RETENTION, text_kept_until
from xinyong.domain.standing import timeline
from xinyong.services.catalogs import CatalogLibrary


class ErasureRefused(ValueError):
    """Free text that must still be kept."""


@dataclass
class Erasure:
    store: LedgerStore
    library: CatalogLibrary
    retention: Duration = DEFAULT_RETENTION

    def _kept_until(self, connection, subject_key: str) -> dt.date | None:
        files, _ = self.store.subject_ledger(connection, subject_key, text=False)
        registry = self.library.registry()
        return text_kept_until((timeline(file, registry) for file in files), self.retention)

    def kept_until(self, subject: SubjectRef) -> dt.date | None:
        """The first day the subject's free text may be erased (None: not while something
        still counts with no end)."""
        with self.store.reading() as connection:
            return self._kept_until(connection, self.store.subject_key(subject))

    def erase(self, subject: SubjectRef, day: dt.date) -> bool:
        """Erase the subject's free text on ``day``; refused before its retention ends."""
        with self.store.transaction() as connection:
            until = self._kept_until(connection, self.store.subject_key(subject))
            if until is None or until > day:
                raise ErasureRefused(
                    "the free text about this subject is kept "
                    + ("while a list entry or a dispute of theirs is open" if until is None else f"until {until}")
                )
            return self.store.erase_key(connection, self.store.subject_key(subject))

    def sweep(self, day: dt.date) -> int:
        """Erase the free text of every subject whose retention has ended by ``day``."""
        with self.store.reading() as connection:
            keys = (
                connection.execute(select(subject_keys.c.subject_key).where(subject_keys.c.wrapped.is_not(None)))
                .scalars()
                .all()
            )
        erased = 0
        for key in keys:
            with self.store.transaction() as connection:
                until = self._kept_until(connection, key)
                if until is not None and until <= day:
                    erased += self.store.erase_key(connection, key)
        return erased
