"""A subject's whole file: its standing under every catalog, every record with its later
events, list entries and the log of who read it. What a subject sees of itself and what
an officer sees when a purpose is given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from xinyong.domain.access import Reader
from xinyong.domain.catalog.model import GradeBand
from xinyong.domain.events import RecordChange
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.notices import OPTIN_CONSENT
from xinyong.domain.standing import (
    Contribution,
    ListEntry,
    Reason,
    earliest_repair,
    list_entries,
    measures_on,
    rule_in_force,
    standing,
    timeline,
)
from xinyong.domain.trajectory import Trajectory, trajectory
from xinyong.services.catalogs import CatalogLibrary
from xinyong.services.federation import Federation, ForeignEntryShown
from xinyong.services.optin import OPTIN_READ
from xinyong.services.unit_of_work import Access, Notice, UnitsOfWork


@dataclass(frozen=True)
class CatalogStanding:
    """The subject's standing under one catalog, each contribution explained, with the
    catalog's title and grade bands."""

    subject: str
    catalog: str
    version: str
    title: str | None
    as_of: dt.date
    base: int
    score: int
    grade: str
    covered: bool
    grades: tuple[GradeBand, ...]
    contributions: tuple[Contribution, ...]
    lists: tuple[ListEntry, ...]

    @property
    def scoring(self) -> bool:
        """Whether the catalog grades by score (more than one band), not only lists."""
        return len(self.grades) > 1


@dataclass(frozen=True)
class Placement:
    """The list entry a record makes."""

    list: str
    start: dt.date
    until: dt.date | None  # None: until removed


@dataclass(frozen=True)
class RecordView:
    """A record as its subject's file shows it: the rule it falls under, when it counts,
    its status on the day asked and its later events."""

    record: str
    rule: str
    title: str | None
    category: str
    points: int
    legal_basis: str | None
    catalog_version: str
    occurred_on: dt.date
    decided_on: dt.date
    source: str
    reference: str | None
    effective_on: dt.date
    expires_on: dt.date
    ends_on: dt.date | None  # None for an annulled record
    status: str
    disputed: bool
    list: Placement | None
    repairable_from: dt.date | None
    events: tuple[RecordChange, ...]

    def still_matters(self, day: dt.date) -> bool:
        """Whether the record counts (or will, or is suspended) or lists the subject on ``day``."""
        listed = self.list is not None and (self.list.until is None or self.list.until > day)
        return self.status in ("counting", "pending", "suspended") or listed


@dataclass(frozen=True)
class Report:
    """A subject's whole file as of ``as_of``."""

    subject: str
    kind: str
    name: str | None
    jurisdiction: str | None
    as_of: dt.date
    standings: tuple[CatalogStanding, ...]
    records: tuple[RecordView, ...]  # by occurred_on, then id
    lists: tuple[ListEntry, ...]
    notices: tuple[Notice, ...]  # newest first
    access_log: tuple[Access, ...]  # newest first: this read first
    measures: tuple[Reason, ...]  # every measure that falls on the subject that day, any action
    foreign: tuple[ForeignEntryShown, ...]  # entries on partner nodes' lists that day


class Reports:
    def __init__(self, units: UnitsOfWork, library: CatalogLibrary, federation: Federation | None = None):
        self.units = units
        self.library = library
        self.federation = federation

    def report(self, subject: SubjectRef, day: dt.date, reader: Reader, purpose: str | None) -> Report:
        """The subject's whole file as of ``day``; the read is logged in the same unit of
        work that reads it (the log it shows includes this read)."""
        registry = self.library.registry()
        with self.units() as uow:
            filed = uow.ledger.subject_ledger(subject)
            uow.access_log.write([subject], reader, "report", purpose, [f"as of {day}"])
            _, accesses = uow.access_log.entries(subject, limit=1000)
            notices = uow.notices.inbox(subject)
            # What partner nodes' lists named by local measures hold of the subject.
            named = self.federation.named_foreign_lists(registry) if self.federation else set()
            foreign = self.federation.holdings(uow, [subject], named).get(subject) if self.federation else None
            foreign_entries = self.federation.entries_in(uow, subject, day) if self.federation else []
            uow.commit()
        if reader.role != "subject":
            # Opt-in scores are walled off from public credit: only the subject sees its
            # consents and who read its score in its file (docs/design.md section 9).
            notices = [n for n in notices if n.kind != OPTIN_CONSENT]
            accesses = [a for a in accesses if a.what != OPTIN_READ]
        files, facts, jurisdiction = filed.files, filed.facts, filed.jurisdiction

        standings = []
        for catalog_id in registry.ids():
            version = registry.in_force(catalog_id, day)
            if version is None or version.subject_kind != subject.kind:
                continue
            answer = standing(subject, catalog_id, day, files, registry, jurisdiction)
            standings.append(
                CatalogStanding(
                    subject=str(answer.subject),
                    catalog=answer.catalog,
                    version=answer.version,
                    title=version.title,
                    as_of=answer.as_of,
                    base=answer.base,
                    score=answer.score,
                    grade=answer.grade,
                    covered=answer.covered,
                    grades=tuple(version.grades),
                    contributions=answer.contributions,
                    lists=answer.lists,
                )
            )

        records = []
        lines = []
        for file in files:
            line = timeline(file, registry)
            lines.append(line)
            version, rule = rule_in_force(file.record, registry)
            records.append(
                RecordView(
                    record=file.id,
                    rule=file.record.rule,
                    title=rule.title,
                    category=rule.category,
                    points=rule.points,
                    legal_basis=rule.legal_basis,
                    catalog_version=version.version,
                    occurred_on=file.record.occurred_on,
                    decided_on=file.record.decided_on,
                    source=file.record.source,
                    reference=file.record.reference,
                    effective_on=line.effective_on,
                    expires_on=line.expires_on,
                    ends_on=None if line.annulled else line.ends_on,
                    status=line.status_on(day),
                    disputed=line.disputed_on(day),
                    list=(
                        Placement(line.placement.list, line.placement.start, line.placement.until)
                        if line.placement
                        else None
                    ),
                    repairable_from=earliest_repair(file, registry),
                    events=tuple(file.changes),
                )
            )
        records.sort(key=lambda r: (r.occurred_on, r.record))
        entries = list_entries(subject, day, lines)
        graded = {s.catalog: s for s in standings}
        measures = measures_on(
            subject,
            day,
            entries,
            registry,
            jurisdiction,
            # A grade measure asks the standing computed above, or (a catalog that scores
            # another kind of subject never triggers) the standing module itself.
            lambda catalog_id: (
                graded.get(catalog_id) or standing(subject, catalog_id, day, files, registry, jurisdiction)
            ),
            foreign=foreign,
        )
        return Report(
            subject=str(subject),
            kind=subject.kind,
            name=facts.name if facts else None,
            jurisdiction=jurisdiction,
            as_of=day,
            standings=tuple(standings),
            records=tuple(records),
            lists=tuple(entries),
            notices=tuple(notices),
            access_log=tuple(accesses),
            measures=tuple(measures),
            foreign=tuple(foreign_entries),
        )

    def trajectories(self, subject: SubjectRef, day: dt.date, catalog_ids: Iterable[str]) -> dict[str, Trajectory]:
        """The subject's score under each of ``catalog_ids`` over the last years and ahead
        of ``day``, if nothing new happens (the charts of the portal). Reads the records
        without their free text; the read is the report's, logged there."""
        registry = self.library.registry()
        with self.units(read_only=True) as uow:
            filed = uow.ledger.subject_ledger(subject, text=False)
        return {
            c: trajectory(subject, c, day, filed.files, registry, filed.jurisdiction)
            for c in dict.fromkeys(catalog_ids)
        }

    def inbox(self, subject: SubjectRef) -> list[Notice]:
        """The subject's notices, newest first."""
        with self.units(read_only=True) as uow:
            return uow.notices.inbox(subject)

    def mark_read(self, subject: SubjectRef, notice_ids: Iterable[str] | None = None) -> int:
        """Mark the subject's notices (``notice_ids``, or all) read; how many were unread."""
        with self.units() as uow:
            marked = uow.notices.mark_read(subject, notice_ids)
            uow.commit()
        return marked

    def source_notices(self, source: str) -> list[Notice]:
        """The notices to a source (disputes of its records and their decisions), newest first."""
        with self.units(read_only=True) as uow:
            return uow.notices.for_source(source)
