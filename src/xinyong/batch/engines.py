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

from xinyong.batch.rescore import LedgerTables

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
    if session.sparkContext.master.startswith("local") and "spark.sql.shuffle.partitions" not in (conf or {}):
        session.conf.set("spark.sql.shuffle.partitions", LOCAL_SHUFFLE_PARTITIONS)
    return session


def connect(engine: EngineName = "duckdb", *, session: Any = None, master: str | None = None):
    """An Ibis backend for ``engine``: an in-process DuckDB, or PySpark on ``session``
    (default: :func:`spark_session` on ``master``)."""
    if engine == "duckdb":
        return ibis.duckdb.connect()
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
    return LedgerTables(
        records=tables["records"].drop("jurisdiction"),
        events=tables["events"].drop("jurisdiction"),
        subjects=tables["subjects"],
        **catalog,
    )


def write_parquet(backend, expr: ir.Table, path: str | Path) -> None:
    """Write ``expr``'s rows to ``path``: one Parquet file on DuckDB; on Spark, a folder
    of part files (``path/part-*.parquet``), written by the executors, which pyarrow,
    DuckDB and Spark all read as one table."""
    if engine_of(backend) == "duckdb":
        backend.to_parquet(expr, str(path))
    else:
        backend.to_parquet(expr, str(path), mode="overwrite")


def to_arrow(backend, expr: ir.Table) -> pa.Table:
    """``expr``'s rows, collected to this process."""
    return backend.to_pyarrow(expr)
