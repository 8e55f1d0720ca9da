"""Where each run's databases live: a SQLite file in the cache folder, or a database on
a throwaway PostgreSQL server that the harness starts (initdb and pg_ctl on a free port,
as the tests do) and removes at the end. A database imported by one step is reused by
the next (rescore and checks read what import built); a step that needs one that no
step of this run imported imports it first, untimed."""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.machine import ROOT
from benchmarks.population import CATALOG_FILE, EventFile
from benchmarks.processes import XINYONG, Measured, StepFailed, environment, run


class Unavailable(RuntimeError):
    """A backend this machine cannot run, and why."""


@dataclass
class Database:
    """Xinyong's database for one backend and size, and the raw table beside it."""

    backend: str
    url: str  # what `xinyong --db` is given
    raw: str  # the raw baseline's SQLite path or PostgreSQL URL
    folder: Path  # the key file and the run's scratch files
    events: EventFile
    imported: bool = False
    kept: bool = False  # imported by an earlier run with --keep: left in place after this one
    catalog_load: Measured | None = field(default=None, repr=False)

    @property
    def env(self) -> dict[str, str]:
        return environment({"XINYONG_KEY_FILE": str(self.folder / "secret.key"), "XINYONG_NOTICE_INTERVAL": "0"})

    def xinyong(self, *args: str) -> list[str]:
        return [XINYONG, "--db", self.url, *args]

    def load_catalog(self) -> None:
        self.catalog_load = run(self.xinyong("catalog", "load", str(CATALOG_FILE)), self.env)

    def import_events(self) -> Measured:
        """`xinyong import` of the whole file; refused unless every event was written."""
        measured = run(self.xinyong("import", str(self.events.path)), self.env)
        expected = f"{self.events.events} event(s) read, {self.events.events} written"
        if expected not in measured.stdout:
            raise StepFailed(f"xinyong import did not write every event: {measured.stdout.strip()}")
        self.imported = True
        self._mark()
        return measured

    def raw_insert(self) -> Measured:
        return run(
            [sys.executable, "-m", "benchmarks.baselines", self.backend, str(self.events.path), self.raw], self.env
        )

    def raw_rows(self) -> int:
        if self.backend == "sqlite":
            with sqlite3.connect(self.raw) as connection:
                return connection.execute("SELECT count(*) FROM raw_ledger").fetchone()[0]
        with _pg(self.raw) as connection:
            return connection.execute("SELECT count(*) FROM raw_ledger").fetchone()[0]

    # ---------------------------------------------------------------- sizes

    def sizes(self) -> tuple[int, dict[str, int], int]:
        """Bytes of Xinyong's database, the same by table (indexes included), and of the raw table."""
        if self.backend == "sqlite":
            return (*_sqlite_sizes(Path(self.url)), sum(_files(Path(self.raw))))
        with _pg(self.url) as connection:
            tables = dict(
                connection.execute(
                    "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'"
                ).fetchall()
            )
        with _pg(self.raw) as connection:
            raw = connection.execute("SELECT pg_total_relation_size('raw_ledger')").fetchone()[0]
        return sum(tables.values()), tables, raw

    # ---------------------------------------------------------------- SQLite's cache

    def _mark(self) -> None:
        if self.backend == "sqlite":
            (self.folder / "imported.json").write_text(json.dumps({"events": self.events.events}))

    def reset(self) -> None:
        """Empty: a new database for a timed import."""
        self.imported = self.kept = False
        if self.backend == "sqlite":
            for path in [*_files(Path(self.url), paths=True), *_files(Path(self.raw), paths=True)]:
                path.unlink(missing_ok=True)
            (self.folder / "imported.json").unlink(missing_ok=True)


def _files(db: Path, paths: bool = False) -> list:
    found = [p for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists()]
    return found if paths else [p.stat().st_size for p in found]


def _sqlite_sizes(db: Path) -> tuple[int, dict[str, int]]:
    """The file's bytes (with its write-ahead log) and each table's pages, its indexes'
    included, from SQLite's dbstat."""
    total = sum(_files(db))
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        owner = dict(connection.execute("SELECT name, tbl_name FROM sqlite_master").fetchall())
        tables: dict[str, int] = {}
        for name, size in connection.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"):
            table = owner.get(name, name)
            tables[table] = tables.get(table, 0) + size
    return total, tables


def _pg(url: str):
    import psycopg

    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))


class Databases:
    """The databases of one harness run, and the PostgreSQL server if one is needed."""

    def __init__(self, cache: Path, keep: bool):
        self.cache = cache
        self.keep = keep
        self.made: dict[tuple[str, int], Database] = {}
        self._server = None
        self._server_error: str | None = None
        self.postgresql: dict[str, str] | None = None

    def database(self, backend: str, events: EventFile) -> Database:
        key = (backend, events.records)
        if key not in self.made:
            self.made[key] = self._sqlite(events) if backend == "sqlite" else self._postgresql(events)
        return self.made[key]

    def ready(self, backend: str, events: EventFile) -> Database:
        """The database with the file imported, and the raw table beside it: this run's,
        a kept one, or both made now (untimed)."""
        database = self.database(backend, events)
        if not database.imported:
            database.reset()
            database.load_catalog()
            database.raw_insert()
            database.import_events()
        return database

    def _sqlite(self, events: EventFile) -> Database:
        folder = self.cache / f"sqlite-{events.records}-{events.path.stem.rsplit('-', 1)[-1]}"
        folder.mkdir(parents=True, exist_ok=True)
        database = Database("sqlite", str(folder / "xinyong.db"), str(folder / "raw.db"), folder, events)
        marker = folder / "imported.json"
        database.imported = database.kept = (
            marker.exists()
            and json.loads(marker.read_text()).get("events") == events.events
            and Path(database.url).exists()
            and Path(database.raw).exists()
        )
        return database

    def _postgresql(self, events: EventFile) -> Database:
        server = self.server()
        folder = self.cache / f"postgresql-{events.records}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        return Database("postgresql", server.new_database(), server.new_database(), folder, events)

    def server(self):
        """The run's PostgreSQL server, started on first use; Unavailable says why not."""
        if self._server_error:
            raise Unavailable(self._server_error)
        if self._server is None:
            try:
                if str(ROOT) not in sys.path:
                    sys.path.insert(0, str(ROOT))
                from tests.postgres import PostgresServer, PostgresUnavailable
            except ImportError as error:
                self._server_error = f"the tests' PostgreSQL helper cannot be imported ({error})"
                raise Unavailable(self._server_error) from None
            try:
                self._server = PostgresServer.start()
            except (PostgresUnavailable, OSError) as error:
                self._server_error = str(error)
                raise Unavailable(self._server_error) from None
            with _pg(self._server.admin_url) as connection:
                version = connection.execute("SHOW server_version").fetchone()[0]
                settings = {
                    name: connection.execute(f"SHOW {name}").fetchone()[0]
                    for name in ("fsync", "synchronous_commit", "full_page_writes", "shared_buffers")
                }
            self.postgresql = {"version": version, **settings}
        return self._server

    def release(self, backend: str, events: EventFile) -> None:
        """Free the disk of one backend and size once its steps are done (10 M records
        take tens of GB a backend): PostgreSQL's databases dropped, SQLite's files
        removed unless they are kept for a later run."""
        database = self.made.pop((backend, events.records), None)
        if database is None:
            return
        if backend == "postgresql" and self._server is not None:
            from sqlalchemy.engine import make_url

            with _pg(self._server.admin_url) as connection:
                connection.autocommit = True
                for url in (database.url, database.raw):
                    connection.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}"')
        if backend == "postgresql" or not (self.keep or database.kept):
            shutil.rmtree(database.folder, ignore_errors=True)

    def close(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
        for database in self.made.values():
            if database.backend == "postgresql" or not (self.keep or database.kept):
                shutil.rmtree(database.folder, ignore_errors=True)
