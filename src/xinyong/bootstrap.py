"""The composition root: the one place where the real parts are wired together."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from xinyong.adapters.storage import keyring
from xinyong.adapters.storage.access_log import AccessLog
from xinyong.adapters.storage.keyring import KeyRefused
from xinyong.adapters.storage.outbox import Outbox
from xinyong.adapters.storage.sealing import (
    Sealer,
    create_key_file,
    master_key_id,
    read_key,
    replace_key_file,
)
from xinyong.adapters.storage.store import LedgerStore, database_url, make_engine, migrate, take_write_lock
from xinyong.adapters.storage.tokens import TokenBook
from xinyong.adapters.storage.unit_of_work import SqlUnitsOfWork
from xinyong.adapters.storage.webhooks import WebhookBook
from xinyong.domain import calendar
from xinyong.domain.calendar import Duration
from xinyong.domain.retention import DEFAULT_RETENTION
from xinyong.services.audit import Audit
from xinyong.services.catalogs import CatalogLibrary
from xinyong.services.due_process import DueProcess
from xinyong.services.erasure import Erasure
from xinyong.services.federation import Federation, NodeIdentity
from xinyong.services.inquiries import Inquiries
from xinyong.services.intake import Intake
from xinyong.services.optin import OptinScores
from xinyong.services.overview import Dashboards
from xinyong.services.publication import Publication
from xinyong.services.read_models import KeptUnits, ReadModels
from xinyong.services.reports import Reports
from xinyong.services.unit_of_work import UnitsOfWork
from xinyong.services.webhooks import Webhooks
from xinyong.settings import Settings


@dataclass
class Deployment:
    """The services of one deployment, wired to one database. ``units`` opens units of
    work for the services; ``store``, ``outbox``, ``access_log`` and ``tokens`` are the
    storage adapter's own parts, for the command line and the audit routes."""

    units: UnitsOfWork
    store: LedgerStore
    read_models: ReadModels
    catalogs: CatalogLibrary
    intake: Intake
    inquiries: Inquiries
    access_log: AccessLog
    outbox: Outbox
    tokens: TokenBook
    reports: Reports
    publication: Publication
    due_process: DueProcess
    node_key_file: Path
    erasure: Erasure
    overview: Dashboards
    audit: Audit
    optin: OptinScores
    webhooks: Webhooks
    federation: Federation
    settings: Settings  # read once, where the deployment was opened
    database: str  # what it was opened on: a SQLite path or a database URL

    def node_key(self):
        """The node's Ed25519 key, made on first use."""
        from xinyong.adapters.storage.checkpoint import NodeKey

        return NodeKey.load_or_create(self.node_key_file)

    def checkpoint(self) -> dict:
        """A signed checkpoint of the heads of every chained table, read in one snapshot."""
        from xinyong.adapters.storage import checkpoint

        with self.store.reading() as connection:
            heads = self.store.heads(connection)
        return checkpoint.make(heads, self.node_key())

    def close(self) -> None:
        self.store.engine.dispose()


def _key_path(db: str, configured: str | None, suffix: str, name: str) -> Path:
    """A key file: where the setting says, else beside a SQLite database file (``DB`` +
    ``suffix``), else ``name`` in the user's configuration folder."""
    if configured:
        return Path(configured)
    url = make_url(database_url(db))
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database + suffix)
    return Path.home() / ".config" / "xinyong" / name


def key_file_for(db: str, settings: Settings) -> Path:
    """Where the secret key lives when XINYONG_SECRET_KEY is not set: XINYONG_KEY_FILE,
    else beside a SQLite database file, else in the user's configuration folder."""
    return _key_path(db, settings.key_file, ".key", "secret.key")


def _where(db: str) -> str:
    """The database named for a message, without a password."""
    return make_url(database_url(db)).render_as_string(hide_password=True)


def _staged(path: Path) -> Path:
    return path.with_name(path.name + ".new")


def open_keys(engine: Engine, db: str, settings: Settings) -> Sealer:
    """The deployment's data keys, opened under the secret key, which is checked at the
    door: a database is opened only under the key it was written with, and a new key is
    made only for a new, empty database."""
    key_file = key_file_for(db, settings)
    where = _where(db)
    source = "XINYONG_SECRET_KEY" if settings.secret_key else str(key_file)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            take_write_lock(connection, None)
        # Read under the write lock: a second process starting on a new database waits
        # for the first to make the key and the keyring, then reads both.
        master = read_key(settings.secret_key.get_secret_value() if settings.secret_key else None, key_file)
        found = keyring.state(connection)
        if found.empty:
            if keyring.holds_data(connection):
                raise KeyRefused(
                    f"the database {where} holds data but no keyring to check a key against: it was "
                    "made by an earlier version of Xinyong (whose chain anyone could recompute), or "
                    "its keyring was removed. Build a new database and import the events again, or "
                    "restore the database from a backup; nothing was read or written."
                )
            if master is None:
                master = os.urandom(32)
                create_key_file(key_file, master)
            return keyring.create(connection, master)
        if master is None:
            raise KeyRefused(
                f"the database {where} was written under secret key {', '.join(sorted(found.master_ids))}, "
                f"but there is no key: {key_file} does not exist and XINYONG_SECRET_KEY is not set. "
                "Restore the key file from your backup (or set XINYONG_SECRET_KEY); a new key is made "
                "only for a new, empty database, and nothing was read or written."
            )
        staged = _staged(key_file)
        if master_key_id(master) not in found.master_ids and not settings.secret_key and staged.exists():
            # A rotation that stopped between committing the keyring and putting the new
            # key file in place: finish it.
            new = read_key(None, staged)
            if new is not None and master_key_id(new) in found.master_ids:
                replace_key_file(staged, key_file)
                master = new
        try:
            return keyring.open_(connection, master, where)
        except KeyRefused as refused:
            raise KeyRefused(f"{refused} (the key given came from {source})") from None


def rotate_key(db: str, settings: Settings) -> tuple[str, str]:
    """Make a new secret key, re-wrap the data keys under it and put it in the key file;
    returns the old and new keys' ids. Data, lookups and the chain are unchanged."""
    if settings.secret_key:
        raise KeyRefused(
            "the secret key comes from XINYONG_SECRET_KEY: rotate with a key file (XINYONG_KEY_FILE), "
            "or set a new variable by hand after `keys rotate` on a copy that uses a key file"
        )
    key_file = key_file_for(db, settings)
    engine = make_engine(db)
    try:
        open_keys(engine, db, settings)  # refuses a wrong or missing key
        old = read_key(None, key_file)
        assert old is not None
        new = os.urandom(32)
        staged = _staged(key_file)
        staged.unlink(missing_ok=True)
        create_key_file(staged, new)
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                take_write_lock(connection, None)
            keyring.rotate(connection, old, new, _where(db))
        replace_key_file(staged, key_file)
        return master_key_id(old), master_key_id(new)
    finally:
        engine.dispose()


def node_key_file_for(db: str, settings: Settings) -> Path:
    """Where the node's Ed25519 key lives: XINYONG_NODE_KEY_FILE, else beside a SQLite
    database file, else in the user's configuration folder."""
    return _key_path(db, settings.node_key_file, ".node.key", "node.key")


def open_deployment(db: str | None = None, settings: Settings | None = None) -> Deployment:
    settings = settings or Settings.from_environment()
    db = db or settings.db
    url = make_url(database_url(db))
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    # A malformed key is refused before anything is created or migrated; the key is
    # read again, under the write lock, when the keyring is opened.
    read_key(settings.secret_key.get_secret_value() if settings.secret_key else None, key_file_for(db, settings))
    engine = make_engine(db)
    try:
        migrate(engine)
        sealer = open_keys(engine, db, settings)
    except BaseException:
        engine.dispose()
        raise
    store = LedgerStore(engine, sealer)
    return wire(SqlUnitsOfWork(store), store, node_key_file_for(db, settings), settings, db)


@dataclass
class Services:
    """The use cases of one deployment, over one source of units of work."""

    units: UnitsOfWork  # whose commits keep the read models current
    read_models: ReadModels
    catalogs: CatalogLibrary
    intake: Intake
    inquiries: Inquiries
    reports: Reports
    publication: Publication
    due_process: DueProcess
    erasure: Erasure
    overview: Dashboards
    audit: Audit
    optin: OptinScores  # opt-in scores: walled off from everything above
    federation: Federation


def _no_node() -> NodeIdentity:
    raise RuntimeError("these services were put together without the node's key: they publish no bundle")


def services(
    units: UnitsOfWork,
    retention: Duration = DEFAULT_RETENTION,
    clock: Callable[[], dt.date] = calendar.today,
    node: Callable[[], NodeIdentity] = _no_node,
) -> Services:
    """The services over ``units`` (the SQL store's, or the first ring's fake): the one
    place they are put together. ``clock`` is the day events are filed on; ``node`` gives
    the node's key, which signs list bundles."""
    units = KeptUnits(units)
    library = CatalogLibrary(units, clock)
    read_models = ReadModels(units, library)
    units.before_commit.append(read_models.keep_current)
    intake = Intake(units, library, clock, read_models)
    due_process = DueProcess(units, library, intake)
    federation = Federation(units, library, node, clock)
    return Services(
        units=units,
        read_models=read_models,
        catalogs=library,
        intake=intake,
        inquiries=Inquiries(units, library, read_models, federation),
        reports=Reports(units, library, federation),
        publication=Publication(units, library, read_models),
        due_process=due_process,
        erasure=Erasure(units, library, retention),
        overview=Dashboards(units, library, due_process, read_models),
        audit=Audit(units),
        optin=OptinScores(units, library.scorecards, intake, clock),
        federation=federation,
    )


def wire(units: UnitsOfWork, store: LedgerStore, node_key_file: Path, settings: Settings, database: str) -> Deployment:
    """A deployment: the services over ``units``, and the store's own parts, opened on
    ``database``."""
    from xinyong.adapters.storage.checkpoint import NodeKey

    built = services(units, Duration.parse(settings.text_retention), node=lambda: NodeKey.load_or_create(node_key_file))
    return Deployment(
        store=store,
        outbox=Outbox(store),
        access_log=AccessLog(store),
        tokens=TokenBook(store),
        webhooks=Webhooks(WebhookBook(store), settings.webhook_http_host_names),
        node_key_file=node_key_file,
        settings=settings,
        database=database,
        **vars(built),
    )
