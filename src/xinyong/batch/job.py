"""Running the rescoring job over an export: check the question, write the results,
count the grades. Used by ``xinyong rescore`` and, as a script, by ``spark-submit``::

    spark-submit --master yarn path/to/xinyong/batch/job.py \\
        --export hdfs:///xinyong/export --catalog city-personal --as-of 2025-01-01 \\
        --out hdfs:///xinyong/rescore/city-personal-2025-01-01.parquet

(docs/spark.md has the whole recipe.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import ibis

from xinyong.batch.engines import (
    ENGINES,
    connect,
    engine_of,
    read_export,
    stage_for,
    to_rows,
    write_parquet,
)
from xinyong.batch.rescore import LedgerTables, grade_distribution, rescore
from xinyong.domain.standing import NotInForce

Phase = Callable[[str], None]


@dataclass
class RescoreReport:
    """What a run did: where the results are, the grade distribution, and timings."""

    catalog: str
    as_of: dt.date
    version: str
    engine: str
    out: str
    lists_out: str
    subjects: int
    entries: int
    distribution: list[tuple[str, int]]  # (grade, subjects), highest band first
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase


def lists_path(out: str | Path) -> str:
    """Where the list entries go beside ``out``: ``scores.parquet`` →
    ``scores.lists.parquet``."""
    text = str(out)
    stem = text[: -len(".parquet")] if text.endswith(".parquet") else text
    return stem + ".lists.parquet"


def check_questions(
    backend, tables: LedgerTables, questions: Sequence[tuple[str, dt.date]]
) -> dict[tuple[str, dt.date], str]:
    """The version in force for each ``(catalog_id, day)`` question; raises
    :class:`NotInForce`, as :func:`xinyong.domain.standing.standing` does, when there is none."""
    versions = to_rows(
        backend,
        tables.versions.select("catalog_id", "version", "effective_from").order_by("effective_from"),
    )
    answer = {}
    for catalog_id, day in questions:
        mine = [v for v in versions if v["catalog_id"] == catalog_id]
        if not mine:
            held = ", ".join(sorted({v["catalog_id"] for v in versions})) or "none"
            raise NotInForce(f"no catalog {catalog_id!r} is loaded; loaded: {held}")
        current = [v for v in mine if v["effective_from"] <= day]
        if not current:
            raise NotInForce(
                f"no version of catalog {catalog_id!r} is in force on {day}; "
                f"the first takes effect {mine[0]['effective_from']}"
            )
        answer[(catalog_id, day)] = current[-1]["version"]
    return answer


def run_rescore(
    backend,
    tables: LedgerTables,
    catalog_id: str,
    as_of: dt.date,
    out: str | Path,
    *,
    lists_out: str | Path | None = None,
    phase: Phase | None = None,
) -> RescoreReport:
    """Rescore every subject of ``catalog_id``'s kind on ``as_of`` and write the
    standings to ``out`` and the list entries to ``lists_out`` (default: beside ``out``,
    see :func:`lists_path`)."""
    tell = phase or (lambda name: None)
    timings: dict[str, float] = {}
    lists_out = str(lists_out or lists_path(out))

    started = time.perf_counter()
    tell("checking the question")
    version = check_questions(backend, tables, [(catalog_id, as_of)])[(catalog_id, as_of)]
    timings["check"] = time.perf_counter() - started

    started = time.perf_counter()
    tell("working out every record's timeline")
    # Staged: on DuckDB this is where the timelines are computed; Spark computes them
    # with the scores, lazily.
    job = rescore(tables, [(catalog_id, as_of)], stage=stage_for(backend))
    timings["timelines"] = time.perf_counter() - started

    started = time.perf_counter()
    tell("scoring every subject")
    write_parquet(backend, job.standings, out)
    timings["scores"] = time.perf_counter() - started

    started = time.perf_counter()
    tell("placing list entries")
    write_parquet(backend, job.entries, lists_out)
    timings["lists"] = time.perf_counter() - started

    started = time.perf_counter()
    tell("counting grades")
    # Counted from what was written, so that the scores are not computed twice.
    written = backend.read_parquet(str(out))
    versions = tables.versions
    # The question, as a row on the backend (a memtable would be built with pandas).
    asked = (
        versions.filter((versions.catalog_id == catalog_id) & (versions.version == version))
        .select(catalog=versions.catalog_id, as_of=ibis.literal(as_of, type="date"), version=versions.version)
        .distinct()
    )
    rows = to_rows(backend, grade_distribution(written, tables, asked))
    entries = to_rows(backend, backend.read_parquet(lists_out).aggregate(n=ibis._.count()))[0]["n"]
    timings["grades"] = time.perf_counter() - started

    return RescoreReport(
        catalog=catalog_id,
        as_of=as_of,
        version=version,
        engine=engine_of(backend),
        out=str(out),
        lists_out=lists_out,
        subjects=sum(r["subjects"] for r in rows),
        entries=int(entries),
        distribution=[(r["grade"], int(r["subjects"])) for r in rows],
        timings=timings,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Command line for ``spark-submit`` (or ``python -m xinyong.batch.job``)."""
    parser = argparse.ArgumentParser(
        prog="xinyong-rescore-job",
        description="Rescore every subject under a catalog on a day, over an export.",
    )
    parser.add_argument("--export", required=True, help="export folder or URL (hdfs://, s3a://)")
    parser.add_argument("--catalog", required=True)
    parser.add_argument("--as-of", required=True, type=dt.date.fromisoformat)
    parser.add_argument("--out", required=True, help="where the standings go")
    parser.add_argument("--lists-out", help="where the list entries go (default: beside --out)")
    parser.add_argument("--engine", choices=ENGINES, default="spark")
    parser.add_argument("--jurisdiction", help="read only this jurisdiction's partitions")
    parser.add_argument("--master", help="Spark master, when not given by spark-submit")
    args = parser.parse_args(argv)

    backend = connect(args.engine, master=args.master)
    tables = read_export(backend, args.export, jurisdiction=args.jurisdiction)
    try:
        report = run_rescore(
            backend,
            tables,
            args.catalog,
            args.as_of,
            args.out,
            lists_out=args.lists_out,
            phase=lambda name: print(f"... {name}", file=sys.stderr),
        )
    except NotInForce as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(
        f"{report.catalog} version {report.version} on {report.as_of} ({report.engine}): "
        f"{report.subjects} subjects, {report.entries} list entries"
    )
    for grade, count in report.distribution:
        share = count / report.subjects if report.subjects else 0.0
        print(f"  {grade:>6} {count:>12} {share:7.2%}")
    print("timings: " + ", ".join(f"{k} {v:.2f}s" for k, v in report.timings.items()))
    print(f"standings: {report.out}\nlist entries: {report.lists_out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
