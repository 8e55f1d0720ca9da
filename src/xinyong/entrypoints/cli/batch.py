"""Batch work: the Parquet export, and rescoring on DuckDB or Spark."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from xinyong.adapters.event_files import BATCH_EXTRA
from xinyong.domain.standing import NotInForce
from xinyong.entrypoints.cli.root import AsOf, day_asked, deployment_or_exit, err, fail, out, print_json

# ------------------------------------------------------------------ batch: export, rescore


def _batch_progress() -> Progress:
    from rich.progress import SpinnerColumn

    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


def _export_to(folder: Path, progress: Progress):
    """Export the deployment's ledger to ``folder``, showing each phase."""
    try:
        from xinyong.batch.export import ExportError, export_ledger
    except ImportError:
        raise fail(f"batch jobs need the batch extra: {BATCH_EXTRA}", 2) from None

    deployment = deployment_or_exit()
    task = progress.add_task("exporting", total=None)
    labels = {
        "reading": "reading the ledger",
        "records": "writing records",
        "events": "writing later events",
        "subjects": "writing subjects",
    }

    def report(phase: str, done: int, total: int | None) -> None:
        progress.update(task, description=labels.get(phase, phase), completed=done, total=total)

    try:
        summary = export_ledger(deployment.store, deployment.catalogs.registry(), folder, progress=report)
    except ExportError as error:
        raise fail(escape(str(error)), 2) from None
    progress.remove_task(task)
    return summary


def export_command(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the export (new, empty, or an earlier export).")],
) -> None:
    """Export the ledger and the catalogs to Parquet for batch jobs: records, their
    events and subjects partitioned by jurisdiction (hive-style folders), subjects keyed
    by a keyed hash, no names or identity numbers. See docs/spark.md."""
    started = time.perf_counter()
    with _batch_progress() as progress:
        summary = _export_to(out_dir, progress)
    out.print(
        f"exported {summary.records} records, {summary.events} later events, {summary.subjects} "
        f"subjects and {summary.catalog_versions} catalog versions to {escape(str(out_dir))} "
        f"in {time.perf_counter() - started:.1f}s; partitions: {', '.join(summary.jurisdictions) or 'none'}"
    )


def rescore_command(
    catalog: Annotated[str, typer.Option("--catalog", help="Catalog id.")],
    out_file: Annotated[
        Path, typer.Option("--out", help="Parquet file for the standings (a folder of part files on Spark).")
    ],
    as_of: AsOf = None,
    engine: Annotated[
        str, typer.Option("--engine", help="duckdb (one machine) or spark (PySpark; the 'spark' extra).")
    ] = "duckdb",
    export_dir: Annotated[
        Path | None,
        typer.Option(
            "--export-dir",
            help="Export --db here first and rescore the export (default on DuckDB: read the database itself; "
            "on Spark: export to a temporary folder).",
        ),
    ] = None,
    from_export: Annotated[
        str | None,
        typer.Option("--from-export", help="Rescore an existing export (folder or URL) instead of exporting --db."),
    ] = None,
    lists_out: Annotated[
        Path | None,
        typer.Option("--lists-out", help="Parquet for the list entries (default: FILE.lists.parquet beside --out)."),
    ] = None,
    jurisdiction: Annotated[
        str | None,
        typer.Option(
            "--jurisdiction", help="Only subjects of this jurisdiction and those inside it (a province's partitions)."
        ),
    ] = None,
    spark_master: Annotated[
        str | None, typer.Option("--spark-master", help="Spark master URL, e.g. local[4], yarn, spark://host:7077.")
    ] = None,
    memory_limit: Annotated[
        str | None,
        typer.Option(
            "--memory-limit",
            help="DuckDB's memory limit, e.g. 6GB (default: 80% of the machine's); past it the job spills to "
            "a temporary folder.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object.")] = False,
) -> None:
    """Rescore every subject of a catalog's kind on a day: score, grade, coverage and
    list entries, as a dataframe job. On DuckDB the job reads the database itself (no
    identity is opened); on Spark, or with --export-dir, it runs over the ledger exported
    to Parquet (or an existing export, --from-export). Prints the grade distribution and
    the time each phase took."""
    import tempfile

    try:
        import duckdb

        from xinyong.batch.database import LedgerUnreadable, read_database
        from xinyong.batch.engines import ENGINES, SPARK_EXTRA, EngineUnavailable, connect, read_export
        from xinyong.batch.job import run_rescore
    except ImportError:
        raise fail(f"batch jobs need the batch extra: {BATCH_EXTRA}", 2) from None

    if engine not in ENGINES:
        raise fail(f"--engine: {engine!r} is not one of {', '.join(ENGINES)}", 2)
    if from_export and export_dir:
        raise fail("give --export-dir (export --db there) or --from-export (use an export), not both", 2)
    day = day_asked(as_of)
    timings: dict[str, float] = {}
    # Straight from the database on DuckDB; Spark's executors read files.
    direct = engine == "duckdb" and not from_export and export_dir is None
    with tempfile.TemporaryDirectory(prefix="xinyong-export-") as scratch, _batch_progress() as progress:
        source: str | Path | None = None
        if from_export:
            source = from_export
            if "://" not in from_export and not (Path(from_export) / "manifest.json").is_file():
                progress.stop()
                raise fail(
                    f"--from-export: {escape(from_export)} is not an export (no manifest.json); "
                    "make one with: xinyong export --out DIR",
                    2,
                )
        elif not direct:
            source = export_dir or Path(scratch) / "export"
            started = time.perf_counter()
            _export_to(Path(source), progress)
            timings["export"] = time.perf_counter() - started
        task = progress.add_task(f"starting {engine}", total=None)
        started = time.perf_counter()
        try:
            backend = connect(
                engine,  # type: ignore[arg-type]
                master=spark_master,
                memory_limit=memory_limit,
                spill_to=Path(scratch) / "spill",
            )
        except EngineUnavailable:
            progress.stop()
            raise fail(f"the Spark engine needs PySpark: {SPARK_EXTRA}", 2) from None
        except duckdb.Error as refused:
            progress.stop()
            raise fail(f"--memory-limit: {escape(repr(memory_limit))}: {escape(str(refused))}", 2) from None
        if source is None:
            deployment = deployment_or_exit()
            try:
                tables = read_database(
                    backend,
                    deployment.store,
                    deployment.catalogs.registry(),
                    jurisdiction=jurisdiction,
                    progress=lambda phase, done: progress.update(task, description=f"{phase}: {done:,} rows"),
                )
            except LedgerUnreadable as error:
                progress.stop()
                raise fail(escape(str(error))) from None
            timings["read"] = time.perf_counter() - started
        else:
            tables = read_export(backend, source, jurisdiction=jurisdiction)
            timings["engine"] = time.perf_counter() - started
        try:
            report = run_rescore(
                backend,
                tables,
                catalog,
                day,
                out_file,
                lists_out=lists_out,
                phase=lambda name: progress.update(task, description=name),
            )
        except NotInForce as error:
            progress.stop()
            raise fail(escape(str(error))) from None
    timings.update(report.timings)
    if as_json:
        print_json(
            {
                "catalog": report.catalog,
                "as_of": report.as_of.isoformat(),
                "version": report.version,
                "engine": report.engine,
                "out": report.out,
                "lists_out": report.lists_out,
                "subjects": report.subjects,
                "entries": report.entries,
                "distribution": [{"grade": g, "subjects": n} for g, n in report.distribution],
                "timings": {k: round(v, 3) for k, v in timings.items()},
            }
        )
        return
    table = Table("grade", "subjects", "share", title=f"{report.catalog} {report.version} on {report.as_of}")
    for grade, count in report.distribution:
        share = f"{count / report.subjects:.1%}" if report.subjects else "-"
        table.add_row(grade, str(count), share)
    out.print(table)
    out.print(f"{report.subjects} subjects, {report.entries} list entries in effect ({report.engine})")
    out.print("time: " + ", ".join(f"{phase} {seconds:.2f}s" for phase, seconds in timings.items()))
    out.print(f"standings: {escape(report.out)}\nlist entries: {escape(report.lists_out)}")
