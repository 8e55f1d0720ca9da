"""Keys and checkpoints as an operator uses them, through the command line."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import environment_for, scenario_files
from tests.support.cli import XINYONG
from tests.support.tampering import append_only_switched_off
from xinyong.adapters.storage.store import database_url

pytestmark = pytest.mark.e2e


@pytest.fixture
def loaded(cli):
    files = scenario_files("basic")
    cli("catalog", "load", *map(str, files["catalogs"]))
    cli("import", str(files["events"]))
    return cli


def _run(cli, *args, env_extra=None, drop=()):
    env = environment_for(str(cli.db), cli.cwd)
    for name in drop:
        env.pop(name, None)
    env.update(env_extra or {})
    return subprocess.run(
        [XINYONG, "--db", str(cli.db), *args],
        capture_output=True,
        text=True,
        cwd=cli.cwd,
        env=env,
        timeout=300,
        check=False,
    )


def test_a_wrong_key_is_refused_with_a_message_not_a_traceback(loaded):
    result = _run(
        loaded,
        "score",
        "rid:140451198304254480",
        "--catalog",
        "city-personal",
        "--as-of",
        "2025-01-01",
        env_extra={"XINYONG_SECRET_KEY": os.urandom(32).hex()},
    )
    assert result.returncode == 3
    assert "was written under secret key" in result.stderr and "Traceback" not in result.stderr


def test_a_missing_key_file_is_refused_and_not_replaced(loaded):
    key = loaded.cwd / "secret.key"
    shutil.move(key, loaded.cwd / "backup.key")
    result = _run(loaded, "ledger", "verify")
    assert result.returncode == 3 and "does not exist" in result.stderr and "Restore the key file" in result.stderr
    assert not key.exists()


def test_checkpoint_then_verify_and_truncation_is_caught(loaded):
    anchor = loaded.cwd / "checkpoint.json"
    assert "signed by" in loaded("ledger", "checkpoint", "--out", str(anchor)).stdout
    assert "agrees with the checkpoint" in loaded("ledger", "verify", "--checkpoint", str(anchor)).stdout
    engine = create_engine(database_url(str(loaded.db)))
    with engine.begin() as connection:
        append_only_switched_off(connection, "ledger")
        connection.execute(text("DELETE FROM ledger WHERE seq > (SELECT max(seq) - 5 FROM ledger)"))
    engine.dispose()
    result = loaded("ledger", "verify", "--checkpoint", str(anchor), ok=False)
    assert result.returncode == 1 and "5 row(s) removed since the checkpoint" in result.stderr


def test_the_newest_checkpoint_in_the_checkpoint_folder_is_used_by_default(loaded):
    folder = loaded.cwd / "checkpoints"
    folder.mkdir()
    loaded("ledger", "checkpoint", "--out", str(folder / "checkpoint-20260101T000000Z-000000000001.json"))
    result = _run(loaded, "ledger", "verify", env_extra={"XINYONG_CHECKPOINT_DIR": str(folder)})
    assert result.returncode == 0 and "agrees with the checkpoint" in result.stdout


def test_rotation_through_the_command_line(loaded):
    before = loaded("keys", "show").stdout
    rotated = loaded("keys", "rotate").stdout
    assert "secret key rotated" in rotated
    after = loaded("keys", "show").stdout
    assert before.split()[2] != after.split()[2]
    assert "ledger intact" in loaded("ledger", "verify").stdout
    assert (
        loaded.json("score", "rid:140451198304254480", "--catalog", "city-personal", "--as-of", "2025-01-01", "--json")[
            "score"
        ]
        is not None
    )


def test_a_firm_renamed_in_the_directory_behind_the_ledger_is_reported(loaded):
    engine = create_engine(database_url(str(loaded.db)))
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE organisations SET name = 'Clean Company' "
                # (keys are bytes since migration 0012: PostgreSQL has no min() of bytea)
                "WHERE subject_key = (SELECT subject_key FROM organisations ORDER BY subject_key LIMIT 1)"
            )
        )
    engine.dispose()
    result = loaded("ledger", "verify", ok=False)
    assert result.returncode == 1 and "the directory differs from the ledger" in result.stderr
