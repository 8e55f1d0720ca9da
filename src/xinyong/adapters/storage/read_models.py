"""Stored read models: one row per subject holding its read model as a compact JSON
document, and one row per piece of a list entry for the public lists.

Both are projections of the ledger, rewritten whole for a subject whenever it changes
(they are not append-only). Each row carries a keyed hash over its content and its
subject's lookup key, so that a row written or edited by someone holding the database
file but not the secret key is not believed: :meth:`SqlReadModels.stored` treats it as
absent and the service answers from the ledger. A row restored from an older copy
carries a valid hash but an older ``head``: the service compares it with the latest
event filed under the subject, which :meth:`stored` reads in the same query.

The document holds no identity: the subject is known to whoever asks (they name it),
and the rest is what the ledger's bodies already hold in the clear (rules, dates,
points, references).

A document is written in two parts, each compressed on its own: what a check reads (the
spans of score and grade, the list pieces) and the contributions that explain each point
of each span, which a check never reads and which grow with the subject's records. A
check of a firm with 10,000 records decoded 3.5 MB of JSON, 31 ms; its first part is
0.1 MB, under 1 ms. The contributions are decoded when first asked for. A document
written before the parts (one zlib stream) is read as it was."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar, overload

import msgspec
from sqlalchemy import Connection, Dialect, Select, bindparam, delete, func, or_, select

from xinyong.adapters.storage.chain import errors_as_sqlalchemy, insert_many
from xinyong.adapters.storage.digests import bind_digest
from xinyong.adapters.storage.store import LedgerStore
from xinyong.adapters.storage.tables import catalog_versions, ledger, list_pieces, standings
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.read_model import ContributionPiece, ListPiece, ReadModel, Span
from xinyong.domain.standing import Contribution, ListEntry
from xinyong.services.unit_of_work import ListedPiece, StoredModel

_FORMAT = 1
# What reading a document that this version does not write raises: such a row is not
# believed, like an altered one.
_UNREADABLE = (zlib.error, ValueError, KeyError, TypeError, IndexError)
# A document in two parts: this byte (a zlib stream, as documents were written before,
# begins with 0x78), the length of the first part as a varint, and the two parts, each
# compressed as a raw deflate stream (no header or checksum: the row's keyed hash covers
# the whole). The first, which every check decompresses, quickly; the contributions,
# most of the bytes, more tightly (level 6 takes a tenth off a document of the
# benchmark's and costs an import of 1 M records a few seconds).
_IN_PARTS = 0x02
_RAW = -15  # zlib's wbits for a raw deflate stream
_FIRST_LEVEL, _CONTRIBUTIONS_LEVEL = 1, 6
_IN_BATCH = 500
_Value = TypeVar("_Value")


def _plain_text(value: object) -> str:
    """A catalog's text (a ``str`` that knows its translations) as the plain string msgspec writes."""
    if isinstance(value, str):
        return str.__str__(value)
    raise TypeError(f"a read model holds no {type(value).__name__}")


_ENCODER = msgspec.json.Encoder(enc_hook=_plain_text)
# Every check decodes its subject's document: msgspec reads the same JSON in less time
# (a malformed document raises a ValueError, as json.loads does).
_DECODER = msgspec.json.Decoder()


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value is not None else None


def encode(model: ReadModel) -> bytes:
    """The read model as a compact document (without its subject)."""
    # Written for every subject an import touches: required days are formatted in place,
    # optional ones through ``_day``, and the document encoded by msgspec (compact JSON,
    # UTF-8, as json.dumps with separators and ensure_ascii=False would write it).
    spans = {
        catalog: [[s.start.isoformat(), _day(s.until), s.version, s.base, s.score, s.grade, s.covered] for s in rows]
        for catalog, rows in model.spans.items()
    }
    contributions = {
        catalog: [
            [
                p.start.isoformat(),
                _day(p.until),
                c.record,
                c.rule,
                c.points,
                c.effective_on.isoformat(),
                c.expires_on.isoformat(),
                c.disputed,
                c.capped,
                c.occurred_on.isoformat(),
                c.title,
                c.legal_basis,
                c.source,
                c.reference,
                c.cap_per_year,
                _day(c.counting_from),
            ]
            for p in rows
            for c in (p.contribution,)
        ]
        for catalog, rows in model.contributions.items()
        if rows
    }
    lists = [
        [
            p.entry.list,
            p.entry.record,
            p.entry.start.isoformat(),
            _day(p.entry.until),
            p.entry.catalog,
            p.entry.rule,
            p.active_from.isoformat(),
            _day(p.active_until),
        ]
        for p in model.lists
    ]
    # Compressed: a document repeats its rules' titles, legal bases and record ids.
    first = zlib.compress(
        _ENCODER.encode({"f": _FORMAT, "j": model.jurisdiction, "s": spans, "l": lists}), _FIRST_LEVEL, _RAW
    )
    rest = zlib.compress(_ENCODER.encode(contributions), _CONTRIBUTIONS_LEVEL, _RAW)
    return b"".join((bytes((_IN_PARTS,)), _varint(len(first)), first, rest))


def _varint(value: int) -> bytes:
    """``value`` in 7-bit groups, least significant first, the high bit set on all but
    the last (LEB128)."""
    out = bytearray()
    while value > 0x7F:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _read_varint(blob: bytes, at: int) -> tuple[int, int]:
    """The varint at ``at`` in ``blob``, and where what follows it begins."""
    value = shift = 0
    while True:
        if at >= len(blob) or shift > 35:
            raise ValueError("read model document cut short")
        byte = blob[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, at
        shift += 7


class _ByCatalog(Mapping[str, _Value]):
    """A document's spans or contribution pieces by catalog, each catalog's made from
    its rows when first asked for: a check reads the spans of the catalogs whose grade
    measures it weighs, and no contribution."""

    def __init__(
        self,
        catalogs: Iterable[str],
        rows: dict[str, list[list[Any]]] | Callable[[], dict[str, list[list[Any]]]],
        make: Callable[[str, Sequence[list[Any]]], _Value],
    ):
        self._catalogs = dict.fromkeys(catalogs)  # in the document's order
        self._rows = rows  # or what reads them, at the first catalog asked for
        self._make: Callable[[str, Sequence[list[Any]]], _Value] = make
        self._made: dict[str, _Value] = {}

    def __getitem__(self, catalog: str) -> _Value:
        made = self._made.get(catalog)
        if made is None:
            if catalog not in self._catalogs:
                raise KeyError(catalog)
            if callable(self._rows):
                self._rows = self._rows()
            made = self._made[catalog] = self._make(catalog, self._rows.get(catalog, ()))
        return made

    def __contains__(self, catalog: object) -> bool:
        return catalog in self._catalogs

    def __iter__(self) -> Iterator[str]:
        return iter(self._catalogs)

    def __len__(self) -> int:
        return len(self._catalogs)


def _document(blob: bytes) -> tuple[dict[str, Any], Callable[[], dict[str, list[list[Any]]]]]:
    """A document's first part (its spans and list pieces), and what decodes its
    contributions by catalog."""
    if blob[:1] == bytes((_IN_PARTS,)):
        length, start = _read_varint(blob, 1)
        if len(blob) < start + length:
            raise ValueError("read model document cut short")
        first = _checked(_DECODER.decode(zlib.decompress(blob[start : start + length], _RAW)))
        rest = blob[start + length :]
        return first, lambda: _DECODER.decode(zlib.decompress(rest, _RAW))
    document = _checked(_DECODER.decode(zlib.decompress(blob)))  # written before the parts
    return document, lambda: document["c"]


def _checked(document: dict[str, Any]) -> dict[str, Any]:
    if document.get("f") != _FORMAT:
        raise ValueError(f"read model format {document.get('f')!r} is not {_FORMAT}")
    return document


def document_text(blob: bytes) -> bytes:
    """The JSON of every part of a stored document, for whoever inspects the database
    (the tests search it for what it must not hold)."""
    first, contributions = _document(blob)
    return _ENCODER.encode(first) + b"\n" + _ENCODER.encode(contributions())


def _catalog_spans(catalog: str, rows: Iterable[list[Any]]) -> tuple[Span, ...]:
    return tuple(_span(catalog, row) for row in rows)


def _span(catalog: str, row: list[Any]) -> Span:
    start, until, version, base, score, grade, covered = row
    return Span(catalog, dt.date.fromisoformat(start), _date(until), version, base, score, grade, covered)


class _Spans(Sequence[Span]):
    """One catalog's spans in a document, each made when it is first read: a check
    looks up the span of its day by bisection, which reads a few of a long history."""

    def __init__(self, catalog: str, rows: Sequence[list[Any]]):
        self._catalog = catalog
        self._rows = rows
        self._made: dict[int, Span] = {}

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> Span: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Span]: ...
    def __getitem__(self, index: int | slice) -> Span | Sequence[Span]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self._rows))))
        if index < 0:
            index += len(self._rows)
        made = self._made.get(index)
        if made is None:
            if not 0 <= index < len(self._rows):
                raise IndexError("span index out of range")
            made = self._made[index] = _span(self._catalog, self._rows[index])
        return made

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]


def decode(subject: SubjectRef, blob: bytes) -> ReadModel:
    document, contributions_rows = _document(blob)
    spans = _ByCatalog(document["s"], document["s"], _Spans)
    contributions = _ByCatalog(spans, contributions_rows, _pieces)
    lists = tuple(
        ListPiece(
            ListEntry(
                list=r[0],
                record=r[1],
                start=dt.date.fromisoformat(r[2]),
                until=_date(r[3]),
                catalog=r[4],
                rule=r[5],
            ),
            dt.date.fromisoformat(r[6]),
            _date(r[7]),
        )
        for r in document["l"]
    )
    return ReadModel(subject, document["j"], spans, contributions, lists)


def _pieces(catalog: str, rows: Iterable[list[Any]]) -> tuple[ContributionPiece, ...]:
    return tuple(
        ContributionPiece(
            catalog,
            dt.date.fromisoformat(r[0]),
            _date(r[1]),
            Contribution(
                record=r[2],
                rule=r[3],
                points=r[4],
                effective_on=dt.date.fromisoformat(r[5]),
                expires_on=dt.date.fromisoformat(r[6]),
                disputed=r[7],
                capped=r[8],
                occurred_on=dt.date.fromisoformat(r[9]),
                title=r[10],
                legal_basis=r[11],
                source=r[12],
                reference=r[13],
                cap_per_year=r[14],
                counting_from=_date(r[15]),
            ),
        )
        for r in rows
    )


class SqlReadModels:
    """The read models of :mod:`xinyong.services.read_models`, over one connection."""

    def __init__(self, store: LedgerStore):
        self.store = store
        self._key = store.sealer.derived("read-models")

    def _mac(self, *parts: object) -> str:
        payload = b"\x1f".join(
            b"" if p is None else bytes(p) if isinstance(p, bytes | memoryview) else str(p).encode() for p in parts
        )
        return hmac.new(self._key, payload, hashlib.sha256).hexdigest()

    def stored(self, connection: Connection, subject: SubjectRef) -> StoredModel | None:
        key = self.store.subject_key(subject)
        row = _stored_select(connection.dialect).first(connection, key=bind_digest(key))
        if row is None:
            return None
        head, catalogs, document, mac, latest, loaded = row
        document = bytes(document)  # the columns' types, as SQLAlchemy would have read them
        if not hmac.compare_digest(bytes(mac).hex(), self._mac(key, head, catalogs, document)):
            return None
        try:
            model = decode(subject, document)
        except _UNREADABLE:
            return None  # not a document this version writes: answered from the ledger
        return StoredModel(model, head, catalogs, latest, loaded)

    def put(self, connection: Connection, models: Iterable[tuple[str, int, ReadModel]], catalogs: str) -> None:
        rows: list[dict[str, Any]] = []
        pieces: list[dict[str, Any]] = []
        for key, head, model in models:
            document = encode(model)
            rows.append(
                {
                    "subject_key": key,
                    "head": head,
                    "catalogs": catalogs,
                    "document": document,
                    "mac": self._mac(key, head, catalogs, document),
                }
            )
            for piece in model.lists:
                values = _piece_values(key, model.subject.kind, piece)
                values["mac"] = self._mac(*values.values())
                pieces.append(values)
        if not rows:
            return
        keys = [r["subject_key"] for r in rows]
        for start in range(0, len(keys), _IN_BATCH):
            chunk = keys[start : start + _IN_BATCH]
            connection.execute(delete(standings).where(standings.c.subject_key.in_(chunk)))
            connection.execute(delete(list_pieces).where(list_pieces.c.subject_key.in_(chunk)))
        # In bulk, as the ledger's rows (every subject an import touches has one).
        insert_many(connection, standings, rows)
        insert_many(connection, list_pieces, pieces)

    def count(self, connection: Connection) -> int:
        return connection.execute(select(func.count()).select_from(standings)).scalar_one()

    def listed(self, connection: Connection, list_id: str, day: dt.date) -> list[ListedPiece]:
        rows = connection.execute(
            select(list_pieces)
            .where(
                list_pieces.c.list == list_id,
                list_pieces.c.active_from <= day,
                or_(list_pieces.c.active_until.is_(None), list_pieces.c.active_until > day),
            )
            .order_by(list_pieces.c.start, list_pieces.c.record_id)
        ).all()
        return self._intact(rows)

    def pieces_of(self, connection: Connection, keys: Iterable[str]) -> dict[str, list[ListedPiece]]:
        wanted = list(dict.fromkeys(keys))
        found: dict[str, list[ListedPiece]] = {}
        for start in range(0, len(wanted), _IN_BATCH):
            rows = connection.execute(
                select(list_pieces)
                .where(list_pieces.c.subject_key.in_(wanted[start : start + _IN_BATCH]))
                .order_by(list_pieces.c.subject_key, list_pieces.c.record_id, list_pieces.c.active_from)
            ).all()
            for piece in self._intact(rows):
                found.setdefault(piece.subject_key, []).append(piece)
        return found

    def span_pages(self, connection: Connection, size: int) -> Iterator[list[Mapping[str, tuple[Span, ...]]]]:
        after: list = []  # the first page starts at the first key (a digest has no empty value)
        while True:
            rows = connection.execute(
                select(standings).where(*after).order_by(standings.c.subject_key).limit(size)
            ).all()
            if not rows:
                return
            after = [standings.c.subject_key > rows[-1].subject_key]
            page: list[Mapping[str, tuple[Span, ...]]] = []
            for row in rows:
                if not hmac.compare_digest(row.mac, self._mac(row.subject_key, row.head, row.catalogs, row.document)):
                    continue
                try:
                    rows = _document(row.document)[0]["s"]
                    page.append({catalog: _catalog_spans(catalog, rows[catalog]) for catalog in rows})
                except _UNREADABLE:
                    continue
            yield page

    def list_sizes(self, connection: Connection, days: Sequence[dt.date]) -> dict[str, list[int]]:
        sizes: dict[str, list[int]] = {}
        first, last = min(days), max(days)
        rows = connection.execute(
            select(list_pieces).where(
                list_pieces.c.active_from <= last,
                or_(list_pieces.c.active_until.is_(None), list_pieces.c.active_until > first),
            )
        ).all()
        for piece in self._intact(rows):
            row = sizes.setdefault(piece.entry.list, [0] * len(days))
            for index, day in enumerate(days):
                if piece.active_from <= day and (piece.active_until is None or day < piece.active_until):
                    row[index] += 1
        return sizes

    def _intact(self, rows) -> list[ListedPiece]:
        found = []
        for row in rows:
            values = {name: row._mapping[name] for name in _PIECE_COLUMNS}  # noqa: SLF001 - public SQLAlchemy API
            if not hmac.compare_digest(row.mac, self._mac(*values.values())):
                continue  # not written by the service: not believed
            found.append(
                ListedPiece(
                    subject_key=row.subject_key,
                    kind=row.kind,
                    entry=ListEntry(row.list, row.record_id, row.start, row.until, row.catalog, row.rule),
                    active_from=row.active_from,
                    active_until=row.active_until,
                )
            )
        return found


# The subject's row, the latest ledger event filed under it and how many catalog versions
# are loaded, in one read (built once: the hot path of every check).
_LATEST = select(func.coalesce(func.max(ledger.c.seq), 0)).where(ledger.c.subject_key == bindparam("key"))
_LOADED = select(func.count()).select_from(catalog_versions)
_STORED = select(
    standings.c.head,
    standings.c.catalogs,
    standings.c.document,
    standings.c.mac,
    _LATEST.scalar_subquery().label("latest"),
    _LOADED.scalar_subquery().label("loaded"),
).where(standings.c.subject_key == bindparam("key"))


class _DriverSelect:
    """A fixed SELECT that the database driver runs itself, compiled once for a dialect.

    A check reads one row (``_STORED``); through SQLAlchemy's statement machinery that
    read cost a check more than the database's own work, and a quarter of a check's
    time on the event loop. The parameters are bound here as the columns' types would
    bind them (:func:`bind_digest` for a lookup key), and the row comes back as the
    driver gives it. The read runs on the unit of work's own connection, inside its
    transaction (its snapshot). A driver's error is raised as SQLAlchemy raises it, so
    that the unit of work lets go of a connection that failed."""

    def __init__(self, statement: Select[Any], dialect: Dialect):
        compiled = statement.compile(dialect=dialect)
        self.sql = compiled.string
        # qmark (SQLite) binds by position, a name as often as it appears; pyformat
        # (psycopg) by name.
        self.order = compiled.positiontup if compiled.positional else None
        self.fixed = {name: bind.value for name, bind in compiled.binds.items() if not bind.required}

    def first(self, connection: Connection, **values: object) -> tuple[Any, ...] | None:
        given = {**self.fixed, **values}
        bound = [given[name] for name in self.order] if self.order is not None else given
        cursor = connection.connection.cursor()
        try:
            with errors_as_sqlalchemy(connection, self.sql):
                cursor.execute(self.sql, bound)
                return cursor.fetchone()
        finally:
            cursor.close()


_STORED_BY_DIALECT: dict[str, _DriverSelect] = {}


def _stored_select(dialect: Dialect) -> _DriverSelect:
    found = _STORED_BY_DIALECT.get(dialect.name)
    if found is None:
        found = _STORED_BY_DIALECT[dialect.name] = _DriverSelect(_STORED, dialect)
    return found


_PIECE_COLUMNS = (
    "subject_key",
    "kind",
    "list",
    "record_id",
    "catalog",
    "rule",
    "start",
    "until",
    "active_from",
    "active_until",
)


def _piece_values(key: str, kind: str, piece: ListPiece) -> dict[str, Any]:
    entry = piece.entry
    values: Mapping[str, Any] = {
        "subject_key": key,
        "kind": kind,
        "list": entry.list,
        "record_id": entry.record,
        "catalog": entry.catalog,
        "rule": entry.rule,
        "start": entry.start,
        "until": entry.until,
        "active_from": piece.active_from,
        "active_until": piece.active_until,
    }
    return dict(values)
