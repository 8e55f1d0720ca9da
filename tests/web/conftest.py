"""Browser tests of the web pages (end-to-end ring): the real server, started as a user
starts it, over a demo database built once per session, driven by Debian's Chromium
through Playwright. Subjects are found by asking the deployment, never by fixed ids.
The demo database is a SQLite file (its key beside it), or an empty database on the
suite's PostgreSQL server with ``--backend postgresql`` (its key a file of its own,
given to the server as XINYONG_KEY_FILE)."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support import server as serving
from xinyong.bootstrap import Deployment, open_deployment
from xinyong.domain.events import DisputeFiled
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.standing import RecordFile, Timeline, rule_in_force, timeline
from xinyong.settings import Settings
from xinyong.synthetic.demo import DemoBuild, build_demo

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCORING = "rongcheng-personal"


def _later_version(source: Path, effective_from: dt.date) -> str:
    """A later version of the scoring catalog: one penalty harsher, one reward milder."""
    text = source.read_text(encoding="utf-8")
    text = re.sub(r'(?m)^version = ".*"$', 'version = "2099.1"', text, count=1)
    text = re.sub(r'(?m)^effective_from = ".*"$', f'effective_from = "{effective_from}"', text, count=1)
    text = text.replace(
        '[rules."traffic.ticket"]\ntitle = "A traffic violation ticket"\ncategory = "traffic"\npoints = -5',
        '[rules."traffic.ticket"]\ntitle = "A traffic violation ticket"\ncategory = "traffic"\npoints = -10',
    )
    text = text.replace('category = "public_service"\npoints = 2\n', 'category = "public_service"\npoints = 3\n')
    assert "points = -10" in text and "points = 3\n" in text, "the sample catalog changed: update this test"
    return text


@dataclass
class World:
    """The demo deployment, read in-process to find subjects and check what pages say."""

    db: str  # a SQLite path or a PostgreSQL URL
    folder: Path
    env: dict[str, str]  # for the server: the key file, for a database that is not SQLite
    build: DemoBuild
    deployment: Deployment
    taken: set[str] = field(default_factory=set)

    @property
    def today(self) -> dt.date:
        return dt.date.today()

    def token(self, prefix: str) -> str:
        return next(token for label, token in self.build.tokens.items() if label.startswith(prefix))

    def subject_token(self, subject: SubjectRef) -> str:
        return self.deployment.tokens.create("subject", "web test", subject=subject)[1]

    def files(self) -> list[RecordFile]:
        store = self.deployment.store
        with store.reading() as connection:
            return [s.file for s in store.records(connection, store.all_record_ids(connection)).values()]

    def take(self, fits: Callable[[RecordFile, Timeline], bool]) -> RecordFile:
        """A record that fits, of a subject no other test has taken."""
        registry = self.deployment.catalogs.registry()
        for file in self.files():
            if str(file.subject) in self.taken:
                continue
            if fits(file, timeline(file, registry)):
                self.taken.add(str(file.subject))
                return file
        raise LookupError("the demo has no record that fits")

    def disputable_penalty(self) -> RecordFile:
        """A penalty counting today under the scoring catalog, never disputed."""
        registry = self.deployment.catalogs.registry()
        today = self.today

        def fits(file: RecordFile, line: Timeline) -> bool:
            return (
                file.record.catalog_id == SCORING
                and line.counts_on(today)
                and rule_in_force(file.record, registry)[1].points < 0
                and not any(isinstance(c, DisputeFiled) for c in file.changes)
            )

        return self.take(fits)

    def resident_record(self) -> RecordFile:
        """Any record counting today under the scoring catalog, never disputed."""

        def fits(file: RecordFile, line: Timeline) -> bool:
            return (
                file.record.catalog_id == SCORING
                and line.counts_on(self.today)
                and not any(isinstance(c, DisputeFiled) for c in file.changes)
            )

        return self.take(fits)

    def listed_record(self) -> RecordFile:
        """A record of a person that puts them on a list today, of a subject no other test
        has taken (nor will: it is taken)."""
        return self.take(
            lambda file, line: (
                file.subject.kind == "person" and line.placement is not None and line.listed_on(self.today)
            )
        )

    def jurisdiction(self, subject: SubjectRef) -> str | None:
        with self.deployment.store.reading() as connection:
            facts = self.deployment.store.subject_facts(connection, subject)
        return facts.jurisdiction if facts else None

    def name(self, subject: SubjectRef) -> str | None:
        with self.deployment.store.reading() as connection:
            facts = self.deployment.store.subject_facts(connection, subject)
        return facts.name if facts else None

    def score(self, subject: SubjectRef, catalog: str = SCORING) -> int:
        from xinyong.domain.standing import standing

        with self.deployment.store.reading() as connection:
            files = self.deployment.store.files_for_subject(connection, subject)
        registry = self.deployment.catalogs.registry()
        return standing(subject, catalog, self.today, files, registry, self.jurisdiction(subject)).score


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every browser test on one pytest-xdist worker (``--dist loadgroup``): the demo
    database is built, and Chromium started, once rather than once per worker."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.xdist_group("web"))


@pytest.fixture(scope="session")
def world(backend, postgres_server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("web")
    if backend == "postgresql":
        db = postgres_server.new_database()
        key = folder / "secret.key"
        settings, env = Settings(db=db, key_file=str(key)), {"XINYONG_KEY_FILE": str(key)}
    else:
        db = str(folder / "demo.db")
        settings, env = Settings(db=db), {}
    catalogs = sorted((ROOT / "catalogs").glob("*.toml"))
    build = build_demo(db, catalogs, persons=1000, organisations=60, settings=settings)
    later = folder / "rongcheng-personal-2099.toml"
    later.write_text(
        _later_version(ROOT / "catalogs" / f"{SCORING}.toml", dt.date.today() + dt.timedelta(days=60)), encoding="utf-8"
    )
    deployment = open_deployment(db, settings)
    deployment.catalogs.load([later])
    yield World(db, folder, env, build, deployment)
    deployment.close()


@pytest.fixture(scope="session")
def server(world: World) -> Iterator[str]:
    """``xinyong serve`` on a free port, as a user runs it; its base URL."""
    settings = {"XINYONG_NOTICE_INTERVAL": "0", **world.env}
    with serving.running(world.db, world.folder, settings, merged=True) as served:
        yield served.url


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import expect, sync_playwright

    # Patient on a busy machine: a page that answers in time passes, however loaded.
    expect.set_options(timeout=20000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser, server: str):
    """Make a fresh browser profile (its own cookies) on the server."""
    made = []

    def make(locale: str = "en-US", javascript: bool = True):
        context = browser.new_context(
            base_url=server,
            locale=locale,
            java_script_enabled=javascript,
            viewport={"width": 1280, "height": 900},
            accept_downloads=True,
        )
        context.set_default_timeout(30000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


def sign_in(page, area: str, token: str) -> None:
    """Sign in through the form of ``area`` ('portal' or 'console')."""
    page.goto(f"/{area}")
    page.fill("#token", token)
    page.click("form[action$='/sign-in'] button[type=submit]")
    page.wait_for_load_state()


def screenshot(page, name: str) -> Path:
    """Keep a picture of the page for people to look at (CI keeps the folder)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
