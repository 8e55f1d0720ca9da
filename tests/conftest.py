"""Shared fixtures. Tests come in three rings: unit (pure domain), integration (a real
database) and e2e (the command line as a user runs it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
CONFORMANCE = HERE / "conformance"
SCENARIOS = sorted(p.name for p in CONFORMANCE.iterdir() if p.is_dir())
XINYONG = str(Path(sys.executable).parent / "xinyong")


class Cli:
    """Runs the installed ``xinyong`` command against one database."""

    def __init__(self, db: Path, cwd: Path):
        self.db = db
        self.cwd = cwd

    def __call__(self, *args: str, ok: bool = True, stdin: str | None = None) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("XINYONG_")}
        env["COLUMNS"] = "200"
        result = subprocess.run(
            [XINYONG, "--db", str(self.db), *args],
            capture_output=True,
            text=True,
            cwd=self.cwd,
            env=env,
            input=stdin,
            timeout=300,
        )
        if ok and result.returncode != 0:
            raise AssertionError(
                f"xinyong {' '.join(args)} exited {result.returncode}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
            )
        return result

    def json(self, *args: str):
        return json.loads(self(*args).stdout)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "xinyong.db", tmp_path)


@pytest.fixture
def deployment(tmp_path: Path):
    from xinyong.bootstrap import open_deployment
    from xinyong.settings import Settings

    d = open_deployment(str(tmp_path / "x.db"), Settings(db=str(tmp_path / "x.db")))
    yield d
    d.close()


def scenario_files(name: str) -> dict[str, Path]:
    folder = CONFORMANCE / name
    return {
        "catalogs": sorted(folder.glob("catalog-*.toml")),
        "events": folder / "events.jsonl",
        "queries": folder / "queries.jsonl",
        "expected": folder / "expected.jsonl",
    }
