"""The root of the command line: the ``xinyong`` app, its global options (``--db``,
``--version``) and what every command group shares: the consoles, the deployment,
errors, subjects and days given on the command line."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from xinyong.domain import calendar
from xinyong.domain.calendar import in_range, parse_date
from xinyong.domain.identifiers import InvalidIdentifier, SubjectRef
from xinyong.settings import Settings, SettingsError

app = typer.Typer(
    name="xinyong",
    help="Xinyong: credit records with due process. Every point explained.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class _State:
    db: str | None = None
    settings: Settings | None = None  # read once, when the command line starts


state = _State()


def _print_version(given: bool) -> None:
    if given:
        from importlib.metadata import version

        out.print(f"xinyong {version('xinyong')}", markup=False)
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", help="Print the version and exit.", callback=_print_version, is_eager=True),
    ] = False,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="SQLite file or database URL (default: $XINYONG_DB, else xinyong.db).",
            envvar="XINYONG_DB",
        ),
    ] = None,
) -> None:
    try:
        state.settings = Settings.from_environment()
    except SettingsError as error:
        raise fail(escape(str(error)), 2) from None
    state.db = db


def configured() -> Settings:
    """The XINYONG_* settings, read once when the command line started."""
    if state.settings is None:  # a command called without the root callback
        state.settings = Settings.from_environment()
    return state.settings


def deployment_or_exit():
    from xinyong.adapters.storage.sealing import KeyError_
    from xinyong.adapters.storage.wal import DatabaseHeld
    from xinyong.bootstrap import open_deployment

    try:
        return open_deployment(state.db, configured())
    except KeyError_ as refused:
        raise fail(escape(str(refused)), 3) from None
    except DatabaseHeld as held:
        raise fail(escape(str(held)), 4) from None  # try again later


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", markup=True)
    return typer.Exit(code)


def subject_ref(text: str) -> SubjectRef:
    try:
        return SubjectRef.parse(text)
    except InvalidIdentifier as error:
        raise fail(str(error), 2) from None


def day_asked(text: str | None) -> dt.date:
    if text is None:
        return calendar.today()
    try:
        return in_range(parse_date(text))
    except ValueError as error:
        raise fail(f"--as-of: {error}", 2) from None


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


AsOf = Annotated[str | None, typer.Option("--as-of", help="The day asked about, YYYY-MM-DD (default: today).")]
AsJson = Annotated[bool, typer.Option("--json", help="Print the JSON object of docs/design.md section 6.")]
