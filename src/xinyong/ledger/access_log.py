"""The access log: every read of a subject's data, with who read it and why.
Append-only, like the ledger."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select

from xinyong.access import Reader
from xinyong.identifiers import SubjectRef
from xinyong.ledger.store import LedgerStore
from xinyong.ledger.tables import access_log


@dataclass(frozen=True)
class Access:
    seq: int
    at: str
    reader: str
    role: str
    what: str
    purpose: str | None
    detail: str | None
    subject_key: str


class AccessLog:
    def __init__(self, store: LedgerStore):
        self.store = store

    def write(
        self,
        connection: Connection,
        subjects: list[SubjectRef],
        reader: Reader,
        what: str,
        purpose: str | None,
        details: list[str | None] | None = None,
    ) -> None:
        at = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
        details = details or [None] * len(subjects)
        if not subjects:
            return
        connection.execute(
            insert(access_log),
            [
                {
                    "at": at,
                    "subject_key": self.store.subject_key(subject),
                    "reader": reader.name,
                    "role": reader.role,
                    "token_id": reader.token_id,
                    "what": what,
                    "purpose": purpose,
                    "detail": detail,
                }
                for subject, detail in zip(subjects, details)
            ],
        )

    def log(self, subjects: list[SubjectRef], reader: Reader, what: str, purpose: str | None,
            details: list[str | None] | None = None) -> None:
        with self.store.transaction() as connection:
            self.write(connection, subjects, reader, what, purpose, details)

    def entries(
        self, subject: SubjectRef | None = None, limit: int = 100, offset: int = 0
    ) -> tuple[int, list[Access]]:
        """Entries newest first, for one subject or all; with the total count."""
        query = select(access_log)
        count = select(func.count()).select_from(access_log)
        if subject is not None:
            key = self.store.subject_key(subject)
            query = query.where(access_log.c.subject_key == key)
            count = count.where(access_log.c.subject_key == key)
        with self.store.reading() as connection:
            total = connection.execute(count).scalar_one()
            rows = connection.execute(
                query.order_by(access_log.c.seq.desc()).limit(limit).offset(offset)
            ).all()
        return total, [
            Access(r.seq, r.at, r.reader, r.role, r.what, r.purpose, r.detail, r.subject_key) for r in rows
        ]
