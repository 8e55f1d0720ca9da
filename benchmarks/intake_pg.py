"""Intake into PostgreSQL: events per second through `xinyong import` run as a user runs
it (validated, sealed, hash-chained, written with binary COPY in one transaction),
against a raw binary COPY of the same events into a table with the same indexes, on a
throwaway server, in the same run.

Environment: BENCH_INTAKE_PERSONS (default 20000; about 5.4 events a person),
BENCH_INTAKE_INSIDE=1 (also time `Intake.import_lines` in this process)."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path

from benchmarks.common import ROOT, population_lines, report, timed
from benchmarks.intake import xinyong_import


def raw_copy(lines: list[str], url: str) -> float:
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as connection:
        connection.execute(
            "CREATE TABLE raw_ledger (seq bigserial PRIMARY KEY, kind text NOT NULL, record_id text, "
            "subject text, rule text, occurred_on date, body text NOT NULL)"
        )
        connection.execute("CREATE INDEX raw_record ON raw_ledger (record_id)")
        connection.execute("CREATE INDEX raw_subject ON raw_ledger (subject)")
        connection.execute("CREATE INDEX raw_rule ON raw_ledger (rule)")
        connection.execute("CREATE UNIQUE INDEX raw_one ON raw_ledger (record_id) WHERE kind = 'record'")
        connection.commit()
        with timed() as t:
            with (
                connection.cursor() as cursor,
                cursor.copy(
                    "COPY raw_ledger (kind, record_id, subject, rule, occurred_on, body) FROM STDIN (FORMAT BINARY)"
                ) as copy,
            ):
                copy.set_types(["text", "text", "text", "text", "date", "text"])
                for line in lines:
                    e = json.loads(line)
                    record_id = e.get("id") if e["type"] == "record" else e.get("record")
                    occurred = e.get("occurred_on")
                    copy.write_row(
                        (
                            e["type"],
                            record_id,
                            e.get("subject"),
                            e.get("rule"),
                            dt.date.fromisoformat(occurred) if occurred else None,
                            line,
                        )
                    )
            connection.commit()
    return t["seconds"]


def xinyong_intake(lines: list[str], url: str, folder: Path) -> float:
    from xinyong.bootstrap import open_deployment
    from xinyong.settings import Settings

    deployment = open_deployment(url, Settings(db=url, key_file=str(folder / "key"), notice_interval=0))
    deployment.catalogs.load(sorted((ROOT / "catalogs").glob("*.toml")))
    with timed() as t:
        result = deployment.intake.import_lines(lines)
    assert result.written == len(lines)
    deployment.close()
    return t["seconds"]


def main() -> None:
    import sys

    sys.path.insert(0, str(ROOT))
    try:
        from tests.postgres import PostgresServer, PostgresUnavailable
    except ImportError:
        print("\n== intake into PostgreSQL: skipped (tests/postgres.py not found)")
        return
    persons = int(os.environ.get("BENCH_INTAKE_PERSONS", "20000"))
    lines = population_lines(persons, persons // 10)
    try:
        server = PostgresServer.start()
    except PostgresUnavailable as error:
        print(f"\n== intake into PostgreSQL: skipped ({error})")
        return
    try:
        with tempfile.TemporaryDirectory() as folder:
            raw = raw_copy(lines, server.new_database())
            ours, peak, ours_cpu = xinyong_import(lines, Path(folder), server.new_database())
            inside = (
                xinyong_intake(lines, server.new_database(), Path(folder))
                if os.environ.get("BENCH_INTAKE_INSIDE")
                else None
            )
    finally:
        server.stop()
    n = len(lines)
    rows = [
        ("raw binary COPY", f"{n / raw:,.0f} events/s ({raw:.2f} s)"),
        (
            "xinyong import (the command)",
            f"{n / ours:,.0f} events/s ({ours:.2f} s; CPU of the command {ours_cpu:.2f} s), peak {peak:,.0f} MiB",
        ),
        ("ratio", f"{raw / ours:.2f} of the raw rate (goal: 0.5)"),
    ]
    if inside is not None:
        rows.append(
            ("Intake.import_lines in process", f"{n / inside:,.0f} events/s ({inside:.2f} s), ratio {raw / inside:.2f}")
        )
    report(f"intake into PostgreSQL: {n} events", rows)
