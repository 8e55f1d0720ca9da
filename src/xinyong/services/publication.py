"""What the public may see: organisations by code or name, with their public records,
grades and list entries, and the published entries of a list. Persons are never
searchable, and a list shows persons only where its catalog publishes them."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from xinyong.domain.access import Reader
from xinyong.domain.catalog.model import Catalog
from xinyong.domain.catalog.registry import CatalogRegistry, ListOwner
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.read_model import standing_on
from xinyong.domain.standing import rule_in_force, timeline
from xinyong.services.catalogs import CatalogLibrary
from xinyong.services.read_models import ReadModels
from xinyong.services.unit_of_work import Organisation, UnitsOfWork


class NotPublished(LookupError):
    """Nothing public is known under this name or code."""


def mask_rid(value: str) -> str:
    """A resident number as lists print it: region and check character only."""
    return value[:4] + "*" * 10 + value[-4:]


class PublicLookups:
    """How many anonymous lookups this process answered, by what was looked up.

    The public reads organisations without a name: such a read is counted here (and
    shown in ``/metrics``), not written to the access log as a read of a subject, which
    would say nothing about who read and let anyone fill the log."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def count(self, what: str) -> None:
        with self._lock:
            self._counts[what] += 1

    def counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)


@dataclass(frozen=True)
class PublicStanding:
    """An organisation's score and grade under one catalog."""

    catalog: str
    title: str | None
    version: str
    score: int
    grade: str


@dataclass(frozen=True)
class PublicRecord:
    """A record that counts or lists on the day, as the public sees it."""

    record: str
    rule: str
    title: str | None
    legal_basis: str | None
    occurred_on: dt.date
    decided_on: dt.date
    source: str
    reference: str | None
    effective_on: dt.date
    until: dt.date
    disputed: bool


@dataclass(frozen=True)
class PublicListing:
    """An organisation's entry on a list, on the day."""

    list: str
    title: str | None
    record: str
    start: dt.date
    until: dt.date | None  # None: until removed
    legal_basis: str | None


@dataclass(frozen=True)
class OrganisationPage:
    """An organisation's public page."""

    subject: str
    code: str
    name: str | None
    jurisdiction: str | None
    as_of: dt.date
    standings: tuple[PublicStanding, ...]
    records: tuple[PublicRecord, ...]  # newest in effect first
    lists: tuple[PublicListing, ...]


@dataclass(frozen=True)
class PublishedEntry:
    """An entry of a published list: an organisation by code and name, or a person by a
    masked number only."""

    subject: str
    name: str | None
    record: str
    rule: str
    start: dt.date
    until: dt.date | None


@dataclass(frozen=True)
class ListPage:
    """A page of a list's published entries on a day, newest first."""

    list: str
    title: str | None
    kind: str
    catalog: str
    publishes: str
    removal: tuple[str, ...]
    as_of: dt.date
    total: int
    persons_not_published: int
    page: int
    per_page: int
    entries: tuple[PublishedEntry, ...]


@dataclass(frozen=True)
class ResultListing:
    """A list a search result is on, on the day."""

    list: str
    title: str | None
    kind: str  # black | red


@dataclass(frozen=True)
class ResultGrade:
    """A search result's grade under a catalog whose grades its page publishes (one
    that grades: more than one band)."""

    catalog: str
    title: str | None
    grade: str


@dataclass(frozen=True)
class SearchResult:
    """An organisation found by the public search, with what its page would show first:
    the lists it is on and its grades."""

    code: str
    name: str | None
    jurisdiction: str | None
    lists: tuple[ResultListing, ...]
    grades: tuple[ResultGrade, ...]


@dataclass(frozen=True)
class SearchPage:
    """One page of the organisations a query finds: ``total`` is how many it finds in
    all, counted by the store."""

    query: str
    as_of: dt.date
    total: int
    page: int
    per_page: int
    results: tuple[SearchResult, ...]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        """The position of the page's first result among all (1-based; 0: none)."""
        return (self.page - 1) * self.per_page + 1 if self.results else 0

    @property
    def last(self) -> int:
        return self.first + len(self.results) - 1 if self.results else 0


@dataclass(frozen=True)
class ListSummary:
    """A list as the index of lists shows it: its definition and how many entries are
    in effect on the day, ``total`` of them published (as on the list's own page)."""

    list: str
    title: str | None
    kind: str
    catalog: str
    catalog_title: str | None
    publishes: str
    as_of: dt.date
    in_effect: int
    total: int
    persons_not_published: int


def published_catalogs(
    registry: CatalogRegistry, day: dt.date, jurisdiction: str | None, filed: Iterable[str]
) -> list[Catalog]:
    """The organisation catalogs in force on ``day`` under which an organisation's page
    shows its score and grade: those that cover its ``jurisdiction``, and those it has
    records under (``filed``)."""
    filed = set(filed)
    shown = []
    for catalog_id in registry.ids():
        version = registry.in_force(catalog_id, day)
        if version is None or version.subject_kind != "organisation":
            continue
        if version.covers_jurisdiction(jurisdiction) or catalog_id in filed:
            shown.append(version)
    return shown


@dataclass
class Publication:
    units: UnitsOfWork
    library: CatalogLibrary
    read_models: ReadModels
    lookups: PublicLookups = field(default_factory=PublicLookups)

    def organisation(self, code: str, day: dt.date, reader: Reader | None = None) -> OrganisationPage:
        """An organisation's public page. A known ``reader`` (an officer, a subject) is
        written to the access log; an anonymous lookup is counted."""
        subject = SubjectRef.parse(code if code.startswith("uscc:") else f"uscc:{code}")
        if subject.kind != "organisation":
            raise NotPublished("only organisations are published")
        # A named reader's lookup is logged in the unit of work that reads it.
        with self.units(read_only=reader is None) as uow:
            registry = self.library.registry(uow)
            row = uow.directory.organisation(subject)
            files = uow.ledger.subject_ledger(subject, text=False).files
            if row is None and not files:
                raise NotPublished(f"no organisation {subject} is known")
            model = self.read_models.model_of(uow, subject, registry)
            if reader is not None:
                uow.access_log.write([subject], reader, "public.organisation", "public lookup")
                uow.commit()
        if reader is None:
            self.lookups.count("organisation")
        jurisdiction = row.jurisdiction if row is not None else None
        standings = []
        for version in published_catalogs(registry, day, jurisdiction, (f.record.catalog_id for f in files)):
            answer = standing_on(model, version.id, day)
            standings.append(PublicStanding(version.id, version.title, answer.version, answer.score, answer.grade))
        records: list[PublicRecord] = []
        entries: list[PublicListing] = []
        for file in files:
            line = timeline(file, registry)
            if not line.counts_on(day) and not line.listed_on(day):
                continue
            _, rule = rule_in_force(file.record, registry)
            records.append(
                PublicRecord(
                    record=file.id,
                    rule=file.record.rule,
                    title=rule.title,
                    legal_basis=rule.legal_basis,
                    occurred_on=file.record.occurred_on,
                    decided_on=file.record.decided_on,
                    source=file.record.source,
                    reference=file.record.reference,
                    effective_on=line.effective_on,
                    until=line.ends_on,
                    disputed=line.disputed_on(day),
                )
            )
            if line.listed_on(day) and line.placement is not None:
                definition = registry.list_definition(line.placement.list, day)
                entries.append(
                    PublicListing(
                        list=line.placement.list,
                        title=definition.title if definition else None,
                        record=file.id,
                        start=line.placement.start,
                        until=line.placement.until,
                        legal_basis=rule.legal_basis,
                    )
                )
        return OrganisationPage(
            subject=str(subject),
            code=subject.value,
            name=row.name if row is not None else None,
            jurisdiction=jurisdiction,
            as_of=day,
            standings=tuple(standings),
            records=tuple(sorted(records, key=lambda r: r.effective_on, reverse=True)),
            lists=tuple(entries),
        )

    def search(self, query: str, limit: int = 50) -> list[Organisation]:
        """Organisations whose name contains ``query`` or whose code starts with it
        (:func:`xinyong.domain.lookup.lookup_query`), the first ``limit`` by name."""
        with self.units(read_only=True) as uow:
            return uow.directory.search(query, limit)

    def lookup(self, query: str, day: dt.date, page: int = 1, per_page: int = 25) -> SearchPage:
        """Page ``page`` of the organisations ``query`` finds, with how many it finds in
        all and each one's lists and published grades on ``day``, read from the read
        models (a page past the last is the last). Persons are never searched."""
        with self.units(read_only=True) as uow:
            total = uow.directory.count(query)
            pages = max(1, -(-total // per_page))
            page = min(max(1, page), pages)
            found = uow.directory.search(query, per_page, (page - 1) * per_page) if total else []
            registry = self.library.registry(uow)
            subjects = [SubjectRef.parse(f"uscc:{o.code}") for o in found]
            keys = [uow.ledger.subject_key(s) for s in subjects]
            filed = uow.ledger.filed_catalogs(keys)
            models = [self.read_models.model_of(uow, s, registry) for s in subjects]
        results = []
        for organisation, key, model in zip(found, keys, models, strict=True):
            listings: dict[str, ResultListing] = {}
            for piece in model.lists:
                if piece.active_on(day) and piece.entry.list not in listings:
                    definition = registry.list_definition(piece.entry.list, day)
                    listings[piece.entry.list] = ResultListing(
                        piece.entry.list,
                        definition.title if definition else None,
                        definition.kind if definition else "black",
                    )
            # A catalog of one grade band is a list, not a score (the national lists):
            # its "grade" says nothing, and the list badge says what it does.
            grades = tuple(
                ResultGrade(version.id, version.title, standing_on(model, version.id, day).grade)
                for version in published_catalogs(registry, day, organisation.jurisdiction, filed.get(key, ()))
                if len(version.grades) > 1
            )
            results.append(
                SearchResult(
                    code=organisation.code,
                    name=organisation.name,
                    jurisdiction=organisation.jurisdiction,
                    lists=tuple(sorted(listings.values(), key=lambda item: (item.kind, item.list))),
                    grades=grades,
                )
            )
        return SearchPage(query, day, total, page, per_page, tuple(results))

    def lists(self, day: dt.date) -> list[ListSummary]:
        """Every list the loaded catalogs define, with how many of its entries are in
        effect on ``day`` (from the read models), by kind then id."""
        registry = self.library.registry()
        owners: dict[str, ListOwner] = {}
        for catalog in registry.all():
            for list_id in catalog.lists:
                owner = registry.list_owner(list_id)
                if owner is not None:
                    owners.setdefault(list_id, owner)
        summaries = []
        with self.units(read_only=True) as uow:
            for list_id, owner in owners.items():
                definition = registry.list_definition(list_id, day) or owner.definition
                version = registry.in_force(owner.catalog_id, day) or registry.versions(owner.catalog_id)[-1]
                pieces = uow.read_models.listed(list_id, day)
                shown = sum(1 for p in pieces if p.kind == "organisation" or definition.publish == "all")
                summaries.append(
                    ListSummary(
                        list=list_id,
                        title=definition.title,
                        kind=definition.kind,
                        catalog=owner.catalog_id,
                        catalog_title=version.title,
                        publishes=definition.publish,
                        as_of=day,
                        in_effect=len(pieces),
                        total=shown,
                        persons_not_published=len(pieces) - shown,
                    )
                )
        return sorted(summaries, key=lambda summary: (summary.kind, summary.list))

    def list_entries(self, list_id: str, day: dt.date, page: int = 1, per_page: int = 50) -> ListPage:
        registry = self.library.registry()
        owner = registry.list_owner(list_id)
        if owner is None:
            raise NotPublished(f"no list {list_id!r} is defined")
        definition = registry.list_definition(list_id, day) or owner.definition
        # The list's pieces in effect on the day come from the read models; only the page
        # shown is named (its subjects' identities read from the ledger).
        with self.units(read_only=True) as uow:
            pieces = uow.read_models.listed(list_id, day)
            shown = [p for p in pieces if p.kind == "organisation" or definition.publish == "all"]
            withheld = len(pieces) - len(shown)
            shown.sort(key=lambda p: (p.entry.start, p.entry.record), reverse=True)
            start = (page - 1) * per_page
            window = shown[start : start + per_page]
            stored = uow.ledger.records([p.entry.record for p in window], text=False)
            names = uow.directory.names(
                {s.file.subject.value for s in stored.values() if s.file.subject.kind == "organisation"}
            )
        published: list[PublishedEntry] = []
        for piece in window:
            subject = stored[piece.entry.record].file.subject
            if subject.kind == "organisation":
                who, name = str(subject), names.get(subject.value)
            else:
                who, name = f"rid:{mask_rid(subject.value)}", None
            published.append(
                PublishedEntry(
                    subject=who,
                    name=name,
                    record=piece.entry.record,
                    rule=piece.entry.rule,
                    start=piece.entry.start,
                    until=piece.entry.until,
                )
            )
        return ListPage(
            list=list_id,
            title=definition.title,
            kind=definition.kind,
            catalog=owner.catalog_id,
            publishes=definition.publish,
            removal=tuple(definition.removal),
            as_of=day,
            total=len(shown),
            persons_not_published=withheld,
            page=page,
            per_page=per_page,
            entries=tuple(published),
        )
