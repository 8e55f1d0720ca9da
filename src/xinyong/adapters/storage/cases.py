"""Cases an officer decides that are not ledger events themselves: repair applications
and requests for human review. Append-only: a case is opened, then decided."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Any

from sqlalchemy import func, select

from xinyong.adapters.storage.store import LedgerStore
from xinyong.adapters.storage.tables import cases
from xinyong.domain.free_text import mask_identity_numbers
from xinyong.domain.identifiers import SubjectRef
from xinyong.services.unit_of_work import Case

# What people type into a case: sealed under the subject's own key (erasable) with
# identity numbers masked; the rest of a case's body is sealed under the deployment's.
FREE_TEXT = ("proof", "commitment", "grounds", "reasons")


class CaseBook:
    def __init__(self, store: LedgerStore):
        self.store = store

    def _seal(self, case_id: str, body: dict) -> bytes:
        return self.store.sealer.seal(json.dumps(body, ensure_ascii=False).encode(), b"case:" + case_id.encode())

    @staticmethod
    def _text_context(case_id: str, step: str) -> bytes:
        return f"case:{case_id}:{step}".encode()

    def _sealed(self, connection, case_id: str, step: str, subject: SubjectRef, body: dict[str, Any]) -> dict:
        text = {
            k: mask_identity_numbers(body[k]) if isinstance(body[k], str) else body[k]
            for k in FREE_TEXT
            if body.get(k) is not None
        }
        rest = {k: v for k, v in body.items() if k not in FREE_TEXT}
        subject_key = self.store.subject_key(subject)
        texts = self.store.text_sealers(connection, [subject_key], create=bool(text))
        return {
            "sealed": self._seal(case_id, {"subject": str(subject), **rest}),
            "sealed_text": self.store.seal_text(texts, subject_key, self._text_context(case_id, step), text)
            if text
            else None,
        }

    def _insert(self, connection, values: dict[str, Any]) -> None:
        """The one way a row enters the append-only ``cases`` table: numbered and on its
        keyed chain."""
        self.store.append_rows(connection, "cases", [values])

    def open(
        self,
        kind: str,
        subject: SubjectRef,
        record: str | None,
        body: dict[str, Any],
        connection=None,
        slot: str | None = None,
    ) -> str:
        """Open a case in ``connection``'s transaction (a transaction of its own without
        one). ``slot`` is the place the case takes (unique in the database: two cases
        opened at once in one place cannot both be written)."""
        if connection is None:
            with self.store.transaction() as opened:
                return self.open(kind, subject, record, body, opened, slot)
        case_id = secrets.token_hex(6)
        self._insert(
            connection,
            {
                "case_id": case_id,
                "kind": kind,
                "step": "opened",
                "subject_key": self.store.subject_key(subject),
                "record_id": record,
                "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                **self._sealed(connection, case_id, "opened", subject, body),
                "slot": slot,
            },
        )
        return case_id

    def decide(self, case: Case, body: dict[str, Any], connection) -> None:
        """Decide an open case; the database refuses a second decision of one case."""
        self._insert(
            connection,
            {
                "case_id": case.id,
                "kind": case.kind,
                "step": "decided",
                "subject_key": self.store.subject_key(case.subject),
                "record_id": case.record,
                "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                **self._sealed(connection, case.id, "decided", case.subject, body),
                "slot": None,
            },
        )

    def opened_for_record(self, kind: str, record: str, connection) -> int:
        """How many cases of ``kind`` were ever opened on ``record``."""
        return connection.execute(
            select(func.count())
            .select_from(cases)
            .where(cases.c.kind == kind, cases.c.record_id == record, cases.c.step == "opened")
        ).scalar_one()

    def _cases(self, connection, rows) -> list[Case]:
        opened: dict[str, tuple] = {}
        decided: dict[str, tuple] = {}
        texts = self.store.text_sealers(connection, {r.subject_key for r in rows if r.sealed_text is not None})
        for row in rows:
            body = json.loads(self.store.sealer.open(row.sealed, b"case:" + row.case_id.encode()))
            body.update(
                self.store.open_text(texts, row.subject_key, self._text_context(row.case_id, row.step), row.sealed_text)
            )
            (opened if row.step == "opened" else decided)[row.case_id] = (row, body)
        found = []
        for case_id, (row, body) in opened.items():
            done = decided.get(case_id)
            found.append(
                Case(
                    case_id,
                    row.kind,
                    SubjectRef.parse(body["subject"]),
                    row.record_id,
                    row.at,
                    body,
                    done[0].at if done else None,
                    done[1] if done else None,
                )
            )
        return found

    def get(self, case_id: str, connection=None) -> Case | None:
        """The case, read in ``connection``'s transaction when given."""
        if connection is None:
            with self.store.reading() as reading:
                return self.get(case_id, reading)
        rows = connection.execute(select(cases).where(cases.c.case_id == case_id).order_by(cases.c.seq)).all()
        found = self._cases(connection, rows)
        return found[0] if found else None

    def all(self, kind: str | None = None, subject: SubjectRef | None = None, connection=None) -> list[Case]:
        if connection is None:
            with self.store.reading() as reading:
                return self.all(kind, subject, reading)
        query = select(cases).order_by(cases.c.seq)
        if kind is not None:
            query = query.where(cases.c.kind == kind)
        if subject is not None:
            query = query.where(cases.c.subject_key == self.store.subject_key(subject))
        return self._cases(connection, connection.execute(query).all())
