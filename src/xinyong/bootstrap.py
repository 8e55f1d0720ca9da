"""The composition root: the one place where the real parts are wired together."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from xinyong.catalog.library import CatalogLibrary
from xinyong.due_process import DueProcess
from xinyong.inquiries import Inquiries
from xinyong.ledger.cases import CaseBook
from xinyong.publication import Publication
from xinyong.reports import Reports
from xinyong.intake import Intake
from xinyong.ledger.access_log import AccessLog
from xinyong.ledger.outbox import Outbox
from xinyong.ledger.tokens import TokenBook
from xinyong.ledger.sealing import Sealer, load_or_create_key
from xinyong.ledger.store import LedgerStore, database_url, make_engine
from xinyong.settings import Settings


@dataclass
class Deployment:
    store: LedgerStore
    catalogs: CatalogLibrary
    intake: Intake
    inquiries: Inquiries
    access_log: AccessLog
    outbox: Outbox
    tokens: TokenBook
    reports: Reports
    publication: Publication
    due_process: DueProcess

    def close(self) -> None:
        self.store.engine.dispose()


def key_file_for(db: str, settings: Settings) -> Path:
    """Where the secret key lives when XINYONG_SECRET_KEY is not set: XINYONG_KEY_FILE,
    else beside a SQLite database file, else in the user's configuration folder."""
    if settings.key_file:
        return Path(settings.key_file)
    url = make_url(database_url(db))
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database + ".key")
    return Path.home() / ".config" / "xinyong" / "secret.key"


def open_deployment(db: str | None = None, settings: Settings | None = None) -> Deployment:
    settings = settings or Settings.from_environment()
    db = db or settings.db
    url = make_url(database_url(db))
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    key = load_or_create_key(settings.secret_key, key_file_for(db, settings))
    store = LedgerStore(make_engine(db), Sealer(key))
    store.migrate()
    library = CatalogLibrary(store)
    access_log = AccessLog(store)
    outbox = Outbox(store)
    intake = Intake(store, library, outbox)
    return Deployment(
        store=store,
        catalogs=library,
        intake=intake,
        inquiries=Inquiries(store, library, access_log, outbox),
        outbox=outbox,
        access_log=access_log,
        tokens=TokenBook(store),
        reports=Reports(store, library, access_log, outbox),
        publication=Publication(store, library, access_log),
        due_process=DueProcess(store, library, intake, outbox, CaseBook(store)),
    )
