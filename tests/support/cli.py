"""The one runner of the installed ``xinyong`` command in tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

XINYONG = str(Path(sys.executable).parent / "xinyong")

# Every `xinyong` process imports the whole stack; with bytecode cached (outside the
# venv) a command starts in under a second instead of three.
BYTECODE_CACHE = Path(tempfile.gettempdir()) / "xinyong-tests-pycache"


class DatabaseLike(Protocol):
    """A database a test made: its URL (or SQLite path) and the XINYONG_ settings a
    process needs for it (its key file)."""

    @property
    def url(self) -> str: ...

    @property
    def env(self) -> dict[str, str]: ...


def environment(settings: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a ``xinyong`` process: the caller's without any XINYONG_
    setting, a shared bytecode cache, wide output, and ``settings`` on top."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XINYONG_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(BYTECODE_CACHE)
    env["COLUMNS"] = "200"
    env.update(settings or {})
    return env


def database_url(db: str | os.PathLike[str] | DatabaseLike) -> str:
    return db if isinstance(db, str) else os.fspath(db) if isinstance(db, os.PathLike) else db.url


class Cli:
    """Runs the installed ``xinyong`` command against one database, in ``cwd``, with
    ``settings`` (XINYONG_ variables) besides the database's own."""

    def __init__(self, db: str | os.PathLike[str] | DatabaseLike, cwd: Path, settings: Mapping[str, str] | None = None):
        self.db = db
        self.cwd = cwd
        own = {} if isinstance(db, str | os.PathLike) else db.env
        self.settings = {**own, **(settings or {})}

    def __call__(
        self, *args: str, ok: bool = True, stdin: str | None = None, env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run ``xinyong --db <db> *args``; unless ``ok`` is False, fail the test with its
        output when it exits with an error."""
        result = subprocess.run(
            [XINYONG, "--db", database_url(self.db), *args],
            capture_output=True,
            text=True,
            cwd=self.cwd,
            env=environment({**self.settings, **(env or {})}),
            input=stdin,
            timeout=300,
            check=False,
        )
        if ok and result.returncode != 0:
            raise AssertionError(
                f"xinyong {' '.join(args)} exited {result.returncode}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
            )
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self(*args).stdout)
