"""Files attached to disputes and repair applications. Append-only and on the keyed
chain; a file's name and bytes are sealed under its subject's own key, bound to the
attachment's id (a sealed value moved to another row does not open), so that erasing
the subject's key erases its files. In clear: the case, the lookup key, the type, the
size and the digest."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, select

from xinyong.adapters.storage.sealing import TextErased
from xinyong.adapters.storage.store import LedgerStore, among, in_chunks
from xinyong.adapters.storage.tables import attachments
from xinyong.domain.attachments import Accepted
from xinyong.domain.identifiers import SubjectRef
from xinyong.services.unit_of_work import Attachment

_META = [c for c in attachments.c if c.name != "sealed_content"]


def _context(attachment_id: str, part: str) -> bytes:
    return f"attachment:{attachment_id}:{part}".encode()


class AttachmentFiles:
    def __init__(self, store: LedgerStore):
        self.store = store

    def add(
        self, connection: Connection, case_kind: str, case_id: str, subject: SubjectRef, file: Accepted
    ) -> Attachment:
        subject_key = self.store.subject_key(subject)
        sealer = self.store.text_sealers(connection, [subject_key], create=True)[subject_key]
        assert sealer is not None  # made by create=True
        attachment_id = secrets.token_hex(12)
        row = {
            "id": attachment_id,
            "case_kind": case_kind,
            "case_id": case_id,
            "subject_key": subject_key,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "media_type": file.media_type,
            "size": file.size,
            "sha256": hashlib.sha256(file.content).hexdigest(),
            "sealed_name": sealer.seal(file.filename.encode(), _context(attachment_id, "name")),
            "sealed_content": sealer.seal(file.content, _context(attachment_id, "content")),
        }
        self.store.append_rows(connection, "attachments", [row])
        return self._attachment(row, file.filename)

    @staticmethod
    def _attachment(row: Mapping[str, Any], filename: str | None) -> Attachment:
        return Attachment(
            row["id"],
            row["case_kind"],
            row["case_id"],
            row["subject_key"],
            row["created_at"],
            row["media_type"],
            row["size"],
            row["sha256"],
            filename,
        )

    def _opened(self, connection: Connection, rows, part: str) -> list[bytes | None]:
        """The ``part`` (name or content) of each row, opened; None where the subject's
        key was erased."""
        texts = self.store.text_sealers(connection, {r["subject_key"] for r in rows})
        opened: list[bytes | None] = []
        for row in rows:
            sealer = texts.get(row["subject_key"])
            try:
                opened.append(
                    sealer.open(row[f"sealed_{part}"], _context(row["id"], part)) if sealer is not None else None
                )
            except TextErased:
                opened.append(None)
        return opened

    def _with_names(self, connection: Connection, rows) -> list[Attachment]:
        names = self._opened(connection, rows, "name")
        return [self._attachment(r, n.decode() if n is not None else None) for r, n in zip(rows, names, strict=True)]

    def of_cases(self, connection: Connection, case_kind: str, case_ids: Iterable[str]) -> dict[str, list[Attachment]]:
        found: dict[str, list[Attachment]] = {}
        for chunk in in_chunks(connection, list(dict.fromkeys(case_ids))):
            rows = (
                connection.execute(
                    select(*_META)
                    .where(attachments.c.case_kind == case_kind, among(connection, attachments.c.case_id, chunk))
                    .order_by(attachments.c.seq)
                )
                .mappings()
                .all()
            )
            for item in self._with_names(connection, rows):
                found.setdefault(item.case_id, []).append(item)
        return found

    def get(self, connection: Connection, attachment_id: str) -> Attachment | None:
        rows = connection.execute(select(*_META).where(attachments.c.id == attachment_id)).mappings().all()
        found = self._with_names(connection, rows)
        return found[0] if found else None

    def content(self, connection: Connection, attachment_id: str) -> bytes | None:
        rows = (
            connection.execute(
                select(attachments.c.id, attachments.c.subject_key, attachments.c.sealed_content).where(
                    attachments.c.id == attachment_id
                )
            )
            .mappings()
            .all()
        )
        return self._opened(connection, rows, "content")[0] if rows else None
