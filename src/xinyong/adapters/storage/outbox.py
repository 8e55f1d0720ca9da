"""The notices outbox and the subject's inbox, and the log of delivery attempts.

Notices are written in the same transaction as the event that causes them. The inbox is
the outbox read for one subject: a notice is in it the moment it is written. Other
channels (email) are delivered from it, retried with backoff until they succeed, and
every attempt is logged: nothing is lost."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, func, select

from xinyong.adapters.storage.notice_bodies import pack, unpack
from xinyong.adapters.storage.store import LedgerStore, among, in_chunks
from xinyong.adapters.storage.tables import deliveries, notices
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.notices import NoticeDraft
from xinyong.services.unit_of_work import Notice

__all__ = ["Notice", "Outbox"]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _body(subject: SubjectRef, draft: NoticeDraft) -> dict[str, Any]:
    """What is sealed of a notice: its subject, key, fields and lines (a line without
    fields of its own is its key alone). No words: they are rendered when read."""
    body: dict[str, Any] = {"subject": str(subject), "key": draft.key, "fields": draft.fields}
    if draft.lines:
        body["lines"] = [line.key if not line.fields else [line.key, dict(line.fields)] for line in draft.lines]
    return body


def _lines(body: dict[str, Any]) -> tuple[tuple[str, dict[str, Any]], ...]:
    return tuple((line, {}) if isinstance(line, str) else (line[0], line[1]) for line in body.get("lines", ()))


class Outbox:
    def __init__(self, store: LedgerStore):
        self.store = store

    def write(self, connection: Connection, drafts: Iterable[NoticeDraft]) -> int:
        """Write notices; one whose dedupe key was already written is skipped."""
        drafts = list(drafts)
        keys = [d.dedupe for d in drafts if d.dedupe]
        seen: set[str] = set()
        for chunk in in_chunks(connection, keys):
            seen.update(
                connection.execute(select(notices.c.dedupe).where(among(connection, notices.c.dedupe, chunk))).scalars()
            )
        kept = []
        for draft in drafts:
            if draft.dedupe:
                if draft.dedupe in seen:
                    continue
                seen.add(draft.dedupe)
            kept.append(draft)
        if not kept:
            return 0
        # The notices' ids (12 hex digits each) and their sealed bodies, drawn in bulk.
        ids = os.urandom(6 * len(kept)).hex()
        created = _now().isoformat(timespec="seconds")
        subject_keys: dict[SubjectRef, str] = {}  # subject -> lookup key, within this write
        lookup_key = self.store.subject_key
        rows: list[dict[str, Any]] = []
        bodies = []
        for number, draft in enumerate(kept):
            notice_id = ids[12 * number : 12 * number + 12]
            subject_key = subject_keys.get(draft.subject)
            if subject_key is None:
                subject_key = subject_keys[draft.subject] = lookup_key(draft.subject)
            rows.append(
                {
                    "id": notice_id,
                    "created_at": created,
                    "kind": draft.kind,
                    "subject_key": subject_key,
                    "source": draft.to_source,
                    "record_id": draft.record,
                    "dedupe": draft.dedupe,
                }
            )
            # Compressed, then sealed (notice_bodies).
            bodies.append((pack(_body(draft.subject, draft)), b"notice:" + notice_id.encode()))
        for row, sealed in zip(rows, self.store.sealer.seal_many(bodies), strict=True):
            row["sealed"] = sealed
        self.store.append_rows(connection, "notices", rows)
        return len(rows)

    def _notice(self, row) -> Notice:
        body = unpack(self.store.sealer.open(row.sealed, b"notice:" + row.id.encode()))
        key = body.get("key")
        return Notice(
            row.seq,
            row.id,
            row.created_at,
            row.kind,
            body["subject"],
            row.source,
            row.record_id,
            key,
            body["fields"],
            _lines(body),
            None if key is not None else (body.get("title", ""), body.get("text", "")),
        )

    @contextmanager
    def _reading(self, connection: Connection | None) -> Iterator[Connection]:
        """``connection``, or a reading connection of its own."""
        if connection is not None:
            yield connection
        else:
            with self.store.reading() as opened:
                yield opened

    def inbox(self, subject: SubjectRef, limit: int = 500, connection: Connection | None = None) -> list[Notice]:
        """The subject's notices, newest first (not those addressed to sources)."""
        with self._reading(connection) as connection:
            rows = connection.execute(
                select(notices)
                .where(notices.c.subject_key == self.store.subject_key(subject), notices.c.source.is_(None))
                .order_by(notices.c.seq.desc())
                .limit(limit)
            ).all()
        return [self._notice(r) for r in rows]

    def for_source(self, source: str, limit: int = 500, connection: Connection | None = None) -> list[Notice]:
        with self._reading(connection) as connection:
            rows = connection.execute(
                select(notices).where(notices.c.source == source).order_by(notices.c.seq.desc()).limit(limit)
            ).all()
        return [self._notice(r) for r in rows]

    def count(self, connection: Connection | None = None) -> int:
        with self._reading(connection) as connection:
            return connection.execute(select(func.count()).select_from(notices)).scalar_one()

    # ------------------------------------------------------------------ deliveries

    def due_for_delivery(
        self, channel: str, now: dt.datetime | None = None, limit: int = 200, connection: Connection | None = None
    ) -> list[tuple[Notice, int]]:
        """Notices to subjects not yet delivered on ``channel`` whose next attempt is due,
        with the number of attempts so far."""
        now = now or _now()
        with self._reading(connection) as connection:
            attempts = {}
            for row in connection.execute(
                select(deliveries).where(deliveries.c.channel == channel).order_by(deliveries.c.seq)
            ):
                attempts[row.notice_seq] = row
            rows = connection.execute(select(notices).where(notices.c.source.is_(None)).order_by(notices.c.seq)).all()
        due = []
        for row in rows:
            last = attempts.get(row.seq)
            if last is not None and (last.outcome == "sent" or last.outcome == "skipped"):
                continue
            if last is not None and last.next_attempt_at and last.next_attempt_at > now.isoformat():
                continue
            due.append((self._notice(row), last.attempt if last is not None else 0))
            if len(due) >= limit:
                break
        return due

    def log_attempt(
        self,
        notice: Notice,
        channel: str,
        attempt: int,
        outcome: str,
        error: str | None = None,
        retry_in: dt.timedelta | None = None,
        connection: Connection | None = None,
    ) -> None:
        """Log one delivery attempt, in ``connection``'s transaction (one of its own
        without one)."""
        if connection is None:
            with self.store.transaction() as opened:
                return self.log_attempt(notice, channel, attempt, outcome, error, retry_in, opened)
        now = _now()
        # A delivery error can carry an address: it is sealed like the notice itself.
        sealed = self.store.sealer.seal(error.encode(), f"delivery:{notice.id}:{attempt}".encode()) if error else None
        self.store.append_rows(
            connection,
            "deliveries",
            [
                {
                    "notice_seq": notice.seq,
                    "channel": channel,
                    "attempt": attempt,
                    "at": now.isoformat(timespec="seconds"),
                    "outcome": outcome,
                    "sealed_error": sealed,
                    "next_attempt_at": (now + retry_in).isoformat(timespec="seconds") if retry_in else None,
                }
            ],
        )
        return None

    def attempts(self, notice_id: str) -> list[dict[str, Any]]:
        with self.store.reading() as connection:
            rows = connection.execute(
                select(deliveries)
                .join(notices, notices.c.seq == deliveries.c.notice_seq)
                .where(notices.c.id == notice_id)
                .order_by(deliveries.c.seq)
            ).all()
        return [
            {
                "channel": r.channel,
                "attempt": r.attempt,
                "at": r.at,
                "outcome": r.outcome,
                "error": self.store.sealer.open(r.sealed_error, f"delivery:{notice_id}:{r.attempt}".encode()).decode()
                if r.sealed_error is not None
                else None,
                "next_attempt_at": r.next_attempt_at,
            }
            for r in rows
        ]
