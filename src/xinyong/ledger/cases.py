"""Cases an officer decides that are not ledger events themselves: repair applications
and requests for human review. Append-only: a case is opened, then decided."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from xinyong.identifiers import SubjectRef
from xinyong.ledger.store import LedgerStore
from xinyong.ledger.tables import cases


@dataclass(frozen=True)
class Case:
    id: str
    kind: str
    subject: SubjectRef
    record: str | None
    opened_at: str
    opened: dict[str, Any]
    decided_at: str | None
    decided: dict[str, Any] | None

    @property
    def is_open(self) -> bool:
        return self.decided is None


class CaseBook:
    def __init__(self, store: LedgerStore):
        self.store = store

    def _seal(self, case_id: str, body: dict) -> bytes:
        return self.store.sealer.seal(json.dumps(body, ensure_ascii=False).encode(), b"case:" + case_id.encode())

    def open(self, kind: str, subject: SubjectRef, record: str | None, body: dict[str, Any], connection=None) -> str:
        case_id = secrets.token_hex(6)
        values = {
            "case_id": case_id, "kind": kind, "step": "opened", "subject_key": self.store.subject_key(subject),
            "record_id": record, "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "sealed": self._seal(case_id, {"subject": str(subject), **body}),
        }
        if connection is not None:
            self._insert(connection, values)
        else:
            with self.store.transaction() as c:
                self._insert(c, values)
        return case_id

    def _insert(self, connection, values: dict) -> None:
        self.store.append_rows(connection, "cases", [values])

    def decide(self, case: Case, body: dict[str, Any], connection) -> None:
        self._insert(connection, dict(
            case_id=case.id, kind=case.kind, step="decided", subject_key=self.store.subject_key(case.subject),
            record_id=case.record, at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            sealed=self._seal(case.id, {"subject": str(case.subject), **body}),
        ))

    def _cases(self, rows) -> list[Case]:
        opened: dict[str, tuple] = {}
        decided: dict[str, tuple] = {}
        for row in rows:
            body = json.loads(self.store.sealer.open(row.sealed, b"case:" + row.case_id.encode()))
            (opened if row.step == "opened" else decided)[row.case_id] = (row, body)
        found = []
        for case_id, (row, body) in opened.items():
            done = decided.get(case_id)
            found.append(Case(
                case_id, row.kind, SubjectRef.parse(body["subject"]), row.record_id, row.at, body,
                done[0].at if done else None, done[1] if done else None,
            ))
        return found

    def get(self, case_id: str) -> Case | None:
        with self.store.reading() as connection:
            rows = connection.execute(select(cases).where(cases.c.case_id == case_id).order_by(cases.c.seq)).all()
        found = self._cases(rows)
        return found[0] if found else None

    def all(self, kind: str | None = None, subject: SubjectRef | None = None) -> list[Case]:
        query = select(cases).order_by(cases.c.seq)
        if kind is not None:
            query = query.where(cases.c.kind == kind)
        if subject is not None:
            query = query.where(cases.c.subject_key == self.store.subject_key(subject))
        with self.store.reading() as connection:
            return self._cases(connection.execute(query).all())
