"""The HTTP service and its bearer tokens."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from xinyong.entrypoints.cli.root import (
    AsJson,
    configured,
    deployment_or_exit,
    err,
    fail,
    out,
    print_json,
    state,
    subject_ref,
)

# ------------------------------------------------------------------------ serve, tokens

token_app = typer.Typer(help="Create, list and revoke bearer tokens for the service.", no_args_is_help=True)


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="Server processes, each with its own database connections (default: $XINYONG_WORKERS, else 1).",
        ),
    ] = None,
) -> None:
    """Serve the HTTP API (OpenAPI at /openapi.json, docs at /docs)."""
    import logging
    import os

    import uvicorn

    from xinyong.entrypoints.server import LOG_FORMAT, create_app

    settings = configured()
    processes = workers or settings.workers
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    # Opened here in any case: a wrong key, or a database that cannot be opened, is
    # refused before anything listens; the schema is migrated once, here.
    deployment = deployment_or_exit()
    out.print(
        f"serving on http://{host}:{port}/ — public lookup /, resident portal /portal, "
        f"officer console /console, API docs /docs" + (f" ({processes} processes)" if processes > 1 else "")
    )
    if settings.oidc:
        base = settings.oidc_redirect_base or f"http://{host}:{port}"
        out.print(
            f"sign-in through {settings.oidc_issuer} as client {settings.oidc_client_id}; the provider sends "
            f"browsers back to {base}/portal/sign-in/oidc/callback and {base}/console/sign-in/oidc/callback"
        )
    # uvicorn's own access log prints paths, which can carry identity numbers: ours
    # prints route templates instead.
    if processes == 1:
        uvicorn.run(create_app(deployment), host=host, port=port, access_log=False, log_level="warning")
        return
    # Each server process opens the database itself, after it started (uvicorn starts
    # them afresh, never forked with this one's connections), from the settings handed
    # down here.
    database = state.db or settings.db
    deployment.close()
    os.environ.update({"XINYONG_DB": database, "XINYONG_WORKERS": str(processes)})
    uvicorn.run(
        "xinyong.entrypoints.server:from_environment",
        factory=True,
        workers=processes,
        host=host,
        port=port,
        access_log=False,
        log_level="warning",
    )


@token_app.command("create")
def token_create(
    role: Annotated[
        str, typer.Option("--role", help="source, registry, service-point, subject, officer, auditor, lender or node.")
    ],
    name: Annotated[str | None, typer.Option("--name", help="Who holds it (a source's name).")] = None,
    scope: Annotated[
        list[str] | None,
        typer.Option(
            "--scope",
            help="A rule pattern or optin:SOURCE (sources), an action (service points) or a purpose "
            "(lenders); repeatable.",
        ),
    ] = None,
    subject: Annotated[str | None, typer.Option("--subject", help="The subject a subject token reads.")] = None,
) -> None:
    """Create a token; it is printed once, on the last line, and stored only as a digest.

    Roles: source (files records under --scope rules, and bills for opt-in scores as
    the source a scope optin:SOURCE names), registry (the civil registry or market
    regulator: the one writer of subject facts and contact addresses), service-point
    (asks checks for --scope actions), subject (--subject: its own file), officer,
    auditor, lender (reads opt-in scores for the --scope purposes a subject consented to),
    node (a partner node: pulls signed list bundles, nothing else)."""
    ref = subject_ref(subject) if subject else None
    try:
        info, secret = deployment_or_exit().tokens.create(role, name, tuple(scope or ()), ref)
    except ValueError as error:
        raise fail(str(error), 2) from None
    scopes = ", ".join(info.scopes) or "-"
    if info.role == "source" and not name:
        err.print(
            "note: a source token without --name may file records in any source's name; "
            "with --name it files them only in its own"
        )
    err.print(
        f"token {info.id}: role {info.role}, name {info.name}, scopes {scopes}"
        + (f", subject {info.subject}" if info.subject else "")
    )
    sys.stdout.write(secret + "\n")


@token_app.command("list")
def token_list(as_json: AsJson = False) -> None:
    """List tokens (never their secrets)."""
    tokens = deployment_or_exit().tokens.list()
    if as_json:
        print_json([t.__dict__ | {"scopes": list(t.scopes)} for t in tokens])
        return
    table = Table("id", "role", "name", "scopes", "subject", "created", "revoked")
    for t in tokens:
        table.add_row(
            t.id, t.role, t.name, ", ".join(t.scopes) or "-", t.subject or "-", t.created_at, t.revoked_at or "-"
        )
    out.print(table)


@token_app.command("revoke")
def token_revoke(token_id: Annotated[str, typer.Argument(help="The token's id (from token list).")]) -> None:
    """Revoke a token: it is refused from the next request on."""
    if not deployment_or_exit().tokens.revoke(token_id):
        raise fail(f"no live token {token_id!r}")
    out.print(f"revoked {token_id}")
