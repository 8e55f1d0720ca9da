"""The notices outbox and the subject's inbox, and the log of delivery attempts.

Notices are written in the same transaction as the event that causes them. The inbox is
the outbox read for one subject: a notice is in it the moment it is written. Other
channels (email) are delivered from it, retried with backoff until they succeed, and
every attempt is logged: nothing is lost."""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select

from xinyong.adapters.storage.notice_bodies import NoticeBodyError, pack, unpack
from xinyong.adapters.storage.store import LedgerStore, among, in_chunks
from xinyong.adapters.storage.tables import deliveries, notice_due, notice_rounds, notices
from xinyong.adapters.storage.webhooks import WebhookBook
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.notices import NoticeDraft
from xinyong.domain.webhooks import FROM_SOURCE_NOTICE, source_data
from xinyong.services.unit_of_work import Notice, NoticeRounds

__all__ = ["Notice", "Outbox"]

# A read receipt: the subject marked the notice read in its inbox (portal or API). It is
# kept in the delivery log, append-only like every delivery, on a channel of its own.
INBOX = "inbox"
READ = "read"


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


# The fields of a record's notice that are its rule's texts in the catalog version it
# names (``rule``, ``catalog_version``): stored only where they differ from them.
_FROM_CATALOG = ("rule_title", "legal_basis")

# A rule's texts, by catalog version (catalog id, version) and rule name.
_RuleTexts = dict[tuple[str, str], dict[str, tuple[str | None, ...]]]


# Each stored catalog version's rule texts, by the digest of its source: parsed once a
# process, not once a unit of work (a notice round's write of 200 notices spent 10 ms
# parsing the catalogs again).
_PARSED: dict[str, dict[str, tuple[str | None, ...]]] = {}  # digest -> rule -> texts


class _CatalogTexts:
    """The texts of every rule of every stored catalog version. A stored version never
    changes (``catalog_versions`` is append-only): each is parsed once a process, known
    by the digest of its source."""

    def __init__(self, store: LedgerStore):
        self.store = store
        self._parsed = _PARSED

    def __call__(self, connection: Connection) -> _RuleTexts:
        digests = self.store.catalog_digests(connection)
        if any(digest not in self._parsed for digest in digests.values()):
            versions = {(c.id, c.version): c for c in self.store.catalogs(connection)}
            for key, digest in digests.items():
                version = versions.get(key)
                if version is not None and digest not in self._parsed:
                    self._parsed[digest] = {
                        name: (rule.title, rule.legal_basis)  # in the order of _FROM_CATALOG
                        for name, rule in version.rules.items()
                    }
        return {key: self._parsed[digest] for key, digest in digests.items() if digest in self._parsed}


def _rule_texts(fields: dict[str, Any], texts: _RuleTexts) -> tuple[str | None, ...] | None:
    """The catalog's texts of the rule a notice's ``fields`` name, None when they name none."""
    rule, version = fields.get("rule"), fields.get("catalog_version")
    if not isinstance(rule, str) or not isinstance(version, str):
        return None
    catalog_id, _, name = rule.partition("/")
    return texts.get((catalog_id, version), {}).get(name)


def _without_catalog_texts(body: dict[str, Any], texts: _RuleTexts) -> dict[str, Any]:
    """``body`` with the fields that equal the catalog's texts stored as null and named
    in ``catalog_texts`` (each where it was: the fields keep their order)."""
    fields = body["fields"]
    known = _rule_texts(fields, texts)
    if known is None:
        return body
    same = [name for name, text in zip(_FROM_CATALOG, known, strict=True) if name in fields and fields[name] == text]
    if not same:
        return body
    # Copied whole, then the texts set to null in place: a key set again keeps its place,
    # and nearly every notice of a record comes through here.
    kept = dict(fields)
    for name in same:
        kept[name] = None
    return {**body, "fields": kept, "catalog_texts": same}


def _with_catalog_texts(body: dict[str, Any], texts: Callable[[], _RuleTexts]) -> dict[str, Any]:
    """``body`` as it was written: the fields named in ``catalog_texts`` filled from the
    catalog."""
    names: Sequence[str] | None = body.pop("catalog_texts", None)
    if names is None:
        return body
    fields = body["fields"]
    known = _rule_texts(fields, texts())
    if known is None:
        raise NoticeBodyError(
            f"a notice takes texts of rule {fields.get('rule')!r} from catalog version"
            f" {fields.get('catalog_version')!r}, which is not stored"
        )
    for name in names:
        fields[name] = known[_FROM_CATALOG.index(name)]
    return body


class Outbox:
    def __init__(self, store: LedgerStore):
        self.store = store
        self._catalog_texts = _CatalogTexts(store)
        self.webhooks = WebhookBook(store)
        self._rounds_key = store.sealer.derived("notice-rounds")

    def written(self, connection: Connection, keys: list[str]) -> set[str]:
        """The dedupe keys among ``keys`` that notices were written under."""
        seen: set[str] = set()
        for chunk in in_chunks(connection, keys):
            seen.update(
                connection.execute(select(notices.c.dedupe).where(among(connection, notices.c.dedupe, chunk))).scalars()
            )
        return seen

    def write(self, connection: Connection, drafts: Iterable[NoticeDraft]) -> int:
        """Write notices; one whose dedupe key was already written is skipped."""
        drafts = list(drafts)
        seen = self.written(connection, [d.dedupe for d in drafts if d.dedupe])
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
        texts = self._catalog_texts(connection) if any(_FROM_CATALOG[0] in d.fields for d in kept) else {}
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
            body = _without_catalog_texts(_body(draft.subject, draft), texts)
            bodies.append((pack(body), b"notice:" + notice_id.encode()))
        for row, sealed in zip(rows, self.store.sealer.seal_many(bodies), strict=True):
            row["sealed"] = sealed
        self.store.append_rows(connection, "notices", rows)
        self._to_webhooks(connection, kept, [row["id"] for row in rows])
        return len(rows)

    def _to_webhooks(self, connection: Connection, drafts: list[NoticeDraft], ids: list[str]) -> None:
        """The notices to sources that are also webhooks, written as messages to the
        sources' endpoints in the same transaction."""
        grouped: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for draft, notice_id in zip(drafts, ids, strict=True):
            event_type = FROM_SOURCE_NOTICE.get(draft.kind)
            if draft.to_source is None or event_type is None:
                continue
            data = source_data(draft.fields, notice_id, draft.event)
            grouped.setdefault((draft.to_source, event_type), []).append(data)
        for (source, event_type), items in grouped.items():
            self.webhooks.publish(connection, "source", source, event_type, items)

    def _notices(self, rows: Iterable[Any], connection: Connection) -> Iterator[Notice]:
        """The notices of ``rows``, read in ``connection`` (their catalog texts)."""
        texts: _RuleTexts | None = None

        def catalog_texts() -> _RuleTexts:
            nonlocal texts
            if texts is None:
                texts = self._catalog_texts(connection)
            return texts

        for row in rows:
            yield self._notice(row, catalog_texts)

    def _notice(self, row, texts: Callable[[], _RuleTexts]) -> Notice:
        body = unpack(self.store.sealer.open(row.sealed, b"notice:" + row.id.encode()))
        body = _with_catalog_texts(body, texts)
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
        """The subject's notices, newest first (not those addressed to sources), each with
        the time it was first marked read."""
        with self._reading(connection) as connection:
            rows = connection.execute(
                select(notices)
                .where(notices.c.subject_key == self.store.subject_key(subject), notices.c.source.is_(None))
                .order_by(notices.c.seq.desc())
                .limit(limit)
            ).all()
            read = self._read_at(connection, [r.seq for r in rows])
            return [replace(n, read_at=read.get(n.seq)) for n in self._notices(rows, connection)]

    def _read_at(self, connection: Connection, seqs: list[int]) -> dict[int, str]:
        """When each of the notices ``seqs`` was first marked read, for those that were."""
        found: dict[int, str] = {}
        for start in range(0, len(seqs), 500):  # within SQLite's limit on bound parameters
            for seq, at in connection.execute(
                select(deliveries.c.notice_seq, func.min(deliveries.c.at))
                .where(
                    deliveries.c.channel == INBOX,
                    deliveries.c.outcome == READ,
                    deliveries.c.notice_seq.in_(seqs[start : start + 500]),
                )
                .group_by(deliveries.c.notice_seq)
            ):
                found[seq] = at
        return found

    def mark_read(self, connection: Connection, subject: SubjectRef, notice_ids: Iterable[str] | None = None) -> int:
        """Append a read receipt (channel ``inbox``, outcome ``read``) for each of the
        subject's unread notices among ``notice_ids`` (all of them when None)."""
        query = select(notices.c.seq).where(
            notices.c.subject_key == self.store.subject_key(subject), notices.c.source.is_(None)
        )
        if notice_ids is not None:
            wanted = sorted(set(notice_ids))
            if not wanted:
                return 0
            query = query.where(notices.c.id.in_(wanted))
        seqs = list(connection.execute(query.order_by(notices.c.seq)).scalars())
        already = self._read_at(connection, seqs)
        unread = [seq for seq in seqs if seq not in already]
        if not unread:
            return 0
        at = _now().isoformat(timespec="seconds")
        self.store.append_rows(
            connection,
            "deliveries",
            [
                {
                    "notice_seq": seq,
                    "channel": INBOX,
                    "attempt": 1,
                    "at": at,
                    "outcome": READ,
                    "sealed_error": None,
                    "next_attempt_at": None,
                }
                for seq in unread
            ],
        )
        return len(unread)

    def for_source(self, source: str, limit: int = 500, connection: Connection | None = None) -> list[Notice]:
        with self._reading(connection) as connection:
            rows = connection.execute(
                select(notices).where(notices.c.source == source).order_by(notices.c.seq.desc()).limit(limit)
            ).all()
            return list(self._notices(rows, connection))

    def count(self, connection: Connection | None = None) -> int:
        with self._reading(connection) as connection:
            return connection.execute(select(func.count()).select_from(notices)).scalar_one()

    # ------------------------------------------------------------------ rounds

    def rounds(self, connection: Connection) -> NoticeRounds | None:
        """Where the notice rounds stand; None before the first, and for a row whose MAC
        does not verify (altered outside the service: the next round reads every record)."""
        row = connection.execute(select(notice_rounds).where(notice_rounds.c.id == 1)).first()
        if row is None:
            return None
        standing = NoticeRounds(row.day, row.seq, row.catalogs, row.whole_on)
        if not hmac.compare_digest(bytes(row.mac), self._rounds_mac(standing)):
            logging.getLogger("xinyong.notices").warning(
                "where the notice rounds stand does not verify (altered outside the service?): the next round "
                "reads every record"
            )
            return None
        return standing

    def note_rounds(self, connection: Connection, standing: NoticeRounds) -> None:
        """Keep ``standing`` in place of what was kept, with its MAC."""
        connection.execute(delete(notice_rounds))
        connection.execute(
            insert(notice_rounds).values(
                id=1,
                day=standing.day,
                seq=standing.seq,
                catalogs=standing.catalogs,
                whole_on=standing.whole_on,
                mac=self._rounds_mac(standing),
            )
        )

    def _rounds_mac(self, standing: NoticeRounds) -> bytes:
        payload = f"{standing.day}\x1f{standing.seq}\x1f{standing.catalogs}\x1f{standing.whole_on}".encode()
        return hmac.digest(self._rounds_key, payload, "sha256")

    def due_between(self, connection: Connection, after: dt.date, upto: dt.date) -> list[str]:
        """The records whose next due day is in ``(after, upto]``."""
        found = select(notice_due.c.record_id).where(notice_due.c.due_on > after, notice_due.c.due_on <= upto)
        return list(connection.execute(found).scalars())

    def keep_due(self, connection: Connection, days: Mapping[str, dt.date | None]) -> None:
        """Each record's next due day in place of what was kept for it (None: none)."""
        ids = list(days)
        for chunk in in_chunks(connection, ids):
            connection.execute(delete(notice_due).where(among(connection, notice_due.c.record_id, chunk)))
        kept = [{"record_id": record, "due_on": day} for record, day in days.items() if day is not None]
        if kept:
            connection.execute(insert(notice_due), kept)

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
            due_rows = []
            for row in rows:
                last = attempts.get(row.seq)
                if last is not None and (last.outcome == "sent" or last.outcome == "skipped"):
                    continue
                if last is not None and last.next_attempt_at and last.next_attempt_at > now.isoformat():
                    continue
                due_rows.append(row)
                if len(due_rows) >= limit:
                    break
            return [
                (notice, attempts[row.seq].attempt if row.seq in attempts else 0)
                for row, notice in zip(due_rows, self._notices(due_rows, connection), strict=True)
            ]

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
