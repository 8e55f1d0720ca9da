"""Writers taking turns at one SQLite database: how long each waits for the write lock,
with the database's own busy handler (the baseline, in the same run) and with the turns
Xinyong's engines take (`xinyong.adapters.storage.writer_turns`, as `make_engine` takes
them), on the same connections and statements otherwise.

Several processes (as `xinyong serve --workers N` has) each commit short transactions
(an insert of a batch of rows and a short pause, as a group commit of checks does) as
fast as they can. SQLite's busy handler sleeps between tries, up to 100 ms, so a writer
can sleep through many turns others take; the turns are a queue the kernel hands on.
Reported: transactions a second, and the wait for the lock at the median, the 99th
percentile and the worst.

`python -m benchmarks.writer_turns [--processes 3] [--transactions 300]`."""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sqlite3
import tempfile
import time
from pathlib import Path

ROWS = 20  # rows a transaction writes
HOLD = 0.002  # seconds a transaction holds the lock after its insert


def _bare(path: str, count: int, out: multiprocessing.Queue) -> None:
    connection = sqlite3.connect(path, isolation_level=None, timeout=30)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    waits = []
    for _ in range(count):
        asked = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        waits.append(time.perf_counter() - asked)
        connection.executemany("INSERT INTO t (x) VALUES (?)", [(os.urandom(100),) for _ in range(ROWS)])
        time.sleep(HOLD)
        connection.execute("COMMIT")
    out.put(waits)


def _with_turns(path: str, count: int, out: multiprocessing.Queue) -> None:
    from xinyong.adapters.storage.writer_turns import WriterTurns

    turns = WriterTurns(path)  # as make_engine's SQLite engines take them
    connection = sqlite3.connect(path, isolation_level=None, timeout=30)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    waits = []
    for _ in range(count):
        asked = time.perf_counter()
        turns.take(connection)
        connection.execute("BEGIN IMMEDIATE")
        waits.append(time.perf_counter() - asked)
        connection.executemany("INSERT INTO t (x) VALUES (?)", [(os.urandom(100),) for _ in range(ROWS)])
        time.sleep(HOLD)
        connection.execute("COMMIT")
        turns.give_back(connection)
    out.put(waits)


def _run(writer, processes: int, count: int) -> tuple[float, list[float]]:
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "turns.db")
        setup = sqlite3.connect(path)
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE t (x BLOB)")
        setup.close()
        out: multiprocessing.Queue = multiprocessing.Queue()
        workers = [multiprocessing.Process(target=writer, args=(path, count, out)) for _ in range(processes)]
        started = time.perf_counter()
        for worker in workers:
            worker.start()
        waits = sorted(w for _ in workers for w in out.get())
        for worker in workers:
            worker.join()
        return time.perf_counter() - started, waits


def _line(name: str, elapsed: float, waits: list[float]) -> str:
    def ms(share: float) -> float:
        return waits[min(len(waits) - 1, int(len(waits) * share))] * 1000

    return (
        f"{name:<28} {len(waits) / elapsed:6.0f} transactions/s   wait p50 {ms(0.5):6.1f} ms"
        f"   p99 {ms(0.99):7.1f} ms   worst {waits[-1] * 1000:7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.writer_turns", description=__doc__)
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--transactions", type=int, default=300, help="a process")
    options = parser.parse_args()
    print(f"{options.processes} processes, {options.transactions} transactions each, {ROWS} rows a transaction")
    print(_line("SQLite's busy handler", *_run(_bare, options.processes, options.transactions)))
    print(_line("Xinyong's writer turns", *_run(_with_turns, options.processes, options.transactions)))


if __name__ == "__main__":
    main()
