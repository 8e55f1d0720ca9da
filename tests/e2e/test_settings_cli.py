"""A bad XINYONG_ variable stops the command line with a message naming it, before any
database is opened, and never shows the secret key."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from xinyong.entrypoints.cli import app

pytestmark = pytest.mark.e2e


def test_a_bad_setting_is_an_error_naming_the_variable_and_nothing_is_opened(tmp_path: Path):
    db = tmp_path / "x.db"
    result = CliRunner().invoke(app, ["--db", str(db), "catalog", "show"], env={"XINYONG_SMTP_PORT": "abc"})
    assert result.exit_code == 2
    assert "XINYONG_SMTP_PORT" in result.output and "'abc'" in result.output
    assert "Traceback" not in result.output
    assert not db.exists()


def test_a_bad_secret_key_is_refused_without_showing_it(tmp_path: Path):
    secret = "not-hex-" + "s3cr3t" * 8
    result = CliRunner().invoke(
        app, ["--db", str(tmp_path / "x.db"), "catalog", "show"], env={"XINYONG_SECRET_KEY": secret}
    )
    assert result.exit_code == 3
    assert "XINYONG_SECRET_KEY" in result.output and "s3cr3t" not in result.output
    assert not (tmp_path / "x.db").exists()  # refused before any database is made
