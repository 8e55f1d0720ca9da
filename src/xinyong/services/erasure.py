"""Erasing free text once its retention ends: each subject's free text is sealed under
the subject's own key, so erasing that key erases the text wherever it is stored, while
the ledger, its chain and every score, grade and list entry stay as they were."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from xinyong.domain.calendar import Duration
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.retention import DEFAULT_RETENTION, text_kept_until
from xinyong.domain.standing import timeline
from xinyong.services.catalogs import CatalogLibrary
from xinyong.services.unit_of_work import UnitOfWork, UnitsOfWork


class ErasureRefused(ValueError):
    """Free text that must still be kept."""


@dataclass
class Erasure:
    units: UnitsOfWork
    library: CatalogLibrary
    retention: Duration = DEFAULT_RETENTION

    def _kept_until(self, uow: UnitOfWork, subject_key: str) -> dt.date | None:
        files = uow.ledger.subject_ledger(subject_key, text=False).files
        registry = self.library.registry()
        return text_kept_until((timeline(file, registry) for file in files), self.retention)

    def kept_until(self, subject: SubjectRef) -> dt.date | None:
        """The first day the subject's free text may be erased (None: not while something
        still counts with no end)."""
        with self.units(read_only=True) as uow:
            return self._kept_until(uow, uow.ledger.subject_key(subject))

    def erase(self, subject: SubjectRef, day: dt.date) -> bool:
        """Erase the subject's free text on ``day``; refused before its retention ends."""
        with self.units() as uow:
            key = uow.ledger.subject_key(subject)
            until = self._kept_until(uow, key)
            if until is None or until > day:
                raise ErasureRefused(
                    "the free text about this subject is kept "
                    + ("while a list entry or a dispute of theirs is open" if until is None else f"until {until}")
                )
            erased = uow.texts.erase(key)
            uow.commit()
        return erased

    def sweep(self, day: dt.date) -> int:
        """Erase the free text of every subject whose retention has ended by ``day``. Each
        erasure is a unit of work of its own, decided on the ledger as it then stands."""
        with self.units(read_only=True) as uow:
            keys = uow.texts.holders()
        erased = 0
        for key in keys:
            with self.units() as uow:
                until = self._kept_until(uow, key)
                if until is not None and until <= day:
                    erased += uow.texts.erase(key)
                    uow.commit()
        return erased
