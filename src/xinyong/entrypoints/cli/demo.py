"""The demo: sample catalogs and a synthetic population, served."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

from xinyong.entrypoints.cli.root import configured, err, fail, out, state
from xinyong.entrypoints.cli.service import serve
from xinyong.services.catalogs import CatalogLoadError

# --------------------------------------------------------------------------------- demo


def demo(
    catalogs: Annotated[
        Path | None,
        typer.Option(
            "--catalogs", help="Folder of catalogs (default: ./catalogs if present, else the packaged samples)."
        ),
    ] = None,
    persons: Annotated[int, typer.Option("--persons", min=1)] = 3000,
    organisations: Annotated[int, typer.Option("--organisations", min=1)] = 300,
    seed: Annotated[int, typer.Option("--seed")] = 2024,
    serve_after: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve the demo when it is built.")] = True,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
) -> None:
    """Build a fresh demo database from the sample catalogs and a synthetic population
    (seeded, so the same every time), show subjects worth trying, and serve it. A SQLite
    file is replaced; a database URL (PostgreSQL) must name an empty database, which is
    filled and never wiped."""
    import shlex

    from sqlalchemy.engine import make_url

    from xinyong.adapters.storage.store import database_url
    from xinyong.synthetic.demo import DemoRefused, build_demo, sample_catalogs

    db = state.db or configured().db
    url = make_url(database_url(db))
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise fail("the demo builds a SQLite file or fills an empty database: give --db a path or a URL", 2)
        target = shown = url.database
    else:
        target = db
        shown = shlex.quote(url.render_as_string(hide_password=True))
    catalogs = catalogs or sample_catalogs()
    files = sorted(catalogs.glob("*.toml"))
    if not files:
        raise fail(f"no catalogs in {catalogs}/", 2)
    with Progress(
        TextColumn("[bold]{task.description}[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task("generating a synthetic population", total=None)

        def importing(done: int, total: int) -> None:
            progress.update(task, description="importing", completed=done, total=total)

        try:
            built = build_demo(
                target,
                files,
                persons=persons,
                organisations=organisations,
                seed=seed,
                progress=importing,
                settings=configured(),
            )
        except CatalogLoadError as error:
            raise fail(escape(str(error))) from None
        except DemoRefused as error:
            raise fail(escape(str(error))) from None
    for c in built.catalogs:
        out.print(f"catalog {c.id} {c.version}: {len(c.rules)} rules, {len(c.lists)} lists, {len(c.measures)} measures")
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(built.written_by_type.items()))
    out.print(f"population: {persons} persons and {organisations} organisations, {built.start} to {built.end}: {kinds}")
    cmd = f".venv/bin/xinyong --db {shown}"
    out.print(f"\n[bold]The demo database is {shown}[/]. Subjects worth a look:")
    for notable in built.notable:
        out.print(f"\n  [bold]{notable.subject}[/]: {notable.why}")
        if notable.catalog:
            out.print(f"    {cmd} score {notable.subject} --catalog {notable.catalog}")
        out.print(f"    {cmd} check {notable.subject} {notable.action}")
    lint = f".venv/bin/xinyong catalog lint --profile eu {catalogs}/*.toml"
    out.print(f"\nAlso: {cmd} catalog show; {cmd} ledger verify; {lint}")
    out.print("\n[bold]Tokens for the service[/] (send as 'Authorization: Bearer TOKEN'):")
    for label, token in built.tokens.items():
        out.print(f"  {label}: {token}", markup=False)
    if not serve_after:
        return
    out.print(
        f"\n[bold]Point a browser at http://{host}:{port}/[/]: the public lookup; "
        f"/portal signs in with the subject token above, /console with the officer token; "
        f"/docs is the API (Authorize with any token). Ctrl-C stops."
    )
    state.db = target
    serve(host=host, port=port)
