"""Issue 9, item 1: authority over subject facts, over HTTP on a running server.

A source token could move a resident into another jurisdiction (so that another city's
grade measures reached them), rename a listed firm on every public page, and redirect a
resident's notices to an outside address (they were then delivered there). Now the
registry is the one writer of a subject's facts, the contact address is the subject's
own (``PUT /v1/me/contact``) or the registry's, every change notifies the subject, and
a change of address is announced to the old address as well as the new one (a real
SMTP server on loopback, as in test_email.py). Addresses are never in clear in the
database or the server's log."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, select
from sqlalchemy.engine import make_url

from tests.due_process.conftest import (
    RC,
    TRAFFIC,
    Api,
    assert_problem,
    copy_database,
    opened,
    record,
    rid,
    start_server,
)
from tests.due_process.test_email import smtp_env, smtp_server
from tests.support.ports import free_port

pytestmark = pytest.mark.e2e

BEIJING = rid("11010519900101011")  # lives in Beijing: Rongcheng's grades do not reach her
RESIDENT = rid("37108219900101021")  # lives in Rongcheng, notices by email
FIRM = "uscc:91350100M000100Y43"
FIRM_NAME = "Fujian Honest Trading Co."
HOME = "li.na@example.org"
NEW_HOME = "li.na@mail.example.com"
OUTSIDE = "collector@attacker.example"

EVENTS = [
    {"type": "subject", "subject": BEIJING, "jurisdiction": "CN-BJ", "name": "Li Na", "email": HOME},
    {
        "type": "subject",
        "subject": RESIDENT,
        "jurisdiction": "CN-SD-RC",
        "name": "Sun Qi",
        "email": "sun.qi@example.org",
    },
    {"type": "subject", "subject": FIRM, "jurisdiction": "CN-FJ", "name": FIRM_NAME},
    record("facts-ticket", BEIJING, f"{RC}/traffic.ticket", -20, TRAFFIC),
]


@pytest.fixture
def facts(template, tmp_path):
    """A server of its own over a copy of the template with the subjects above (imported
    by the operator), and subject tokens for them."""
    from xinyong.domain.identifiers import SubjectRef

    db = copy_database(template.db, tmp_path)
    tokens = dict(template.tokens)
    with opened(db) as d:
        d.intake.submit(EVENTS)
        for key, subject in (("beijing", BEIJING), ("resident", RESIDENT), ("firm", FIRM)):
            tokens[key] = d.tokens.create("subject", subject=SubjectRef.parse(subject))[1]
    server = start_server(db, tmp_path)
    api = Api(server.url, tokens)
    try:
        yield server, api
    finally:
        api.close()
        server.stop()


def rongcheng(report: dict) -> dict:
    return next(s for s in report["standings"] if s["catalog"] == RC)


def of_kind(api: Api, who: str, kind: str) -> list[dict]:
    """The subject's notices of ``kind`` that tell a change, newest first (not those of
    its registration and first address, from the operator's import)."""
    return [
        n
        for n in api.inbox(who)
        if n["kind"] == kind and not n["fields"].get("registered") and n["fields"].get("previous_email", "") is not None
    ]


def test_the_operators_import_told_each_subject_its_facts_and_address(facts):
    _, api = facts
    told = {n["kind"]: n["fields"] for n in api.inbox("beijing") if n["record"] is None}
    assert told["subject_facts"]["registered"] is True
    assert told["subject_facts"]["jurisdiction"] == "CN-BJ"
    assert (told["contact_changed"]["email"], told["contact_changed"]["previous_email"]) == ("l***@example.org", None)


# ------------------------------------------------------------------ sources: refused


def test_a_source_cannot_move_a_resident_into_another_jurisdiction(facts):
    _, api = facts
    before = api.ledger_events()
    moved = {"type": "subject", "subject": BEIJING, "jurisdiction": "CN-SD-RC", "name": "Li Na"}

    body = assert_problem(api.post("traffic-police", "/v1/events", json=[moved]), 403, "outside-scope")

    assert "registry" in body["errors"][0]["reason"]
    assert api.ledger_events() == before
    report = api.ok("beijing", "GET", "/v1/me/report")
    assert report["jurisdiction"] == "CN-BJ"
    assert rongcheng(report)["covered"] is False  # Rongcheng's grade measures still do not reach her
    assert of_kind(api, "beijing", "subject_facts") == []


def test_a_source_cannot_rename_a_firm_and_nothing_of_its_batch_is_written(facts):
    _, api = facts
    before = api.ledger_events()
    ticket = record("facts-ticket-2", BEIJING, f"{RC}/traffic.ticket", -1, TRAFFIC)
    renamed = {"type": "subject", "subject": FIRM, "jurisdiction": "CN-FJ", "name": "Swindlers Ltd"}

    body = assert_problem(api.post("traffic-police", "/v1/events", json=[ticket, renamed]), 403, "outside-scope")

    assert [e["index"] for e in body["errors"]] == [2]
    assert api.ledger_events() == before
    found = api.ok(None, "GET", "/v1/public/search", params={"q": FIRM.removeprefix("uscc:")})["results"]
    assert [hit["name"] for hit in found] == [FIRM_NAME]


def test_a_source_cannot_redirect_a_residents_notices(facts):
    server, api = facts
    before = api.ledger_events()
    redirects = [
        {"type": "subject", "subject": BEIJING, "jurisdiction": "CN-BJ", "name": "Li Na", "email": OUTSIDE},
        {"type": "contact", "subject": BEIJING, "email": OUTSIDE, "on": "2025-01-01"},
    ]
    for event in redirects:
        assert_problem(api.post("traffic-police", "/v1/events", json=[event]), 403, "outside-scope")
    assert_problem(api.request("traffic-police", "PUT", "/v1/me/contact", json={"email": OUTSIDE}), 403, "forbidden")

    assert api.ledger_events() == before
    assert api.ok("beijing", "GET", "/v1/me/contact")["email"] == HOME
    port = free_port()
    controller, collector = smtp_server(port)
    try:
        server.cli("notices", "deliver", env=smtp_env(port))
    finally:
        controller.stop()
    recipients = {r for rcpt, _ in collector.messages for r in rcpt}
    assert OUTSIDE not in recipients and HOME in recipients


# ------------------------------------------------------------------ the registry


def test_the_registry_moves_a_resident_and_she_is_notified_once(facts):
    _, api = facts
    moved = {"type": "subject", "subject": BEIJING, "jurisdiction": "CN-SD-RC", "name": "Li Na"}

    first = api.ok("registry", "POST", "/v1/events", json=[moved])
    again = api.ok("registry", "POST", "/v1/events", json=[moved])

    assert (first["written"], again["written"], again["unchanged"]) == (1, 0, 1)
    report = api.ok("beijing", "GET", "/v1/me/report")
    assert report["jurisdiction"] == "CN-SD-RC"
    assert rongcheng(report)["covered"] is True
    [notice] = of_kind(api, "beijing", "subject_facts")
    assert (notice["fields"]["previous_jurisdiction"], notice["fields"]["jurisdiction"]) == ("CN-BJ", "CN-SD-RC")
    assert "CN-SD-RC" in notice["text"]
    # The move carried no email: the address stays, and no contact change is told.
    assert api.ok("beijing", "GET", "/v1/me/contact")["email"] == HOME
    assert of_kind(api, "beijing", "contact_changed") == []


def test_the_registry_renames_a_firm_and_the_firm_is_notified(facts):
    _, api = facts
    renamed = {"type": "subject", "subject": FIRM, "jurisdiction": "CN-FJ", "name": "Fujian Honest Trading Group"}

    api.ok("registry", "POST", "/v1/events", json=[renamed])

    found = api.ok(None, "GET", "/v1/public/search", params={"q": FIRM.removeprefix("uscc:")})["results"]
    assert [hit["name"] for hit in found] == ["Fujian Honest Trading Group"]
    [notice] = of_kind(api, "firm", "subject_facts")
    assert notice["fields"]["changed"] == ["name"]
    assert notice["fields"]["previous_name"] == FIRM_NAME


# ------------------------------------------------------------------ the subject's own address


def _scan_for(server, addresses: list[str]) -> list[str]:
    """Where in the database (every table, every row) and in the server's log any of
    ``addresses`` appears in clear."""
    found = []
    engine = create_engine(server.db.url if "://" in server.db.url else f"sqlite:///{server.db.url}")
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as connection:
            for table in metadata.sorted_tables:
                text = repr([tuple(r) for r in connection.execute(select(table))])
                found += [f"{table.name}: {a}" for a in addresses if a in text]
    finally:
        engine.dispose()
    if (
        make_url(server.db.url if "://" in server.db.url else f"sqlite:///{server.db.url}").get_backend_name()
        == "sqlite"
    ):
        for suffix in ("", "-wal"):
            try:
                raw = Path(server.db.url + suffix).read_bytes()
            except FileNotFoundError:
                continue
            found += [f"file{suffix}: {a}" for a in addresses if a.encode() in raw]
    log = server.log.read_text(errors="replace")
    found += [f"log: {a}" for a in addresses if a in log]
    return found


def test_a_subject_sets_its_own_address_and_the_change_is_announced_to_the_old_address_too(facts):
    server, api = facts
    answer = api.ok("beijing", "PUT", "/v1/me/contact", json={"email": NEW_HOME})
    same = api.ok("beijing", "PUT", "/v1/me/contact", json={"email": NEW_HOME})

    assert (answer["email"], answer["changed"], same["changed"]) == (NEW_HOME, True, False)
    assert api.ok("beijing", "GET", "/v1/me/contact")["email"] == NEW_HOME
    [notice] = of_kind(api, "beijing", "contact_changed")
    assert notice["fields"]["email"] == "l***@mail.example.com"
    assert notice["fields"]["previous_email"] == "l***@example.org"

    port = free_port()
    controller, collector = smtp_server(port)
    try:
        server.cli("notices", "deliver", env=smtp_env(port))
    finally:
        controller.stop()
    # Email goes out in Chinese: the titles as a reader of Chinese is given them.
    chinese = {n["id"]: n for n in api.ok("beijing", "GET", "/v1/me/notices", headers={"Accept-Language": "zh-CN"})}
    notice = chinese[notice["id"]]
    announced = sorted(rcpt[0] for rcpt, message in collector.messages if message["Subject"] == notice["title"])
    assert announced == sorted([HOME, NEW_HOME])  # one message to each, neither sees the other
    ticket = next(n for n in chinese.values() if n["record"] == "facts-ticket")
    told_of_ticket = [rcpt[0] for rcpt, message in collector.messages if message["Subject"] == ticket["title"]]
    assert told_of_ticket == [NEW_HOME]  # her other notices go to the address in force only
    assert _scan_for(server, [HOME, NEW_HOME, "sun.qi@example.org"]) == []


def test_a_bad_address_is_refused_naming_the_field(facts):
    _, api = facts
    before = api.ledger_events()
    body = assert_problem(api.request("beijing", "PUT", "/v1/me/contact", json={"email": "not-an-address"}), 422)
    assert body["errors"][0]["field"] == "email"
    assert api.ledger_events() == before


def test_the_registry_may_set_a_residents_address_and_it_is_announced(facts):
    _, api = facts
    api.ok(
        "registry",
        "POST",
        "/v1/events",
        json=[{"type": "contact", "subject": RESIDENT, "email": "sun.qi@mail.example.com", "on": "2025-01-01"}],
    )
    assert api.ok("resident", "GET", "/v1/me/contact")["email"] == "sun.qi@mail.example.com"
    [notice] = of_kind(api, "resident", "contact_changed")
    assert notice["fields"]["previous_email"] == "s***@example.org"


def test_a_delivery_error_does_not_keep_the_address(facts):
    server, _api = facts

    class Refusing:
        async def handle_RCPT(self, server_, session, envelope, address, options):
            return f"550 5.1.1 <{address}>: no such mailbox"

    from aiosmtpd.controller import Controller

    port = free_port()
    controller = Controller(Refusing(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        server.cli("notices", "deliver", env=smtp_env(port))
    finally:
        controller.stop()
    from xinyong.adapters.storage.tables import notices

    with opened(server.db) as d, d.store.reading() as connection:
        ids = list(connection.execute(select(notices.c.id)).scalars())
        errors = [a["error"] for notice_id in ids for a in d.outbox.attempts(notice_id)]
    refused = [e for e in errors if e and e != "no email address known"]
    assert refused and all("<address>" in e for e in refused)
    assert not any(re.search(r"[\w.-]+@[\w.-]+", e or "") for e in errors)


def test_a_subject_chooses_the_language_of_its_email_and_reads_it_back(facts):
    """Issue 12: email in the subject's language, set with the address (PUT /v1/me/contact)."""
    _, api = facts
    before = api.ok("resident", "GET", "/v1/me/contact")
    chose = api.ok("resident", "PUT", "/v1/me/contact", json={"email": before["email"], "language": "en"})
    assert (chose["language"], chose["changed"]) == ("en", True)
    again = api.ok("resident", "PUT", "/v1/me/contact", json={"email": before["email"], "language": "en"})
    assert again["changed"] is False
    assert api.ok("resident", "GET", "/v1/me/contact")["language"] == "en"
    assert of_kind(api, "resident", "email_language")[0]["key"] == "notice.contact.language.en"
    body = assert_problem(
        api.request("resident", "PUT", "/v1/me/contact", json={"email": before["email"], "language": "fr"}), 422
    )
    assert "language" in str(body)
