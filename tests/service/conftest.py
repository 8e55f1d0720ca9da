"""Fixtures for the service tests: a database built with the ``xinyong`` command line
from the basic conformance scenario, with one token per role, and the real server
(``xinyong serve``) started on a free loopback port and spoken to over HTTP.

The database is built once a session; every server runs over its own copy of it, so
tests that write (the scripted session, schemathesis) never disturb tests that read.
The databases are SQLite files (each with its key beside it), or databases on the
suite's PostgreSQL server with ``--backend postgresql`` (copied from a template there,
all with the template's key file)."""

from __future__ import annotations

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

from tests.conftest import CONFORMANCE
from tests.support import server as serving
from tests.support.api import Api as Client
from tests.support.cli import Cli
from tests.support.identifiers import resident_number as rid

BASIC = CONFORMANCE / "basic"
PROBLEM_JSON = "application/problem+json"

# Subjects of the basic scenario.
SUBJECT = "rid:140451198304254480"  # a person with records (volunteer days, a red light)
OTHER_SUBJECT = "rid:347961195004189429"  # another person with records
ORGANISATION = "uscc:91144035TYM22U0E0G"  # an organisation on the serious-untrustworthy list


# A person who is not in the conformance data: the scripted session gives them a name
# and records over HTTP.
ZHANG_NUMBER = rid("37108219830715427")
ZHANG = f"rid:{ZHANG_NUMBER}"
ZHANG_NAME = "Zhang Sanfeng"

SOURCE_NAME = "test-source"  # the conformance records say "source": "test-source"
SERVICE_POINT_NAME = "rail-and-air-desk"
BANK_NAME = "city-bank-loans"
REGISTRY_NAME = "civil-registry"

# Each token: the arguments of `xinyong token create`.
TOKEN_GRANTS: dict[str, list[str]] = {
    "source": ["--role", "source", "--name", SOURCE_NAME, "--scope", "city-personal/traffic.*"],
    "other-source": ["--role", "source", "--name", "other-source", "--scope", "city-personal/traffic.*"],
    "registry": ["--role", "registry", "--name", REGISTRY_NAME],
    "service-point": [
        "--role",
        "service-point",
        "--name",
        SERVICE_POINT_NAME,
        "--scope",
        "air_travel",
        "--scope",
        "rail.high_speed",
    ],
    "bank": ["--role", "service-point", "--name", BANK_NAME, "--scope", "loan.apply"],
    "subject": ["--role", "subject", "--subject", SUBJECT],
    "other-subject": ["--role", "subject", "--subject", OTHER_SUBJECT],
    "zhang": ["--role", "subject", "--subject", ZHANG],
    "officer": ["--role", "officer", "--name", "officer-li"],
    "auditor": ["--role", "auditor", "--name", "auditor-wang"],
    "node": ["--role", "node", "--name", "partner-node"],
    "revoked": ["--role", "officer", "--name", "revoked-officer"],
}


@dataclass(frozen=True)
class Database:
    """A database: a SQLite file, whose key the command line keeps beside it, or a
    PostgreSQL URL, whose key is the file ``key`` (given as XINYONG_KEY_FILE)."""

    url: str
    key: Path

    @property
    def is_sqlite(self) -> bool:
        return not self.url.startswith("postgresql")

    @property
    def env(self) -> dict[str, str]:
        return {} if self.is_sqlite else {"XINYONG_KEY_FILE": str(self.key)}


@dataclass
class Template:
    """The database built by the command line, and the tokens it issued."""

    folder: Path
    db: Database
    tokens: dict[str, str]
    token_ids: dict[str, str]

    def copy_to(self, folder: Path) -> Database:
        """A copy of the database in ``folder``: the SQLite file with its WAL, if any,
        and its key; or a new PostgreSQL database made with the template as its
        template, over the same key file. Nothing may be connected to the template."""
        folder.mkdir(parents=True, exist_ok=True)
        if not self.db.is_sqlite:
            import psycopg
            from sqlalchemy.engine import make_url

            url = make_url(self.db.url)
            name = "t_" + uuid.uuid4().hex[:16]
            with psycopg.connect(
                host=url.host, port=url.port, user=url.username, dbname="postgres", autocommit=True
            ) as connection:
                connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{url.database}"')
            return Database(url.set(database=name).render_as_string(hide_password=False), self.db.key)
        target = folder / "xinyong.db"
        for suffix in ("", "-wal", "-shm", ".key"):
            source = Path(self.db.url + suffix)
            if source.exists():
                shutil.copy2(source, Path(str(target) + suffix))
        return Database(str(target), Path(str(target) + ".key"))


def _create_tokens(cli: Cli) -> tuple[dict[str, str], dict[str, str]]:
    """Run every `token create`; return the secrets (last line of stdout) and ids (from
    the summary on stderr)."""
    secrets, ids = {}, {}
    for key, grant in TOKEN_GRANTS.items():
        result = cli("token", "create", *grant)
        secrets[key] = result.stdout.strip().splitlines()[-1]
        ids[key] = result.stderr.split("token ", 1)[1].split(":", 1)[0]
    return secrets, ids


@pytest.fixture(scope="session")
def template(backend, postgres_server, tmp_path_factory) -> Template:
    folder = tmp_path_factory.mktemp("template")
    if backend == "postgresql":
        db = Database(postgres_server.new_database(), folder / "secret.key")
    else:
        db = Database(str(folder / "xinyong.db"), folder / "xinyong.db.key")
    cli = Cli(db, folder)
    cli("catalog", "load", *map(str, sorted(BASIC.glob("catalog-*.toml"))))
    cli("import", str(BASIC / "events.jsonl"))
    secrets, ids = _create_tokens(cli)
    cli("token", "revoke", ids["revoked"])
    listed = {t["id"]: t for t in cli.json("token", "list", "--json")}
    assert listed[ids["revoked"]]["revoked_at"] is not None
    return Template(folder, db, secrets, ids)


@dataclass
class Server:
    """A running `xinyong serve` over its own database."""

    db: Database
    url: str
    process: subprocess.Popen | None  # None for a server in this process
    stdout: Path
    stderr: Path
    cli: Cli = field(repr=False)

    def log(self) -> str:
        """Everything the server printed so far, on both streams."""
        return self.stdout.read_text(errors="replace") + self.stderr.read_text(errors="replace")


@contextmanager
def running_server(
    template: Template, folder: Path, env: dict[str, str] | None = None, prepare=None, *, process: bool = False
) -> Iterator[Server]:
    """Copy the template database into ``folder``, serve it, and stop the server after.
    ``env`` adds XINYONG_ settings to the server's environment; ``prepare`` is called
    with the copied database before the server starts. In this process, or with
    ``process`` as ``xinyong serve``."""
    db = template.copy_to(folder)
    if prepare is not None:
        prepare(db)
    with serving.running(db.url, folder, {**db.env, **(env or {})}, seconds=30, process=process) as served:
        yield Server(db, served.url, served.process, served.stdout, served.stderr, Cli(db, folder))


class Api(Client):
    """A client on one server that knows the tokens of the template."""

    def __init__(self, server: Server, tokens: dict[str, str]):
        super().__init__(server.url, tokens)
        self.server = server

    def access_log_total(self) -> int:
        answer = self.get("auditor", "/v1/access-log", params={"limit": 1})
        assert answer.status_code == 200, answer.text
        return answer.json()["total"]

    def written(self) -> tuple[int, int]:
        """What a request may write: (ledger events, access log entries)."""
        return self.ledger_events(), self.access_log_total()


@pytest.fixture(scope="session")
def server(template, tmp_path_factory) -> Iterator[Server]:
    """The shared server: tests on it read, or write only what leaves others' answers
    unchanged (and compare counts before and after within one test)."""
    with running_server(template, tmp_path_factory.mktemp("shared")) as running:
        yield running


@pytest.fixture(scope="session")
def api(server, template) -> Iterator[Api]:
    client = Api(server, template.tokens)
    yield client
    client.close()


@pytest.fixture(scope="module")
def scratch(template, tmp_path_factory) -> Iterator[Api]:
    """A server of its own for a module whose tests write things others must not see."""
    with running_server(template, tmp_path_factory.mktemp("scratch")) as running:
        client = Api(running, template.tokens)
        yield client
        client.close()


def assert_problem(response: httpx.Response, status: int, slug: str | None = None) -> dict:
    """The response is an RFC 9457 problem document with this status (and type)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].split(";")[0] == PROBLEM_JSON
    body = response.json()
    assert {"type", "title", "status"} <= body.keys()
    assert body["status"] == status
    if slug is not None:
        assert body["type"].endswith("/" + slug), body["type"]
    return body


def without_scores(check: dict) -> dict:
    """A ``check --json`` object as a service point sees it: no score in any trigger."""
    copy = json.loads(json.dumps(check))
    for reason in copy["reasons"]:
        reason["trigger"].pop("score", None)
    return copy


# ------------------------------------------------------------------ the scripted session

AS_OF = "2025-06-01"
# The registry, the one authority over a subject's facts, registers Zhang; the source
# files records (a source's subject event is refused).
REGISTRY_EVENTS = [{"type": "subject", "subject": ZHANG, "jurisdiction": "CN-SD-RC", "name": ZHANG_NAME}]
SESSION_EVENTS = [
    {
        "type": "record",
        "id": "http-tp-0001",
        "subject": ZHANG,
        "rule": "city-personal/traffic.red_light",
        "occurred_on": "2025-03-01",
        "decided_on": "2025-03-05",
        "source": SOURCE_NAME,
        "reference": "HTTP-TP-1",
    },
    {
        "type": "record",
        "id": "http-tp-0002",
        "subject": ZHANG,
        "rule": "city-personal/traffic.drunk_driving",
        "occurred_on": "2025-04-02",
        "decided_on": "2025-04-09",
        "source": SOURCE_NAME,
        "reference": "HTTP-TP-2",
    },
    {
        "type": "record",
        "id": "http-tp-0003",
        "subject": SUBJECT,
        "rule": "city-personal/traffic.red_light",
        "occurred_on": "2025-02-11",
        "decided_on": "2025-02-12",
        "source": SOURCE_NAME,
        "reference": "HTTP-TP-3",
    },
    # Filed before the red light takes effect (2025-03-20): the record is suspended.
    {"type": "dispute_filed", "record": "http-tp-0001", "on": "2025-03-10"},
]
SINGLE_CHECK = {"subject": ZHANG, "action": "rail.high_speed.ticket", "as_of": AS_OF, "purpose": "ticket sale"}
MANIFEST = [
    {"subject": ZHANG, "action": "air_travel.ticket", "as_of": AS_OF, "purpose": "flight manifest"},
    {"subject": "rid:339408199808109489", "action": "rail.high_speed.ticket", "as_of": "2024-08-10"},
    {"subject": "rid:223174199903178606", "action": "air_travel.ticket", "as_of": "2024-06-08"},
    {"subject": SUBJECT, "action": "air_travel.ticket", "as_of": AS_OF},
]


@dataclass
class ScriptedSession:
    """What the service answered in the scripted session, and what the command line
    answered on the same database afterwards."""

    server: Server
    api: Api
    source_facts: httpx.Response
    registered: httpx.Response
    reregistered: httpx.Response
    submitted: httpx.Response
    resubmitted: httpx.Response
    single_check: httpx.Response
    manifest: httpx.Response
    own_score: httpx.Response
    officer_score: httpx.Response
    report: httpx.Response
    cli_score: dict
    cli_single_check: dict
    cli_manifest: list[dict]


@pytest.fixture(scope="session")
def scripted(template, tmp_path_factory) -> Iterator[ScriptedSession]:
    """Tokens from the command line; a source's subject event is refused, the registry
    registers a person and a source posts records; a service point checks one
    passenger and a manifest; the subject reads its score and its report; then the
    command line answers the same questions on the same database."""
    from concurrent.futures import ThreadPoolExecutor

    with running_server(template, tmp_path_factory.mktemp("scripted")) as running:
        api = Api(running, template.tokens)
        source_facts = api.post("source", "/v1/events", json=REGISTRY_EVENTS + SESSION_EVENTS)
        registered = api.post("registry", "/v1/events", json=REGISTRY_EVENTS)
        reregistered = api.post("registry", "/v1/events", json=REGISTRY_EVENTS)
        submitted = api.post("source", "/v1/events", json=SESSION_EVENTS)
        resubmitted = api.post("source", "/v1/events", json=SESSION_EVENTS)
        single = api.post("service-point", "/v1/checks", json=SINGLE_CHECK)
        manifest = api.post("service-point", "/v1/checks", json=MANIFEST)
        score_path = f"/v1/subjects/{ZHANG}/score"
        own_score = api.get("zhang", score_path, params={"catalog": "city-personal", "as_of": AS_OF})
        officer_score = api.get(
            "officer", score_path, params={"catalog": "city-personal", "as_of": AS_OF, "purpose": "scripted session"}
        )
        report = api.get("zhang", "/v1/me/report", params={"as_of": AS_OF})

        cli = running.cli
        asked = [["score", ZHANG, "--catalog", "city-personal", "--as-of", AS_OF, "--json"]] + [
            ["check", q["subject"], q["action"], "--as-of", q["as_of"], "--json"] for q in [SINGLE_CHECK, *MANIFEST]
        ]
        with ThreadPoolExecutor(max_workers=3) as pool:
            answered = list(pool.map(lambda args: cli.json(*args), asked))
        yield ScriptedSession(
            running,
            api,
            source_facts,
            registered,
            reregistered,
            submitted,
            resubmitted,
            single,
            manifest,
            own_score,
            officer_score,
            report,
            cli_score=answered[0],
            cli_single_check=answered[1],
            cli_manifest=answered[2:],
        )
        api.close()
