"""Bearer tokens, stored as digests: the token itself is shown once, at creation.

Each process keeps the tokens it has recently seen (by digest, never the token itself)
for :data:`FRESH_FOR` seconds, so that a request does not read the tokens table; a
token revoked in any process, or by ``xinyong token revoke``, is therefore refused by
every server process within that bound, and at once by the process that revoked it."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import insert, select, update

from xinyong.adapters.storage.store import LedgerStore
from xinyong.adapters.storage.tables import tokens
from xinyong.domain.access import Reader, validate_grant
from xinyong.domain.identifiers import SubjectRef

PREFIX = "xy_"
log = logging.getLogger("xinyong.tokens")

# How long (seconds) a process answers for a token from memory before it reads the
# tokens table again: the longest a revoked token keeps working in another process.
FRESH_FOR = 1.0
# Live tokens remembered per process; the least recently seen are forgotten first.
REMEMBERED = 10_000


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


_SIGNED = ("id", "digest", "role", "name", "scopes", "subject_key", "created_at", "revoked_at")


@dataclass(frozen=True)
class TokenInfo:
    id: str
    role: str
    name: str
    scopes: tuple[str, ...]
    subject: str | None
    created_at: str
    revoked_at: str | None


class TokenBook:
    def __init__(self, store: LedgerStore, clock=time.monotonic):
        self.store = store
        self._key = store.sealer.derived("tokens")
        self._clock = clock
        # digest -> (reader, when it was read from the table)
        self._seen: OrderedDict[str, tuple[Reader, float]] = OrderedDict()
        self._lock = threading.Lock()
        # One read of the table at a time for a token: the requests that find it stale
        # together wait for that read instead of each making its own.
        self._reading: dict[str, threading.Lock] = {}

    def _mac(self, values) -> str:
        """A keyed hash of a token row: a row written or edited by someone without the
        secret key (a new officer token, a revocation undone) is not a token."""
        text = "\x1f".join(f"{name}={values[name] if values[name] is not None else ''}" for name in _SIGNED)
        return hmac.new(self._key, text.encode(), hashlib.sha256).hexdigest()

    def create(
        self,
        role: str,
        name: str | None = None,
        scopes: tuple[str, ...] = (),
        subject: SubjectRef | None = None,
    ) -> tuple[TokenInfo, str]:
        """A new token; returns its description and the secret, shown only now."""
        validate_grant(role, scopes, subject)
        token_id = secrets.token_hex(4)
        secret = f"{PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
        name = name or f"{role}-{token_id}"
        created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        sealed = (
            self.store.sealer.seal(str(subject).encode(), b"token:" + token_id.encode())
            if subject is not None
            else None
        )
        values = {
            "id": token_id,
            "digest": _digest(secret),
            "role": role,
            "name": name,
            "scopes": json.dumps(list(scopes)),
            "subject_key": self.store.subject_key(subject) if subject is not None else None,
            "subject_sealed": sealed,
            "created_at": created,
            "revoked_at": None,
        }
        values["mac"] = self._mac(values)
        with self.store.transaction() as connection:
            connection.execute(insert(tokens).values(**values))
        info = TokenInfo(token_id, role, name, scopes, str(subject) if subject else None, created, None)
        return info, secret

    def _info(self, row) -> TokenInfo:
        subject = None
        if row.subject_sealed:
            subject = self.store.sealer.open(row.subject_sealed, b"token:" + row.id.encode()).decode()
        return TokenInfo(
            row.id, row.role, row.name, tuple(json.loads(row.scopes)), subject, row.created_at, row.revoked_at
        )

    def list(self) -> list[TokenInfo]:
        with self.store.reading() as connection:
            rows = connection.execute(select(tokens).order_by(tokens.c.created_at, tokens.c.id)).all()
        return [self._info(r) for r in rows]

    def revoke(self, token_id: str) -> bool:
        """Revoke a token by id; False when there is no such live token."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self.store.transaction() as connection:
            row = (
                connection.execute(select(tokens).where(tokens.c.id == token_id, tokens.c.revoked_at.is_(None)))
                .mappings()
                .first()
            )
            if row is None:
                return False
            values = {**row, "revoked_at": now}
            connection.execute(
                update(tokens).where(tokens.c.id == token_id).values(revoked_at=now, mac=self._mac(values))
            )
        with self._lock:  # this process refuses it at once; the others within FRESH_FOR
            for digest in [d for d, (r, _) in self._seen.items() if r.token_id == token_id]:
                del self._seen[digest]
        return True

    def fresh(self, secret: str) -> Reader | None:
        """The reader of a token this process read from the table less than
        :data:`FRESH_FOR` seconds ago; None otherwise (ask :meth:`reader`). No I/O."""
        digest = _digest(secret)
        with self._lock:
            seen = self._seen.get(digest)
            if seen is None or self._clock() - seen[1] >= FRESH_FOR:
                return None
            self._seen.move_to_end(digest)
            return seen[0]

    def reader(self, secret: str) -> Reader | None:
        """The reader a live token stands for; None for an unknown or revoked token.
        Read from the tokens table unless this process read it there less than
        :data:`FRESH_FOR` seconds ago."""
        if not secret.startswith(PREFIX) or len(secret) > 200:
            return None
        found = self.fresh(secret)
        if found is not None:
            return found
        digest = _digest(secret)
        with self._lock:
            reading = self._reading.setdefault(digest, threading.Lock())
        with reading:
            found = self.fresh(secret)  # read meanwhile by the request that held the lock
            if found is not None:
                return found
            read_at = self._clock()
            found = self._read(secret)
            with self._lock:
                self._reading.pop(digest, None)
                if found is None:
                    self._seen.pop(digest, None)
                else:
                    self._seen[digest] = (found, read_at)
                    self._seen.move_to_end(digest)
                    while len(self._seen) > REMEMBERED:
                        self._seen.popitem(last=False)
        return found

    def _read(self, secret: str) -> Reader | None:
        with self.store.reading() as connection:
            row = connection.execute(select(tokens).where(tokens.c.digest == _digest(secret))).first()
        if row is None or row.revoked_at is not None:
            return None
        if not hmac.compare_digest(row.mac or "", self._mac(row._mapping)):  # noqa: SLF001 - public SQLAlchemy API
            log.warning("token %s refused: its row does not carry this deployment's keyed hash", row.id)
            return None
        info = self._info(row)
        return Reader(
            name=info.name,
            role=info.role,
            token_id=info.id,
            scopes=info.scopes,
            subject=SubjectRef.parse(info.subject) if info.subject else None,
        )
