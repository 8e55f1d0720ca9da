"""The notices outbox and the subject's inbox, and the log of delivery attempts.

Notices are written in the same transaction as the event that causes them. The inbox is
the outbox read for one subject: a notice is in it the moment it is written. Other
channels (email) are delivered from it, retried with backoff until they succeed, and
every attempt is logged: nothing is lost."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from xinyong import messages
from xinyong.adapters.storage.store import LedgerStore
from xinyong.adapters.storage.tables import deliveries, notices
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.notices import NoticeDraft


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Notice:
    """A notice as stored: its message key, the lines of its text and its fields.
    A notice written before notices were stored as keys (``key`` None) has its title
    and text as written, in English, and renders as them in every language."""

    seq: int
    id: str
    created_at: str
    kind: str
    subject: str
    source: str | None
    record: str | None
    key: str | None
    fields: dict[str, Any]
    lines: tuple[tuple[str, dict[str, Any]], ...] = ()
    written: tuple[str, str] | None = None  # (title, text) of a notice stored as prose

    def rendered(self, language: str, channel: str | None = None) -> tuple[str, str]:
        """The notice's title and text in ``language`` (for ``channel``, such as
        ``api``, where the catalog has a variant for it)."""
        if self.key is None:
            return self.written or ("", "")
        return messages.render_notice(self.key, self.fields, self.lines, language, channel)

    def as_json(self, language: str = "en", channel: str | None = "api") -> dict[str, Any]:
        """The notice as the API gives it: rendered in ``language`` (title, text), and
        as its message key, lines and fields, for a client that renders itself."""
        title, text = self.rendered(language, channel)
        return {
            "id": self.id,
            "created_at": self.created_at,
            "kind": self.kind,
            "record": self.record,
            "to": f"source {self.source}" if self.source else "subject",
            "title": title,
            "text": text,
            "language": language if self.key is not None else "en",
            "key": self.key,
            "lines": [{"key": k, "fields": f} for k, f in self.lines],
            "fields": self.fields,
        }


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
        for start in range(0, len(keys), 500):
            seen.update(
                connection.execute(
                    select(notices.c.dedupe).where(notices.c.dedupe.in_(keys[start : start + 500]))
                ).scalars()
            )
        rows = []
        created = _now().isoformat(timespec="seconds")
        for draft in drafts:
            if draft.dedupe:
                if draft.dedupe in seen:
                    continue
                seen.add(draft.dedupe)
            notice_id = secrets.token_hex(6)
            body = _body(draft.subject, draft)
            rows.append(
                {
                    "id": notice_id,
                    "created_at": created,
                    "kind": draft.kind,
                    "subject_key": self.store.subject_key(draft.subject),
                    "source": draft.to_source,
                    "record_id": draft.record,
                    "dedupe": draft.dedupe,
                    "sealed": self.store.sealer.seal(
                        json.dumps(body, ensure_ascii=False).encode(), b"notice:" + notice_id.encode()
                    ),
                }
            )
        self.store.append_rows(connection, "notices", rows)
        return len(rows)

    def _notice(self, row) -> Notice:
        body = json.loads(self.store.sealer.open(row.sealed, b"notice:" + row.id.encode()))
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

    def inbox(self, subject: SubjectRef, limit: int = 500) -> list[Notice]:
        """The subject's notices, newest first (not those addressed to sources)."""
        with self.store.reading() as connection:
            rows = connection.execute(
                select(notices)
                .where(notices.c.subject_key == self.store.subject_key(subject), notices.c.source.is_(None))
                .order_by(notices.c.seq.desc())
                .limit(limit)
            ).all()
        return [self._notice(r) for r in rows]

    def for_source(self, source: str, limit: int = 500) -> list[Notice]:
        with self.store.reading() as connection:
            rows = connection.execute(
                select(notices).where(notices.c.source == source).order_by(notices.c.seq.desc()).limit(limit)
            ).all()
        return [self._notice(r) for r in rows]

    def count(self) -> int:
        with self.store.reading() as connection:
            return connection.execute(select(func.count()).select_from(notices)).scalar_one()

    # ------------------------------------------------------------------ deliveries

    def due_for_delivery(
        self, channel: str, now: dt.datetime | None = None, limit: int = 200
    ) -> list[tuple[Notice, int]]:
        """Notices to subjects not yet delivered on ``channel`` whose next attempt is due,
        with the number of attempts so far."""
        now = now or _now()
        with self.store.reading() as connection:
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
    ) -> None:
        now = _now()
        # A delivery error can carry an address: it is sealed like the notice itself.
        sealed = self.store.sealer.seal(error.encode(), f"delivery:{notice.id}:{attempt}".encode()) if error else None
        with self.store.transaction() as connection:
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
