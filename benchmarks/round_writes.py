"""A notice round's writes on SQLite, as a whole round makes them: the notices that time
brought to the records of an imported file, written 200 to a transaction
(``ROUND_WRITE``), on two copies of one database:

- with SQLite's own checkpoints in the commits (its threshold of 1,000 pages, as every
  connection had it before decision record 0017);
- as `xinyong serve` has it now: each connection's backstop, and the log copied back by
  a checkpointer beside the writers every half second.

Baseline in the same run: raw SQLite, the same number of rows of about the same size
into a table with four indexes on random keys (as the notices have), 200 rows a
transaction, in WAL mode with ``synchronous=FULL`` and SQLite's own checkpoints.

``BENCH_ROUND_RECORDS`` (default 100,000) records imported; the notices of the first
``BENCH_ROUND_WRITTEN`` (default 20,000) records are written."""

from __future__ import annotations

import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from benchmarks.common import report, timed
from benchmarks.population import CATALOG_FILE, event_file

SQLITES_OWN_THRESHOLD = 1000  # pages: SQLite's default wal_autocheckpoint


def _imported(folder: Path, records: int) -> tuple[Path, Path]:
    """A database with ``records`` records imported, and its key file."""
    db, key = folder / "imported.db", folder / "secret.key"
    events = event_file(folder / "events", records, seed=11)
    env = {**os.environ, "XINYONG_KEY_FILE": str(key), "XINYONG_NOTICE_INTERVAL": "0"}
    xinyong = str(Path(sys.executable).parent / "xinyong")
    for args in (["catalog", "load", str(CATALOG_FILE)], ["import", str(events.path)]):
        subprocess.run([xinyong, "--db", str(db), *args], check=True, capture_output=True, env=env)
    return db, key


def _drafts(deployment, written: int) -> list:
    """The notices a whole round finds due for the first ``written`` records, drafted as
    the round drafts them."""
    from xinyong.domain import calendar
    from xinyong.domain.notices import due_notices
    from xinyong.domain.standing import Timelines
    from xinyong.services.due_process import ROUND_PAGE

    rounds = deployment.due_process
    registry = rounds.library.registry()
    day = calendar.today()
    with rounds.units(read_only=True) as uow:
        ids = uow.ledger.record_ids()[:written]
    drafts = []
    for start in range(0, len(ids), ROUND_PAGE):
        timelines = Timelines(registry)
        with rounds.units(read_only=True) as uow:
            files = [s.file for s in uow.ledger.records(ids[start : start + ROUND_PAGE]).values()]
        drafts += [d for f in files for d in due_notices(f, registry, day, timelines)]
    return drafts


def _round(db: Path, key: Path, written: int, own_checkpoints: bool) -> tuple[list[float], int]:
    """Seconds of each write of the round's notices on ``db``, and how many notices."""
    from sqlalchemy import event

    from xinyong.adapters.storage.wal import WalCheckpointer
    from xinyong.bootstrap import open_deployment
    from xinyong.services.due_process import ROUND_WRITE
    from xinyong.settings import Settings

    deployment = open_deployment(str(db), Settings(db=str(db), key_file=str(key), notice_interval=0))
    engine = deployment.store.engine
    if own_checkpoints:
        engine.dispose()
        event.listen(engine, "connect", lambda c, _: c.execute(f"PRAGMA wal_autocheckpoint={SQLITES_OWN_THRESHOLD}"))
    drafts = _drafts(deployment, written)
    stop = threading.Event()
    checkpointer = WalCheckpointer(str(db))

    def beside() -> None:
        while not stop.wait(0.5):
            checkpointer.checkpoint()

    copier = threading.Thread(target=beside, daemon=True)
    if not own_checkpoints:
        copier.start()
    seconds = []
    try:
        for at in range(0, len(drafts), ROUND_WRITE):
            with timed() as t, deployment.units() as uow:
                uow.notices.write(drafts[at : at + ROUND_WRITE])
                uow.commit()
            seconds.append(t["seconds"])
    finally:
        stop.set()
        if copier.is_alive():
            copier.join()
        checkpointer.close()
        deployment.close()
    return seconds, len(drafts)


def _raw(path: Path, rows: int, per_write: int) -> list[float]:
    """Seconds of each raw write of ``per_write`` rows like notices."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute(
        "CREATE TABLE notices (seq INTEGER PRIMARY KEY, id TEXT UNIQUE, subject_key BLOB, source TEXT,"
        " dedupe TEXT UNIQUE, created_at TEXT, sealed BLOB)"
    )
    connection.execute("CREATE INDEX notices_subject ON notices (subject_key)")
    connection.execute("CREATE INDEX notices_source ON notices (source, seq)")
    seconds = []
    for start in range(0, rows, per_write):
        batch = [
            (os.urandom(6).hex(), os.urandom(32), None, os.urandom(16).hex(), "2026-12-03T00:00:00", os.urandom(180))
            for _ in range(min(per_write, rows - start))
        ]
        with timed() as t:
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany(
                "INSERT INTO notices (id, subject_key, source, dedupe, created_at, sealed) VALUES (?, ?, ?, ?, ?, ?)",
                batch,
            )
            connection.execute("COMMIT")
        seconds.append(t["seconds"])
    connection.close()
    return seconds


def _shown(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (
        f"{len(seconds)} writes: mean {1000 * statistics.fmean(seconds):.1f} ms, "
        f"median {1000 * statistics.median(seconds):.1f} ms, p99 {1000 * p99:.1f} ms"
    )


def main() -> None:
    from xinyong.services.due_process import ROUND_WRITE

    records = int(os.environ.get("BENCH_ROUND_RECORDS", "100000"))
    written = int(os.environ.get("BENCH_ROUND_WRITTEN", "20000"))
    folder = Path(tempfile.mkdtemp(prefix="xinyong-round-writes-"))
    try:
        db, key = _imported(folder, records)
        shutil.copyfile(db, folder / "own.db")
        shutil.copyfile(db, folder / "beside.db")
        own, notices = _round(folder / "own.db", key, written, own_checkpoints=True)
        beside, _ = _round(folder / "beside.db", key, written, own_checkpoints=False)
        raw = _raw(folder / "raw.db", notices, ROUND_WRITE)
        report(
            f"a notice round's writes, {ROUND_WRITE} notices each ({records:,} records imported, the notices of "
            f"{written:,}: {notices:,} notices)",
            [
                ("with SQLite's own checkpoints", _shown(own)),
                ("with checkpoints beside the writers", _shown(beside)),
                ("baseline: raw SQLite, same rows a write", _shown(raw)),
                ("ratio (baseline / beside)", f"{statistics.fmean(raw) / statistics.fmean(beside):.3f}"),
                ("ratio (baseline / own)", f"{statistics.fmean(raw) / statistics.fmean(own):.3f}"),
            ],
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
