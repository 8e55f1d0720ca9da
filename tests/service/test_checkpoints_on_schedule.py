"""The service signs checkpoints on a schedule, into a folder outside the database, and
`ledger verify` checks against the newest one."""

from __future__ import annotations

import json
import time

import pytest

from tests.service.conftest import running_server
from xinyong.adapters.storage import checkpoint as checkpoints
from xinyong.bootstrap import open_deployment
from xinyong.settings import Settings

pytestmark = pytest.mark.e2e


def test_the_service_writes_signed_checkpoints_that_verify(template, tmp_path):
    folder = tmp_path / "checkpoints"
    env = {
        "XINYONG_CHECKPOINT_DIR": str(folder),
        "XINYONG_CHECKPOINT_INTERVAL": "0.5",
        "XINYONG_NODE_KEY_FILE": str(tmp_path / "node.key"),
    }
    with running_server(template, tmp_path / "served", env=env, process=True) as server:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(list(folder.glob("checkpoint-*.json"))) < 1:
            time.sleep(0.2)
        written = sorted(folder.glob("checkpoint-*.json"))
        assert written, server.stderr.read_text()
        document = json.loads(written[-1].read_text())
        assert document["length"] > 0 and set(document["tables"]) >= {"ledger", "access_log", "catalog_versions"}
    anchor = checkpoints.read(written[-1], checkpoints.NodeKey.load_or_create(tmp_path / "node.key").public_key)
    deployment = open_deployment(
        server.db.url, Settings(db=server.db.url, key_file=str(server.db.key), notice_interval=0)
    )
    try:
        with deployment.store.reading() as connection:
            reports = deployment.store.verify(connection, {n: length for n, (length, _) in anchor.tables.items()})
    finally:
        deployment.close()
    assert all(r.intact for r in reports)
    assert checkpoints.compare(anchor, reports) == []
