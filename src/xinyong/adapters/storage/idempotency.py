"""The answers kept for POST requests sent with an ``Idempotency-Key``: per token, the
same key and the same request get the stored answer; the same key with another request
is refused. Kept in the database, so that every server process sees them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from xinyong.adapters.storage.store import LedgerStore
from xinyong.adapters.storage.tables import idempotency_keys

# A request that reserved its key and neither finished nor gave it back within this time
# died with its process: its key may be taken again.
ABANDONED_AFTER = dt.timedelta(seconds=15)


@dataclass(frozen=True)
class Claim:
    state: str  # claimed | replay | mismatch | in-progress
    status: int | None = None
    body: bytes | None = None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class IdempotencyBook:
    def __init__(self, store: LedgerStore):
        self.store = store

    def _context(self, scope: str, key: str) -> bytes:
        return b"idempotency:" + scope.encode() + b":" + key.encode()

    def claim(self, scope: str, key: str, request: str) -> Claim:
        """Reserve ``key`` for ``request``, or say what became of it."""
        now = _now()
        try:
            with self.store.engine.begin() as connection:
                row = connection.execute(
                    select(idempotency_keys).where(idempotency_keys.c.scope == scope, idempotency_keys.c.key == key)
                ).first()
                if row is None:
                    connection.execute(
                        insert(idempotency_keys).values(
                            scope=scope,
                            key=key,
                            request=request,
                            created_at=now.isoformat(),
                            status=None,
                            response=None,
                        )
                    )
                    return Claim("claimed")
                if row.request != request:
                    return Claim("mismatch")
                if row.status is None:
                    if now - dt.datetime.fromisoformat(row.created_at) < ABANDONED_AFTER:
                        return Claim("in-progress")
                    connection.execute(
                        update(idempotency_keys)
                        .where(idempotency_keys.c.scope == scope, idempotency_keys.c.key == key)
                        .values(created_at=now.isoformat())
                    )
                    return Claim("claimed")
                return Claim("replay", row.status, self.store.sealer.open(row.response, self._context(scope, key)))
        except IntegrityError:
            return Claim("in-progress")  # another request reserved it at the same moment

    def complete(self, scope: str, key: str, status: int, body: bytes) -> None:
        with self.store.engine.begin() as connection:
            connection.execute(
                update(idempotency_keys)
                .where(idempotency_keys.c.scope == scope, idempotency_keys.c.key == key)
                .values(status=status, response=self.store.sealer.seal(body, self._context(scope, key)))
            )

    def release(self, scope: str, key: str) -> None:
        """Give the key back: the request failed and may be sent again."""
        with self.store.engine.begin() as connection:
            connection.execute(
                delete(idempotency_keys).where(
                    idempotency_keys.c.scope == scope,
                    idempotency_keys.c.key == key,
                    idempotency_keys.c.status.is_(None),
                )
            )
