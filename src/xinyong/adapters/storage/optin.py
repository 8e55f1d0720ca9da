"""Opt-in scores in storage (docs/design.md section 9), walled off from the ledger.

Scorecard versions are kept like catalog versions. Consent, obligation and payment events
are appended to ``optin_events`` on the keyed chain; what they say is sealed, with the
event's id as context: a consent under the deployment's seal key (it must outlive a
withdrawal: it is what answers "was there consent on that day?"), an obligation and its
payment under the subject's own key for the obligation's source (``optin_keys``). A
withdrawal destroys those keys: the rows stay, their chain still verifies, and what they
said can no longer be read by anyone (crypto-shredding)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from xinyong.adapters.storage import chain
from xinyong.adapters.storage.sealing import Sealer, SubjectSealer, TextErased
from xinyong.adapters.storage.store import LedgerStore, among, in_chunks
from xinyong.adapters.storage.tables import optin_events, optin_keys, scorecard_versions
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.optin import ConsentEvent, Obligation
from xinyong.domain.scorecard import Scorecard, parse_scorecard
from xinyong.services.unit_of_work import FiledObligation


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _context(event_id: str) -> bytes:
    return b"optin:" + event_id.encode()


def _key_context(subject_key: str, source: str) -> bytes:
    return f"optin-key:{subject_key}:{source}".encode()


_SCORECARD_COUNT = select(func.count()).select_from(scorecard_versions)


class OptinBook:
    """Reads and appends the opt-in tables of one store."""

    def __init__(self, store: LedgerStore):
        self.store = store

    @property
    def sealer(self) -> Sealer:
        return self.store.sealer

    # ---------------------------------------------------------------- scorecards

    def scorecards(self, connection: Connection) -> list[Scorecard]:
        table = scorecard_versions
        rows = connection.execute(
            select(table.c.scorecard_id, table.c.version, table.c.source).order_by(
                table.c.scorecard_id, table.c.effective_from
            )
        )
        return [parse_scorecard(r.source, f"stored scorecard {r.scorecard_id} {r.version}") for r in rows]

    def scorecard_count(self, connection: Connection) -> int:
        return connection.execute(_SCORECARD_COUNT).scalar_one()

    def add_scorecard(self, connection: Connection, scorecard: Scorecard, source: str) -> None:
        chain.append(
            connection,
            self.sealer,
            "scorecard_versions",
            [
                {
                    "scorecard_id": scorecard.id,
                    "version": scorecard.version,
                    "effective_from": scorecard.effective_from,
                    "source": source,
                    "digest": hashlib.sha256(source.encode()).hexdigest(),
                    "loaded_at": _now(),
                }
            ],
        )

    # ------------------------------------------------------------------- events

    def fingerprints(self, connection: Connection, event_ids: Iterable[str]) -> dict[str, str]:
        wanted = list(dict.fromkeys(event_ids))
        found: dict[str, str] = {}
        for chunk in in_chunks(connection, wanted):
            for row in connection.execute(
                select(optin_events.c.id, optin_events.c.fingerprint).where(among(connection, optin_events.c.id, chunk))
            ):
                found[row.id] = row.fingerprint
        return found

    def _rows(self, connection: Connection, subject: SubjectRef, kinds: tuple[str, ...]):
        key = self.sealer.lookup_key(str(subject))
        return connection.execute(
            select(optin_events)
            .where(optin_events.c.subject_key == key, optin_events.c.kind.in_(kinds))
            .order_by(optin_events.c.seq)
        ).all()

    def consents(self, connection: Connection, subject: SubjectRef) -> dict[str, list[ConsentEvent]]:
        found: dict[str, list[ConsentEvent]] = {}
        for row in self._rows(connection, subject, ("consent_given", "consent_withdrawn")):
            body = json.loads(self.sealer.open(row.sealed, _context(row.id)))
            found.setdefault(row.scorecard, []).append(
                ConsentEvent(
                    id=row.id,
                    kind="given" if row.kind == "consent_given" else "withdrawn",
                    on=dt.date.fromisoformat(body["on"]),
                    sources=tuple(body.get("sources", ())),
                    purposes=tuple(body.get("purposes", ())),
                )
            )
        return found

    def obligations(self, connection: Connection, subject: SubjectRef) -> list[tuple[Obligation, dt.date]]:
        rows = self._rows(connection, subject, ("obligation", "paid"))
        key = self.sealer.lookup_key(str(subject))
        sealers = self.key_sealers(connection, key, {r.source for r in rows})
        bills: dict[str, tuple[Obligation, dt.date]] = {}
        for row in rows:
            opened = _open(sealers.get(row.source), row.sealed, _context(row.id))
            if opened is None:
                continue  # erased by a withdrawal
            if row.kind == "obligation":
                due = dt.date.fromisoformat(opened["due_on"])
                bills[row.id] = (Obligation(id=row.id, source=row.source, due_on=due), row.filed_on)
            elif row.obligation_id in bills:
                bill, filed = bills[row.obligation_id]
                paid = dt.date.fromisoformat(opened["on"])
                bills[row.obligation_id] = (
                    Obligation(id=bill.id, source=bill.source, due_on=bill.due_on, paid_on=paid),
                    filed,
                )
        return list(bills.values())

    def obligation(self, connection: Connection, obligation_id: str) -> FiledObligation | None:
        row = connection.execute(
            select(optin_events).where(optin_events.c.id == obligation_id, optin_events.c.kind == "obligation")
        ).first()
        if row is None:
            return None
        sealers = self.key_sealers(connection, row.subject_key, {row.source})
        kept = _open(sealers.get(row.source), row.sealed, _context(row.id)) is not None
        paid = connection.execute(
            select(func.count())
            .select_from(optin_events)
            .where(optin_events.c.obligation_id == obligation_id, optin_events.c.kind == "paid")
        ).scalar_one()
        return FiledObligation(row.id, row.subject_key, row.source, row.filed_on, kept, paid > 0)

    def file(
        self,
        connection: Connection,
        event_id: str,
        kind: str,
        subject: SubjectRef | None,
        body: dict[str, Any],
        fingerprint: str,
        filed_on: dt.date,
        submitted_by: str | None,
        *,
        scorecard: str | None = None,
        source: str | None = None,
        obligation: FiledObligation | None = None,
    ) -> None:
        if obligation is not None:
            subject_key = obligation.subject_key
        else:
            assert subject is not None
            subject_key = self.sealer.lookup_key(str(subject))
        plaintext = json.dumps(body, sort_keys=True, ensure_ascii=False).encode()
        if obligation is not None:
            source = obligation.source
        if kind in ("obligation", "paid"):
            assert source is not None
            sealer = self.key_sealers(connection, subject_key, {source}, create=True)[source]
            assert sealer is not None
            sealed = sealer.seal(plaintext, _context(event_id))
        else:
            sealed = self.sealer.seal(plaintext, _context(event_id))
        chain.append(
            connection,
            self.sealer,
            "optin_events",
            [
                {
                    "id": event_id,
                    "kind": kind,
                    "subject_key": subject_key,
                    "scorecard": scorecard,
                    "source": source,
                    "obligation_id": obligation.id if obligation is not None else None,
                    "filed_on": filed_on,
                    "fingerprint": fingerprint,
                    "submitted_by": submitted_by,
                    "recorded_at": _now(),
                    "sealed": sealed,
                }
            ],
        )

    # --------------------------------------------------------------------- keys

    def key_sealers(
        self, connection: Connection, subject_key: str, sources: Iterable[str], create: bool = False
    ) -> dict[str, SubjectSealer | None]:
        """The subject's key for each of ``sources``: None once destroyed (a new one is
        made with ``create``, for what is filed from then on)."""
        wanted = sorted(set(sources))
        found: dict[str, SubjectSealer | None] = {}
        if not wanted:
            return found
        rows = connection.execute(
            select(optin_keys).where(optin_keys.c.subject_key == subject_key, optin_keys.c.source.in_(wanted))
        ).all()
        for row in rows:
            found[row.source] = (
                SubjectSealer(self.sealer.open(row.wrapped, _key_context(subject_key, row.source)))
                if row.wrapped is not None
                else None
            )
        if create:
            for source in wanted:
                if found.get(source) is not None:
                    continue
                secret = os.urandom(32)
                wrapped = self.sealer.seal(secret, _key_context(subject_key, source))
                if source in found:  # destroyed before: a new key from now on
                    connection.execute(
                        update(optin_keys)
                        .where(optin_keys.c.subject_key == subject_key, optin_keys.c.source == source)
                        .values(wrapped=wrapped, erased_at=None)
                    )
                else:
                    connection.execute(
                        insert(optin_keys).values(
                            subject_key=subject_key, source=source, wrapped=wrapped, created_at=_now()
                        )
                    )
                found[source] = SubjectSealer(secret)
        return found

    def erase(self, connection: Connection, subject: SubjectRef, sources: Iterable[str]) -> int:
        subject_key = self.sealer.lookup_key(str(subject))
        done = connection.execute(
            update(optin_keys)
            .where(
                optin_keys.c.subject_key == subject_key,
                optin_keys.c.source.in_(sorted(set(sources))),
                optin_keys.c.wrapped.is_not(None),
            )
            .values(wrapped=None, erased_at=_now())
        )
        return done.rowcount or 0


def _open(sealer: SubjectSealer | None, blob: bytes, context: bytes) -> dict | None:
    if sealer is None:
        return None
    try:
        return json.loads(sealer.open(blob, context))
    except TextErased:
        return None
