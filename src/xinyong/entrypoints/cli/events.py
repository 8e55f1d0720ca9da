"""Import: apply a file of events to the ledger."""

from __future__ import annotations

import gc
import io
import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from xinyong.entrypoints.cli.root import deployment_or_exit, err, fail, out
from xinyong.services.intake import ImportRefused

# ------------------------------------------------------------------------------- import

# Events from which a file is imported as a bulk load: on SQLite, through a rollback
# journal when nothing else has the database open (xinyong.adapters.storage.wal). Below
# it, an import is short enough that the write-ahead log costs it little, and others
# keep reading the database while it runs.
BULK_LINES = 100_000


def _first_line_not_utf8(path: Path) -> str:
    """Where a file stops being UTF-8: ``FILE:LINE: not valid UTF-8 (...)``."""
    with path.open("rb") as raw:
        for number, line in enumerate(raw, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as error:
                return (
                    f"{path}:{number}: not valid UTF-8: byte 0x{line[error.start]:02x} "
                    f"at byte {error.start + 1} of the line"
                )
    return f"{path}: not valid UTF-8"


def import_events(
    file: Annotated[
        Path, typer.Argument(help="Events: JSON Lines, CSV or Parquet ('-' for JSON Lines on standard input).")
    ],
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Write the good lines; put the bad ones in a rejects file.")
    ] = False,
    rejects: Annotated[
        Path | None,
        typer.Option("--rejects", help="Where bad lines go with --skip-invalid (default: FILE.rejects.jsonl)."),
    ] = None,
    file_format: Annotated[
        str | None, typer.Option("--format", help="jsonl, csv or parquet (default: from the file's extension).")
    ] = None,
    shared: Annotated[
        bool,
        typer.Option(
            "--shared",
            help=f"Let other processes read a SQLite database during the import of a file of {BULK_LINES:,} "
            "events or more (slower: by default such a file is written through a rollback journal when nothing "
            "else has the database open, and others wait for it).",
        ),
    ] = False,
) -> None:
    """Apply events in file order, in one transaction: a bad line is reported with its
    number and nothing of the file is written. Re-importing the same file is a no-op.
    Files of any size stream through in batches."""
    from xinyong.adapters.event_files import EventFileError, open_event_file
    from xinyong.domain.events import parse_lines

    if str(file) == "-":
        # Bytes that are not UTF-8 reach parse_event_line as lone surrogates, which it
        # refuses with the line's number, like any other bad line.
        stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="surrogateescape")
        events, total = parse_lines(stdin), None
    else:
        try:
            source = open_event_file(file, file_format)
        except EventFileError as error:
            raise fail(str(error), 2) from None
        events, total = source.events(), source.total
    deployment = deployment_or_exit()
    try:
        bulk = not shared and total is not None and total >= BULK_LINES
        _import_into(deployment, file, events, total, skip_invalid, rejects, bulk)
    finally:
        # Closed here, not left to the end of the process: with the start-up's objects
        # frozen below, the connections would never be closed, and SQLite would keep a
        # write-ahead log as large as the import beside the database.
        deployment.close()


def _import_into(
    deployment, file: Path, events, total: int | None, skip_invalid: bool, rejects: Path | None, bulk: bool
) -> None:
    from xinyong.adapters.event_files import EventFileError

    # What the start-up made (modules, SQLAlchemy's tables, pydantic's schemas: some
    # hundred thousand objects) lives as long as the command. Set apart from the cyclic
    # collector, its full passes, a few every batch of events, no longer go through all
    # of it again: a tenth of an import's time went there. What the import makes from
    # here on is collected as before, so that memory stays flat.
    gc.collect()
    gc.freeze()
    target = rejects or Path(f"{file}.rejects.jsonl")
    handle = None

    def on_reject(r) -> None:
        nonlocal handle
        if skip_invalid:
            if handle is None:
                handle = target.open("w", encoding="utf-8", errors="backslashreplace")
            handle.write(json.dumps({"line": r.line, "reason": r.reason, "text": r.text}, ensure_ascii=False) + "\n")

    with Progress(
        TextColumn("[bold]importing[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task("import", total=total, rate="")
        started = time.perf_counter()

        def advance(done: int) -> None:
            rate = done / max(time.perf_counter() - started, 1e-9)
            progress.update(task, completed=done, rate=f"{rate:,.0f} events/s")

        models = None

        def recompute(done: int, total: int | None) -> None:
            # After the last event: the touched subjects' read models, before the commit.
            nonlocal models
            if models is None:
                models = progress.add_task("read models", total=total, rate="subjects' read models")
            progress.update(models, completed=done)

        try:
            with deployment.read_models.reporting(recompute):
                result = deployment.intake.apply(
                    events, skip_invalid=skip_invalid, progress=advance, on_reject=on_reject, bulk=bulk
                )
        except ImportRefused as refused:
            progress.stop()
            for r in refused.rejections[:20]:
                err.print(f"{file}:{r.line}: {r.reason}", markup=False)
            if refused.count > 20:
                err.print(f"... and {refused.count - 20} more bad lines")
            raise fail(
                f"{refused.count} bad line(s) in {file}; nothing was written "
                "(use --skip-invalid to write the good lines)"
            ) from None
        except EventFileError as error:
            raise fail(f"{error}; nothing was written") from None
        except UnicodeDecodeError:
            progress.stop()
            raise fail(f"{_first_line_not_utf8(file)}; nothing was written") from None
        finally:
            if handle is not None:
                handle.close()
    if result.rejected_count:
        err.print(f"{result.rejected_count} bad line(s) skipped; written to {target}")
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(result.written_by_type.items())) or "nothing new"
    out.print(
        f"{file}: {result.read} event(s) read, {result.written} written ({kinds}), {result.unchanged} already applied"
    )
