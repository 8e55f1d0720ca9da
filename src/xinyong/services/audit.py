"""What an auditor reads: who read whose data (the access log), and whether the keyed
chains of the append-only tables and the public directory still agree with what was
written."""

from __future__ import annotations

from dataclasses import dataclass

from xinyong.domain.identifiers import SubjectRef
from xinyong.services.unit_of_work import Access, ChainReport, UnitsOfWork


@dataclass(frozen=True)
class AccessLogPage:
    """A page of the access log, newest first, with the number of entries in all."""

    total: int
    limit: int
    offset: int
    entries: tuple[Access, ...]


@dataclass(frozen=True)
class WhoLooked:
    """Who looked at a subject's data, as its subject reads it: others' reads apart from
    its own views (which would otherwise crowd them out), each newest first."""

    others: AccessLogPage
    own: AccessLogPage


@dataclass(frozen=True)
class Verification:
    """Every chained table as verification found it, the ledger's first; with
    ``directory``, where the public directory differs from the ledger."""

    tables: tuple[ChainReport, ...]
    drift: tuple[str, ...] | None  # None: the directory was not compared

    @property
    def ledger(self) -> ChainReport:
        return self.tables[0]

    @property
    def intact(self) -> bool:
        return all(t.intact for t in self.tables) and not self.drift


@dataclass
class Audit:
    units: UnitsOfWork

    def access_log(self, subject: SubjectRef | None = None, limit: int = 100, offset: int = 0) -> AccessLogPage:
        """Who read whose data, when and why, newest first: for one subject or for all."""
        with self.units(read_only=True) as uow:
            total, entries = uow.access_log.entries(subject, limit, offset)
        return AccessLogPage(total, limit, offset, tuple(entries))

    def who_looked(self, subject: SubjectRef, limit: int = 100) -> WhoLooked:
        """Everyone else's reads of ``subject`` and the subject's own, apart, in one
        snapshot: the latest ``limit`` of each, with the number of each in all."""
        with self.units(read_only=True) as uow:
            others = uow.access_log.entries(subject, limit, own=False)
            own = uow.access_log.entries(subject, limit, own=True)
        return WhoLooked(
            others=AccessLogPage(others[0], limit, 0, tuple(others[1])),
            own=AccessLogPage(own[0], limit, 0, tuple(own[1])),
        )

    def verify(self, marks: dict[str, int] | None = None, *, directory: bool = False) -> Verification:
        """Recompute every table's chain (with the keyed hash of the rows ``marks`` names,
        to compare with a checkpoint) and, with ``directory``, compare the directory with
        the ledger: all in one snapshot."""
        with self.units(read_only=True) as uow:
            tables = tuple(uow.audit.verify(marks))
            drift = tuple(uow.audit.directory_drift()) if directory else None
        return Verification(tables, drift)
