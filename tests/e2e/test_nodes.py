"""Two nodes (docs/design.md section 10), as operators run them: node A (a court)
keeps the judgment defaulters and serves its API; node B (a city's railway authority)
pulls A's signed list over HTTP with a node token, imports it and applies a measure of
its own on ``court-a/judgment-defaulters``. Tampered bundles, bundles under another
key and older bundles after newer ones are refused; a removal at A propagates to B;
a stale list sends to review; a partner trusted with a URL is pulled by ``serve``."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import settings_for
from tests.support import server as serving
from tests.support.cli import Cli
from tests.support.identifiers import rid

pytestmark = pytest.mark.e2e

PERSON = rid("11010519491231002")  # listed by A, known to B
STRANGER = rid("37010019800101001")  # listed by A, unknown to B
ROOT = Path(__file__).resolve().parents[2]
DEFAULTERS = ROOT / "catalogs" / "judgment-defaulters.toml"
LIST = "judgment-defaulters"
FOREIGN = f"court-a/{LIST}"

RAIL = f"""
id = "city-rail"
title = "City rail joint measures"
jurisdiction = "CN-SD"
subject_kind = "person"
version = "2020.1"
effective_from = "2020-01-01"
legal_basis = "Memorandum on joint punishment of judgment defaulters"
base = 0
grades = [ {{ name = "none" }} ]

[[measures]]
when = {{ list = "{FOREIGN}" }}
action = "rail.high_speed"
effect = "deny"
legal_basis = "Memorandum on joint punishment of judgment defaulters, art. 2"
proportionality = "those who can pay a judgment and do not are kept from luxury travel"
"""

A_EVENTS = [
    {"type": "subject", "subject": PERSON, "jurisdiction": "CN-SD-RC", "name": "Zhang San"},
    {"type": "subject", "subject": STRANGER, "jurisdiction": "CN-SD", "name": "Li Si"},
    *(
        {
            "type": "record",
            "id": record,
            "subject": subject,
            "rule": "national-judgment-defaulters/court.judgment_default",
            "occurred_on": "2026-01-02",
            "decided_on": "2026-01-05",  # in effect from 2026-01-15, after the notice
            "source": "court",
        }
        for record, subject in (("court-1", PERSON), ("court-2", STRANGER))
    ),
]


def _lines(events: list[dict]) -> str:
    return "".join(json.dumps(e) + "\n" for e in events)


def _node(database: str, folder: Path) -> Cli:
    folder.mkdir(parents=True, exist_ok=True)
    # Each node its own secret key and its own node key, whatever the backend.
    return Cli(database, folder, {**settings_for(folder), "XINYONG_NODE_KEY_FILE": str(folder / "node.key")})


@pytest.fixture
def second_database(backend, postgres_server, tmp_path: Path) -> str:
    if backend == "postgresql":
        return postgres_server.migrated_database()
    return str(tmp_path / "b" / "xinyong.db")


@pytest.fixture
def node_a(database: str, tmp_path: Path):
    a = _node(database, tmp_path / "a")
    a("node", "init", "--name", "court-a")
    a("catalog", "load", str(DEFAULTERS))
    a("import", "-", stdin=_lines(A_EVENTS))
    return a


@pytest.fixture
def node_b(second_database: str, tmp_path: Path):
    b = _node(second_database, tmp_path / "b")
    b("node", "init", "--name", "city-b")
    rail = tmp_path / "b" / "rail.toml"
    rail.write_text(RAIL, encoding="utf-8")
    linted = b("catalog", "lint", str(rail))
    assert "foreign-list-not-imported" in linted.stdout  # no bundle of it yet
    b("catalog", "load", str(rail))
    b("import", "-", stdin=_lines(A_EVENTS[:1]))  # B knows the person, not the stranger
    return b


def _key(node: Cli) -> str:
    return node.json("node", "show", "--json")["public_key"]


def _token(node: Cli, role: str, *extra: str) -> str:
    return node("token", "create", "--role", role, *extra).stdout.strip().splitlines()[-1]


def _check(node: Cli, day: str) -> dict:
    return node.json("check", PERSON, "rail.high_speed.ticket", "--as-of", day, "--json")


def test_node_show_prints_the_name_public_key_and_fingerprint(node_a):
    shown = node_a.json("node", "show", "--json")
    assert shown["name"] == "court-a"
    import base64
    import hashlib

    assert shown["fingerprint"] == hashlib.sha256(base64.b64decode(shown["public_key"])).hexdigest()
    again = node_a("node", "init", "--name", "court-b", ok=False)
    assert again.returncode != 0 and "already named 'court-a'" in again.stderr


def test_two_nodes_pull_apply_refuse_and_propagate_a_removal(node_a, node_b, database, tmp_path):
    key_a = _key(node_a)
    pull_token = _token(node_a, "node", "--name", "city-b")
    airline = _token(node_a, "service-point", "--scope", "air_travel")
    auditor = _token(node_a, "auditor")
    with serving.running(database, tmp_path / "a", node_a.settings) as served:
        # Only a node token pulls, and a node token does nothing else.
        url = f"{served.url}/v1/federation/lists/{LIST}"
        assert httpx.get(url, params={"as_of": "2026-02-01"}).status_code == 401
        refused = httpx.get(url, headers={"Authorization": f"Bearer {airline}"})
        assert refused.status_code == 403 and refused.headers["content-type"].startswith("application/problem+json")
        check = {"subject": PERSON, "action": "air_travel.ticket", "purpose": "trying"}
        assert (
            httpx.post(
                f"{served.url}/v1/checks", json=check, headers={"Authorization": f"Bearer {pull_token}"}
            ).status_code
            == 403
        )
        unknown = httpx.get(
            f"{served.url}/v1/federation/lists/no-such-list", headers={"Authorization": f"Bearer {pull_token}"}
        )
        assert unknown.status_code == 404

        # B pulls A's list over HTTP and applies its own measure to it.
        pulled = node_b.json(
            "lists", "pull", LIST, "--from", served.url, "--token", pull_token, "--trust", key_a,
            "--as-of", "2026-02-01", "--json",
        )  # fmt: skip
        assert pulled == {
            "list": FOREIGN, "node": "court-a", "as_of": "2026-02-01",
            "entries": 2, "new": 2, "ended": 0, "notified": 1,
        }  # fmt: skip
        denied = _check(node_b, "2026-02-03")
        assert denied["decision"] == "deny"
        [reason] = denied["reasons"]
        assert {k: reason[k] for k in ("catalog", "measure", "effect", "legal_basis")} == {
            "catalog": "city-rail",
            "measure": "measures[0]",
            "effect": "deny",
            "legal_basis": "Memorandum on joint punishment of judgment defaulters, art. 2",
        }
        trigger = reason["trigger"]
        assert (trigger["list"], trigger["node"], trigger["record"], trigger["bundle_as_of"]) == (
            FOREIGN, "court-a", "court-1", "2026-02-01",
        )  # fmt: skip
        assert "Civil Procedure Law" in trigger["list_legal_basis"]
        linted = node_b("catalog", "lint", str(tmp_path / "b" / "rail.toml"))
        assert "foreign-list-not-imported" not in linted.stdout

        # The person B knows is told, with the node to dispute with; the stranger is not B's.
        inbox = node_b.json("notices", "list", PERSON, "--json")
        [told] = [n for n in inbox if n["kind"] == "foreign_entry"]
        assert told["fields"]["node"] == "court-a" and "dispute record court-1 with node court-a" in told["text"]

        # A stale list sends to review, and says why.
        assert _check(node_b, "2026-02-08")["decision"] == "deny"
        stale = _check(node_b, "2026-02-09")
        assert stale["decision"] == "review"
        assert stale["reasons"][0]["effect"] == "review"
        assert stale["reasons"][0]["trigger"]["stale"] is True
        assert stale["reasons"][0]["trigger"]["stale_since"] == "2026-02-09"

        # Every pull is in A's access log: who pulled, which list, as of when.
        log = httpx.get(
            f"{served.url}/v1/access-log", params={"limit": 50}, headers={"Authorization": f"Bearer {auditor}"}
        ).json()
        pulls = [e for e in log["entries"] if e["what"] == "federation"]
        assert {e["reader"] for e in pulls} == {"city-b"} and len(pulls) >= 2
        assert any(f"list {LIST} as of 2026-02-01" in (e.get("detail") or "") for e in pulls)

        def fetch(day: str) -> dict:
            answer = httpx.get(url, params={"as_of": day}, headers={"Authorization": f"Bearer {pull_token}"})
            assert answer.status_code == 200, answer.text
            return answer.json()

        older = fetch("2026-02-15")
        newer = fetch("2026-03-01")

        # A tampered bundle is refused: an entry's end moved.
        tampered = json.loads(json.dumps(newer))
        tampered["entries"][0]["until"] = "2026-03-02"
        refused_file = tmp_path / "tampered.json"
        refused_file.write_text(json.dumps(tampered), encoding="utf-8")
        result = node_b("lists", "import", str(refused_file), "--trust", key_a, ok=False)
        assert result.returncode != 0 and "refused (signature)" in result.stderr
        assert "Traceback" not in result.stderr

        # A bundle under another key is refused, even one naming the same node.
        forger = _node(str(tmp_path / "c" / "xinyong.db"), tmp_path / "c")
        forger("node", "init", "--name", "court-a")
        forger("catalog", "load", str(DEFAULTERS))
        forged = tmp_path / "forged.json"
        forger("lists", "publish", LIST, "--as-of", "2026-03-01", "--out", str(forged))
        result = node_b("lists", "import", str(forged), "--trust", key_a, ok=False)
        assert result.returncode != 0 and "refused (untrusted)" in result.stderr

        # The newer bundle is taken; the older one after it is a replay.
        newer_file = tmp_path / "newer.json"
        newer_file.write_text(json.dumps(newer), encoding="utf-8")
        node_b("lists", "import", str(newer_file), "--trust", key_a)
        older_file = tmp_path / "older.json"
        older_file.write_text(json.dumps(older), encoding="utf-8")
        result = node_b("lists", "import", str(older_file), "--trust", key_a, ok=False)
        assert result.returncode != 0 and "refused (replay)" in result.stderr
        again = node_b("lists", "import", str(newer_file), "--trust", key_a, ok=False)
        assert again.returncode != 0 and "refused (replay)" in again.stderr

        # The person pays: A's next list no longer holds the entry, and B lets them travel
        # from that list's day on (not before).
        node_a("import", "-", stdin=_lines([{"type": "fulfilled", "record": "court-1", "on": "2026-03-10"}]))
        assert all(e["record"] != "court-1" for e in fetch("2026-03-12")["entries"])
        ended = node_b.json(
            "lists", "pull", LIST, "--from", served.url, "--token", pull_token, "--trust", key_a,
            "--as-of", "2026-03-12", "--json",
        )  # fmt: skip
        assert (ended["entries"], ended["new"], ended["ended"]) == (1, 0, 1)
        assert _check(node_b, "2026-03-11")["decision"] == "deny"  # A's list as of 03-01 still held it
        allowed = _check(node_b, "2026-03-12")
        assert (allowed["decision"], allowed["reasons"]) == ("allow", [])
        # A revoked token pulls nothing.
        [node_token] = [t for t in node_a.json("token", "list", "--json") if t["role"] == "node"]
        node_a("token", "revoke", node_token["id"])
        deadline = time.monotonic() + 5  # the server remembers tokens for at most a second
        while (gone := httpx.get(url, headers={"Authorization": f"Bearer {pull_token}"})).status_code == 200:
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert gone.status_code == 401


def test_serve_pulls_the_lists_of_a_trusted_partner_that_local_measures_name(
    node_a, node_b, database, second_database, tmp_path
):
    pull_token = _token(node_a, "node", "--name", "city-b")
    with serving.running(database, tmp_path / "a", node_a.settings) as a_served:
        node_b("nodes", "trust", "court-a", _key(node_a), "--url", a_served.url)
        listed = node_b.json("nodes", "list", "--json")
        assert [(p["name"], p["url"]) for p in listed] == [("court-a", a_served.url)]
        settings = {**node_b.settings, "XINYONG_NODE_TOKENS": f"court-a={pull_token}", "XINYONG_PULL_INTERVAL": "0.5"}
        with serving.running(second_database, tmp_path / "b", settings):
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not node_b.json("lists", "foreign", "--json"):
                time.sleep(0.2)
        [held] = node_b.json("lists", "foreign", "--json")
        assert held["list"] == FOREIGN and held["entries"] == 2 and held["stale"] is False
        assert held["received_from"].startswith(a_served.url)
    # Without a trusted key, a bundle is refused.
    node_b("nodes", "remove", "court-a")
    result = node_b("lists", "pull", LIST, "--from", "http://127.0.0.1:9", "--token", pull_token, ok=False)
    assert result.returncode != 0 and "cannot reach" in result.stderr
