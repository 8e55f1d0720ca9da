"""The storage adapter: SQLAlchemy over SQLite (WAL, the embedded default) or
PostgreSQL. It appends hash-chained, sealed events and reads them back as domain values;
it decides nothing about what the events mean."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from importlib.resources import files as package_files

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Connection,
    Engine,
    Text,
    any_,
    bindparam,
    create_engine,
    delete,
    event,
    false,
    func,
    insert,
    inspect,
    literal_column,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from xinyong.adapters.storage import chain, ledger_columns
from xinyong.adapters.storage.digests import HexDigest
from xinyong.adapters.storage.ledger_columns import BLOCK_MIN_ROWS, block_day, block_line, write_block
from xinyong.adapters.storage.sealing import KeyError_, Sealer, SubjectSealer, TextErased
from xinyong.adapters.storage.tables import catalog_versions, ledger, organisations, subject_keys
from xinyong.adapters.storage.wal import BACKSTOP_PAGES, BUSY, busy_timeout, give_back_log, take_alone, wal_on_connect
from xinyong.adapters.storage.writer_turns import WriterTurns
from xinyong.domain.catalog.files import parse_catalog
from xinyong.domain.catalog.model import Catalog
from xinyong.domain.events import ContactEvent, RecordEvent, SubjectEvent, canonical_json, parse_event
from xinyong.domain.history import annuls, contact_history, contact_language, record_files
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.lookup import LookupQuery, fold_name, lookup_query
from xinyong.domain.standing import RecordFile
from xinyong.services.unit_of_work import (
    ChainReport,
    DisputeActivity,
    Event,
    Organisation,
    StoredRecord,
    SubjectHistory,
    SubjectOutline,
    SubjectSummary,
    WriteLockBusy,
)

PERSONAL_FIELDS = ("subject", "name", "email")
# PostgreSQL's advisory lock of the writers (the rounds' own is another: rounds.py), and
# the SQLSTATE of a lock not had within ``lock_timeout``.
WRITERS_LOCK = 7436
LOCK_NOT_AVAILABLE = "55P03"
# Rows after the last block of the ledger's columns that the rounds leave to be read from
# the ledger (one query) until there are this many.
BLOCK_TAIL_ROWS = 10_000
# What people type about a subject: sealed under the subject's own key, erasable.
FREE_TEXT_FIELDS = ("summary", "note", "grounds", "reasons")
_IN_BATCH = 500  # ids per IN (...) query
# A bulk append on SQLite (intake's batches) grows several indexes with random keys at
# once; with SQLite's default page cache (2 MiB) their pages are evicted and re-read, and
# dirty ones spilled to the WAL before the commit. The writing connection's cache is
# raised to this bound instead (memory stays bounded whatever the file's size).
_BULK_ROWS = 1000
_BULK_CACHE_KIB = 64 * 1024
# The rows that ``ledger_one_event_per_id`` (migration 0003) indexes, in its own words.
_LATER_EVENT_ROWS = text("kind NOT IN ('record', 'subject')")
# json.dumps(..., sort_keys=True, ensure_ascii=False), with the encoder made once.
_SORTED = json.JSONEncoder(sort_keys=True, ensure_ascii=False)


def among(connection: Connection, column: ColumnElement, values: Sequence[str]) -> ColumnElement[bool]:
    """``column IN (values)``: on PostgreSQL one array parameter (``= ANY(...)``) however
    many the values, so that a batch's lookup is one short statement."""
    if connection.dialect.name == "postgresql":
        # A digest column's values go as its raw bytes (bytea[]), as its own binds do.
        item = column.type if isinstance(column.type, HexDigest) else Text()
        return column == any_(bindparam(None, list(values), type_=ARRAY(item), unique=True))
    return column.in_(values)


def in_chunks(connection: Connection, values: Sequence[str]) -> Iterator[Sequence[str]]:
    """``values`` in the pieces one ``among`` takes: all at once on PostgreSQL, at most
    ``_IN_BATCH`` elsewhere (SQLite's limit on bound parameters)."""
    size = max(len(values), 1) if connection.dialect.name == "postgresql" else _IN_BATCH
    for start in range(0, len(values), size):
        yield values[start : start + size]


def database_url(db: str) -> str:
    """A SQLAlchemy URL for ``db``: a URL as it is, or a path to a SQLite file."""
    if "://" in db:
        return db
    return f"sqlite:///{db}"


def sqlite_path(db: str) -> str | None:
    """The file of a SQLite database (None for another database, or one in memory)."""
    url = make_url(database_url(db))
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return url.database


def shown(db: str) -> str:
    """The database named for a message, without a password."""
    return make_url(database_url(db)).render_as_string(hide_password=True)


def table_names(db: str) -> list[str]:
    """The tables of the database (in its default schema), sorted."""
    engine = make_engine(db)
    try:
        return sorted(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def make_engine(db: str) -> Engine:
    url = make_url(database_url(db))
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"isolation_level": None, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):
            wal_on_connect(dbapi_connection, url.database)
            cursor = dbapi_connection.cursor()
            # FULL: a transaction is on disk (the WAL fsynced) before its commit returns,
            # so nothing the service acknowledged is lost to a power cut.
            cursor.execute("PRAGMA synchronous=FULL")
            # The log is copied back by the server beside the writers (wal.py), not by
            # whichever commit passes SQLite's threshold.
            cursor.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        turns = WriterTurns(url.database) if url.database and url.database != ":memory:" else None

        @event.listens_for(engine, "begin")
        def _begin(connection):
            # A writer takes the write lock at the start, so that reading the chain head
            # and appending after it cannot interleave with another writer; readers
            # take none and see a consistent snapshot (WAL). Writers queue for their turn
            # first (writer_turns.py), so that none sleeps through others' turns.
            if connection.get_execution_options().get("read_only"):
                # Straight to the driver: a deferred BEGIN takes no lock and cannot fail
                # as a writer's can, and every check begins one (through SQLAlchemy's
                # execution it cost more than the check's own query).
                connection.connection.driver_connection.execute("BEGIN")
                return
            # A unit that may wait only so long for the lock (units(wait=...)): the
            # turn and SQLite's own lock, together, within that time.
            wait = connection.get_execution_options().get("lock_wait")
            if turns is None:
                _begin_immediate(connection, wait, wait)
                return
            dbapi_connection = connection.connection.dbapi_connection
            asked = time.monotonic()
            if not turns.take(dbapi_connection, wait):
                raise WriteLockBusy(wait)
            try:
                # A big import, when nothing else has the file open, writes through a
                # rollback journal instead of the log (wal.py).
                if connection.get_execution_options().get("bulk") and take_alone(dbapi_connection):
                    alone.add(dbapi_connection)
                left = None if wait is None else max(wait - (time.monotonic() - asked), 0.0)
                _begin_immediate(connection, left, wait)
            except BaseException:
                _log_given_back(dbapi_connection, alone)
                turns.give_back(dbapi_connection)
                raise

        alone: set = set()  # connections that took the database alone, until their transaction ends
        if turns is not None:
            _give_back_turns_after_transactions(engine, turns, alone)
        return engine
    engine = create_engine(url, pool_pre_ping=True)

    @event.listens_for(engine, "connect")
    def _durable(dbapi_connection, _record):
        # An acknowledged commit is on disk whatever the server's default says.
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO on")
        dbapi_connection.commit()

    return engine


def _begin_immediate(connection, left: float | None, wait: float | None) -> None:
    """SQLite's ``BEGIN IMMEDIATE``: waiting for the write lock as long as the
    connection's busy timeout allows, or at most ``left`` seconds (then
    :class:`WriteLockBusy`, for a unit that asked to wait at most ``wait``)."""
    if left is None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        return
    with busy_timeout(connection.connection.driver_connection, left):
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except OperationalError as error:
            if getattr(error.orig, "sqlite_errorcode", None) in BUSY:
                raise WriteLockBusy(wait if wait is not None else left) from None
            raise


def take_write_lock(connection: Connection, wait: float | None) -> None:
    """PostgreSQL's lock of the writers (a transaction-scoped advisory lock), so that
    every hash chain has one head: waiting as long as another writer holds it, or at
    most ``wait`` seconds (then :class:`WriteLockBusy`; the transaction is then aborted,
    and its connection should be let go)."""
    if wait is None:
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITERS_LOCK})")
        return
    # One round trip (no parameters: the statements go as one query); what the unit does
    # after the lock waits as any other statement does.
    try:
        connection.exec_driver_sql(
            f"SET LOCAL lock_timeout = '{max(int(wait * 1000), 1)}ms'; "
            f"SELECT pg_advisory_xact_lock({WRITERS_LOCK}); "
            "SET LOCAL lock_timeout TO DEFAULT"
        )
    except OperationalError as error:
        if getattr(error.orig, "sqlstate", None) == LOCK_NOT_AVAILABLE:
            raise WriteLockBusy(wait) from None
        raise


def _log_given_back(dbapi_connection, alone: set) -> None:
    if dbapi_connection in alone:
        alone.discard(dbapi_connection)
        give_back_log(dbapi_connection)


def _give_back_turns_after_transactions(engine: Engine, turns: WriterTurns, alone: set) -> None:
    """End a writer's turn once its transaction is over: after the COMMIT or ROLLBACK
    itself (SQLAlchemy's commit and rollback events come before them), and when its
    connection is closed. A writer that took the database alone (``alone``) gives the
    write-ahead log back first."""
    dialect = engine.dialect
    commit, rollback = dialect.do_commit, dialect.do_rollback

    def raw(connection):
        return getattr(connection, "dbapi_connection", connection)

    def do_commit(connection) -> None:
        try:
            commit(connection)
        finally:
            try:
                _log_given_back(raw(connection), alone)
            finally:
                turns.give_back(raw(connection))

    def do_rollback(connection) -> None:
        try:
            rollback(connection)
        finally:
            try:
                _log_given_back(raw(connection), alone)
            finally:
                turns.give_back(raw(connection))

    dialect.do_commit = do_commit  # type: ignore[method-assign]
    dialect.do_rollback = do_rollback  # type: ignore[method-assign]

    @event.listens_for(engine, "close")
    def _closed(dbapi_connection, _record):
        # Closed in the middle of its transaction: the next connection to the file rolls
        # the journal back and returns to the log (make_engine's listener).
        alone.discard(dbapi_connection)
        turns.give_back(dbapi_connection)


def fold(text: str) -> str:
    """A name folded for search (:func:`xinyong.domain.lookup.fold_name`)."""
    return fold_name(text)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def migrate(engine: Engine) -> None:
    """Bring the schema of the database behind ``engine`` to the latest migration."""
    config = Config()
    config.set_main_option("script_location", str(package_files("xinyong.adapters.storage") / "migrations"))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            take_write_lock(connection, None)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


# Asked on every check (is the cached catalog registry still current?): built once.
_CATALOG_COUNT = select(func.count()).select_from(catalog_versions)


class LedgerStore:
    """Reads and appends the ledger and the catalog versions."""

    def __init__(self, engine: Engine, sealer: Sealer):
        self.engine = engine
        self.sealer = sealer
        # The engine with the options of a reading unit of work, made once: copying them
        # onto each connection cost more than a check's read. make_engine's SQLite
        # listener begins a reading transaction without the write lock (WAL gives it a
        # snapshot); PostgreSQL gives a snapshot to a REPEATABLE READ transaction.
        options: dict[str, object] = {"read_only": True}
        if engine.dialect.name == "postgresql":
            options["isolation_level"] = "REPEATABLE READ"
        self.reading_engine = engine.execution_options(**options)

    # ------------------------------------------------------------------ lifecycle

    def migrate(self) -> None:
        """Bring the schema to the latest migration."""
        migrate(self.engine)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One unit of work: commits on success, rolls back on any error."""
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Serialise appenders so that the hash chain has one head.
                take_write_lock(connection, None)
            yield connection

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        with self.engine.connect() as connection:
            yield connection.execution_options(read_only=True)

    # ------------------------------------------------------------------- catalogs

    def catalogs(self, connection: Connection) -> list[Catalog]:
        rows = connection.execute(
            select(catalog_versions.c.catalog_id, catalog_versions.c.version, catalog_versions.c.source).order_by(
                catalog_versions.c.catalog_id, catalog_versions.c.effective_from
            )
        )
        return [parse_catalog(r.source, f"stored catalog {r.catalog_id} {r.version}") for r in rows]

    def catalog_digests(self, connection: Connection) -> dict[tuple[str, str], str]:
        """The digest of every stored catalog version's source, by (catalog id, version)."""
        rows = connection.execute(
            select(catalog_versions.c.catalog_id, catalog_versions.c.version, catalog_versions.c.digest)
        )
        return {(r.catalog_id, r.version): r.digest for r in rows}

    def catalog_count(self, connection: Connection) -> int:
        return connection.execute(_CATALOG_COUNT).scalar_one()

    def add_catalog(self, connection: Connection, catalog: Catalog, source: str) -> None:
        self.append_rows(
            connection,
            "catalog_versions",
            [
                {
                    "catalog_id": catalog.id,
                    "version": catalog.version,
                    "effective_from": catalog.effective_from,
                    "source": source,
                    "digest": hashlib.sha256(source.encode()).hexdigest(),
                    "loaded_at": _now(),
                }
            ],
        )

    def append_rows(
        self, connection: Connection, table: str, rows: Sequence[dict], numbered: Callable[[dict], None] | None = None
    ) -> None:
        """Append ``rows`` to an append-only table, numbered and on its keyed chain;
        ``numbered`` sees each row once it has its seq, before its keyed hash."""
        chain.append(connection, self.sealer, table, rows, numbered)

    # --------------------------------------------------------- subjects' own keys

    def text_sealers(
        self, connection: Connection, keys: Iterable[str], create: bool = False
    ) -> dict[str, SubjectSealer | None]:
        """The key of each subject (by lookup key) for its free text: None for a subject
        whose key was erased, absent for one that has none (made with ``create``)."""
        wanted = [k for k in dict.fromkeys(keys) if k]
        found: dict[str, SubjectSealer | None] = {}
        for chunk in in_chunks(connection, wanted):
            for row in connection.execute(
                select(subject_keys).where(among(connection, subject_keys.c.subject_key, chunk))
            ):
                found[row.subject_key] = (
                    SubjectSealer(self.sealer.open(row.wrapped, b"subject-key:" + row.subject_key.encode()))
                    if row.wrapped is not None
                    else None
                )
        if create:
            fresh = []
            for key in wanted:
                if found.get(key) is None:
                    secret = os.urandom(32)
                    wrapped = self.sealer.seal(secret, b"subject-key:" + key.encode())
                    if key in found:  # erased before: a new key for what is written from now on
                        connection.execute(
                            update(subject_keys).where(subject_keys.c.subject_key == key).values(wrapped=wrapped)
                        )
                    else:
                        fresh.append({"subject_key": key, "created_at": _now(), "wrapped": wrapped})
                    found[key] = SubjectSealer(secret)
            if fresh:
                connection.execute(insert(subject_keys), fresh)
        return found

    def erase_key(self, connection: Connection, subject_key: str) -> bool:
        """Erase a subject's key (by lookup key): every free text sealed under it so far
        is gone for good. False when there was nothing to erase."""
        done = connection.execute(
            update(subject_keys)
            .where(subject_keys.c.subject_key == subject_key, subject_keys.c.wrapped.is_not(None))
            .values(wrapped=None, erased_at=_now())
        )
        return done.rowcount == 1

    def seal_text(
        self, sealers: dict[str, SubjectSealer | None], subject_key: str, context: bytes, text: dict
    ) -> bytes | None:
        """``text`` sealed under the subject's key (made by ``text_sealers(create=True)``)."""
        if not text:
            return None
        sealer = sealers.get(subject_key)
        if sealer is None:
            # An erased subject gets a new key for what is written about it from now on.
            raise KeyError_("no key for the subject's free text: ask text_sealers with create=True")
        return sealer.seal(_SORTED.encode(text).encode(), context)

    @staticmethod
    def open_text(
        sealers: dict[str, SubjectSealer | None], subject_key: str | None, context: bytes, blob: bytes | None
    ) -> dict:
        """Free text opened under the subject's key; empty once the key was erased."""
        if blob is None or subject_key is None:
            return {}
        sealer = sealers.get(subject_key)
        if sealer is None:
            return {}
        try:
            return json.loads(sealer.open(blob, context))
        except TextErased:
            return {}

    # ------------------------------------------------------------------- reading

    def subject_key(self, subject: SubjectRef | str) -> str:
        return self.sealer.lookup_key(str(subject))

    def _decode(self, row, texts: dict[str, SubjectSealer | None] | None = None) -> Event:
        """The event of a ledger row; its free text only when the subjects' keys are
        given (``texts``) and not erased."""
        data = json.loads(row.body)
        context = f"{row.kind}:{row.record_id or ''}:{row.seq}".encode()
        if row.sealed:
            data.update(json.loads(self.sealer.open(row.sealed, context)))
        if texts is not None and row.sealed_text is not None:
            data.update(self.open_text(texts, row.subject_key, context, row.sealed_text))
        return parse_event(data)

    def _decode_all(self, connection: Connection, rows, text: bool = True) -> list[Event]:
        """The events of ``rows``; their free text opened only with ``text`` (answers that
        only count, such as checks and scores, leave it sealed)."""
        rows = list(rows)
        if not text:
            return [self._decode(r) for r in rows]
        texts = self.text_sealers(connection, {r.subject_key for r in rows if r.sealed_text is not None})
        return [self._decode(r, texts) for r in rows]

    def records(self, connection: Connection, record_ids: Iterable[str], text: bool = True) -> dict[str, StoredRecord]:
        """The stored files of ``record_ids`` that exist, with their provenance (and the
        free text of their events with ``text``)."""
        ids = list(dict.fromkeys(record_ids))
        found: dict[str, StoredRecord] = {}
        for chunk in in_chunks(connection, ids):
            rows = connection.execute(
                select(ledger).where(among(connection, ledger.c.record_id, chunk)).order_by(ledger.c.seq)
            )
            found.update(self._files_from_rows(connection, rows, text))
        return found

    def _files_from_rows(self, connection: Connection, rows, text: bool = True) -> dict[str, StoredRecord]:
        rows = list(rows)
        provenance = {row.record_id: row for row in rows if row.kind == "record"}
        return {
            rid: StoredRecord(file, provenance[rid].fingerprint, provenance[rid].submitted_by)
            for rid, file in record_files(self._decode_all(connection, rows, text)).items()
        }

    def files_for_subject(self, connection: Connection, subject: SubjectRef, text: bool = True) -> list[RecordFile]:
        """Every record of ``subject`` with its later events, in ledger order."""
        return self.subject_ledger(connection, subject, text)[0]

    def subject_ledger(
        self, connection: Connection, subject: SubjectRef | str, text: bool = True
    ) -> tuple[list[RecordFile], SubjectEvent | None]:
        """Everything filed under ``subject`` (a reference, or its lookup key) in one
        read: its record files and its latest subject event."""
        key = subject if isinstance(subject, str) else self.subject_key(subject)
        rows = connection.execute(select(ledger).where(ledger.c.subject_key == key).order_by(ledger.c.seq)).all()
        facts = None
        record_rows = []
        for row in rows:
            if row.kind == "subject":
                facts = row
            else:
                record_rows.append(row)
        files = [stored.file for stored in self._files_from_rows(connection, record_rows, text).values()]
        return files, (self._decode(facts) if facts is not None else None)  # type: ignore[return-value]

    def subject_facts(self, connection: Connection, subject: SubjectRef) -> SubjectEvent | None:
        """The latest ``subject`` event for ``subject``: its jurisdiction and name."""
        row = connection.execute(
            select(ledger)
            .where(ledger.c.subject_key == self.subject_key(subject), ledger.c.kind == "subject")
            .order_by(ledger.c.seq.desc())
            .limit(1)
        ).first()
        return self._decode(row) if row is not None else None  # type: ignore[return-value]

    def latest_subject_events(
        self, connection: Connection, subjects: Iterable[SubjectRef]
    ) -> dict[SubjectRef, SubjectEvent]:
        """The latest ``subject`` event of each of ``subjects`` that has one."""
        keys = {self.subject_key(s): s for s in dict.fromkeys(subjects)}
        found: dict[SubjectRef, SubjectEvent] = {}
        wanted = list(keys)
        for chunk in in_chunks(connection, wanted):
            rows = connection.execute(
                select(ledger)
                .where(ledger.c.kind == "subject", among(connection, ledger.c.subject_key, chunk))
                .order_by(ledger.c.seq)
            )
            for row in rows:
                found[keys[row.subject_key]] = self._decode(row)  # type: ignore[assignment]
        return found

    def contact_histories(self, connection: Connection, subjects: Iterable[SubjectRef]) -> dict[SubjectRef, list[str]]:
        """Each subject's email addresses in the order they took over, from ``contact``
        events and ``subject`` events that carry an email; an event repeating the
        address in force adds nothing, and one without an email leaves it as it is. The
        last is the address in force; ``[]`` when none was ever given."""
        return {s: contact_history(stream) for s, stream in self._contact_events(connection, subjects).items()}

    def contact_languages(self, connection: Connection, subjects: Iterable[SubjectRef]) -> dict[SubjectRef, str | None]:
        """The language each subject reads its email in (its latest contact event that
        names one), None when it never said."""
        return {s: contact_language(stream) for s, stream in self._contact_events(connection, subjects).items()}

    def _contact_events(self, connection: Connection, subjects: Iterable[SubjectRef]) -> dict[SubjectRef, list[Event]]:
        """Each subject's ``subject`` and ``contact`` events, in ledger order."""
        keys = {self.subject_key(s): s for s in dict.fromkeys(subjects)}
        found: dict[SubjectRef, list[Event]] = {s: [] for s in keys.values()}
        for chunk in in_chunks(connection, list(keys)):
            rows = connection.execute(
                select(ledger)
                .where(ledger.c.kind.in_(("subject", "contact")), among(connection, ledger.c.subject_key, chunk))
                .order_by(ledger.c.seq)
            )
            for row in rows:
                found[keys[row.subject_key]].append(self._decode(row))
        return found

    # ------------------------------------------------------------------- writing

    def append(
        self,
        connection: Connection,
        events: Sequence[Event],
        submitted_by: str | None = None,
        record_subjects: dict[str, SubjectRef] | None = None,
    ) -> int:
        """Append ``events`` at the head of the ledger, sealed and on the keyed chain. A
        later event on a record is filed under the record's subject (``record_subjects``),
        so that everything that touched a subject can be found by its key. Identities are
        sealed under the deployment's key, free text under the subject's own."""
        if not events:
            return 0
        if len(events) >= _BULK_ROWS and connection.dialect.name == "sqlite":
            connection.exec_driver_sql(f"PRAGMA cache_size=-{_BULK_CACHE_KIB}")
        after = chain.head(connection, "ledger")
        seq = after[0]
        recorded_at = _now()
        keys: dict[str, str] = {}  # subject -> lookup key, within this append
        lookup_key = self.sealer.lookup_key
        fingerprint = self.sealer.fingerprint
        subjects = record_subjects or {}
        rows: list[dict] = []
        personal_values: list[tuple[bytes, bytes]] = []  # (plaintext, context), sealed at once
        personal_rows: list[dict] = []
        free_text: list[tuple[dict, dict]] = []  # (row, text), sealed under the subjects' keys
        lines: list[str] = []  # the rows' block of columns for batch jobs (ledger_columns)
        # One pass: each event dumped once; its canonical form (``item.canonical()``), its
        # body and its sealed values are encoded from that one dump.
        for item in events:
            seq += 1
            kind = item.type
            data = item.model_dump(mode="json", exclude_none=True)
            canonical = canonical_json(data)
            personal = {k: data.pop(k) for k in PERSONAL_FIELDS if k in data}
            text = {k: data.pop(k) for k in FREE_TEXT_FIELDS if k in data}
            record_id = data.get("id") if kind == "record" else data.get("record")
            subject = personal.get("subject")
            if subject is None and record_id is not None:
                subject = subjects.get(record_id)
            subject_key = None
            if subject is not None:
                subject = str(subject)
                subject_key = keys.get(subject)
                if subject_key is None:
                    subject_key = keys[subject] = lookup_key(subject)
            row = {
                "seq": seq,
                "kind": kind,
                "record_id": record_id,
                "rule": data["rule"] if kind == "record" else None,
                "occurred_on": item.occurred_on if isinstance(item, RecordEvent) else None,
                "subject_key": subject_key,
                "body": canonical_json(data).decode(),
                "sealed": None,
                "sealed_text": None,
                # Non-personal fact for batch jobs (minors are never listed); migration 0006.
                "minor": item.subject.is_minor_on(item.occurred_on)
                if isinstance(item, RecordEvent) and item.subject.kind == "person"
                else None,
                "fingerprint": fingerprint(canonical),
                "submitted_by": submitted_by,
                "recorded_at": recorded_at,
            }
            rows.append(row)
            if kind != "contact":
                lines.append(
                    block_line(
                        seq,
                        kind,
                        record_id,
                        subject_key,
                        row["rule"],
                        row["occurred_on"],
                        row["minor"],
                        block_day(kind, data),
                        data.get("outcome") if kind == "dispute_resolved" else None,
                    )
                )
            if personal:
                personal_values.append((canonical_json(personal), f"{kind}:{record_id or ''}:{seq}".encode()))
                personal_rows.append(row)
            if text:
                if subject_key is None:
                    raise KeyError_(f"free text of a {kind} event with no subject to seal it for")
                free_text.append((row, text))
        for row, sealed in zip(personal_rows, self.sealer.seal_many(personal_values), strict=True):
            row["sealed"] = sealed
        if free_text:
            texts = self.text_sealers(connection, {row["subject_key"] for row, _ in free_text}, create=True)
            for row, text in free_text:
                context = f"{row['kind']}:{row['record_id'] or ''}:{row['seq']}".encode()
                row["sealed_text"] = self.seal_text(texts, row["subject_key"], context, text)
        chain.link(self.sealer, "ledger", rows, after)
        if connection.dialect.name == "postgresql":
            chain.copy_rows(connection, ledger, [c.name for c in ledger.columns], rows)
        else:
            chain.insert_many(connection, ledger, rows)
        if len(rows) >= BLOCK_MIN_ROWS and lines:
            write_block(connection, self.sealer, rows[0]["seq"], rows[-1]["seq"], lines)
        self._update_directory(connection, [e for e in events if isinstance(e, SubjectEvent)])
        return len(rows)

    def _update_directory(self, connection: Connection, subjects: list[SubjectEvent]) -> None:
        """Keep the public directory of organisations in step with subject events."""
        latest: dict[str, SubjectEvent] = {}
        for item in subjects:
            if item.subject.kind == "organisation":
                latest[item.subject.value] = item
        rows = {
            self.subject_key(item.subject): {
                "code": code,
                "name": item.name,
                "name_folded": fold(item.name) if item.name else None,
                "jurisdiction": item.jurisdiction,
            }
            for code, item in latest.items()
        }
        keys = list(rows)
        existing: set[str] = set()
        for chunk in in_chunks(connection, keys):
            existing.update(
                connection.execute(
                    select(organisations.c.subject_key).where(among(connection, organisations.c.subject_key, chunk))
                ).scalars()
            )
        fresh = [{"subject_key": k, **v} for k, v in rows.items() if k not in existing]
        if fresh:
            connection.execute(insert(organisations), fresh)
        for key in existing:
            connection.execute(update(organisations).where(organisations.c.subject_key == key).values(**rows[key]))

    def directory_drift(self, connection: Connection) -> list[str]:
        """Where the public directory of organisations differs from what the ledger says
        (the directory is a projection, not protected by the chain: a difference means it
        was edited behind the service's back; `rebuild_directory` repairs it)."""
        expected: dict[str, SubjectEvent] = {}
        rows = connection.execute(select(ledger).where(ledger.c.kind == "subject").order_by(ledger.c.seq))
        for row in rows:
            item = self._decode(row)
            if isinstance(item, SubjectEvent) and item.subject.kind == "organisation":
                expected[row.subject_key] = item
        found = {r.subject_key: r for r in connection.execute(select(organisations))}
        drift = []
        for key, item in expected.items():
            row = found.pop(key, None)
            if row is None:
                drift.append(f"organisation {item.subject.value} is missing from the directory")
            elif (row.code, row.name, row.jurisdiction) != (item.subject.value, item.name, item.jurisdiction):
                drift.append(f"organisation {item.subject.value}: the directory differs from the ledger")
        drift += [f"organisation {r.code} is in the directory but not in the ledger" for r in found.values()]
        return drift

    def block_differences(self) -> list[str]:
        """The blocks of the ledger's columns for batch jobs that fail their check or
        differ from the ledger's rows (:func:`ledger_columns.block_differences`), in one
        snapshot."""
        with ledger_columns.snapshot(self.engine) as connection:
            return ledger_columns.block_differences(connection, self.sealer)

    def rewrite_blocks(self, progress: Callable[[int], None] | None = None) -> int:
        """Write the blocks of the ledger's columns again where they are wrong, and for the
        rows in none (:func:`ledger_columns.rewrite_blocks`); ``progress`` is called with
        the ``seq`` reached. Returns the blocks written. The blocks are compared with the
        rows in a snapshot first, which reads the whole ledger: the write transaction,
        which holds intake back, only writes."""
        wrong = bool(self.block_differences())
        with self.transaction() as connection:
            return ledger_columns.rewrite_blocks(connection, self.sealer, wrong, progress=progress)

    def fill_blocks(self, tail_rows: int = BLOCK_TAIL_ROWS) -> int:
        """Put the rows that events submitted a few at a time left in no block of the
        ledger's columns in blocks (:func:`ledger_columns.fill_blocks`): those between two
        blocks, and those after the last once there are ``tail_rows``. Made after each
        notice round. Returns the blocks written. With nothing to put in blocks, as after
        most rounds, no write transaction is begun (it would wait for intake's turn)."""
        with ledger_columns.snapshot(self.engine) as connection:
            if not ledger_columns.to_fill(connection, tail_rows):
                return 0
        with self.transaction() as connection:
            return ledger_columns.fill_blocks(connection, self.sealer, tail_rows)

    def rebuild_directory(self, connection: Connection) -> int:
        """Rebuild the directory of organisations from the ledger."""
        connection.execute(delete(organisations))
        rows = connection.execute(select(ledger).where(ledger.c.kind == "subject").order_by(ledger.c.seq))
        events = [e for e in (self._decode(r) for r in rows) if isinstance(e, SubjectEvent)]
        self._update_directory(connection, events)
        return len({e.subject for e in events if e.subject.kind == "organisation"})

    def head(self, connection: Connection) -> int:
        """The seq of the latest ledger event (0 for an empty ledger)."""
        return connection.execute(select(func.coalesce(func.max(ledger.c.seq), 0))).scalar_one()

    def max_occurred_on(self, connection: Connection, catalog_id: str) -> dt.date | None:
        """The latest ``occurred_on`` of any record under ``catalog_id``."""
        return connection.execute(
            select(func.max(ledger.c.occurred_on)).where(
                ledger.c.kind == "record", ledger.c.rule.like(catalog_id + "/%")
            )
        ).scalar_one()

    def latest_act(self, connection: Connection, catalog_id: str, today: dt.date) -> dt.date | None:
        """The latest ``occurred_on`` of a record under ``catalog_id`` that stands: records
        annulled (by an ``annulled`` event or a dispute decided ``annulled``) do not count,
        nor records dated after ``today``, which cannot be filed."""
        page = 200
        offset = 0
        while True:
            candidates = connection.execute(
                select(ledger.c.record_id, ledger.c.occurred_on)
                .where(ledger.c.kind == "record", ledger.c.rule.like(catalog_id + "/%"), ledger.c.occurred_on <= today)
                .order_by(ledger.c.occurred_on.desc(), ledger.c.seq.desc())
                .limit(page)
                .offset(offset)
            ).all()
            if not candidates:
                return None
            annulled = self._annulled(connection, [c.record_id for c in candidates])
            for candidate in candidates:
                if candidate.record_id not in annulled:
                    return candidate.occurred_on
            offset += page

    def _annulled(self, connection: Connection, record_ids: list[str]) -> set[str]:
        rows = connection.execute(
            select(ledger).where(
                ledger.c.record_id.in_(record_ids), ledger.c.kind.in_(("annulled", "dispute_resolved"))
            )
        )
        found = set()
        for row in rows:
            decoded = self._decode(row)
            if not isinstance(decoded, (SubjectEvent, ContactEvent, RecordEvent)) and annuls(decoded):
                found.add(row.record_id)
        return found

    def _event_id(self, connection: Connection):
        """The SQL expression of a ledger row's event id, spelled exactly as migration 0003
        indexes it (``ledger_one_event_per_id``), the path a literal: SQLite uses an index
        on an expression only for the same expression, and a bound path is not."""
        if connection.dialect.name == "postgresql":
            return self._event_field(connection, "id")
        return func.json_extract(ledger.c.body, literal_column("'$.id'"))

    def later_events_statement(self, connection: Connection, event_ids: Sequence[str]):
        """The query of :meth:`later_events_by_id` for one chunk of ids. Its condition on
        ``kind`` repeats the partial index's own term word for word (SQLite uses a partial
        index only when the query contains its WHERE term as written, literals included);
        without it, every batch of an import scanned the whole ledger, and intake slowed as
        the ledger grew."""
        expression = self._event_id(connection)
        return select(expression.label("event_id"), ledger.c.fingerprint).where(
            _LATER_EVENT_ROWS,
            ledger.c.kind != "contact",
            among(connection, expression, event_ids),
        )

    @staticmethod
    def _event_field(connection: Connection, name: str):
        """The SQL expression of a field of a ledger row's (unsealed) body, as text."""
        if connection.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB

            return ledger.c.body.cast(JSONB).op("->>")(name)
        return func.json_extract(ledger.c.body, f"$.{name}")

    def later_events_by_id(self, connection: Connection, event_ids: Iterable[str]) -> dict[str, str]:
        """The fingerprints of the stored later events (not records, subject or contact
        events) that carry one of ``event_ids``, by id."""
        ids = list(dict.fromkeys(event_ids))
        found: dict[str, str] = {}
        for chunk in in_chunks(connection, ids):
            rows = connection.execute(self.later_events_statement(connection, chunk))
            for row in rows:
                found[row.event_id] = row.fingerprint
        return found

    def dispute_filings(self, connection: Connection) -> dict[str, list[int]]:
        """For every record ever disputed, the ledger seq of each dispute filing, in order:
        a dispute is known by the seq of its filing."""
        found: dict[str, list[int]] = {}
        for seq, record_id in connection.execute(
            select(ledger.c.seq, ledger.c.record_id).where(ledger.c.kind == "dispute_filed").order_by(ledger.c.seq)
        ):
            found.setdefault(record_id, []).append(seq)
        return found

    def all_record_ids(self, connection: Connection) -> list[str]:
        return list(
            connection.execute(
                select(ledger.c.record_id).where(ledger.c.kind == "record").order_by(ledger.c.seq)
            ).scalars()
        )

    def record_ids_changed_after(self, connection: Connection, seq: int) -> list[str]:
        """The ids of the records that ledger events after ``seq`` were filed on, each
        once, in ledger order (a range of the ledger's primary key)."""
        return list(
            connection.execute(
                select(ledger.c.record_id)
                .where(ledger.c.seq > seq, ledger.c.record_id.is_not(None), ledger.c.kind != "contact")
                .group_by(ledger.c.record_id)
                .order_by(func.min(ledger.c.seq))
            ).scalars()
        )

    def record_ids_for_rules(self, connection: Connection, rules: Iterable[str]) -> list[str]:
        rules = list(rules)
        if not rules:
            return []
        return list(
            connection.execute(
                select(ledger.c.record_id)
                .where(ledger.c.kind == "record", ledger.c.rule.in_(rules))
                .order_by(ledger.c.seq)
            ).scalars()
        )

    def filed_catalogs(self, connection: Connection, keys: Iterable[str]) -> dict[str, set[str]]:
        """For each subject key, the catalogs it has records under (from the rule column:
        no event is decoded); keys without records are left out."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, set[str]] = {}
        for start in range(0, len(wanted), _IN_BATCH):
            rows = connection.execute(
                select(ledger.c.subject_key, ledger.c.rule)
                .where(ledger.c.kind == "record", ledger.c.subject_key.in_(wanted[start : start + _IN_BATCH]))
                .distinct()
            )
            for key, rule in rows:
                found.setdefault(key, set()).add(rule.split("/", 1)[0])
        return found

    def event_count(self, connection: Connection) -> int:
        return connection.execute(select(func.count()).select_from(ledger)).scalar_one()

    def record_count(self, connection: Connection) -> int:
        return connection.execute(
            select(func.count()).select_from(ledger).where(ledger.c.kind == "record")
        ).scalar_one()

    def record_pages(self, connection: Connection, size: int) -> Iterator[list[RecordFile]]:
        """Every record file without free text, in ledger order, ``size`` at a time
        (keyset pagination: memory stays bounded)."""
        last = 0
        while True:
            rows = connection.execute(
                select(ledger.c.seq, ledger.c.record_id)
                .where(ledger.c.kind == "record", ledger.c.seq > last)
                .order_by(ledger.c.seq)
                .limit(size)
            ).all()
            if not rows:
                return
            last = rows[-1].seq
            ids = [row.record_id for row in rows]
            stored = self.records(connection, ids, text=False)
            yield [stored[i].file for i in ids if i in stored]

    def subject_pages(self, connection: Connection, size: int) -> Iterator[list[SubjectSummary]]:
        """Every subject filed in the ledger with its kind, latest jurisdiction and record
        files (without free text), ``size`` subjects at a time, by lookup key."""
        for keys in self.subject_key_pages(connection, size):
            rows = connection.execute(select(ledger).where(ledger.c.subject_key.in_(keys)).order_by(ledger.c.seq))
            events: dict[str, list[Event]] = {key: [] for key in keys}
            for row in rows:
                events[row.subject_key].append(self._decode(row))
            page = []
            for key, stream in events.items():
                facts = [e for e in stream if isinstance(e, SubjectEvent)]
                files = list(record_files(stream).values())
                kinds = [e.subject.kind for e in stream if isinstance(e, (SubjectEvent, ContactEvent, RecordEvent))]
                page.append(
                    SubjectSummary(
                        key,
                        kinds[-1] if kinds else "person",
                        facts[-1].jurisdiction if facts else None,
                        bool(facts),
                        files,
                    )
                )
            yield page

    def subject_key_pages(self, connection: Connection, size: int) -> Iterator[list[str]]:
        """The lookup key of every subject filed in the ledger, in key order, ``size`` at a time."""
        after: list = []  # the first page starts at the first key (a digest has no empty value)
        while True:
            keys = list(
                connection.execute(
                    select(ledger.c.subject_key)
                    .where(ledger.c.subject_key.is_not(None), *after)
                    .group_by(ledger.c.subject_key)
                    .order_by(ledger.c.subject_key)
                    .limit(size)
                ).scalars()
            )
            if not keys:
                return
            after = [ledger.c.subject_key > keys[-1]]
            yield keys

    def subject_sizes(self, connection: Connection, keys: Iterable[str]) -> dict[str, int]:
        """How many ledger events are filed under each of ``keys`` (keys with none are left
        out), counted from the index of subjects (``ledger_subject``)."""
        found: dict[str, int] = {}
        for chunk in in_chunks(connection, list(dict.fromkeys(keys))):
            rows = connection.execute(
                select(ledger.c.subject_key, func.count())
                .where(among(connection, ledger.c.subject_key, chunk))
                .group_by(ledger.c.subject_key)
            )
            found.update((key, count) for key, count in rows)
        return found

    def subject_histories(self, connection: Connection, keys: Iterable[str]) -> dict[str, SubjectHistory]:
        """What the read models of the subjects filed under ``keys`` are computed from:
        each one's identity, record files without free text, latest jurisdiction and
        latest ledger event."""
        wanted = list(dict.fromkeys(keys))
        streams: dict[str, list[tuple[int, Event]]] = {}
        for start in range(0, len(wanted), _IN_BATCH):
            rows = connection.execute(
                select(ledger).where(ledger.c.subject_key.in_(wanted[start : start + _IN_BATCH])).order_by(ledger.c.seq)
            )
            for row in rows:
                streams.setdefault(row.subject_key, []).append((row.seq, self._decode(row, None)))
        found: dict[str, SubjectHistory] = {}
        for key, stream in streams.items():
            events = [e for _, e in stream]
            subjects = [e.subject for e in events if isinstance(e, (SubjectEvent, ContactEvent, RecordEvent))]
            if not subjects:
                continue
            facts = [e for e in events if isinstance(e, SubjectEvent)]
            found[key] = SubjectHistory(
                key=key,
                subject=subjects[-1],
                files=list(record_files(events).values()),
                jurisdiction=facts[-1].jurisdiction if facts else None,
                head=stream[-1][0],
            )
        return found

    def subject_outlines(self, connection: Connection, keys: Iterable[str]) -> dict[str, SubjectOutline]:
        """The ids of the records filed under each of ``keys`` in ledger order, its latest
        jurisdiction and its latest event's seq, from the clear columns and bodies: no
        sealed value is opened, no event decoded (intake's read models, batch by batch)."""
        wanted = list(dict.fromkeys(keys))
        jurisdiction = self._event_field(connection, "jurisdiction")
        found: dict[str, SubjectOutline] = {}
        for chunk in in_chunks(connection, wanted):
            rows = connection.execute(
                select(ledger.c.seq, ledger.c.kind, ledger.c.record_id, ledger.c.subject_key, jurisdiction)
                .where(among(connection, ledger.c.subject_key, chunk))
                .order_by(ledger.c.seq)
            )
            outlines: dict[str, tuple[list[str], list[str | None], list[int]]] = {}
            for seq, kind, record_id, key, where in rows:
                records, latest, head = outlines.setdefault(key, ([], [None], [0]))
                if kind == "record":
                    records.append(record_id)
                elif kind == "subject":
                    latest[0] = where
                head[0] = seq
            for key, (records, latest, head) in outlines.items():
                found[key] = SubjectOutline(key, records, latest[0], head[0])
        return found

    def latest_subject_event_pages(self, connection: Connection, size: int) -> Iterator[list[SubjectEvent]]:
        """The latest ``subject`` event of every subject, ``size`` at a time."""
        latest = select(func.max(ledger.c.seq)).where(ledger.c.kind == "subject").group_by(ledger.c.subject_key)
        rows = connection.execute(
            select(ledger).where(ledger.c.seq.in_(latest)).order_by(ledger.c.seq),
            execution_options={"yield_per": size},
        )
        page: list[SubjectEvent] = []
        for row in rows:
            page.append(self._decode(row))  # type: ignore[arg-type]
            if len(page) >= size:
                yield page
                page = []
        if page:
            yield page

    def dispute_activity(self, connection: Connection, since: dt.date) -> list[DisputeActivity]:
        """Disputes filed and decided per calendar month from the month of ``since`` on,
        counted by the database (the day of a later event is in the clear)."""
        month = func.substr(self._event_field(connection, "on"), 1, 7)
        rows = connection.execute(
            select(ledger.c.kind, month.label("month"), func.count().label("events"))
            .where(
                ledger.c.kind.in_(("dispute_filed", "dispute_resolved")),
                self._event_field(connection, "on") >= since.replace(day=1).isoformat(),
            )
            .group_by(ledger.c.kind, month)
        ).all()
        counts: dict[str, list[int]] = {}
        for row in rows:
            counts.setdefault(row.month, [0, 0])[0 if row.kind == "dispute_filed" else 1] += row.events
        return [
            DisputeActivity(dt.date.fromisoformat(m + "-01"), opened, decided)
            for m, (opened, decided) in sorted(counts.items())
        ]

    # ------------------------------------------------------------------ directory

    @staticmethod
    def _organisation(row) -> Organisation:
        return Organisation(row.code, row.name, row.jurisdiction)

    def organisation(self, connection: Connection, subject: SubjectRef) -> Organisation | None:
        row = connection.execute(
            select(organisations).where(organisations.c.subject_key == self.subject_key(subject))
        ).first()
        return self._organisation(row) if row is not None else None

    @staticmethod
    def _matching(query: LookupQuery) -> ColumnElement[bool]:
        def literal(text: str) -> str:
            return text.replace("\\", "").replace("%", "\\%").replace("_", "\\_")

        found: list[ColumnElement[bool]] = []
        if query.name and literal(query.name):
            found.append(organisations.c.name_folded.like("%" + literal(query.name) + "%", escape="\\"))
        if query.code is not None:
            found.append(organisations.c.code.like(query.code + "%"))
        return or_(*found) if found else false()

    def search_organisations(
        self, connection: Connection, query: str, limit: int = 50, offset: int = 0
    ) -> list[Organisation]:
        """Organisations whose folded name contains ``query`` (folded) or whose code
        starts with it (as a code: :func:`xinyong.domain.lookup.lookup_query`), by name
        (unnamed last) then code, ``limit`` of them from the ``offset``-th."""
        terms = lookup_query(query)
        if terms.empty:
            return []
        rows = connection.execute(
            select(organisations)
            .where(self._matching(terms))
            # The order of the index organisations_by_name: a page is read off it.
            .order_by(organisations.c.name_folded.is_(None), organisations.c.name_folded, organisations.c.code)
            .limit(limit)
            .offset(offset)
        ).all()
        return [self._organisation(r) for r in rows]

    def count_organisations(self, connection: Connection, query: str) -> int:
        """How many organisations :meth:`search_organisations` finds for ``query`` in all."""
        terms = lookup_query(query)
        if terms.empty:
            return 0
        return connection.execute(
            select(func.count()).select_from(organisations).where(self._matching(terms))
        ).scalar_one()

    def organisation_names(self, connection: Connection, codes: Iterable[str]) -> dict[str, str | None]:
        wanted = list(dict.fromkeys(codes))
        found: dict[str, str | None] = {}
        for start in range(0, len(wanted), _IN_BATCH):
            for row in connection.execute(
                select(organisations.c.code, organisations.c.name).where(
                    organisations.c.code.in_(wanted[start : start + _IN_BATCH])
                )
            ):
                found[row.code] = row.name
        return found

    # ------------------------------------------------------- subjects' own keys

    def text_key_holders(self, connection: Connection) -> list[str]:
        """The lookup keys of the subjects whose free-text key still exists."""
        return list(
            connection.execute(
                select(subject_keys.c.subject_key)
                .where(subject_keys.c.wrapped.is_not(None))
                .order_by(subject_keys.c.subject_key)
            ).scalars()
        )

    def fingerprint(self, item: Event) -> str:
        return self.sealer.fingerprint(item.canonical())

    # ------------------------------------------------------------------- audit

    def verify(self, connection: Connection, marks: dict[str, int] | None = None) -> list[ChainReport]:
        """Recompute the keyed chain of every append-only table; a report per table, each
        with its first break and the MAC of the row ``marks`` names for it."""
        return [chain.verify(connection, self.sealer, name, (marks or {}).get(name)) for name in chain.CHAINED]

    def heads(self, connection: Connection) -> dict[str, tuple[int, str]]:
        """The length and last MAC of every chained table, read in one snapshot."""
        return {name: chain.head(connection, name) for name in chain.CHAINED}
