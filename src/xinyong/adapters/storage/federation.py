"""Bundles received from partner nodes, their entries and the trusted partners, in the
append-only tables of migration 0010, on the keyed chain. A subject named by a foreign entry is kept as
every identity is: sealed under the deployment's key, found by its keyed lookup key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import Connection, select

from xinyong.adapters.storage.store import LedgerStore, in_chunks
from xinyong.adapters.storage.tables import federation_bundles, federation_entries, federation_partners
from xinyong.domain.federation import Bundle, BundleEntry
from xinyong.domain.identifiers import SubjectRef
from xinyong.services.unit_of_work import BundleReceived, ForeignRow, Partner

_CONTEXT = b"federation-entry"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


class FederationTables:
    def __init__(self, store: LedgerStore):
        self.store = store

    def add(self, connection: Connection, bundle: Bundle, digest: str, received_from: str, imported_by: str) -> None:
        bundle_row = {
            "node": bundle.node,
            "list": bundle.list,
            "title": bundle.title,
            "as_of": bundle.as_of,
            "public_key": bundle.public_key,
            "signature": bundle.signature,
            "digest": digest,
            "entries": len(bundle.entries),
            "received_at": _now(),
            "received_from": received_from,
            "imported_by": imported_by,
        }
        self.store.append_rows(connection, "federation_bundles", [bundle_row])
        seq = bundle_row["seq"]
        sealer = self.store.sealer
        sealed = sealer.seal_many([(e.subject.encode(), _CONTEXT) for e in bundle.entries])
        rows = [
            {
                "bundle_seq": seq,
                "node": bundle.node,
                "list": bundle.list,
                "as_of": bundle.as_of,
                "subject_key": self.store.subject_key(e.subject),
                "sealed_subject": blob,
                "record": e.record,
                "start": e.start,
                "until": e.until,
                "legal_basis": e.legal_basis,
            }
            for e, blob in zip(bundle.entries, sealed, strict=True)
        ]
        self.store.append_rows(connection, "federation_entries", rows)

    def bundles(self, connection: Connection, node: str | None, list_id: str | None) -> list[BundleReceived]:
        query = select(federation_bundles).order_by(federation_bundles.c.as_of, federation_bundles.c.seq)
        if node is not None:
            query = query.where(federation_bundles.c.node == node)
        if list_id is not None:
            query = query.where(federation_bundles.c.list == list_id)
        return [
            BundleReceived(
                seq=r.seq,
                node=r.node,
                list=r.list,
                title=r.title,
                as_of=r.as_of,
                public_key=r.public_key,
                signature=r.signature,
                digest=r.digest,
                entries=r.entries,
                received_at=r.received_at,
                received_from=r.received_from,
                imported_by=r.imported_by,
            )
            for r in connection.execute(query)
        ]

    def held(self, connection: Connection, node: str, list_id: str, bundle: int | None) -> set[tuple[str, str]]:
        query = select(federation_entries.c.subject_key, federation_entries.c.record).where(
            federation_entries.c.node == node, federation_entries.c.list == list_id
        )
        if bundle is not None:
            query = query.where(federation_entries.c.bundle_seq == bundle)
        rows = connection.execute(query)
        return {(r.subject_key, r.record) for r in rows}

    def of_subjects(
        self, connection: Connection, subjects: Iterable[SubjectRef], names: Iterable[str] | None
    ) -> dict[SubjectRef, list[ForeignRow]]:
        by_key = {self.store.subject_key(s): s for s in subjects}
        wanted = None if names is None else {tuple(n.split("/", 1)) for n in names}
        found: dict[SubjectRef, list[ForeignRow]] = {}
        for chunk in in_chunks(connection, list(by_key)):
            rows = connection.execute(
                select(federation_entries)
                .where(federation_entries.c.subject_key.in_(chunk))
                .order_by(federation_entries.c.as_of, federation_entries.c.seq)
            )
            for r in rows:
                if wanted is not None and (r.node, r.list) not in wanted:
                    continue
                subject = by_key[r.subject_key]
                entry = BundleEntry(str(subject), r.record, r.start, r.until, r.legal_basis)
                found.setdefault(subject, []).append(ForeignRow(r.node, r.list, r.as_of, r.bundle_seq, entry))
        return found

    def partner_event(
        self, connection: Connection, name: str, event: str, public_key: str | None, url: str | None, by: str
    ) -> None:
        row = {"name": name, "event": event, "public_key": public_key, "url": url, "at": _now(), "by": by}
        self.store.append_rows(connection, "federation_partners", [row])

    def partners(self, connection: Connection) -> list[Partner]:
        latest: dict[str, Partner | None] = {}
        for r in connection.execute(select(federation_partners).order_by(federation_partners.c.seq)):
            latest[r.name] = Partner(r.name, r.public_key, r.url, r.at, r.by) if r.event == "trusted" else None
        return [p for _, p in sorted(latest.items()) if p is not None]
