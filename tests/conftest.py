"""Shared fixtures. Tests come in three rings: unit (pure domain), integration (a real
database) and e2e (the command line as a user runs it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
CONFORMANCE = HERE / "conformance"
SCENARIOS = sorted(p.name for p in CONFORMANCE.iterdir() if p.is_dir())
XINYONG = str(Path(sys.executable).parent / "xinyong")


BACKENDS = ("sqlite", "postgresql")


def pytest_addoption(parser):
    parser.addoption(
        "--backend",
        choices=BACKENDS,
        default=os.environ.get("XINYONG_TEST_BACKEND", "sqlite"),
        help="the database the suite runs against: sqlite (default) or postgresql "
        "(a throwaway server started by the suite)",
    )


@pytest.fixture(scope="session")
def backend(request) -> str:
    return request.config.getoption("--backend")


@pytest.fixture(scope="session")
def postgres_server(backend):
    if backend != "postgresql":
        yield None
        return
    from tests.postgres import PostgresServer

    server = PostgresServer.start()
    yield server
    server.stop()


@pytest.fixture
def database(backend, postgres_server, tmp_path: Path) -> str:
    """A fresh, empty database for one test: a SQLite path, or a new database on the
    suite's PostgreSQL server."""
    if backend == "postgresql":
        return postgres_server.new_database()
    return str(tmp_path / "xinyong.db")


def environment_for(database: str, folder: Path) -> dict[str, str]:
    """The environment a ``xinyong`` subprocess runs with for ``database``: none of the
    caller's XINYONG_ settings, and a key file of the test's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XINYONG_")}
    env["COLUMNS"] = "200"
    env["XINYONG_KEY_FILE"] = str(folder / "secret.key")
    env["XINYONG_NOTICE_INTERVAL"] = "0"
    return env


class Cli:
    """Runs the installed ``xinyong`` command against one database."""

    def __init__(self, db: str | Path, cwd: Path):
        self.db = db
        self.cwd = cwd

    def __call__(self, *args: str, ok: bool = True, stdin: str | None = None) -> subprocess.CompletedProcess:
        env = environment_for(str(self.db), self.cwd)
        result = subprocess.run(
            [XINYONG, "--db", str(self.db), *args],
            capture_output=True,
            text=True,
            cwd=self.cwd,
            env=env,
            input=stdin,
            timeout=300,
        )
        if ok and result.returncode != 0:
            raise AssertionError(
                f"xinyong {' '.join(args)} exited {result.returncode}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
            )
        return result

    def json(self, *args: str):
        return json.loads(self(*args).stdout)


@pytest.fixture
def cli(database: str, tmp_path: Path) -> Cli:
    return Cli(database, tmp_path)


@pytest.fixture
def deployment(database: str, tmp_path: Path):
    from xinyong.bootstrap import open_deployment
    from xinyong.settings import Settings

    d = open_deployment(database, Settings(db=database, key_file=str(tmp_path / "secret.key"), notice_interval=0))
    yield d
    d.close()


def scenario_files(name: str) -> dict[str, Path]:
    folder = CONFORMANCE / name
    return {
        "catalogs": sorted(folder.glob("catalog-*.toml")),
        "events": folder / "events.jsonl",
        "queries": folder / "queries.jsonl",
        "expected": folder / "expected.jsonl",
    }
