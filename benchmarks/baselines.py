"""The bare baselines, each run as its own process like the command it is measured
against (`python -m benchmarks.baselines NAME ...`), so that both sides are timed and
their memory read the same way:

- ``sqlite FILE DB``: parse each line and ``executemany`` it into one table with the
  indexes a ledger needs (record, subject, rule, one row per record), one transaction,
  WAL and ``synchronous=FULL`` as Xinyong opens SQLite;
- ``postgresql FILE URL``: the same table filled by binary ``COPY``;
- ``duckdb FILE OUT``: DuckDB reading the same file and summing the points of each
  subject's records (no windows, disputes, caps or lists), written to Parquet.

Lines stream through in batches: memory stays flat whatever the file size."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

BATCH = 10_000
TABLE = (
    "CREATE TABLE raw_ledger (seq {key}, kind TEXT NOT NULL, record_id TEXT, subject TEXT, "
    "rule TEXT, occurred_on {day}, body TEXT NOT NULL)"
)
INDEXES = (
    "CREATE INDEX raw_record ON raw_ledger (record_id)",
    "CREATE INDEX raw_subject ON raw_ledger (subject)",
    "CREATE INDEX raw_rule ON raw_ledger (rule)",
    "CREATE UNIQUE INDEX raw_one ON raw_ledger (record_id) WHERE kind = 'record'",
)


def rows(path: Path, day=str) -> Iterator[tuple]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            e = json.loads(line)
            kind = e["type"]
            occurred = e.get("occurred_on")
            yield (
                kind,
                e.get("id") if kind == "record" else e.get("record"),
                e.get("subject"),
                e.get("rule"),
                day(occurred) if occurred else None,
                line.rstrip("\n"),
            )


def sqlite(events: Path, db: Path) -> None:
    import sqlite3

    connection = sqlite3.connect(db, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute(TABLE.format(key="INTEGER PRIMARY KEY", day="TEXT"))
    for index in INDEXES:
        connection.execute(index)
    connection.execute("BEGIN")
    source = rows(events)
    while batch := list(islice(source, BATCH)):
        connection.executemany(
            "INSERT INTO raw_ledger (kind, record_id, subject, rule, occurred_on, body) VALUES (?, ?, ?, ?, ?, ?)",
            batch,
        )
    connection.execute("COMMIT")
    connection.close()


def postgresql(events: Path, url: str) -> None:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        connection.execute(TABLE.format(key="bigserial PRIMARY KEY", day="date"))
        for index in INDEXES:
            connection.execute(index)
        with (
            connection.cursor() as cursor,
            cursor.copy(
                "COPY raw_ledger (kind, record_id, subject, rule, occurred_on, body) FROM STDIN (FORMAT BINARY)"
            ) as copy,
        ):
            copy.set_types(["text", "text", "text", "text", "date", "text"])
            for row in rows(events, dt.date.fromisoformat):
                copy.write_row(row)
        connection.commit()


def duckdb(events: Path, out: Path) -> None:
    import duckdb as db

    from benchmarks.population import rule_points

    connection = db.connect()
    connection.execute("CREATE TABLE points (rule VARCHAR, points INTEGER)")
    connection.executemany("INSERT INTO points VALUES (?, ?)", list(rule_points().items()))
    connection.execute(
        f"""COPY (
              SELECT e.subject, 1000 + SUM(p.points) AS score
              FROM read_json(?, format = 'newline_delimited',
                             columns = {{type: 'VARCHAR', subject: 'VARCHAR', rule: 'VARCHAR'}}) e
              JOIN points p ON p.rule = e.rule
              WHERE e.type = 'record'
              GROUP BY e.subject
            ) TO '{out}' (FORMAT PARQUET)""",
        [str(events)],
    )
    connection.close()


if __name__ == "__main__":
    name, source, target = sys.argv[1:4]
    {
        "sqlite": lambda: sqlite(Path(source), Path(target)),
        "postgresql": lambda: postgresql(Path(source), target),
        "duckdb": lambda: duckdb(Path(source), Path(target)),
    }[name]()
