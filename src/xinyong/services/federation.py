"""Nodes and signed lists (docs/design.md section 10): publishing this node's lists as
signed bundles, importing a partner's under the rules of
:mod:`xinyong.domain.federation`, the trusted partners, and what the foreign lists
hold of a subject (for checks, the portal and the console).

A bundle names subjects by ``rid:`` and ``uscc:``: the partner that applies a measure
must recognise its own residents and firms, which a masked number would not let it do.
It is given only to holders of a ``node`` token, and every pull is written to the
access log of every subject on it."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Protocol

from xinyong.domain import calendar
from xinyong.domain.access import Reader, operator
from xinyong.domain.catalog.registry import CatalogRegistry
from xinyong.domain.federation import (
    Bundle,
    BundleEntry,
    BundleRefused,
    ForeignHolding,
    admit,
    canonical,
    entry_order,
    fingerprint,
    holding,
    is_foreign,
    node_name,
    read_bundle,
)
from xinyong.domain.identifiers import InvalidIdentifier, SubjectRef
from xinyong.domain.notices import foreign_entry_notice
from xinyong.domain.webhooks import LIST_BUNDLE_PUBLISHED, bundle_published_data
from xinyong.services.catalogs import CatalogLibrary
from xinyong.services.unit_of_work import BundleReceived, Partner, PullFailed, UnitOfWork, UnitsOfWork

log = logging.getLogger("xinyong.federation")


class NodeIdentity(Protocol):
    """This node: its name, its Ed25519 public key (base64) and what signs with it."""

    @property
    def name(self) -> str: ...

    @property
    def public_key(self) -> str: ...

    def sign(self, message: bytes) -> str: ...


class NotPublishable(ValueError):
    """A list this node cannot publish as asked (no such list, a day to come)."""


# Fetches a partner's bundle: (base URL, node token, list, as_of) -> the parsed JSON.
BundleFetcher = Callable[[str, str, str, dt.date], object]


@dataclass(frozen=True)
class Imported:
    """What an import kept: the bundle, its entries new to this node, the entries that a
    newer bundle no longer holds (ended from its ``as_of``), and the notices written."""

    bundle: Bundle
    new: int
    ended: int
    notified: int


@dataclass(frozen=True)
class ListAge:
    """The latest bundle of one foreign list, and how old it is on a day."""

    latest: BundleReceived
    bundles: int
    age_days: int
    stale: bool


@dataclass(frozen=True)
class ForeignEntryShown:
    """A foreign entry about a subject, as the portal shows it: which list of which node,
    the entry, and the bundle it is from."""

    list: str
    node: str
    title: str
    record: str
    start: dt.date
    until: dt.date | None
    legal_basis: str | None
    bundle_as_of: dt.date
    stale: bool


class Federation:
    def __init__(
        self,
        units: UnitsOfWork,
        library: CatalogLibrary,
        node: Callable[[], NodeIdentity],
        clock: Callable[[], dt.date] = calendar.today,
    ):
        self.units = units
        self.library = library
        self.node = node
        self.clock = clock

    # ----------------------------------------------------------------------- publish

    def publish(self, list_id: str, as_of: dt.date, reader: Reader | None = None) -> dict:
        """The signed bundle of this node's list ``list_id`` as of ``as_of``: the entries
        in effect that day. Every subject on it has the read in its access log."""
        reader = reader or operator()
        registry = self.library.registry()
        owner = registry.list_owner(list_id)
        if owner is None:
            raise NotPublishable(f"list {list_id!r}: no catalog loaded here defines it")
        if as_of > self.clock():
            raise NotPublishable(f"as_of {as_of}: a bundle speaks of a day that has come, not of one to come")
        definition = registry.list_definition(list_id, as_of) or owner.definition
        entries: list[BundleEntry] = []
        with self.units() as uow:
            pieces = uow.read_models.listed(list_id, as_of)
            stored = uow.ledger.records([p.entry.record for p in pieces], text=False)
            subjects: list[SubjectRef] = []
            for piece in pieces:
                subject = stored[piece.entry.record].file.subject
                catalog_id, _, rule_name = piece.entry.rule.partition("/")
                _, rule = registry.rule_on(catalog_id, rule_name, piece.entry.start)
                basis = (rule.legal_basis if rule is not None else None) or definition.legal_basis
                entries.append(
                    BundleEntry(str(subject), piece.entry.record, piece.entry.start, piece.active_until, basis)
                )
                subjects.append(subject)
            uow.access_log.write(
                subjects,
                reader,
                "federation",
                None,
                [f"list {list_id} as of {as_of} given to {reader.name}"] * len(subjects),
            )
            node = self.node()
            if reader.role != "node":
                # Published here (not pulled by a partner): partner nodes are told, to pull it.
                data = bundle_published_data(node.name, list_id, as_of, len(entries))
                uow.webhooks.publish("node", None, LIST_BUNDLE_PUBLISHED, [data])
            uow.commit()
        entries.sort(key=entry_order)
        bundle = Bundle(node.name, node.public_key, list_id, str(definition.title or list_id), as_of, tuple(entries))
        signed = replace(bundle, signature=node.sign(canonical(bundle.unsigned())))
        log.info("bundle of %s as of %s (%d entries) given to %s", list_id, as_of, len(entries), reader.name)
        return signed.document()

    # ------------------------------------------------------------------------ import

    def import_bundle(
        self, document: object, trusted: str | None, received_from: str, reader: Reader | None = None
    ) -> Imported:
        """Verify and keep a partner's bundle (:func:`xinyong.domain.federation.admit`):
        under the key ``trusted``, or the one trusted for its node (``nodes trust``). A
        refused bundle is :class:`BundleRefused` with the reason, and nothing is kept.
        Local subjects first reached by an entry are notified, with the node to dispute
        with."""
        reader = reader or operator()
        bundle = read_bundle(document)
        refs = []
        for number, entry in enumerate(bundle.entries):
            try:
                refs.append(SubjectRef.parse(entry.subject))
            except InvalidIdentifier as error:
                raise BundleRefused("format", f"entries[{number}].subject: {error}") from None
        with self.units() as uow:
            key = trusted or self._partner_key(uow, bundle.node)
            received = uow.federation.bundles(bundle.node, bundle.list)
            previous = received[-1] if received else None
            admit(bundle, key, previous.as_of if previous else None, self.clock(), {b.digest for b in received})
            held = uow.federation.held(bundle.node, bundle.list)
            last = uow.federation.held(bundle.node, bundle.list, previous.seq) if previous else set()
            keys = [uow.ledger.subject_key(ref) for ref in refs]
            now = {(k, e.record) for k, e in zip(keys, bundle.entries, strict=True)}
            uow.federation.add(bundle, bundle.digest(), received_from, reader.name)
            first = [
                (ref, entry)
                for ref, k, entry in zip(refs, keys, bundle.entries, strict=True)
                if (k, entry.record) not in held
            ]
            local = uow.ledger.subject_histories({uow.ledger.subject_key(ref) for ref, _ in first})
            notices = [
                foreign_entry_notice(ref, entry, bundle) for ref, entry in first if uow.ledger.subject_key(ref) in local
            ]
            written = uow.notices.write(notices) if notices else 0
            uow.commit()
        log.info("imported %s as of %s: %d entries, %d new", bundle.name, bundle.as_of, len(bundle.entries), len(first))
        return Imported(bundle, len(first), len(last - now), written)

    @staticmethod
    def _partner_key(uow: UnitOfWork, node: str) -> str:
        for partner in uow.federation.partners():
            if partner.name == node:
                return partner.public_key
        raise BundleRefused(
            "untrusted",
            f"no key is trusted for node {node!r}: give the key with --trust, or trust the node first "
            "(`xinyong nodes trust NAME KEY`)",
        )

    def pull(
        self, fetch: BundleFetcher, url: str, token: str, list_id: str, as_of: dt.date, trusted: str | None = None
    ) -> Imported:
        """Fetch a partner's bundle over HTTP (``fetch``) and import it: what `lists pull`
        and the scheduled pull of `serve` do."""
        document = fetch(url, token, list_id, as_of)
        return self.import_bundle(document, trusted, f"{url.rstrip('/')}/v1/federation/lists/{list_id}?as_of={as_of}")

    def pull_partners(self, fetch: BundleFetcher, tokens: Mapping[str, str]) -> list[tuple[str, str, str]]:
        """Pull today's bundle of every list of every partner with a URL and a token (in
        ``tokens``, by partner name) whose lists a local measure names; returns what
        happened to each, as (partner, list, outcome). A failure is reported, not raised."""
        today = self.clock()
        registry = self.library.registry()
        named = self.named_foreign_lists(registry)
        with self.units(read_only=True) as uow:
            partners = uow.federation.partners()
        outcomes = []
        for partner in partners:
            token = tokens.get(partner.name)
            if not partner.url or not token:
                continue
            for name in sorted(n for n in named if n.startswith(partner.name + "/")):
                list_id = name.partition("/")[2]
                try:
                    done = self.pull(fetch, partner.url, token, list_id, today, partner.public_key)
                    outcome = f"imported as of {done.bundle.as_of}: {len(done.bundle.entries)} entries"
                except BundleRefused as refused:  # the same bundle again is the usual one
                    outcome = f"refused ({refused.reason}): {refused}"
                except (PullFailed, ValueError) as error:
                    outcome = f"failed: {error}"
                outcomes.append((partner.name, list_id, outcome))
        return outcomes

    # ---------------------------------------------------------------------- partners

    def trust(self, name: str, public_key: str, url: str | None, reader: Reader | None = None) -> Partner:
        node_name(name)
        fingerprint(public_key)  # refuses a key that is not base64
        with self.units() as uow:
            uow.federation.trust(name, public_key, url, (reader or operator()).name)
            uow.commit()
        with self.units(read_only=True) as uow:
            return next(p for p in uow.federation.partners() if p.name == name)

    def distrust(self, name: str, reader: Reader | None = None) -> bool:
        with self.units() as uow:
            if not any(p.name == name for p in uow.federation.partners()):
                return False
            uow.federation.distrust(name, (reader or operator()).name)
            uow.commit()
        return True

    def partners(self) -> list[Partner]:
        with self.units(read_only=True) as uow:
            return uow.federation.partners()

    # ------------------------------------------------------------------------- reads

    def lists(self, day: dt.date | None = None) -> list[ListAge]:
        """The latest bundle of every foreign list imported, with its age on ``day``."""
        day = day or self.clock()
        with self.units(read_only=True) as uow:
            received = uow.federation.bundles()
        by_name: dict[str, list[BundleReceived]] = {}
        for bundle in received:
            by_name.setdefault(bundle.name, []).append(bundle)
        ages = []
        for name in sorted(by_name):
            latest = by_name[name][-1]
            age = (day - latest.as_of).days
            held = holding(name, latest.title, [latest.as_of], [])
            ages.append(ListAge(latest, len(by_name[name]), age, held.stale_on(day)))
        return ages

    @staticmethod
    def named_foreign_lists(registry: CatalogRegistry) -> set[str]:
        """The foreign lists (``NODE/LIST``) that a measure of ``registry`` names."""
        return {m.when.list for c in registry.all() for m in c.measures if m.when.list and is_foreign(m.when.list)}

    def imported_names(self, uow: UnitOfWork) -> set[str]:
        return {b.name for b in uow.federation.bundles()}

    def holdings(
        self, uow: UnitOfWork, subjects: Iterable[SubjectRef], names: Iterable[str]
    ) -> dict[SubjectRef, dict[str, ForeignHolding]]:
        """What the foreign lists ``names`` hold of each of ``subjects``: for checks."""
        wanted = sorted(set(names))
        if not wanted:
            return {}
        received: dict[str, list[BundleReceived]] = {}
        for bundle in uow.federation.bundles():
            if bundle.name in wanted:
                received.setdefault(bundle.name, []).append(bundle)
        if not received:
            return {}
        # A day's list published again replaces the earlier one of that day: of the
        # bundles as of one day, the one imported last speaks.
        speaking = {name: {b.as_of: b.seq for b in bundles} for name, bundles in received.items()}
        kept = {seq for days in speaking.values() for seq in days.values()}
        subjects = list(dict.fromkeys(subjects))
        rows = uow.federation.of_subjects(subjects, received)
        found: dict[SubjectRef, dict[str, ForeignHolding]] = {}
        for subject in subjects:
            mine = [r for r in rows.get(subject, []) if r.bundle in kept]
            found[subject] = {
                name: holding(
                    name,
                    bundles[-1].title,
                    list(speaking[name]),
                    [(r.as_of, r.entry) for r in mine if f"{r.node}/{r.list}" == name],
                )
                for name, bundles in received.items()
            }
        return found

    def entries_of(self, subject: SubjectRef, day: dt.date) -> list[ForeignEntryShown]:
        """The foreign entries that count for ``subject`` on ``day``, with their node."""
        with self.units(read_only=True) as uow:
            return self.entries_in(uow, subject, day)

    def entries_in(self, uow: UnitOfWork, subject: SubjectRef, day: dt.date) -> list[ForeignEntryShown]:
        """:meth:`entries_of`, read in ``uow``."""
        held = self.holdings(uow, [subject], self.imported_names(uow)).get(subject, {})
        shown = []
        for name, h in sorted(held.items()):
            for e in h.entries_on(day):
                shown.append(
                    ForeignEntryShown(
                        name,
                        h.node,
                        h.title,
                        e.record,
                        e.start,
                        e.until,
                        e.legal_basis,
                        e.bundle_as_of,
                        h.stale_on(day),
                    )
                )
        return shown
