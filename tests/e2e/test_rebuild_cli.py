"""``xinyong rebuild`` and the blocks of the ledger's columns that ``xinyong rescore``
reads: rows in no block are put in one, ``--check`` names a block altered behind the
service's back (and so does ``rescore``, which refuses it), and ``rebuild`` writes it
again from the ledger."""

from __future__ import annotations

import json
import zlib

import pytest
from sqlalchemy import select, update

from tests.conftest import scenario_files
from xinyong.adapters.storage.store import make_engine
from xinyong.adapters.storage.tables import ledger_blocks

pytestmark = pytest.mark.e2e

RECORD = {
    "type": "record",
    "id": "few-1",
    "subject": "rid:581325198011138077",
    "rule": "city-personal/traffic.red_light",
    "occurred_on": "2025-03-01",
    "decided_on": "2025-03-05",
    "source": "traffic-police",
}
FILED = {"type": "dispute_filed", "record": "few-1", "on": "2025-03-10", "grounds": "not me"}


def _altered(database: str) -> None:
    """A line of the first block's text dropped, the block's MAC kept."""
    engine = make_engine(database)
    try:
        with engine.begin() as connection:
            first, packed = connection.execute(select(ledger_blocks.c.first_seq, ledger_blocks.c.csv)).first()
            lines = zlib.decompress(bytes(packed)).split(b"\n")
            forged = zlib.compress(b"\n".join(lines[1:]))
            connection.execute(update(ledger_blocks).where(ledger_blocks.c.first_seq == first).values(csv=forged))
    finally:
        engine.dispose()


def test_rebuild_puts_rows_in_blocks_check_names_an_altered_one_and_rescore_refuses_it(cli, database, tmp_path):
    files = scenario_files("basic")
    cli("catalog", "load", *map(str, files["catalogs"]))
    cli("import", str(files["events"]))  # thousands of events: the import writes their block
    assert "wrote 0 blocks of the ledger's columns" in cli("rebuild").stdout
    few = tmp_path / "few.jsonl"  # a few events: their rows are in no block
    few.write_text(json.dumps(RECORD) + "\n" + json.dumps(FILED) + "\n")
    cli("import", str(few))
    assert "wrote 1 blocks of the ledger's columns" in cli("rebuild").stdout
    assert "so do the ledger's column blocks" in cli("rebuild", "--check").stdout
    rescore = ("rescore", "--catalog", "city-personal", "--as-of", "2026-01-01", "--out", str(tmp_path / "s.parquet"))
    scored = cli(*rescore, "--json").stdout

    _altered(database)
    checked = cli("rebuild", "--check", ok=False)
    assert checked.returncode == 1
    assert "fails its check" in checked.stderr and "Traceback" not in checked.stderr
    refused = cli(*rescore, ok=False)
    assert refused.returncode != 0
    assert "fails its check" in refused.stderr and "xinyong rebuild" in refused.stderr
    assert "Traceback" not in refused.stderr

    assert "wrote 1 blocks" in cli("rebuild").stdout
    assert cli("rebuild", "--check").returncode == 0
    assert _without_timings(cli(*rescore, "--json").stdout) == _without_timings(scored)


def _without_timings(report: str) -> dict:
    answer = json.loads(report)
    answer.pop("timings")
    return answer
