"""Rescoring as a user runs it: `xinyong rescore` (DuckDB, straight from the database)
end to end, against DuckDB's bare sum of the same records' points per subject read from
the same database, on a synthetic population of about N records; and how time and peak
memory grow with N.

The database is filled by `xinyong import` (not timed). The baseline reads the record
rows' subject keys and rules with one query through the database driver into DuckDB and
sums each rule's points per subject: DuckDB's `sqlite` and `postgres` scanners are
downloaded on first use, which this machine cannot do, so neither side uses them. Both
sides run as a process of their own, timed from start to exit, so that each peak memory
is its own. `BENCH_RESCORE_DB` (a PostgreSQL URL of an empty database; one size only)
runs the same on PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import ROOT, population_lines, report, sample_registry

CATALOG = "rongcheng-personal"
AS_OF = "2025-06-30"
RECORDS_PER_PERSON = 4.5  # about what the synthetic population files per person and firm

# DuckDB's bare sum: the record rows' subject keys and rules, fetched with one query
# through the driver, into DuckDB, summed per subject.
BASELINE = """
import sys

import duckdb
import pyarrow as pa
from sqlalchemy import create_engine

with create_engine(sys.argv[1]).connect() as connection:
    rows = connection.exec_driver_sql("SELECT subject_key, rule FROM ledger WHERE kind = 'record'").fetchall()
keys, rules = (list(column) for column in zip(*rows)) if rows else ([], [])
# Subject keys are stored as their raw bytes (migration 0012): summed by them as they are.
records = pa.table({"subject_key": pa.array(keys, pa.binary()), "rule": pa.array(rules, pa.string())})
points = duckdb.read_parquet(sys.argv[2])
sums = duckdb.sql(
    "SELECT r.subject_key, SUM(p.points) AS points FROM records r JOIN points p "
    "ON p.catalog_id || '/' || p.rule = r.rule GROUP BY r.subject_key"
).fetchall()
print(len(rows), len(sums))
"""


def _timed(command: list[str], **kwargs) -> tuple[float, float, str]:
    """Run ``command`` to its end: wall seconds, its own peak memory in MiB (read by GNU
    time), and its output."""
    with tempfile.NamedTemporaryFile("r", suffix=".peak") as peak_file:
        started = time.perf_counter()
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", peak_file.name, *command], capture_output=True, text=True, **kwargs
        )
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {done.stderr.strip()[-500:]}")
        return elapsed, int(peak_file.read().strip().splitlines()[-1]) / 1024, done.stdout


# What a user's machine has after the first run: Python's compiled modules. Without them
# (PYTHONDONTWRITEBYTECODE) both sides would spend seconds compiling their imports.
WARM_UP = """
import duckdb, ibis, pyarrow.csv, sqlalchemy
import xinyong.entrypoints.cli, xinyong.batch.database, xinyong.batch.job
ibis.duckdb.connect()
"""


def _environment(**extra: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return environment | extra


def one(records: int, database: str | None = None) -> dict:
    from xinyong.batch.export import catalog_tables

    xinyong = str(Path(sys.executable).parent / "xinyong")
    persons = max(int(records / RECORDS_PER_PERSON / 1.1), 10)
    with tempfile.TemporaryDirectory(prefix="xinyong-rescore-") as folder:
        here = Path(folder)
        db = database or str(here / "bench.db")
        environment = _environment(XINYONG_KEY_FILE=str(here / "secret.key"))
        subprocess.run([sys.executable, "-c", WARM_UP], check=True, env=environment)
        events = here / "events.jsonl"
        events.write_text("\n".join(population_lines(persons, persons // 10)) + "\n", encoding="utf-8")
        catalogs = sorted(str(p) for p in (ROOT / "catalogs").glob("*.toml"))
        subprocess.run(
            [xinyong, "--db", db, "catalog", "load", *catalogs], check=True, env=environment, capture_output=True
        )
        subprocess.run([xinyong, "--db", db, "import", str(events)], check=True, env=environment, capture_output=True)
        import pyarrow.parquet as pq

        pq.write_table(catalog_tables(sample_registry())["rules"], here / "points.parquet")
        url = db if "://" in db else f"sqlite:///{db}"
        baseline, baseline_peak, counted = _timed(
            [sys.executable, "-c", BASELINE, url, str(here / "points.parquet")], env=environment
        )
        rescore = [xinyong, "--db", db, "rescore", "--catalog", CATALOG, "--as-of", AS_OF, "--json"]
        seconds, peak, out = _timed([*rescore, "--out", str(here / "out.parquet")], env=environment)
        result = json.loads(out)
        stored, summed = (int(x) for x in counted.split())
    return {
        "records": stored,
        "subjects": result["subjects"],
        "summed_subjects": summed,
        "seconds": seconds,
        "phases": result["timings"],
        "peak_mib": peak,
        "baseline": baseline,
        "baseline_peak_mib": baseline_peak,
    }


def main() -> None:
    sizes = [int(x) for x in os.environ.get("BENCH_RESCORE_SIZES", "1000000,10000000").split(",")]
    database = os.environ.get("BENCH_RESCORE_DB")
    rows = []
    for n in sizes:
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.rescore", str(n), *([database] if database else [])],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        if out.returncode != 0:
            rows.append((f"{n:,} records", f"failed: {out.stderr.strip().splitlines()[-1]}"))
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        records = r["records"]
        phases = ", ".join(f"{k} {v:.1f} s" for k, v in r["phases"].items())
        rows.append(
            (
                f"{records:,} records, {r['subjects']:,} subjects",
                f"xinyong rescore {records / r['seconds']:,.0f} records/s ({r['seconds']:.1f} s: {phases}), "
                f"bare sum from the database {records / r['baseline']:,.0f} records/s ({r['baseline']:.2f} s), "
                f"ratio {r['baseline'] / r['seconds']:.3f} (goal 0.5); peak {r['peak_mib']:,.0f} MiB "
                f"(baseline {r['baseline_peak_mib']:,.0f} MiB)",
            )
        )
    where = "PostgreSQL" if database else "SQLite"
    report(f"rescoring from the database on DuckDB ({where}, synthetic population, {CATALOG} on {AS_OF})", rows)


if __name__ == "__main__":
    print(json.dumps(one(int(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else None)))
