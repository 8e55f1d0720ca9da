"""A throwaway PostgreSQL server for the test suite: initdb and pg_ctl on a free port,
data in a temporary folder, stopped and removed at the end. Debian's PostgreSQL does not
start by itself, and tests must not depend on a server someone else runs."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from tests.support.ports import free_port


class PostgresUnavailable(RuntimeError):
    pass


def _bindir() -> Path:
    try:
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
        if (Path(out) / "initdb").exists():
            return Path(out)
    except (OSError, subprocess.CalledProcessError):
        pass
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise PostgresUnavailable("PostgreSQL server binaries not found: apt-get install postgresql")
    return Path(found[-1]).parent


@dataclass
class PostgresServer:
    folder: Path
    port: int
    bindir: Path
    run_as: str | None
    _migrated: str | None = None

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://xinyong@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=True, timeout=120)

    @classmethod
    def start(cls) -> PostgresServer:
        bindir = _bindir()
        folder = Path(tempfile.mkdtemp(prefix="xinyong-pg-"))
        run_as = None
        if os.geteuid() == 0:  # initdb refuses to run as root
            run_as = "postgres"
            try:
                entry = pwd.getpwnam(run_as)
            except KeyError:
                raise PostgresUnavailable("running as root and there is no 'postgres' user") from None
            os.chown(folder, entry.pw_uid, entry.pw_gid)
        server = cls(folder, free_port(), bindir, run_as)
        data = folder / "data"
        server._run("initdb", "-D", str(data), "-U", "xinyong", "--auth=trust", "-E", "UTF8", "--no-locale")
        options = (
            f"-p {server.port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        server._run("pg_ctl", "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start")
        return server

    def new_database(self) -> str:
        """A fresh, empty database on this server; its SQLAlchemy URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:16]
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="xinyong", dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://xinyong@127.0.0.1:{self.port}/{name}"

    def migrated_database(self) -> str:
        """A new database at the latest migration and nothing else (no keyring, no rows:
        a new, empty database to the deployment), copied from a template migrated once."""
        if self._migrated is None:
            from xinyong.adapters.storage.store import make_engine, migrate

            url = self.new_database()
            engine = make_engine(url)
            try:
                migrate(engine)
            finally:
                engine.dispose()
            self._migrated = url
        return self.copy_database(self._migrated)

    def copy_database(self, template_url: str, into_url: str | None = None) -> str:
        """A copy of the database ``template_url`` (nothing may be connected to it): a
        new database, or the database ``into_url`` made again as the copy. Its URL."""
        import psycopg
        from sqlalchemy.engine import make_url

        template = make_url(template_url).database
        target = (
            make_url(into_url or template_url).set(database="t_" + uuid.uuid4().hex[:16])
            if into_url is None
            else make_url(into_url)
        )
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="xinyong", dbname="postgres", autocommit=True
        ) as connection:
            if into_url is not None:
                connection.execute(f'DROP DATABASE IF EXISTS "{target.database}"')
            # A server process outlives its client's disconnect by a moment: the template
            # can still count a session just closed. Tried again for a few seconds; a
            # connection really left open on it still fails, naming the database.
            for wait in (0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, None):
                try:
                    connection.execute(f'CREATE DATABASE "{target.database}" TEMPLATE "{template}"')
                    break
                except psycopg.errors.ObjectInUse:
                    if wait is None:
                        raise
                    time.sleep(wait)
        return target.render_as_string(hide_password=False)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
