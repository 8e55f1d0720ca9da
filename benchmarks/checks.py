"""Checks over HTTP: requests per second and latency of `POST /v1/checks` with 32
connections from wrk on loopback, against the same server answering `GET /livez`
(a route that does nothing), on a demo population."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import ROOT, report

LUA = """
local bodies = {%s}
local i = 0
request = function()
  i = i %% #bodies + 1
  return wrk.format("POST", "/v1/checks",
                    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer %s"}, bodies[i])
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wrk(url: str, seconds: int, script: str | None = None) -> dict:
    args = ["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency", url]
    if script:
        args[1:1] = ["-s", script]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def latency(p: str) -> float:
        m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rate": rate, "p50": latency("50"), "p99": latency("99"), "errors": int(errors.group(1)) if errors else 0}


def main() -> None:
    if shutil.which("wrk") is None:
        print("\n== checks: skipped, wrk is not installed (apt-get install wrk)")
        return
    seconds = int(os.environ.get("BENCH_CHECK_SECONDS", "10"))
    persons = int(os.environ.get("BENCH_CHECK_PERSONS", "3000"))
    folder = Path(tempfile.mkdtemp(prefix="xinyong-bench-"))
    db = str(folder / "demo.db")
    xinyong = str(Path(sys.executable).parent / "xinyong")
    env = {**os.environ, "XINYONG_NOTICE_INTERVAL": "0", "XINYONG_KEY_FILE": str(folder / "key")}
    subprocess.run(
        [
            xinyong,
            "--db",
            db,
            "demo",
            "--no-serve",
            "--persons",
            str(persons),
            "--organisations",
            str(persons // 10),
            "--catalogs",
            str(ROOT / "catalogs"),
        ],
        check=True,
        capture_output=True,
        env=env,
    )
    token = (
        subprocess.run(
            [
                xinyong,
                "--db",
                db,
                "token",
                "create",
                "--role",
                "service-point",
                "--name",
                "bench",
                "--scope",
                "air_travel",
                "--scope",
                "procurement",
            ],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    from xinyong.bootstrap import open_deployment
    from xinyong.settings import Settings

    deployment = open_deployment(db, Settings(db=db, key_file=str(folder / "key")))
    with deployment.store.reading() as connection:
        ids = deployment.store.all_record_ids(connection)
        subjects = sorted({str(r.file.subject) for r in deployment.store.records(connection, ids[:4000]).values()})
    deployment.close()
    random.Random(1).shuffle(subjects)
    bodies = ", ".join(
        json.dumps(
            json.dumps({"subject": s, "action": "air_travel.ticket" if s.startswith("rid:") else "procurement.bid"})
        )
        for s in subjects[:500]
    )
    script = folder / "checks.lua"
    script.write_text(LUA % (bodies, token))
    port = _free_port()
    server = subprocess.Popen(
        [xinyong, "--db", db, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        base = f"http://127.0.0.1:{port}"
        _wrk(base + "/livez", 2)  # warm up
        hello = _wrk(base + "/livez", seconds)
        checks = _wrk(base + "/v1/checks", seconds, str(script))
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(folder, ignore_errors=True)
    report(
        f"checks over HTTP: 32 connections, {seconds} s each, {len(subjects[:500])} subjects rotating",
        [
            (
                "hello world (/livez)",
                f"{hello['rate']:,.0f} req/s, p50 {hello['p50']:.1f} ms, p99 {hello['p99']:.1f} ms",
            ),
            (
                "POST /v1/checks",
                f"{checks['rate']:,.0f} req/s, p50 {checks['p50']:.1f} ms, p99 {checks['p99']:.1f} ms, "
                f"{checks['errors']} non-2xx",
            ),
            ("ratio", f"{checks['rate'] / hello['rate']:.2f} of the hello-world rate (goal: 0.7, p99 < 10 ms)"),
        ],
    )
