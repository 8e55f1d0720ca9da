"""Shared fixtures. Tests come in three rings: unit (pure domain), integration (a real
database) and e2e (the command line as a user runs it)."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from tests.support.cli import Cli as Runner
from tests.support.cli import environment

HERE = Path(__file__).parent
CONFORMANCE = HERE / "conformance"
SCENARIOS = sorted(p.name for p in CONFORMANCE.iterdir() if p.is_dir())


BACKENDS = ("sqlite", "postgresql")

# No per-example deadline: on a shared, loaded machine the first example of a property
# (imports, warm-up) can take longer than 200 ms, and hypothesis then reports a failure
# that has nothing to do with what the property says. What a property asserts is unchanged.
# Derandomised: the same examples every run, so that a property whose branch check
# passed once (``@pytest.mark.branches``) cannot fail the next run because that run's
# random examples happened to miss the branch (two fresh clones in a row failed so).
hypothesis_settings.register_profile("suite", deadline=None, derandomize=True)
hypothesis_settings.load_profile("suite")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items) -> None:
    """``--dist loadgroup`` as pytest-xdist means it. xdist 3.8 names a test's group by
    rewriting ``item._nodeid`` to end in ``@group`` (on each worker, in this same hook);
    pytest 9 reads a node's id from ``item._id`` instead, so the groups were silently
    lost and every Spark test could start a JVM of its own. Until xdist follows, do the
    same on ``_id``; when xdist's rewrite works again the ids already end in ``@group``
    and nothing is done here."""
    if not getattr(config.option, "loadgroup", False):
        return
    from _pytest.nodeid import coerce_node_id

    for item in items:
        names = sorted(
            {str(m.args[0] if m.args else m.kwargs.get("name", "default")) for m in item.iter_markers("xdist_group")}
        )
        if names and not item.nodeid.endswith("@" + "_".join(names)):
            item._id = coerce_node_id(f"{item.nodeid}@{'_'.join(names)}")


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
    suite's PostgreSQL server (copied from one migrated once a session: at the latest
    migration, with no keyring and no rows, as a first open would leave it before its key)."""
    if backend == "postgresql":
        return postgres_server.migrated_database()
    return str(tmp_path / "xinyong.db")


def settings_for(folder: Path) -> dict[str, str]:
    """The XINYONG_ settings of a test's ``xinyong`` processes: a key file of the test's
    own, and no background notice rounds."""
    return {"XINYONG_KEY_FILE": str(folder / "secret.key"), "XINYONG_NOTICE_INTERVAL": "0"}


def environment_for(database: str, folder: Path) -> dict[str, str]:
    """The environment a ``xinyong`` subprocess runs with for ``database``: none of the
    caller's XINYONG_ settings, and a key file of the test's own."""
    return environment(settings_for(folder))


class Cli(Runner):
    """Runs the installed ``xinyong`` command against one database, with the test's key."""

    def __init__(self, db: str | Path, cwd: Path):
        super().__init__(db, cwd, settings_for(cwd))


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


# ------------------------------------------------------------------ conditional properties


class Branches:
    """How often each branch of a property ran, across all of its examples. A property
    that asserts only under a condition names the condition in
    ``@pytest.mark.branches(...)`` and calls ``branches("name")`` where it holds; when the
    property has passed, a branch that never ran fails the test: a property whose
    condition no example met said nothing."""

    def __init__(self, names: tuple[str, ...]):
        self.counts: Counter[str] = Counter({name: 0 for name in names})

    def __call__(self, name: str) -> None:
        assert name in self.counts, f"branch {name!r} is not declared in @pytest.mark.branches"
        self.counts[name] += 1

    def check(self) -> None:
        never = [name for name, count in self.counts.items() if count == 0]
        assert not never, f"no example reached: {never} (ran: {dict(self.counts)})"


@pytest.fixture
def branches(request) -> Branches:
    marker = request.node.get_closest_marker("branches")
    assert marker is not None and marker.args, "a test using `branches` declares them: @pytest.mark.branches(...)"
    return Branches(marker.args)


@pytest.hookimpl(wrapper=True)
def pytest_pyfunc_call(pyfuncitem):
    result = yield
    tally = pyfuncitem.funcargs.get("branches")
    if isinstance(tally, Branches):
        tally.check()
    return result
