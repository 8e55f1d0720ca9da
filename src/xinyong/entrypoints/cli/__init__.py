"""The command line: ``xinyong --db PATH COMMAND``, one module per command group.

Every command is a thin adapter: it parses its arguments, calls one service of the
deployment, and prints the answer, readable by default and as JSON with ``--json``."""

from __future__ import annotations

from xinyong.entrypoints.cli import (
    batch,
    catalogs,
    demo,
    events,
    inquiries,
    keys,
    ledger,
    nodes,
    notices,
    optin,
    privacy,
    scorecards,
    service,
)
from xinyong.entrypoints.cli.root import app

app.add_typer(catalogs.catalog_app, name="catalog")
app.add_typer(optin.optin_app, name="optin")
app.add_typer(ledger.ledger_app, name="ledger")
app.add_typer(privacy.privacy_app, name="privacy")
app.add_typer(keys.keys_app, name="keys")
app.add_typer(notices.notices_app, name="notices")
app.add_typer(service.token_app, name="token")
app.add_typer(scorecards.scorecard_app, name="scorecard")
app.add_typer(nodes.node_app, name="node")
app.add_typer(nodes.lists_app, name="lists")
app.add_typer(nodes.nodes_app, name="nodes")
app.command("import")(events.import_events)
app.command("score")(inquiries.score)
app.command("check")(inquiries.check)
app.command("query")(inquiries.query)
app.command("outlook")(notices.outlook_command)
app.command("serve")(service.serve)
app.command("demo")(demo.demo)
app.command("export")(batch.export_command)
app.command("rescore")(batch.rescore_command)
app.command("rebuild")(ledger.rebuild)

__all__ = ["app"]
