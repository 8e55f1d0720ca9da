"""The steps, each a command a user runs against its bare baseline on the same data in
the same run: ``import``, ``size``, ``rescore`` and ``checks``. Each returns the figures
that go into the results file; each checks that it measured something real (every
event written, every subject rescored, every check answered) and fails otherwise."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from benchmarks.databases import Database
from benchmarks.population import ACTION, AS_OF, CATALOG, resident
from benchmarks.processes import XINYONG, Measured, StepFailed, free_port, run, serving, shown

STEPS = ("import", "size", "rescore", "checks")


def _timed(measured: Measured, **more) -> dict:
    return {"command": shown(measured.command), "seconds": measured.seconds, "peak_mib": measured.peak_mib, **more}


def _warm(path: Path) -> None:
    """Read the file once, so that neither side pays for the first read from disk."""
    with path.open("rb") as f:
        while f.read(1 << 24):
            pass


# ---------------------------------------------------------------------- import


def import_step(database: Database) -> dict:
    """`xinyong import FILE` into a new database (its catalog loaded first, untimed),
    against parsing the same lines and inserting them into one indexed table."""
    database.reset()
    database.load_catalog()
    _warm(database.events.path)
    raw = database.raw_insert()
    if (rows := database.raw_rows()) != database.events.events:
        raise StepFailed(f"the raw baseline inserted {rows} rows of {database.events.events}")
    ours = database.import_events()
    what = (
        "parse each line, `executemany` into one table with the same indexes"
        if database.backend == "sqlite"
        else "parse each line, binary `COPY` into one table with the same indexes"
    )
    return {
        "xinyong": _timed(ours, events=database.events.events),
        "baseline": _timed(raw, what=what, events=rows),
        "ratio": raw.seconds / ours.seconds,
    }


# ---------------------------------------------------------------------- size


def size_step(database: Database) -> dict:
    """Bytes on disk of Xinyong's database against the raw indexed table, per record."""
    if not database.imported:
        raise StepFailed("nothing imported to measure")
    ours, tables, raw = database.sizes()
    if ours <= 0 or raw <= 0:
        raise StepFailed(f"sizes of nothing: {ours} and {raw} bytes")
    records = database.events.records
    return {
        "xinyong": {"bytes": ours, "bytes_per_record": ours / records, "tables": tables},
        "baseline": {"bytes": raw, "bytes_per_record": raw / records, "what": "the raw indexed table"},
        "ratio": raw / ours,
    }


# ---------------------------------------------------------------------- rescore


def rescore_step(database: Database) -> dict:
    """`xinyong rescore` from the database (its export included) against DuckDB's bare
    sum of the same records' points per subject, read from the same JSON Lines file."""
    out = database.folder / "standings.parquet"
    ours = run(
        database.xinyong("rescore", "--catalog", CATALOG, "--as-of", AS_OF.isoformat(), "--out", str(out), "--json"),
        database.env,
    )
    report = json.loads(ours.stdout)
    if report["subjects"] != database.events.residents:
        raise StepFailed(f"xinyong rescore scored {report['subjects']} subjects of {database.events.residents}")
    summed = database.folder / "bare-sum.parquet"
    raw = run(
        [sys.executable, "-m", "benchmarks.baselines", "duckdb", str(database.events.path), str(summed)],
        database.env,
    )
    import duckdb

    with duckdb.connect() as connection:
        subjects = connection.execute("SELECT count(*) FROM read_parquet(?)", [str(summed)]).fetchone()[0]
    if subjects != database.events.residents:
        raise StepFailed(f"DuckDB's bare sum gave {subjects} subjects of {database.events.residents}")
    return {
        "xinyong": _timed(ours, subjects=report["subjects"], timings=report["timings"]),
        "baseline": _timed(raw, subjects=subjects, what="DuckDB: SUM of the records' points per subject"),
        "ratio": raw.seconds / ours.seconds,
    }


# ---------------------------------------------------------------------- checks

# How long the checks step waits, after its load, for the first notice round of the
# server as served to end (seconds); a whole round at 1 M records takes about 90 s.
FIRST_ROUND_WAIT = 300.0
# The line `xinyong serve` logs when a notice round ends (xinyong.entrypoints.api.app).
ROUND = re.compile(r"notice round: (\d+) notices came due, written in ([\d.]+) s")

LUA = """
local bodies = {%s}
local i = 0
request = function()
  i = i %% #bodies + 1
  return wrk.format("POST", "/v1/checks",
                    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer %s"}, bodies[i])
end
"""


@dataclass(frozen=True)
class Load:
    connections: int
    seconds: int
    workers: int
    subjects: int = 1000


def serve_takes_workers() -> bool:
    """Whether `xinyong serve` has a --workers option (added by issue 11, item 2)."""
    shown_help = subprocess.run([XINYONG, "serve", "--help"], capture_output=True, text=True).stdout
    return "--workers" in shown_help


def _wrk(url: str, script: Path, load: Load, seconds: int) -> dict:
    threads = min(2, load.connections)
    args = ["wrk", f"-t{threads}", f"-c{load.connections}", f"-d{seconds}s", "--latency", "-s", str(script), url]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout

    def number(pattern: str) -> float:
        found = re.search(pattern, out)
        if found is None:
            raise StepFailed(f"wrk printed no {pattern!r}:\n{out}")
        return float(found.group(1))

    def latency(percent: str) -> float:
        found = re.search(rf"\s{percent}%\s+([\d.]+)(us|ms|s)\b", out)
        if found is None:
            raise StepFailed(f"wrk printed no {percent}% latency:\n{out}")
        value, unit = float(found.group(1)), found.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "command": shown(args),
        "requests": int(number(r"(\d+) requests in")),
        "rate": number(r"Requests/sec:\s+([\d.]+)"),
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(int(x) for x in sockets.groups()) if sockets else 0,
    }


def _probe(port: int, token: str, body: str) -> dict:
    """One check, to see that the server answers it before it is loaded."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/v1/checks",
        data=body.encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.loads(response.read())
    if answer.get("decision") not in {"allow", "deny", "review"}:
        raise StepFailed(f"a check was not answered with a decision: {answer}")
    return answer


def checks_step(database: Database, load: Load) -> dict:
    """`POST /v1/checks` against `xinyong serve` on the database, with wrk, against the
    hello-world (benchmarks/hello.py) on uvicorn with the same number of workers."""
    if shutil.which("wrk") is None:
        raise StepFailed("wrk is not installed")
    workers = ["--workers", str(load.workers)] if serve_takes_workers() else []
    used = load.workers if workers else 1
    created = run(
        database.xinyong("token", "create", "--role", "service-point", "--name", "bench", "--scope", ACTION),
        database.env,
    )
    token = created.stdout.strip().splitlines()[-1]
    residents = database.events.residents
    chosen = sorted(
        {resident(i * residents // min(load.subjects, residents)) for i in range(min(load.subjects, residents))}
    )
    bodies = [json.dumps({"subject": s, "action": ACTION, "as_of": AS_OF.isoformat()}) for s in chosen]
    script = database.folder / "checks.lua"
    script.write_text(LUA % (", ".join(json.dumps(b) for b in bodies), token))
    figures: dict[str, dict] = {}
    # As a user serves it, the notice rounds on (the first at start, then hourly; they
    # read every record); and with them off, to show what they cost the checks.
    as_served = {k: v for k, v in database.env.items() if k != "XINYONG_NOTICE_INTERVAL"}
    environments = {"baseline": database.env, "xinyong": as_served, "xinyong_rounds_off": database.env}
    sides = {
        "baseline": [
            sys.executable,
            "-m",
            "uvicorn",
            "benchmarks.hello:app",
            "--log-level",
            "warning",
            "--no-access-log",
            "--workers",
            str(used),
        ],
        "xinyong": [*database.xinyong("serve"), *workers],
        "xinyong_rounds_off": [*database.xinyong("serve"), *workers],
    }
    for side, command in sides.items():
        port = free_port()
        with serving([*command, "--port", str(port)], port, environments[side]) as server:
            started = time.monotonic()
            answer = _probe(port, token, bodies[0])
            _wrk(f"http://127.0.0.1:{port}/v1/checks", script, load, min(2, load.seconds))  # warm up
            figures[side] = _wrk(f"http://127.0.0.1:{port}/v1/checks", script, load, load.seconds)
            served_for = time.monotonic() - started
            rounds = ROUND.findall(server.log.read_text(errors="replace"))
            # The first round (made by a child process at a lower priority) may outlast
            # the load: how long it took is worth the wait, up to a bound.
            while side == "xinyong" and not rounds and time.monotonic() - started < served_for + FIRST_ROUND_WAIT:
                time.sleep(0.5)
                rounds = ROUND.findall(server.log.read_text(errors="replace"))
            watched_for = time.monotonic() - started
        figures[side]["server"] = shown(command)
        figures[side]["peak_mib"] = server.peak_mib
        if side != "baseline":
            figures[side]["decision_probed"] = answer["decision"]
            figures[side]["environment"] = sorted(
                f"{k}={v}"
                for k, v in environments[side].items()
                if k.startswith("XINYONG_") and k != "XINYONG_KEY_FILE"
            )
            figures[side]["notice_rounds"] = [{"notices": int(n), "seconds": float(t)} for n, t in rounds]
            figures[side]["served_seconds"] = served_for
            figures[side]["watched_seconds"] = watched_for
    if figures["xinyong"]["requests"] == 0:
        raise StepFailed("wrk made no request")
    return {
        **figures,
        "ratio": figures["xinyong"]["rate"] / figures["baseline"]["rate"],
        "workers": used,
        "serve_takes_workers": bool(workers),
        "connections": load.connections,
        "seconds": load.seconds,
        "subjects": len(chosen),
        "token": shown(created.command),
    }
