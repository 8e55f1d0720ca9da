"""Acknowledged writes over HTTP, as a source sends them: `POST /v1/events` with one
record a request, one request after another, against a running `xinyong serve`; each
answer means the record is on disk. Baselines in the same run: the same server's
`GET /livez` (the framework doing nothing) and a raw SQLite INSERT + COMMIT a row with
`synchronous=FULL` (the disk's price for durability).

`BENCH_ACK_EVENTS` (default 500) records. `BENCH_ACK_COMMAND` runs another build's
command line instead of this one's (for a before/after comparison)."""

from __future__ import annotations

import datetime as dt
import os
import shlex
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks.common import ROOT, report, timed

PERSON = "rid:11010519491231002X"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raw_commits(n: int, path: Path) -> float:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("CREATE TABLE ledger (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    with timed() as t:
        for i in range(n):
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("INSERT INTO ledger (body) VALUES (?)", (f"record {i}",))
            connection.execute("COMMIT")
    connection.close()
    return t["seconds"]


def main() -> None:
    n = int(os.environ.get("BENCH_ACK_EVENTS", "500"))
    command = shlex.split(os.environ.get("BENCH_ACK_COMMAND") or str(Path(sys.executable).parent / "xinyong"))
    folder = Path(tempfile.mkdtemp(prefix="xinyong-ack-"))
    db = str(folder / "x.db")
    env = {**os.environ, "XINYONG_NOTICE_INTERVAL": "0", "XINYONG_KEY_FILE": str(folder / "key")}

    def run(*args: str) -> str:
        return subprocess.run([*command, "--db", db, *args], check=True, capture_output=True, text=True, env=env).stdout

    run("catalog", "load", *map(str, sorted((ROOT / "catalogs").glob("*.toml"))))
    token = (
        run("token", "create", "--role", "source", "--name", "traffic-police", "--scope", "rongcheng-personal/*")
        .strip()
        .splitlines()[-1]
    )
    port = _free_port()
    server = subprocess.Popen(
        [*command, "--db", db, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if client.get("/livez").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            day = (dt.date.today() - dt.timedelta(days=10)).isoformat()
            headers = {"Authorization": f"Bearer {token}"}
            with timed() as livez:
                for _ in range(n):
                    client.get("/livez").raise_for_status()
            with timed() as ours:
                for i in range(n):
                    client.post(
                        "/v1/events",
                        headers=headers,
                        json=[
                            {
                                "type": "record",
                                "id": f"ack-{i}",
                                "subject": PERSON,
                                "rule": "rongcheng-personal/loan.arrears_cycle",
                                "occurred_on": day,
                                "decided_on": day,
                                "source": "traffic-police",
                            }
                        ],
                    ).raise_for_status()
    finally:
        server.terminate()
        server.wait(15)
    raw = raw_commits(n, folder / "raw.db")
    report(
        f"acknowledged writes over HTTP: {n} records, one a request, one request at a time",
        [
            ("GET /livez (same server)", f"{n / livez['seconds']:,.0f} requests/s"),
            ("raw INSERT+COMMIT, FULL", f"{n / raw:,.0f} commits/s"),
            ("POST /v1/events", f"{n / ours['seconds']:,.0f} records/s ({1000 * ours['seconds'] / n:.1f} ms each)"),
            ("ratio to raw commits", f"{raw / ours['seconds']:.2f}"),
        ],
    )
