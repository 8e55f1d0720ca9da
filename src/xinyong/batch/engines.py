"""The engines the rescoring job runs on: DuckDB (the default, one machine) and Apache
Spark through PySpark (an optional extra, for clusters). Connecting, reading an export
and writing results are the only places where the two differ.

PySpark is imported only when the Spark engine is asked for."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from xinyong.batch.rescore import LedgerTables, age_on

ENGINES = ("duckdb", "spark")
EngineName = Literal["duckdb", "spark"]
SPARK_EXTRA = "install the extra: uv sync --extra spark"

# Spark on one machine: a few shuffle partitions (the default 200 is made for clusters).
LOCAL_SHUFFLE_PARTITIONS = "4"


class EngineUnavailable(RuntimeError):
    """An engine whose libraries are not installed."""


def spark_session(master: str | None = None, conf: dict[str, str] | None = None):
    """A Spark session: the active one if there is one (``spark-submit`` made it), else
    a new one on ``master`` (default: the one ``spark-submit`` or ``spark-defaults.conf``
    gives, else ``local[*]``). On a local master it uses few shuffle partitions and no
    web UI."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise EngineUnavailable(f"the Spark engine needs PySpark; {SPARK_EXTRA}") from None
    active = SparkSession.getActiveSession()
    if active is not None and master is None and not conf:
        return active
    builder = SparkSession.builder.appName("xinyong-rescore")
    settings = {"spark.ui.showConsoleProgress": "false", "spark.sql.session.timeZone": "UTC"}
    if master is not None:
        builder = builder.master(master)
        if master.startswith("local"):
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
            settings["spark.ui.enabled"] = "false"
    settings.update(conf or {})
    for key, value in settings.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    given = session.sparkContext.getConf().contains("spark.sql.shuffle.partitions")
    if session.sparkContext.master.startswith("local") and not given:
        session.conf.set("spark.sql.shuffle.partitions", LOCAL_SHUFFLE_PARTITIONS)
    return session


def connect(
    engine: EngineName = "duckdb",
    *,
    session: Any = None,
    master: str | None = None,
    memory_limit: str | None = None,
    spill_to: str | Path | None = None,
):
    """An Ibis backend for ``engine``: an in-process DuckDB, or PySpark on ``session``
    (default: :func:`spark_session` on ``master``). DuckDB keeps to ``memory_limit``
    (``"6GB"``; default: DuckDB's, 80 % of the machine's memory) and spills past it to
    the folder ``spill_to`` (default: ``.tmp`` where it runs)."""
    if engine == "duckdb":
        config = {}
        if memory_limit is not None:
            config["memory_limit"] = memory_limit
        if spill_to is not None:
            config["temp_directory"] = str(spill_to)
        return ibis.duckdb.connect(**config)
    if engine == "spark":
        try:
            import pyspark  # noqa: F401
        except ImportError:
            raise EngineUnavailable(f"the Spark engine needs PySpark; {SPARK_EXTRA}") from None
        return ibis.pyspark.connect(session or spark_session(master))
    raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")


def engine_of(backend) -> EngineName:
    return "spark" if backend.name == "pyspark" else "duckdb"


def _join(base: str | Path, *parts: str) -> str:
    """A path under ``base``, which may be a local folder or a URL (hdfs://, s3a://)."""
    text = str(base).rstrip("/")
    return "/".join([text, *parts])


def _partitioned(backend, base: str | Path, name: str) -> ir.Table:
    folder = _join(base, name)
    if engine_of(backend) == "duckdb":
        return backend.read_parquet(f"{folder}/**/*.parquet", hive_partitioning=True)
    return backend.read_parquet(folder)


def _inside(table: ir.Table, jurisdiction: str) -> ir.Table:
    # A filter on the partition column: both engines read only the matching folders.
    j = table.jurisdiction
    return table.filter((j == jurisdiction) | j.startswith(jurisdiction + "-"))


def read_export(backend, export: str | Path, *, jurisdiction: str | None = None) -> LedgerTables:
    """The tables of an export folder (:mod:`xinyong.batch.export`) on ``backend``.

    With ``jurisdiction``, records, events and subjects are read only from the
    partitions of that jurisdiction and those inside it (a province and its cities):
    subjects elsewhere, and those of no known jurisdiction, are left out."""
    tables = {name: _partitioned(backend, export, name) for name in ("records", "events", "subjects")}
    if jurisdiction is not None:
        tables = {name: _inside(t, jurisdiction) for name, t in tables.items()}
    catalog = {
        name: backend.read_parquet(_join(export, "catalog", f"{name}.parquet"))
        for name in ("versions", "rules", "lists", "grades")
    }
    subjects = tables["subjects"]
    # A partition column whose every value is null (no subject has a jurisdiction yet)
    # is typed null by Spark's inference; it is text.
    subjects = subjects.mutate(jurisdiction=subjects.jurisdiction.cast("string"))
    records = tables["records"].drop("jurisdiction")
    if "birth_date" in records.columns:
        # An export of format 1 kept the birth date of a person (null for an
        # organisation); the job needs only whether the person was a minor when the act
        # happened, which format 2 keeps instead.
        born = records.birth_date
        records = records.mutate(
            minor=ibis.ifelse(born.isnull(), ibis.null("boolean"), age_on(born, records.occurred_on) < 18)
        ).drop("birth_date")
    return LedgerTables(
        records=records,
        events=tables["events"].drop("jurisdiction"),
        subjects=subjects,
        **catalog,
    )


def stage_for(backend):
    """How :func:`xinyong.batch.rescore.rescore` should keep the tables that several of
    its steps share on ``backend``: materialised once, as a temporary table on DuckDB
    and a persisted dataframe on Spark."""

    def stage(table: ir.Table) -> ir.Table:
        # Tables made in memory (the questions) must be registered before either.
        backend._run_pre_execute_hooks(table)  # noqa: SLF001
        if engine_of(backend) == "spark":
            return table.cache()
        # Ibis's own cache cannot drop its tables with the sqlglot installed beside
        # DuckDB 2; a temporary table goes with the connection.
        name = ibis.util.gen_name("xinyong_stage")
        backend.raw_sql(f'CREATE OR REPLACE TEMP TABLE "{name}" AS {backend.compile(table)}')
        return backend.table(name)

    return stage


def write_parquet(backend, expr: ir.Table, path: str | Path) -> None:
    """Write ``expr``'s rows to ``path``, typed as ``expr.schema()`` says: one Parquet
    file on DuckDB; on Spark, a folder of part files (``path/part-*.parquet``) written by
    the executors, which pyarrow, DuckDB and Spark all read as one table."""
    if engine_of(backend) == "spark":
        backend.to_parquet(expr, str(path), mode="overwrite")
        return
    # DuckDB's own types can be wider than Ibis's (a sum of BIGINT is a HUGEINT, which
    # Parquet would store as a double), and Ibis leaves out casts to the type it believes
    # a column has: cast every column in SQL.
    backend._run_pre_execute_hooks(expr)  # noqa: SLF001
    columns = ", ".join(
        f'CAST("{name}" AS {backend.compiler.type_mapper.to_string(dtype)}) AS "{name}"'
        for name, dtype in expr.schema().items()
    )
    target = str(path).replace("'", "''")
    backend.raw_sql(f"COPY (SELECT {columns} FROM ({backend.compile(expr)})) TO '{target}' (FORMAT parquet)")


def to_arrow(backend, expr: ir.Table) -> pa.Table:
    """``expr``'s rows, collected to this process."""
    return backend.to_pyarrow(expr)


def to_rows(backend, expr: ir.Table) -> list[dict[str, Any]]:
    """``expr``'s rows as dicts, collected to this process: for the few rows a report
    needs. On DuckDB they are fetched with the compiled query, as Python values, since
    Ibis's own conversion imports pandas, which would be much of the command's start-up."""
    if engine_of(backend) == "spark":
        return to_arrow(backend, expr).to_pylist()
    backend._run_pre_execute_hooks(expr)  # noqa: SLF001
    cursor = backend.raw_sql(backend.compile(expr))
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
