"""Nodes and signed lists (docs/design.md section 10): this node's identity, its lists
published as signed bundles, partners' bundles imported or pulled, trusted partners."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from xinyong.entrypoints.cli.root import AsJson, deployment_or_exit, fail, out, print_json

node_app = typer.Typer(help="This node's name and Ed25519 key.", no_args_is_help=True)
lists_app = typer.Typer(help="Publish, import and pull signed list bundles.", no_args_is_help=True)
nodes_app = typer.Typer(help="Partner nodes trusted to sign lists.", no_args_is_help=True)

Trust = Annotated[
    str | None,
    typer.Option("--trust", help="The partner's public key (base64); default: the key of `nodes trust`."),
]


def _day(text: str | None):
    from xinyong.entrypoints.cli.root import day_asked

    return day_asked(text)


# --------------------------------------------------------------------------------- node


@node_app.command("init")
def node_init(
    name: Annotated[str, typer.Option("--name", help="The node's name: partners see its lists as NAME/LIST.")],
) -> None:
    """Name this node and make its Ed25519 key if it has none (otherwise made on first use)."""
    from xinyong.adapters.storage.checkpoint import CheckpointError, NodeKey
    from xinyong.domain.federation import InvalidNodeName

    deployment = deployment_or_exit()
    try:
        key, changed = NodeKey.init(deployment.node_key_file, name)
    except (CheckpointError, InvalidNodeName) as error:
        raise fail(escape(str(error)), 2) from None
    out.print(f"node {key.name}: key {deployment.node_key_file}" + ("" if changed else " (unchanged)"), markup=False)
    out.print(f"public key {key.public_key}", markup=False)
    out.print(f"fingerprint {key.fingerprint}", markup=False)


@node_app.command("show")
def node_show(as_json: AsJson = False) -> None:
    """Print the node's name, public key (base64) and fingerprint (SHA-256 of the key, hex)."""
    key = deployment_or_exit().node_key()
    if as_json:
        print_json({"name": key.name, "public_key": key.public_key, "fingerprint": key.fingerprint})
        return
    out.print(f"name        {key.name}", markup=False)
    out.print(f"public key  {key.public_key}", markup=False)
    out.print(f"fingerprint {key.fingerprint}", markup=False)


# -------------------------------------------------------------------------------- lists


@lists_app.command("publish")
def lists_publish(
    list_id: Annotated[str, typer.Argument(help="A list this node keeps (e.g. judgment-defaulters).")],
    out_file: Annotated[Path, typer.Option("--out", help="Where to write the signed bundle (JSON).")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="The day, YYYY-MM-DD (default: today).")] = None,
) -> None:
    """Write the signed bundle of LIST as of a day: its entries in effect that day."""
    from xinyong.services.federation import NotPublishable

    deployment = deployment_or_exit()
    try:
        document = deployment.federation.publish(list_id, _day(as_of))
    except NotPublishable as error:
        raise fail(escape(str(error))) from None
    try:
        out_file.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as error:
        raise fail(f"{escape(str(out_file))}: cannot write: {error.strerror}") from None
    out.print(
        f"{document['node']}/{document['list']} as of {document['as_of']}: {len(document['entries'])} entries, "
        f"signed by {document['public_key']}: {out_file}",
        markup=False,
    )


def _report(done, as_json: bool) -> None:
    bundle = done.bundle
    if as_json:
        print_json(
            {
                "list": bundle.name,
                "node": bundle.node,
                "as_of": bundle.as_of.isoformat(),
                "entries": len(bundle.entries),
                "new": done.new,
                "ended": done.ended,
                "notified": done.notified,
            }
        )
        return
    out.print(
        f"imported {bundle.name} as of {bundle.as_of}: {len(bundle.entries)} entries ({done.new} new, "
        f"{done.ended} ended from {bundle.as_of}); {done.notified} local subject(s) notified",
        markup=False,
    )


@lists_app.command("import")
def lists_import(
    file: Annotated[Path, typer.Argument(help="A bundle written by `lists publish` at a partner node.")],
    trust: Trust = None,
    as_json: AsJson = False,
) -> None:
    """Verify a partner's bundle and keep its entries as list NODE/LIST. Refused, with
    the reason and nothing kept: a signature that fails, a key not the trusted one, a
    bundle not newer than the last one imported of that list (replay)."""
    from xinyong.domain.federation import BundleRefused

    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except OSError as error:
        raise fail(f"{escape(str(file))}: cannot read: {error.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise fail(f"{escape(str(file))}: not a bundle (not JSON: {escape(str(error))})") from None
    deployment = deployment_or_exit()
    try:
        done = deployment.federation.import_bundle(document, trust, f"file:{file.resolve()}")
    except BundleRefused as refused:
        raise fail(f"{escape(str(file))}: refused ({refused.reason}): {escape(str(refused))}") from None
    _report(done, as_json)


@lists_app.command("pull")
def lists_pull(
    list_id: Annotated[str, typer.Argument(help="The partner's list (without the node's name).")],
    url: Annotated[str, typer.Option("--from", help="The partner's base URL, e.g. https://node-a.example.")],
    token: Annotated[str, typer.Option("--token", help="A node token the partner made for this node.")],
    trust: Trust = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="The day, YYYY-MM-DD (default: today).")] = None,
    as_json: AsJson = False,
) -> None:
    """Pull a partner's bundle over HTTP and import it, as `lists import` does."""
    from xinyong.adapters.federation_http import fetch_bundle
    from xinyong.domain.federation import BundleRefused
    from xinyong.services.unit_of_work import PullFailed

    deployment = deployment_or_exit()
    try:
        done = deployment.federation.pull(fetch_bundle, url, token, list_id, _day(as_of), trust)
    except PullFailed as error:
        raise fail(escape(str(error))) from None
    except BundleRefused as refused:
        raise fail(f"refused ({refused.reason}): {escape(str(refused))}") from None
    _report(done, as_json)


@lists_app.command("foreign")
def lists_foreign(as_json: AsJson = False) -> None:
    """The foreign lists imported: the latest bundle of each, and its age."""
    ages = deployment_or_exit().federation.lists()
    if as_json:
        print_json(
            [
                {
                    "list": a.latest.name,
                    "as_of": a.latest.as_of.isoformat(),
                    "entries": a.latest.entries,
                    "bundles": a.bundles,
                    "age_days": a.age_days,
                    "stale": a.stale,
                    "received_from": a.latest.received_from,
                }
                for a in ages
            ]
        )
        return
    table = Table("list", "as of", "entries", "bundles", "age (days)", "stale")
    for a in ages:
        table.add_row(
            a.latest.name,
            a.latest.as_of.isoformat(),
            str(a.latest.entries),
            str(a.bundles),
            str(a.age_days),
            "yes" if a.stale else "no",
        )
    out.print(table)


# -------------------------------------------------------------------------------- nodes


@nodes_app.command("trust")
def nodes_trust(
    name: Annotated[str, typer.Argument(help="The partner node's name.")],
    public_key: Annotated[str, typer.Argument(help="Its public key (base64), from its `node show`.")],
    url: Annotated[
        str | None, typer.Option("--url", help="Its base URL: `serve` pulls the lists local measures name.")
    ] = None,
) -> None:
    """Trust a partner node's key for its lists (a later trust of the name replaces it).
    `serve` pulls with the token in $XINYONG_NODE_TOKENS (NAME=TOKEN, comma-separated)."""
    from xinyong.domain.federation import InvalidNodeName

    try:
        partner = deployment_or_exit().federation.trust(name, public_key, url)
    except (InvalidNodeName, ValueError) as error:
        raise fail(escape(str(error)), 2) from None
    out.print(
        f"trusted {partner.name}: key {partner.public_key}" + (f", at {partner.url}" if partner.url else ""),
        markup=False,
    )


@nodes_app.command("remove")
def nodes_remove(name: Annotated[str, typer.Argument(help="The partner node's name.")]) -> None:
    """Stop trusting a partner: its bundles are no longer imported (those imported stay)."""
    if not deployment_or_exit().federation.distrust(name):
        raise fail(f"no trusted partner {escape(name)!r}")
    out.print(f"no longer trusting {name}", markup=False)


@nodes_app.command("list")
def nodes_list(as_json: AsJson = False) -> None:
    """The partners trusted, their keys and fingerprints."""
    from xinyong.domain.federation import fingerprint

    partners = deployment_or_exit().federation.partners()
    if as_json:
        print_json([p.__dict__ | {"fingerprint": fingerprint(p.public_key)} for p in partners])
        return
    table = Table("name", "fingerprint", "url", "since")
    for p in partners:
        table.add_row(p.name, fingerprint(p.public_key)[:16], p.url or "-", p.since)
    out.print(table)
