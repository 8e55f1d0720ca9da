"""Rescoring: records per second of the rescoring job (`xinyong.batch`) on DuckDB for a
synthetic export of N records over N/10 subjects, against a raw DuckDB
`SUM(points) ... GROUP BY subject` over the same Parquet; and how time and peak memory
grow with N. Each size runs in its own process, so that its peak memory is its own."""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import report, sample_registry

CATALOG = "rongcheng-personal"
CHUNK = 1_000_000


def write_export(folder: Path, records: int, seed: int = 5) -> None:
    """A synthetic export in the format of `xinyong.batch.export`: one person catalog,
    records over the years 2022-2026, disputes, fulfilments and repairs."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from xinyong.batch.export import EVENTS, RECORDS, SUBJECTS, catalog_tables

    registry = sample_registry()
    for name, table in catalog_tables(registry).items():
        (folder / "catalog").mkdir(parents=True, exist_ok=True)
        pq.write_table(table, folder / "catalog" / f"{name}.parquet")
    version = registry.versions(CATALOG)[0]
    rules = np.array(sorted(version.rules))
    rng = np.random.default_rng(seed)
    subjects = max(records // 10, 1)
    part = folder / "records" / "jurisdiction=CN-SD-RC"
    events_part = folder / "events" / "jurisdiction=CN-SD-RC"
    subjects_part = folder / "subjects" / "jurisdiction=CN-SD-RC"
    for p in (part, events_part, subjects_part):
        p.mkdir(parents=True, exist_ok=True)
    keys = np.char.add("s", np.arange(subjects).astype(str))
    pq.write_table(
        pa.table({"subject_key": keys, "kind": np.full(subjects, "person")}, schema=SUBJECTS),
        subjects_part / "part-0.parquet",
    )
    births = np.datetime64("1950-01-01") + rng.integers(0, 55 * 365, subjects).astype("timedelta64[D]")
    start = np.datetime64("2022-01-01")
    for n, first in enumerate(range(0, records, CHUNK)):
        size = min(CHUNK, records - first)
        who = rng.integers(0, subjects, size)
        occurred = start + rng.integers(0, 4 * 365, size).astype("timedelta64[D]")
        decided = occurred + rng.integers(0, 30, size).astype("timedelta64[D]")
        ids = np.char.add("r", np.arange(first, first + size).astype(str))
        pq.write_table(
            pa.table(
                {
                    "record_id": ids,
                    "subject_key": keys[who],
                    "kind": np.full(size, "person"),
                    "birth_date": births[who],
                    "catalog_id": np.full(size, CATALOG),
                    "rule": rules[rng.integers(0, len(rules), size)],
                    "occurred_on": occurred,
                    "decided_on": decided,
                },
                schema=RECORDS,
            ),
            part / f"part-{n}.parquet",
        )
        # Later events: 6% disputed (most decided), 3% fulfilled, 1% repaired.
        chosen = rng.random(size)
        disputed = np.nonzero(chosen < 0.06)[0]
        fulfilled = np.nonzero((chosen >= 0.06) & (chosen < 0.09))[0]
        repaired = np.nonzero((chosen >= 0.09) & (chosen < 0.10))[0]
        decided_d = decided[disputed] + rng.integers(5, 60, len(disputed)).astype("timedelta64[D]")
        resolved = disputed[rng.random(len(disputed)) < 0.8]
        rows = {
            "record_id": np.concatenate([ids[disputed], ids[resolved], ids[fulfilled], ids[repaired]]),
            "catalog_id": np.full(len(disputed) + len(resolved) + len(fulfilled) + len(repaired), CATALOG),
            "seq": np.concatenate(
                [np.ones(len(disputed)), np.full(len(resolved), 2), np.ones(len(fulfilled)), np.ones(len(repaired))]
            ).astype("int32"),
            "type": np.concatenate(
                [
                    np.full(len(disputed), "dispute_filed"),
                    np.full(len(resolved), "dispute_resolved"),
                    np.full(len(fulfilled), "fulfilled"),
                    np.full(len(repaired), "repaired"),
                ]
            ),
            "on": np.concatenate(
                [
                    decided[disputed] + 2,
                    decided_d[np.isin(disputed, resolved)],
                    decided[fulfilled] + 40,
                    decided[repaired] + 400,
                ]
            ),
            "outcome": np.concatenate(
                [
                    np.full(len(disputed), None),
                    np.where(rng.random(len(resolved)) < 0.7, "upheld", "annulled"),
                    np.full(len(fulfilled), None),
                    np.full(len(repaired), None),
                ]
            ),
        }
        pq.write_table(pa.table(rows, schema=EVENTS), events_part / f"part-{n}.parquet")


def one(records: int) -> dict:
    import duckdb
    import ibis

    from xinyong.batch.engines import read_export
    from xinyong.batch.job import run_rescore

    with tempfile.TemporaryDirectory(prefix="xinyong-rescore-") as folder:
        export = Path(folder) / "export"
        write_export(export, records)
        baseline_started = time.perf_counter()
        con = duckdb.connect()
        con.execute(
            f"""SELECT r.subject_key, 1000 + SUM(p.points) AS score
                FROM read_parquet('{export}/records/*/*.parquet') r
                JOIN read_parquet('{export}/catalog/rules.parquet') p
                  ON p.catalog_id = r.catalog_id AND p.rule = r.rule
                GROUP BY r.subject_key"""
        ).fetchall()
        baseline = time.perf_counter() - baseline_started
        con.close()
        started = time.perf_counter()
        backend = ibis.duckdb.connect()
        tables = read_export(backend, export)
        result = run_rescore(backend, tables, CATALOG, dt.date(2025, 6, 30), Path(folder) / "out.parquet")
        elapsed = time.perf_counter() - started
    return {
        "records": records,
        "subjects": result.subjects,
        "seconds": elapsed,
        "baseline": baseline,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    sizes = [int(x) for x in os.environ.get("BENCH_RESCORE_SIZES", "1000000,10000000").split(",")]
    rows = []
    for n in sizes:
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.rescore", str(n)],
            capture_output=True,
            text=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
        if out.returncode != 0:
            rows.append((f"{n:,} records", f"failed: {out.stderr.strip().splitlines()[-1]}"))
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append(
            (
                f"{n:,} records, {r['subjects']:,} subjects",
                f"job {n / r['seconds']:,.0f} records/s ({r['seconds']:.1f} s), raw group-by "
                f"{n / r['baseline']:,.0f} records/s ({r['baseline']:.2f} s), ratio {r['baseline'] / r['seconds']:.3f} "
                f"(goal 0.5); peak {r['peak_mib']:,.0f} MiB",
            )
        )
    report("rescoring on DuckDB (synthetic export, one person catalog, on 2025-06-30)", rows)


if __name__ == "__main__":
    print(json.dumps(one(int(sys.argv[1]))))
