"""Privacy: erase free text once its retention ends."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from xinyong.entrypoints.cli.root import AsOf, day_asked, deployment_or_exit, fail, out, subject_ref

privacy_app = typer.Typer(help="Erase free text once its retention ends.", no_args_is_help=True)


@privacy_app.command("erase")
def privacy_erase(
    subject: Annotated[str, typer.Argument(help="rid:NUMBER or uscc:CODE")],
    as_of: AsOf = None,
) -> None:
    """Erase what people typed about SUBJECT (grounds, reasons, purposes) by destroying
    the subject's own key; refused while its retention lasts. Scores, grades, list
    entries and the chain are unchanged."""
    from xinyong.services.erasure import ErasureRefused

    ref, day = subject_ref(subject), day_asked(as_of)
    deployment = deployment_or_exit()
    try:
        erased = deployment.erasure.erase(ref, day)
    except ErasureRefused as refused:
        raise fail(escape(str(refused))) from None
    out.print("free text erased" if erased else "nothing to erase")


@privacy_app.command("sweep")
def privacy_sweep(as_of: AsOf = None) -> None:
    """Erase the free text of every subject whose retention has ended (run it daily)."""
    deployment = deployment_or_exit()
    out.print(f"free text of {deployment.erasure.sweep(day_asked(as_of))} subject(s) erased")
