"""A big import on SQLite through the write-ahead log and through a rollback journal
(decision record 0018), in two parts:

- raw SQLite, the baseline of the mechanism: ``BENCH_BULK_ROWS`` (default 3,000,000) rows
  inserted in one transaction, 5,000 a statement, into a table with three indexes on
  random keys, with a page cache of 64 MiB (what intake's bulk appends use), once in WAL
  mode and once with a rollback journal; the rate of each tenth of the rows, so that the
  rate's fall as the log grows shows;
- `xinyong import` of a file of ``BENCH_BULK_RECORDS`` (default 200,000) records into a
  new database, once with ``--shared`` (the log) and once as it is by default (the
  database alone, through a rollback journal), in that order and then in the other."""

from __future__ import annotations

import os
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import report
from benchmarks.population import CATALOG_FILE, event_file

BATCH = 5000
CACHE_KIB = 64 * 1024


def _raw(folder: Path, rows: int, journal: str) -> tuple[float, list[float]]:
    """Seconds for ``rows`` rows in one transaction (commit included), and the rate of
    each tenth of them."""
    path = folder / f"raw-{journal}.db"
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute(f"PRAGMA journal_mode={journal}")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT, c TEXT, payload BLOB)")
    for column in "abc":
        connection.execute(f"CREATE INDEX t_{column} ON t ({column})")
    payload = os.urandom(300)
    tenth = max(rows // 10, BATCH)
    rates: list[float] = []
    started = lap = time.perf_counter()
    connection.execute("BEGIN")
    for done in range(BATCH, rows + 1, BATCH):
        connection.executemany(
            "INSERT INTO t (a, b, c, payload) VALUES (?, ?, ?, ?)",
            [(secrets.token_hex(16), secrets.token_hex(16), secrets.token_hex(16), payload) for _ in range(BATCH)],
        )
        if done % tenth == 0:
            now = time.perf_counter()
            rates.append(tenth / (now - lap))
            lap = now
    connection.execute("COMMIT")
    seconds = time.perf_counter() - started
    connection.close()
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return seconds, rates


def _import(folder: Path, events: Path, shared: bool) -> float:
    """Seconds of `xinyong import` of ``events`` into a new database (catalog loaded first)."""
    name = "shared" if shared else "alone"
    db, key = folder / f"{name}.db", folder / f"{name}.key"
    env = {**os.environ, "XINYONG_KEY_FILE": str(key), "XINYONG_NOTICE_INTERVAL": "0"}
    xinyong = str(Path(sys.executable).parent / "xinyong")
    subprocess.run(
        [xinyong, "--db", str(db), "catalog", "load", str(CATALOG_FILE)], check=True, capture_output=True, env=env
    )
    os.sync()
    started = time.perf_counter()
    command = [xinyong, "--db", str(db), "import", str(events), *(["--shared"] if shared else [])]
    subprocess.run(command, check=True, capture_output=True, env=env)
    seconds = time.perf_counter() - started
    for suffix in ("", "-wal", "-shm", "-journal", ".writers.lock"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    key.unlink(missing_ok=True)
    return seconds


def main() -> None:
    rows = int(os.environ.get("BENCH_BULK_ROWS", "3000000"))
    records = int(os.environ.get("BENCH_BULK_RECORDS", "200000"))
    with tempfile.TemporaryDirectory(prefix="bench-bulk-") as scratch:
        folder = Path(scratch)
        lines = []
        for journal in ("wal", "delete"):
            seconds, rates = _raw(folder, rows, journal)
            shown = ", ".join(f"{r:,.0f}" for r in rates)
            lines.append((f"raw SQLite, {journal} journal", f"{seconds:.1f} s; rows/s by tenth: {shown}"))
        report(f"{rows:,} rows in one transaction, three random-key indexes, 64 MiB cache", lines)

        events = event_file(folder / "events", records, seed=11)
        times: dict[str, list[float]] = {"shared": [], "alone": []}
        for order in (("shared", "alone"), ("alone", "shared")):
            for name in order:
                times[name].append(_import(folder, events.path, shared=name == "shared"))
        report(
            f"xinyong import of {records:,} records ({events.events:,} events), a new database each",
            [
                (f"{name} ({'--shared' if name == 'shared' else 'default'})", ", ".join(f"{s:.1f} s" for s in secs))
                for name, secs in times.items()
            ]
            + [("ratio shared / alone", f"{sum(times['shared']) / sum(times['alone']):.2f}")],
        )


if __name__ == "__main__":
    main()
