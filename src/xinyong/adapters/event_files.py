"""Event files: JSON Lines, CSV and Parquet, read as a stream of numbered, parsed events
so that a file of any size is imported in bounded memory."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from xinyong.domain.events import Parsed, parse_lines, parse_objects

FORMATS = ("jsonl", "csv", "parquet")
BATCH_EXTRA = "pip install 'xinyong[batch]' (in a checkout: uv sync --extra batch)"


class EventFileError(ValueError):
    """A file that cannot be read as events at all."""


@dataclass
class EventFile:
    path: Path
    format: str
    total: int | None  # events in the file, when known up front

    def events(self) -> Iterator[Parsed]:
        if self.format == "jsonl":
            with self.path.open(encoding="utf-8") as handle:
                yield from parse_lines(handle)
        elif self.format == "csv":
            yield from _csv_events(self.path)
        else:
            yield from _parquet_events(self.path)


def detect_format(path: Path, given: str | None = None) -> str:
    if given:
        if given not in FORMATS:
            raise EventFileError(f"--format: {given!r} is not one of {', '.join(FORMATS)}")
        return given
    suffix = path.suffix.lower()
    return {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}.get(suffix, "jsonl")


def open_event_file(path: Path, given: str | None = None) -> EventFile:
    """Open an event file and count its events where that is cheap."""
    fmt = detect_format(path, given)
    if not path.exists():
        raise EventFileError(f"{path}: no such file")
    try:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            total: int | None = pq.ParquetFile(path).metadata.num_rows
        else:
            with path.open("rb") as handle:
                total = sum(1 for line in handle if line.strip())
            if fmt == "csv":
                total = max(total - 1, 0)
    except OSError as error:
        raise EventFileError(f"{path}: cannot read: {error.strerror or error}") from None
    except ImportError:
        raise EventFileError(f"{path}: Parquet needs the batch extra: {BATCH_EXTRA}") from None
    except Exception as error:  # noqa: BLE001 - a corrupt Parquet footer, say
        raise EventFileError(f"{path}: not a readable {fmt} file: {error}") from None
    return EventFile(path, fmt, total)


def _clean(row: dict) -> dict:
    """Drop empty cells; dates become ISO text."""
    cleaned = {}
    for key, value in row.items():
        if value is None or value == "" or key is None:
            continue
        if isinstance(value, dt.datetime):
            value = value.date().isoformat()
        elif isinstance(value, dt.date):
            value = value.isoformat()
        cleaned[key] = value
    return cleaned


def _csv_events(path: Path) -> Iterator[Parsed]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "type" not in reader.fieldnames:
            raise EventFileError(f"{path}: a CSV of events needs a header row with a 'type' column")
        for row in reader:
            if None in row:
                extra = row.pop(None)
                yield from _as_error(reader.line_num, row, f"more cells than header columns ({extra!r})")
                continue
            yield from parse_objects([_clean(row)], first=reader.line_num)


def _as_error(line: int, row: dict, message: str) -> Iterator[Parsed]:
    import json

    yield (line, json.dumps(row, ensure_ascii=False), None, message)


def _parquet_events(path: Path) -> Iterator[Parsed]:
    import pyarrow.parquet as pq

    number = 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=10_000):
        rows = [_clean(r) for r in batch.to_pylist()]
        yield from parse_objects(rows, first=number + 1)
        number += len(rows)
