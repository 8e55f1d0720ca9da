"""The access log: every read of a subject's data, with who read it and why.
Append-only, like the ledger.

Several appends in one transaction (the checks of a group commit) read the chain's
head and the subjects' text keys once: the transaction holds the write lock, so the
head it appended last is still the head, and no key is erased meanwhile."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, func, select

from xinyong.adapters.storage import chain
from xinyong.adapters.storage.sealing import SubjectSealer
from xinyong.adapters.storage.store import LedgerStore
from xinyong.adapters.storage.tables import access_log
from xinyong.domain.access import Reader
from xinyong.domain.free_text import mask_identity_numbers
from xinyong.domain.identifiers import SubjectRef
from xinyong.services.unit_of_work import Access

__all__ = ["Access", "AccessLog"]


class AccessLog:
    def __init__(self, store: LedgerStore):
        self.store = store
        # What this transaction appended last, and the text keys it opened.
        self._transaction: object | None = None
        self._head: tuple[int, str] | None = None
        self._texts: dict[str, SubjectSealer | None] = {}

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
        if purpose is not None:
            purpose = mask_identity_numbers(purpose)
        keys = [self.store.subject_key(subject) for subject in subjects]
        transaction = connection.get_transaction()
        if transaction is None or transaction is not self._transaction or not transaction.is_active:
            self._transaction, self._head, self._texts = transaction, None, {}
        texts = self._texts
        wanted = [key for key in keys if texts.get(key) is None]
        if wanted:
            texts.update(self.store.text_sealers(connection, wanted, create=purpose is not None or any(details)))
        rows = [
            {
                "at": at,
                "subject_key": key,
                "reader": reader.name,
                "role": reader.role,
                "token_id": reader.token_id,
                "what": what,
                "_text": {k: v for k, v in (("purpose", purpose), ("detail", detail)) if v},
            }
            for key, detail in zip(keys, details, strict=False)
        ]

        def seal(row: dict) -> None:  # the text is sealed for its row's place
            text = row.pop("_text")
            row["sealed_text"] = (
                self.store.seal_text(texts, row["subject_key"], _context(row["seq"]), text) if text else None
            )

        head = self._head if self._head is not None else chain.head(connection, "access_log")
        self._head = None  # until the rows are in
        after = chain.link(self.store.sealer, "access_log", rows, head, seal)
        chain.insert_many(connection, access_log, rows)
        self._head = after if transaction is not None else None

    def log(
        self,
        subjects: list[SubjectRef],
        reader: Reader,
        what: str,
        purpose: str | None,
        details: list[str | None] | None = None,
    ) -> None:
        with self.store.transaction() as connection:
            self.write(connection, subjects, reader, what, purpose, details)

    def entries(
        self,
        subject: SubjectRef | None = None,
        limit: int = 100,
        offset: int = 0,
        connection: Connection | None = None,
        *,
        own: bool | None = None,
    ) -> tuple[int, list[Access]]:
        """Entries newest first, for one subject or all; with the total count (read in
        ``connection``'s transaction when given). With ``own``, only the subjects' reads
        of themselves (True) or only everyone else's (False)."""
        if connection is None:
            with self.store.reading() as opened:
                return self.entries(subject, limit, offset, opened, own=own)
        query = select(access_log)
        count = select(func.count()).select_from(access_log)
        if subject is not None:
            key = self.store.subject_key(subject)
            query = query.where(access_log.c.subject_key == key)
            count = count.where(access_log.c.subject_key == key)
        if own is not None:
            # A subject reads only itself (Reader.may_read): its reads are its own.
            by_subject = access_log.c.role == "subject" if own else access_log.c.role != "subject"
            query = query.where(by_subject)
            count = count.where(by_subject)
        total = connection.execute(count).scalar_one()
        rows = connection.execute(query.order_by(access_log.c.seq.desc()).limit(limit).offset(offset)).all()
        texts = self.store.text_sealers(connection, {r.subject_key for r in rows if r.sealed_text is not None})
        found = []
        for r in rows:
            text = self.store.open_text(texts, r.subject_key, _context(r.seq), r.sealed_text)
            found.append(
                Access(r.seq, r.at, r.reader, r.role, r.what, text.get("purpose"), text.get("detail"), r.subject_key)
            )
        return total, found

    def readers(self, connection: Connection, subject: SubjectRef, role: str, what: str) -> set[str]:
        """The names of the readers of ``role`` that read ``what`` of ``subject``
        (nothing sealed is opened)."""
        query = (
            select(access_log.c.reader)
            .distinct()
            .where(
                access_log.c.subject_key == self.store.subject_key(subject),
                access_log.c.role == role,
                access_log.c.what == what,
            )
        )
        return set(connection.execute(query).scalars())


def _context(seq: int) -> bytes:
    return f"access:{seq}".encode()
