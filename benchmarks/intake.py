"""Intake: events per second through `xinyong import` into SQLite, run as a user runs it
(validated against the catalogs and the ledger, sealed, hash-chained, notices written,
one transaction), against a raw `executemany` of the same events into a table with the
same indexes, in the same run.

Environment: BENCH_INTAKE_PERSONS (default 20000; about 5.4 events a person),
BENCH_INTAKE_SMALL (events of the one-event-a-transaction part, default 2000; 0 skips it),
BENCH_INTAKE_INSIDE=1 (also time `Intake.import_lines` in this process, without the
command's start-up)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import ROOT, population_lines, report, timed

SECRET = "00" * 32


def command_env(db: str) -> dict[str, str]:
    """The environment of the `xinyong` commands a benchmark runs: a throwaway key."""
    return {**os.environ, "XINYONG_SECRET_KEY": SECRET, "XINYONG_DB": db}


# Runs a command and reports its peak memory and CPU time. A child forked from this
# process (which holds the whole file's lines) would be charged this process's memory;
# one forked from this small launcher is charged only its own.
_LAUNCHER = (
    "import os, subprocess, sys\n"
    "child = subprocess.Popen(sys.argv[1:])\n"
    "_, status, usage = os.wait4(child.pid, 0)\n"
    "print(f'measured {usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}', file=sys.stderr)\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)


def xinyong_command(*args: str, db: str) -> tuple[float, float, float]:
    """Run `xinyong ARGS...` against ``db``: wall-clock seconds, the command's peak
    resident memory in MiB and its CPU seconds (user and system)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, sys.executable, "-m", "xinyong", *args],
        env=command_env(db),
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"xinyong {' '.join(args)} failed ({done.returncode}): {done.stderr or done.stdout}")
    _, peak_kib, cpu = done.stderr.strip().splitlines()[-1].split()
    return seconds, int(peak_kib) / 1024, float(cpu)


def xinyong_import(lines: list[str], folder: Path, db: str) -> tuple[float, float, float]:
    """`xinyong import FILE` of ``lines`` into ``db`` after loading the sample catalogs:
    its wall-clock seconds (the interpreter's start included), peak memory and CPU."""
    events = folder / "events.jsonl"
    events.write_text("\n".join(lines) + "\n", encoding="utf-8")
    xinyong_command("catalog", "load", *map(str, sorted((ROOT / "catalogs").glob("*.toml"))), db=db)
    return xinyong_command("import", str(events), db=db)


def raw_baseline(lines: list[str], path: Path) -> float:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute(
        "CREATE TABLE ledger (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, record_id TEXT, "
        "subject TEXT, rule TEXT, occurred_on TEXT, body TEXT NOT NULL)"
    )
    connection.execute("CREATE INDEX ledger_record ON ledger (record_id)")
    connection.execute("CREATE INDEX ledger_subject ON ledger (subject)")
    connection.execute("CREATE INDEX ledger_rule ON ledger (rule)")
    connection.execute("CREATE UNIQUE INDEX ledger_one ON ledger (record_id) WHERE kind = 'record'")
    with timed() as t:
        rows = []
        for line in lines:
            e = json.loads(line)
            record_id = e.get("id") if e["type"] == "record" else e.get("record")
            rows.append((e["type"], record_id, e.get("subject"), e.get("rule"), e.get("occurred_on"), line))
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO ledger (kind, record_id, subject, rule, occurred_on, body) VALUES (?, ?, ?, ?, ?, ?)", rows
        )
        connection.execute("COMMIT")
    connection.close()
    return t["seconds"]


def xinyong_intake(lines: list[str], path: Path) -> float:
    from xinyong.bootstrap import open_deployment
    from xinyong.settings import Settings

    deployment = open_deployment(str(path), Settings(db=str(path), secret_key="00" * 32))
    deployment.catalogs.load(sorted((Path(__file__).resolve().parent.parent / "catalogs").glob("*.toml")))
    with timed() as t:
        result = deployment.intake.import_lines(lines)
    assert result.written == len(lines), (result.written, len(lines))
    deployment.close()
    return t["seconds"]


def raw_small_commits(lines: list[str], path: Path, synchronous: str) -> float:
    """The baseline for acknowledged writes: one INSERT and one COMMIT an event."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(f"PRAGMA synchronous={synchronous}")
    connection.execute("CREATE TABLE ledger (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    with timed() as t:
        for line in lines:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("INSERT INTO ledger (body) VALUES (?)", (line,))
            connection.execute("COMMIT")
    connection.close()
    return t["seconds"]


def xinyong_small_commits(lines: list[str], path: Path, synchronous: str) -> float:
    """What a service point or source sees: each event submitted and acknowledged on
    its own (one transaction each), under SQLite's FULL (the default: acknowledged means
    on disk) or NORMAL (what it was before: a power cut can lose the last commits)."""
    from sqlalchemy import event

    from xinyong.bootstrap import open_deployment
    from xinyong.settings import Settings

    deployment = open_deployment(str(path), Settings(db=str(path), secret_key="00" * 32))
    deployment.catalogs.load(sorted((Path(__file__).resolve().parent.parent / "catalogs").glob("*.toml")))
    deployment.store.engine.dispose()

    @event.listens_for(deployment.store.engine, "connect")
    def _synchronous(dbapi_connection, _record):
        dbapi_connection.execute(f"PRAGMA synchronous={synchronous}")

    objects = [json.loads(line) for line in lines]
    with timed() as t:
        for item in objects:
            deployment.intake.submit([item])
    with deployment.store.reading() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar_one() == {"FULL": 2, "NORMAL": 1}[synchronous]
    deployment.close()
    return t["seconds"]


def durability(persons: int) -> None:
    small = int(os.environ.get("BENCH_INTAKE_SMALL", "2000"))
    if not small:
        return
    lines = [line for line in population_lines(persons, persons // 10) if '"type": "subject"' not in line]
    lines = lines[:small]
    n = len(lines)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for synchronous in ("NORMAL", "FULL"):
            raw = raw_small_commits(lines, Path(folder) / f"raw-{synchronous}.db", synchronous)
            ours = xinyong_small_commits(lines, Path(folder) / f"x-{synchronous}.db", synchronous)
            rows += [
                (f"raw, synchronous={synchronous}", f"{n / raw:,.0f} commits/s ({raw:.2f} s)"),
                (
                    f"xinyong, synchronous={synchronous}",
                    f"{n / ours:,.0f} events/s ({ours:.2f} s), ratio {raw / ours:.2f}",
                ),
            ]
    report(f"intake, one event a transaction (acknowledged writes): {n} events", rows)


def main() -> None:
    persons = int(os.environ.get("BENCH_INTAKE_PERSONS", "20000"))
    lines = population_lines(persons, persons // 10)
    with tempfile.TemporaryDirectory() as folder:
        cpu = time.process_time()
        raw = raw_baseline(lines, Path(folder) / "raw.db")
        raw_cpu = time.process_time() - cpu
        ours, peak, ours_cpu = xinyong_import(lines, Path(folder), str(Path(folder) / "xinyong.db"))
        inside = xinyong_intake(lines, Path(folder) / "inside.db") if os.environ.get("BENCH_INTAKE_INSIDE") else None
    n = len(lines)
    rows = [
        ("raw executemany", f"{n / raw:,.0f} events/s ({raw:.2f} s; CPU {raw_cpu:.2f} s)"),
        (
            "xinyong import (the command)",
            f"{n / ours:,.0f} events/s ({ours:.2f} s; CPU {ours_cpu:.2f} s), peak {peak:,.0f} MiB",
        ),
        ("ratio", f"{raw / ours:.2f} of the raw rate (goal: 0.5); CPU time {raw_cpu / ours_cpu:.2f}"),
    ]
    if inside is not None:
        rows.append(
            ("Intake.import_lines in process", f"{n / inside:,.0f} events/s ({inside:.2f} s), ratio {raw / inside:.2f}")
        )
    report(f"intake: {n} events ({persons} persons, {persons // 10} organisations)", rows)
    durability(min(persons, 2000))
