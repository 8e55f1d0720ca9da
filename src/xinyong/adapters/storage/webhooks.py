"""Webhook endpoints, their messages and every attempt to deliver them, in append-only,
chained tables (``tables.py``). What to send and how to sign it is the domain's
(``xinyong.domain.webhooks``); this module keeps it.

Messages are written in the transaction of the event that causes them (:meth:`publish`,
called by the notices outbox for the notices to sources): an event is never kept without
its messages, nor a message without its event. Secrets and message bodies are sealed;
a secret is shown once, when it is made."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, func, select

from xinyong.adapters.storage.store import LedgerStore
from xinyong.adapters.storage.tables import (
    webhook_attempts,
    webhook_endpoint_changes,
    webhook_endpoints,
    webhook_messages,
)
from xinyong.domain.webhooks import (
    DELIVERED,
    GIVEN_UP,
    ROTATION_GRACE,
    SECRET_BYTES,
    Attempt,
    DueMessage,
    Endpoint,
    message_body,
)

SECRET = "secret"
DISABLED = "disabled"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _at(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def _not_before(moment: dt.datetime) -> str:
    """``moment`` to the second, rounded up: a retry is never made before its time."""
    if moment.microsecond:
        moment += dt.timedelta(microseconds=1_000_000 - moment.microsecond)
    return _at(moment)


class WebhookBook:
    """The webhook tables of one store."""

    def __init__(self, store: LedgerStore, grace: dt.timedelta = ROTATION_GRACE):
        self.store = store
        self.grace = grace
        # The seq of the oldest message that may still be sent (see :meth:`due`).
        self._open_from = 0

    # ------------------------------------------------------------------ endpoints

    def _seal_secret(self, endpoint_id: str, key: bytes) -> bytes:
        return self.store.sealer.seal(key, b"webhook-secret:" + endpoint_id.encode())

    def register(
        self, owner_role: str, owner_name: str, url: str, types: tuple[str, ...], now: dt.datetime | None = None
    ) -> tuple[Endpoint, bytes]:
        """A new endpoint of the owner, and its secret (the only time it is given)."""
        now = now or _now()
        endpoint_id = "ep_" + os.urandom(10).hex()
        key = os.urandom(SECRET_BYTES)
        at = _at(now)
        with self.store.transaction() as connection:
            self.store.append_rows(
                connection,
                "webhook_endpoints",
                [
                    {
                        "id": endpoint_id,
                        "created_at": at,
                        "owner_role": owner_role,
                        "owner_name": owner_name,
                        "url": url,
                        "types": " ".join(types),
                    }
                ],
            )
            self._change(connection, endpoint_id, at, SECRET, key)
        return Endpoint(endpoint_id, owner_role, owner_name, url, types, at, None, None), key

    def _change(self, connection: Connection, endpoint_id: str, at: str, change: str, key: bytes | None) -> None:
        self.store.append_rows(
            connection,
            "webhook_endpoint_changes",
            [
                {
                    "endpoint_id": endpoint_id,
                    "at": at,
                    "change": change,
                    "sealed_secret": self._seal_secret(endpoint_id, key) if key is not None else None,
                }
            ],
        )

    def _endpoints(self, connection: Connection, rows: Iterable[Any]) -> list[Endpoint]:
        rows = list(rows)
        if not rows:
            return []
        changes: dict[str, list[Any]] = {}
        c = webhook_endpoint_changes.c
        for change in connection.execute(
            select(c.endpoint_id, c.at, c.change).where(c.endpoint_id.in_([r.id for r in rows])).order_by(c.seq)
        ):
            changes.setdefault(change.endpoint_id, []).append(change)
        found = []
        for row in rows:
            own = changes.get(row.id, [])
            disabled = next((c.at for c in own if c.change == DISABLED), None)
            secrets = [c.at for c in own if c.change == SECRET]
            found.append(
                Endpoint(
                    row.id,
                    row.owner_role,
                    row.owner_name,
                    row.url,
                    tuple(row.types.split()),
                    row.created_at,
                    disabled,
                    secrets[-1] if len(secrets) > 1 else None,
                )
            )
        return found

    def of_owner(self, owner_role: str, owner_name: str) -> list[Endpoint]:
        """The owner's endpoints, oldest first, disabled ones included."""
        with self.store.reading() as connection:
            rows = connection.execute(
                select(webhook_endpoints)
                .where(webhook_endpoints.c.owner_role == owner_role, webhook_endpoints.c.owner_name == owner_name)
                .order_by(webhook_endpoints.c.seq)
            ).all()
            return self._endpoints(connection, rows)

    def owned(self, endpoint_id: str, owner_role: str, owner_name: str) -> Endpoint | None:
        """The endpoint ``endpoint_id`` if it is the owner's, else None (another's is as
        unknown as one that does not exist)."""
        return next((e for e in self.of_owner(owner_role, owner_name) if e.id == endpoint_id), None)

    def rotate(self, endpoint_id: str, now: dt.datetime | None = None) -> bytes:
        """A new secret for the endpoint; the one before keeps signing for the grace period."""
        key = os.urandom(SECRET_BYTES)
        with self.store.transaction() as connection:
            self._change(connection, endpoint_id, _at(now or _now()), SECRET, key)
        return key

    def disable(self, endpoint_id: str, now: dt.datetime | None = None) -> None:
        """Nothing more is sent to the endpoint: no new message, no retry."""
        with self.store.transaction() as connection:
            self._change(connection, endpoint_id, _at(now or _now()), DISABLED, None)

    # ------------------------------------------------------------------ messages

    def publish(
        self,
        connection: Connection,
        owner_role: str,
        owner_name: str | None,
        event_type: str,
        items: Iterable[Mapping[str, Any]],
        now: dt.datetime | None = None,
    ) -> int:
        """In ``connection``'s transaction: a message with each of ``items`` as its data,
        to every enabled endpoint of the owner (every owner of the role when
        ``owner_name`` is None) that takes ``event_type``. Returns how many were written.
        The extension point for the events of other roles (``consent.withdrawn``,
        ``list.bundle_published``)."""
        items = list(items)
        if not items:
            return 0
        query = select(webhook_endpoints).where(webhook_endpoints.c.owner_role == owner_role)
        if owner_name is not None:
            query = query.where(webhook_endpoints.c.owner_name == owner_name)
        endpoints = [
            e
            for e in self._endpoints(connection, connection.execute(query.order_by(webhook_endpoints.c.seq)))
            if e.enabled and event_type in e.types
        ]
        if not endpoints:
            return 0
        now = now or _now()
        at = _at(now)
        rows: list[dict[str, Any]] = []
        bodies: list[tuple[bytes, bytes]] = []
        for endpoint in endpoints:
            for data in items:
                message_id = "msg_" + os.urandom(12).hex()
                rows.append({"id": message_id, "endpoint_id": endpoint.id, "created_at": at, "type": event_type})
                bodies.append((message_body(event_type, now, data), b"webhook-message:" + message_id.encode()))
        for row, sealed in zip(rows, self.store.sealer.seal_many(bodies), strict=True):
            row["sealed"] = sealed
        self.store.append_rows(connection, "webhook_messages", rows)
        return len(rows)

    def _keys(self, connection: Connection, endpoint_ids: list[str], now: dt.datetime) -> dict[str, tuple[bytes, ...]]:
        """The secrets that sign each endpoint's messages at ``now``: the latest, and the
        one before it while the latest is younger than the grace period (newest first)."""
        found: dict[str, list[Any]] = {}
        for row in connection.execute(
            select(webhook_endpoint_changes)
            .where(
                webhook_endpoint_changes.c.endpoint_id.in_(endpoint_ids),
                webhook_endpoint_changes.c.change == SECRET,
            )
            .order_by(webhook_endpoint_changes.c.seq)
        ):
            found.setdefault(row.endpoint_id, []).append(row)
        keys = {}
        for endpoint_id, rows in found.items():
            in_force = [rows[-1]]
            if len(rows) > 1 and dt.datetime.fromisoformat(rows[-1].at) + self.grace > now:
                in_force.append(rows[-2])
            keys[endpoint_id] = tuple(
                self.store.sealer.open(r.sealed_secret, b"webhook-secret:" + endpoint_id.encode()) for r in in_force
            )
        return keys

    def due(self, now: dt.datetime | None = None, limit: int = 200) -> list[DueMessage]:
        """Messages to enabled endpoints that are neither delivered nor given up and whose
        next attempt is due at ``now``, oldest first.

        Only messages from the oldest one still open are read: every message before it is
        delivered, given up or to a disabled endpoint, which never changes again (rows
        are appended in the order of their seq, under the write lock). So a round reads
        the messages of the last day or so, not every message ever sent."""
        now = now or _now()
        moment = _at(now)
        with self.store.reading() as connection:
            newer = webhook_messages.c.seq >= self._open_from
            latest = (
                select(webhook_attempts.c.message_id, func.max(webhook_attempts.c.seq).label("seq"))
                .where(webhook_attempts.c.message_id.in_(select(webhook_messages.c.id).where(newer)))
                .group_by(webhook_attempts.c.message_id)
                .subquery()
            )
            last = webhook_attempts.alias("last")
            head = connection.execute(select(func.max(webhook_messages.c.seq))).scalar() or 0
            rows = connection.execute(
                select(webhook_messages, last.c.attempt, last.c.outcome, last.c.next_attempt_at)
                .select_from(
                    webhook_messages.outerjoin(latest, latest.c.message_id == webhook_messages.c.id).outerjoin(
                        last, last.c.seq == latest.c.seq
                    )
                )
                .where(newer, webhook_messages.c.seq <= head)
                .where(last.c.seq.is_(None) | last.c.outcome.notin_([DELIVERED, GIVEN_UP]))
                .order_by(webhook_messages.c.seq)
            ).all()
            endpoints = {
                e.id: e
                for e in self._endpoints(
                    connection,
                    connection.execute(
                        select(webhook_endpoints).where(
                            webhook_endpoints.c.id.in_(sorted({r.endpoint_id for r in rows}))
                        )
                    ),
                )
            }
            open_rows = [r for r in rows if endpoints[r.endpoint_id].enabled]
            self._open_from = open_rows[0].seq if open_rows else head + 1
            rows = [r for r in open_rows if r.outcome is None or r.next_attempt_at <= moment][:limit]
            keys = self._keys(connection, sorted({r.endpoint_id for r in rows}), now) if rows else {}
            return [
                DueMessage(
                    r.id,
                    r.endpoint_id,
                    r.type,
                    endpoints[r.endpoint_id].url,
                    self.store.sealer.open(r.sealed, b"webhook-message:" + r.id.encode()),
                    keys[r.endpoint_id],
                    r.attempt or 0,
                )
                for r in rows
            ]

    def log_attempt(
        self,
        message_id: str,
        attempt: int,
        at: dt.datetime,
        status: int | None,
        outcome: str,
        error: str | None,
        next_attempt_at: dt.datetime | None,
    ) -> None:
        """One attempt, in a transaction of its own (a message sent is not taken back)."""
        with self.store.transaction() as connection:
            self.store.append_rows(
                connection,
                "webhook_attempts",
                [
                    {
                        "message_id": message_id,
                        "attempt": attempt,
                        "at": _at(at),
                        "status": status,
                        "outcome": outcome,
                        "error": error,
                        "next_attempt_at": _not_before(next_attempt_at) if next_attempt_at is not None else None,
                    }
                ],
            )

    def attempts(self, endpoint_id: str, limit: int = 500) -> list[Attempt]:
        """Every attempt to deliver the endpoint's messages, newest first."""
        with self.store.reading() as connection:
            rows = connection.execute(
                select(webhook_attempts, webhook_messages.c.type, webhook_messages.c.endpoint_id)
                .join(webhook_messages, webhook_messages.c.id == webhook_attempts.c.message_id)
                .where(webhook_messages.c.endpoint_id == endpoint_id)
                .order_by(webhook_attempts.c.seq.desc())
                .limit(limit)
            ).all()
        return [
            Attempt(
                r.message_id, r.endpoint_id, r.type, r.attempt, r.at, r.status, r.outcome, r.error, r.next_attempt_at
            )
            for r in rows
        ]
