"""The ledger's audit: verify the chain, write signed checkpoints."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from xinyong.entrypoints.cli.root import configured, deployment_or_exit, err, fail, out

ledger_app = typer.Typer(help="Audit the ledger.", no_args_is_help=True)

# ------------------------------------------------------------------------------- ledger


@ledger_app.command("verify")
def ledger_verify(
    checkpoint: Annotated[
        Path | None,
        typer.Option(
            "--checkpoint",
            help="A signed checkpoint: fail on anything added, altered, removed or reordered "
            "before it. Default: the newest in $XINYONG_CHECKPOINT_DIR, if any.",
        ),
    ] = None,
    trust: Annotated[
        str | None,
        typer.Option("--trust", help="The public key the checkpoint must be signed with (default: this node's)."),
    ] = None,
) -> None:
    """Recompute the keyed chain of every append-only table (the ledger, catalogs,
    notices, deliveries, cases, access log) and check it against a signed checkpoint."""
    from xinyong.adapters.storage import checkpoint as checkpoints

    deployment = deployment_or_exit()
    settings = configured()
    if checkpoint is None and settings.checkpoint_dir:
        checkpoint = checkpoints.newest(Path(settings.checkpoint_dir))
    anchor = None
    if checkpoint is not None:
        try:
            anchor = checkpoints.read(checkpoint, trust or deployment.node_key().public_key)
        except checkpoints.CheckpointError as error:
            raise fail(escape(str(error))) from None
    marks = {name: length for name, (length, _) in anchor.tables.items()} if anchor else None
    verification = deployment.audit.verify(marks, directory=True)
    reports = list(verification.tables)
    problems = [f"{r.table} broken at row {r.broken_at}: {r.problem}" for r in reports if not r.intact]
    problems += [f"directory: {d}" for d in (verification.drift or ())[:20]]
    if anchor is not None:
        problems += checkpoints.compare(anchor, reports)
    for report in reports:
        out.print(f"{report.table}: {report.rows} rows, head {report.head}")
    if problems:
        for problem in problems:
            err.print(f"[bold red]error:[/] {escape(problem)}", markup=True)
        raise typer.Exit(1)
    ledger = reports[0]
    suffix = (
        f"; agrees with the checkpoint of {anchor.time} ({checkpoint})"
        if anchor
        else " (no checkpoint: rows removed from the end cannot be told; see `ledger checkpoint`)"
    )
    out.print(f"ledger intact: {ledger.rows} events, head {ledger.head}{suffix}")


@ledger_app.command("checkpoint")
def ledger_checkpoint(
    out_file: Annotated[Path, typer.Option("--out", help="Where to write the signed checkpoint (JSON).")],
) -> None:
    """Sign the length and head of every chained table with the node's Ed25519 key
    (made on first use). Keep checkpoints away from the database: `ledger verify
    --checkpoint FILE` then fails on any row added, altered, removed or reordered before
    it, even by someone who can write the database file."""
    deployment = deployment_or_exit()
    document = deployment.checkpoint()
    try:
        out_file.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as error:
        raise fail(f"{out_file}: cannot write: {error.strerror}") from None
    out.print(
        f"checkpoint of {document['length']} events, head {document['head']}, "
        f"signed by {document['public_key']}: {out_file}"
    )


# ------------------------------------------------------------------------------ rebuild


def rebuild(
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Write nothing: compare every stored read model with a recomputation from the "
            "ledger and exit 1 if any is missing, stale, altered or different.",
        ),
    ] = False,
) -> None:
    """Recompute every subject's read model (scores, grades and list entries as a
    function of the day, which checks and scores are answered from) from the ledger, and
    write the blocks of the ledger's columns that batch jobs read (`xinyong rescore`) for
    the rows in none. Read models are kept current as events arrive, and an import writes
    the blocks of its rows; events submitted a few at a time, and databases upgraded from
    before, leave rows that batch jobs read from the ledger itself, more slowly. Run this
    after upgrading a database, or when `--check` finds a difference."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    deployment = deployment_or_exit()
    total, stored = deployment.read_models.subjects()
    with Progress(
        TextColumn("[bold]{task.description}[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task("checking" if check else "rebuilding", total=total)

        def advance(done: int) -> None:
            progress.update(task, completed=done)

        if check:
            wrong = deployment.read_models.differences(advance)
            blocks = deployment.store.block_differences()
        else:
            done = deployment.read_models.rebuild(advance)
            rows = progress.add_task("writing the ledger's column blocks", total=None)
            written = deployment.store.rewrite_blocks(lambda seq: progress.update(rows, completed=seq))
    if check:
        for problem in blocks:
            err.print(f"[bold red]error:[/] {escape(problem)}", markup=True)
        if wrong:
            err.print(
                f"[bold red]error:[/] {len(wrong)} of {total} subjects' read models are missing, stale or differ "
                "from the ledger; run `xinyong rebuild`",
                markup=True,
            )
        if wrong or blocks:
            raise typer.Exit(1)
        out.print(
            f"read models agree with the ledger: {total} subjects ({stored} stored); "
            "so do the ledger's column blocks for batch jobs"
        )
        return
    out.print(
        f"rebuilt the read models of {done} subjects from the ledger, and wrote {written} blocks of the "
        "ledger's columns for batch jobs"
    )
