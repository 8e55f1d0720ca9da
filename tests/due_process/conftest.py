"""Fixtures for the due-process tests (issue 4): notices, disputes, repair, human review,
the outlook and the export.

The service decides filings and decisions on the real current date, so every date here
is relative to today. One template database is built with the ``xinyong`` command line
(``catalog load``, then ``import`` of the events below); every server runs over its own
copy of it, as ``xinyong serve`` on a free loopback port, and is spoken to over HTTP.
Each test works on subjects and records of its own, so tests on the shared server do not
disturb each other's answers. The databases are SQLite files, or databases on the
suite's PostgreSQL server with ``--backend postgresql`` (copied from a template there)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.support import server as serving
from tests.support.api import Api as Client
from tests.support.cli import Cli as Runner
from tests.support.cli import environment as _clean_environment
from tests.support.identifiers import rid

REPO = Path(__file__).resolve().parents[2]
CATALOGS = sorted((REPO / "catalogs").glob("*.toml"))
PROBLEM_JSON = "application/problem+json"

TODAY = dt.date.today()


def day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


def iso(offset: int) -> str:
    return day(offset).isoformat()


def add_months(start: dt.date, months: int) -> dt.date:
    """``start`` + ``months``, clamped to the month's end (docs/design.md section 4), computed
    here rather than by the code under test."""
    total = start.month - 1 + months
    year, month = start.year + total // 12, total % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(start.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


# Subjects of the template, all adults living in Rongcheng (CN-SD-RC).
NOTICE_CLI = rid("37108219800101001")  # a record imported with `xinyong import`
NOTICE_HTTP = rid("37108219800101002")  # a record posted by a source over HTTP
EARLY = rid("37108219800101003")  # records disputed before they take effect
LATE = rid("37108219800101004")  # a record in effect, disputed today
QUEUE = rid("37108219800101005")  # disputes in the officers' queue
REPAIR = rid("37108219800101006")  # on the judgment-defaulters list for a year
ADVERSE = rid("37108219800101007")  # on the judgment-defaulters list: denied a flight
OUTLOOK = rid("37108219800101008")  # three penalties that expire one after the other
EXPORT = rid("37108219800101009")  # downloads its whole file
OTHER = rid("37108219800101010")  # tries to act on the others' records
RESTART = rid("37108219800101011")  # for the server that is stopped and started again
SUBJECTS = {
    "notice-cli": NOTICE_CLI,
    "notice-http": NOTICE_HTTP,
    "early": EARLY,
    "late": LATE,
    "queue": QUEUE,
    "repair": REPAIR,
    "adverse": ADVERSE,
    "outlook": OUTLOOK,
    "export": EXPORT,
    "other": OTHER,
    "restart": RESTART,
}
NAMES = {key: f"Test {key.replace('-', ' ').title()}" for key in SUBJECTS}

TRAFFIC = "rc-traffic-police"
COURT = "rc-court"
RC = "rongcheng-personal"
JD = "national-judgment-defaulters"


def record(
    record_id: str, subject: str, rule: str, decided: int, source: str = COURT, *, occurred: int | None = None
) -> dict:
    """A record event decided ``decided`` days from today."""
    return {
        "type": "record",
        "id": record_id,
        "subject": subject,
        "rule": rule,
        "occurred_on": iso(decided - 3 if occurred is None else occurred),
        "decided_on": iso(decided),
        "source": source,
        "reference": f"REF-{record_id.upper()}",
    }


EVENTS: list[dict] = [
    *({"type": "subject", "subject": s, "jurisdiction": "CN-SD-RC", "name": NAMES[k]} for k, s in SUBJECTS.items()),
    # 1. notices: a traffic ticket decided today takes effect in 15 days.
    record("n-cli-ticket", NOTICE_CLI, f"{RC}/traffic.ticket", 0, TRAFFIC),
    # 2. disputes filed in the notice window (records decided today: in effect in 15 days)
    record("early-upheld", EARLY, f"{RC}/loan.arrears_cycle", 0),
    record("early-annulled", EARLY, f"{RC}/lending.private_breach", 0),
    #    in effect since 10 days; its dispute was filed 20 days ago, before that, and is open
    record("early-suspended", EARLY, f"{RC}/guarantee.breach", -25),
    {"type": "dispute_filed", "record": "early-suspended", "on": iso(-20), "grounds": "not my guarantee"},
    #    in effect since 25 days: a dispute filed today does not suspend it
    record("late-breach", LATE, f"{RC}/contract.financial_duty_breach", -40),
    # 6. the queue: a dispute filed 50 days ago (deadline 20 days ago) and one 10 days ago
    record("queue-overdue", QUEUE, f"{RC}/court.unpaid_debt", -100),
    {"type": "dispute_filed", "record": "queue-overdue", "on": iso(-50), "grounds": "paid long ago"},
    record("queue-recent", QUEUE, f"{RC}/guarantee.breach", -60),
    {"type": "dispute_filed", "record": "queue-recent", "on": iso(-10), "grounds": "not my signature"},
    record("queue-decided", QUEUE, f"{RC}/lending.private_breach", -2),
    record("queue-twice", QUEUE, f"{RC}/guarantee.breach", -2),
    # 3. repair: on the list since a year (repairable after 6 months); a fresh record
    record("repair-default", REPAIR, f"{JD}/court.judgment_default", -365),
    record("repair-early", REPAIR, f"{RC}/loan.arrears_cycle", 0),
    #    traffic tickets in effect since 5 days, repairable at once
    *(
        record(f"repair-{name}", REPAIR, f"{RC}/traffic.ticket", -20, TRAFFIC)
        for name in ("queued", "refused", "twice", "duplicate", "masked")
    ),
    # 4. adverse action
    record("adverse-default", ADVERSE, f"{JD}/court.judgment_default", -200),
    # 5. outlook: 1000 - 50 - 100 - 5 = 845 (C); the ticket expires first (850, B), then
    #    the breach (900, B), then the damage (1000, A).
    record("outlook-breach", OUTLOOK, f"{RC}/court.contract_breach", -200),
    record("outlook-damage", OUTLOOK, f"{RC}/utility.equipment_damage", -300),
    record("outlook-ticket", OUTLOOK, f"{RC}/traffic.ticket", -30, TRAFFIC),
    # 9. export: a ticket in effect (repairable at once) and a breach in its notice window
    record("export-ticket", EXPORT, f"{RC}/traffic.ticket", -20, TRAFFIC),
    record("export-breach", EXPORT, f"{RC}/lending.private_breach", 0),
    # 10. another subject's record
    record("other-ticket", OTHER, f"{RC}/traffic.ticket", -1, TRAFFIC),
    # the restart
    record("restart-default", RESTART, f"{JD}/court.judgment_default", -200),
    record("restart-ticket", RESTART, f"{RC}/traffic.ticket", 0, TRAFFIC),
]

# Token keys: subjects by their key in SUBJECTS, and these.
OTHER_TOKENS = {
    "officer": ("officer", "officer-zhou", ()),
    "auditor": ("auditor", "auditor-qian", ()),
    "traffic-police": ("source", TRAFFIC, ("rongcheng-personal/traffic.*",)),
    "court": ("source", COURT, ("rongcheng-personal/court.*", "national-judgment-defaulters/*")),
    "registry": ("registry", "rc-civil-registry", ()),
    "airline": ("service-point", "sky-airline", ("air_travel",)),
    "bank": ("service-point", "city-bank", ("loan.apply",)),
}


# ------------------------------------------------------------------ command line

# No background notice rounds: tests say when time passes.
NO_ROUNDS = {"XINYONG_NOTICE_INTERVAL": "0"}


def environment(**extra: str) -> dict[str, str]:
    """A ``xinyong`` process's environment: no background notice rounds, and ``extra``."""
    return _clean_environment({**NO_ROUNDS, **extra})


@dataclass(frozen=True)
class Database:
    """A database (a SQLite path or a PostgreSQL URL) and its secret key file."""

    url: str
    key: Path

    @property
    def env(self) -> dict[str, str]:
        return {"XINYONG_KEY_FILE": str(self.key)}


class Cli(Runner):
    """Runs the installed ``xinyong`` command against one database, without notice rounds."""

    def __init__(self, db: Database, cwd: Path):
        super().__init__(db, cwd, NO_ROUNDS)


def copy_database(db: Database, folder: Path) -> Database:
    """A copy of a database and its key, the key in ``folder`` (and the file, for SQLite).
    Nothing may be connected to ``db`` meanwhile."""
    folder.mkdir(parents=True, exist_ok=True)
    key = folder / "secret.key"
    shutil.copy2(db.key, key)
    if db.url.startswith("postgresql"):
        import psycopg
        from sqlalchemy.engine import make_url

        url = make_url(db.url)
        name = "t_" + uuid.uuid4().hex[:16]
        with psycopg.connect(
            host=url.host, port=url.port, user=url.username, dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{url.database}"')
        return Database(url.set(database=name).render_as_string(hide_password=False), key)
    target = folder / "xinyong.db"
    for suffix in ("", "-wal", "-shm"):
        source = Path(db.url + suffix)
        if source.exists():
            shutil.copy2(source, Path(str(target) + suffix))
    return Database(str(target), key)


@contextmanager
def opened(db: Database):
    """The deployment over ``db`` in this process (for fixtures and inspection)."""
    from xinyong.bootstrap import open_deployment
    from xinyong.settings import Settings

    deployment = open_deployment(db.url, Settings(db=db.url, key_file=str(db.key), notice_interval=0))
    try:
        yield deployment
    finally:
        deployment.close()


@dataclass
class Template:
    db: Database
    tokens: dict[str, str]


@pytest.fixture(scope="session")
def catalogs_db(backend, postgres_server, tmp_path_factory) -> Database:
    """A database with the sample catalogs loaded by the command line, and nothing else."""
    folder = tmp_path_factory.mktemp("catalogs")
    url = postgres_server.new_database() if backend == "postgresql" else str(folder / "xinyong.db")
    db = Database(url, folder / "secret.key")
    Cli(db, folder)("catalog", "load", *map(str, CATALOGS))
    return db


@pytest.fixture(scope="session")
def template(catalogs_db, tmp_path_factory) -> Template:
    """The events above imported with ``xinyong import``, and one token per role."""
    folder = tmp_path_factory.mktemp("template")
    db = copy_database(catalogs_db, folder)
    events = folder / "events.jsonl"
    events.write_text("".join(json.dumps(e) + "\n" for e in EVENTS))
    Cli(db, folder)("import", str(events))
    from xinyong.domain.identifiers import SubjectRef

    tokens = {}
    with opened(db) as d:
        for key, subject in SUBJECTS.items():
            tokens[key] = d.tokens.create("subject", subject=SubjectRef.parse(subject))[1]
        for key, (role, name, scopes) in OTHER_TOKENS.items():
            tokens[key] = d.tokens.create(role, name, scopes)[1]
    return Template(db, tokens)


# ------------------------------------------------------------------------ servers


@dataclass
class Server:
    """A running server: in this process, or ``xinyong serve`` (``process`` is its
    process then)."""

    db: Database
    url: str
    process: subprocess.Popen | None
    log: Path
    cli: Cli = field(repr=False)
    served: serving.Served = field(repr=False)

    def stop(self) -> None:
        self.served.stop()


def start_server(db: Database, folder: Path, *, process: bool = False, **env: str) -> Server:
    """A server over ``db`` with ``env`` (XINYONG_ settings), both streams in one log: in
    this process, or with ``process`` as ``xinyong serve``."""
    served = serving.start(db.url, folder, {**NO_ROUNDS, **db.env, **env}, merged=True, process=process)
    return Server(db, served.url, served.process, served.stdout, Cli(db, folder), served)


class Api(Client):
    """A client on one server that knows the template's tokens."""

    # Answers the tests ask for again and again.

    def score(self, who: str, subject: str, as_of: dt.date, catalog: str = RC) -> dict:
        return self.ok(
            who, "GET", f"/v1/subjects/{subject}/score", params={"catalog": catalog, "as_of": as_of.isoformat()}
        )

    def counted(self, who: str, subject: str, as_of: dt.date, catalog: str = RC) -> dict[str, dict]:
        """The contributions of the subject's score on ``as_of``, by record."""
        return {c["record"]: c for c in self.score(who, subject, as_of, catalog)["contributions"]}

    def inbox(self, who: str) -> list[dict]:
        return self.ok(who, "GET", "/v1/me/notices")

    def check(self, subject: str, action: str = "air_travel.ticket", who: str = "airline") -> dict:
        question = {"subject": subject, "action": action}
        if who == "officer":
            question["purpose"] = "due-process test"
        return self.ok(who, "POST", "/v1/checks", json=question)


@pytest.fixture(scope="session")
def server(template, tmp_path_factory) -> Iterator[Server]:
    """The shared server over a copy of the template."""
    folder = tmp_path_factory.mktemp("shared")
    running = start_server(copy_database(template.db, folder), folder)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def api(server, template) -> Iterator[Api]:
    client = Api(server.url, template.tokens)
    yield client
    client.close()


def assert_problem(response: httpx.Response, status: int, slug: str | None = None) -> dict:
    """The response is an RFC 9457 problem document with this status (and type)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].split(";")[0] == PROBLEM_JSON
    body = response.json()
    assert body["status"] == status
    if slug is not None:
        assert body["type"].endswith("/" + slug), body["type"]
    return body
