"""Opt-in scores (docs/design.md section 9): a subject's score on a scorecard it consented to."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from xinyong.domain.access import operator
from xinyong.domain.optin import OptinRefused
from xinyong.entrypoints.answers import optin_json
from xinyong.entrypoints.cli.root import AsOf, day_asked, deployment_or_exit, fail, out, print_json, subject_ref
from xinyong.services.optin import UnknownScorecard

optin_app = typer.Typer(
    help="Opt-in scores: read only with the subject's consent, walled off from public credit.",
    no_args_is_help=True,
)


def _number(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


@optin_app.command("score")
def optin_score(
    subject: Annotated[str, typer.Argument(help="rid:NUMBER or uscc:CODE")],
    scorecard: Annotated[str, typer.Option("--scorecard", help="Scorecard id.")],
    as_of: AsOf = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON object of docs/design.md section 9.")] = False,
) -> None:
    """A subject's opt-in score, band, features and reasons on a day, under the scorecard
    version in force then. Exits non-zero when no consent is in force on that day. The
    read is written to the subject's access log."""
    ref, day = subject_ref(subject), day_asked(as_of)
    try:
        result = deployment_or_exit().optin.score(ref, scorecard, day, operator(), "command line")
    except (UnknownScorecard, OptinRefused) as error:
        raise fail(escape(str(error).strip("'\""))) from None
    data = optin_json(str(ref), result)
    if as_json:
        print_json(data)
        return
    out.print(
        f"[bold]{escape(str(ref))}[/] on {day}: opt-in score [bold]{_number(result.score)}[/] "
        f"({escape(result.band or '-')}) under {escape(result.scorecard)} version {escape(result.version)}"
    )
    features = Table("feature", "value", "points", title="Features")
    for name, value in result.features.items():
        features.add_row(name, _number(value), f"{result.points[name]:+g}")
    out.print(features)
    if not result.reasons:
        out.print("[green]Every feature gives its most points.[/]")
        return
    reasons = Table("reason", "points", "possible", "what would raise it", title="Reasons, largest shortfall first")
    for r in data["reasons"]:
        lift = r["raise"]
        if lift is None:
            raise_text = "-"
        else:
            bounds = []
            if lift["at_least"] is not None:
                bounds.append(f"≥ {_number(lift['at_least'])}")
            if lift["below"] is not None:
                bounds.append(f"< {_number(lift['below'])}")
            raise_text = f"{r['feature']} {' and '.join(bounds) or 'any value'}: {lift['points']:+g} points"
        reasons.add_row(escape(r["text"]), f"{r['points']:+g}", f"{r['possible']:+g}", escape(raise_text))
    out.print(reasons)
