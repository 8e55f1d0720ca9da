"""The secret key: its id, and rotation."""

from __future__ import annotations

import typer
from rich.markup import escape

from xinyong.entrypoints.cli.root import configured, deployment_or_exit, fail, out, state

keys_app = typer.Typer(help="The secret key: its id, and rotation.", no_args_is_help=True)


@keys_app.command("show")
def keys_show() -> None:
    """The public id of the secret key this database is written under, and where the
    key comes from (never the key itself)."""
    from xinyong.adapters.storage.sealing import master_key_id, read_key
    from xinyong.bootstrap import key_file_for

    deployment = deployment_or_exit()
    settings = configured()
    db = state.db or settings.db
    source = "XINYONG_SECRET_KEY" if settings.secret_key else str(key_file_for(db, settings))
    secret = settings.secret_key.get_secret_value() if settings.secret_key else None
    key = read_key(secret, key_file_for(db, settings))
    assert key is not None
    out.print(
        f"secret key {master_key_id(key)} from {source}; "
        f"current seal key {deployment.store.sealer.current_seal_key}; "
        f"node key {deployment.node_key().public_key}"
    )


@keys_app.command("rotate")
def keys_rotate() -> None:
    """Make a new secret key: the data keys are re-wrapped under it and a new seal key
    takes over for what is sealed from now on; sealed values keep the id of the key that
    sealed them, so everything still opens and the chain and checkpoints still verify.
    The old key file is replaced: keep no copy of it."""
    from xinyong.adapters.storage.sealing import KeyError_
    from xinyong.bootstrap import rotate_key

    settings = configured()
    try:
        old, new = rotate_key(state.db or settings.db, settings)
    except KeyError_ as refused:
        raise fail(escape(str(refused)), 3) from None
    out.print(f"secret key rotated: {old} -> {new}")
