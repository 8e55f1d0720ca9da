"""The one runner of the ``xinyong`` command line in tests.

By default a command runs in this process, through Typer's ``CliRunner``: the same
application object the console script calls, with the same arguments, working folder,
environment (the caller's ``XINYONG_`` settings removed, the test's put in) and standard
input, and the same exit code, stdout and stderr. An exception that escapes a command
shows up on stderr as the traceback the interpreter would print, with exit code 1, so a
test that says "a message, not a traceback" means the same in process as in a
subprocess. What a command opened (database engines) is closed when it returns, as a
process exit would.

``process=True`` runs the installed ``xinyong`` script as a subprocess instead: the
small ring of tests where the process boundary is the point (the console script itself,
key files read at start-up, signals, two processes at once)."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import traceback
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

XINYONG = str(Path(sys.executable).parent / "xinyong")

# Every `xinyong` process imports the whole stack; with bytecode cached (outside the
# venv) a command starts in under a second instead of three.
BYTECODE_CACHE = Path(tempfile.gettempdir()) / "xinyong-tests-pycache"
COLUMNS = "200"


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
    env["COLUMNS"] = COLUMNS
    env.update(settings or {})
    return env


def database_url(db: str | os.PathLike[str] | DatabaseLike) -> str:
    return db if isinstance(db, str) else os.fspath(db) if isinstance(db, os.PathLike) else db.url


# ------------------------------------------------------------------ in this process

# One command at a time in this process: a command changes the working folder and the
# environment while it runs.
_LOCK = threading.RLock()
_COMMAND = None
_ENGINES: list[Any] | None = None


def _command():
    """The Click command of the application (made once), and the engine tracking."""
    global _COMMAND
    if _COMMAND is None:
        import typer.main

        from xinyong.adapters.storage import store
        from xinyong.entrypoints import cli
        from xinyong.entrypoints.cli import root

        create = store.create_engine

        def tracked(*args: Any, **kwargs: Any):
            engine = create(*args, **kwargs)
            if _ENGINES is not None:
                _ENGINES.append(engine)
            return engine

        store.create_engine = tracked  # every engine a command opens, closed when it ends
        for console in (root.out, root.err):  # as COLUMNS=200 gives a process
            console.width = int(COLUMNS)
        _COMMAND = typer.main.get_command(cli.app)
    return _COMMAND


@contextlib.contextmanager
def _working_in(folder: Path) -> Iterator[None]:
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def run_in_process(
    args: Sequence[str], cwd: Path, settings: Mapping[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``xinyong *args`` in this process, as :func:`run_process` runs it in another."""
    global _ENGINES
    from click.testing import CliRunner

    with _LOCK:
        command = _command()
        env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("XINYONG_")}
        env.update({"COLUMNS": COLUMNS, **settings})
        _ENGINES = []
        try:
            with _working_in(cwd):
                result = CliRunner().invoke(
                    command, list(args), input=stdin, env=env, catch_exceptions=True, prog_name="xinyong"
                )
        finally:
            engines, _ENGINES = _ENGINES, None
            for engine in engines:
                engine.dispose()
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        # What the interpreter prints for an exception nothing caught.
        stderr += "".join(traceback.format_exception(result.exception))
    return subprocess.CompletedProcess(["xinyong", *args], result.exit_code, result.stdout, stderr)


def run_process(
    args: Sequence[str], cwd: Path, settings: Mapping[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``xinyong *args`` as the installed console script, in a process of its own."""
    return subprocess.run(
        [XINYONG, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment(settings),
        input=stdin,
        timeout=300,
        check=False,
    )


class Cli:
    """Runs ``xinyong`` against one database, in ``cwd``, with ``settings`` (XINYONG_
    variables) besides the database's own: in this process, or with ``process=True`` as
    the installed console script."""

    def __init__(
        self,
        db: str | os.PathLike[str] | DatabaseLike,
        cwd: Path,
        settings: Mapping[str, str] | None = None,
        *,
        process: bool = False,
    ):
        self.db = db
        self.cwd = cwd
        own = {} if isinstance(db, str | os.PathLike) else db.env
        self.settings = {**own, **(settings or {})}
        self.process = process

    def as_process(self) -> Cli:
        """The same runner, running the installed console script in a subprocess."""
        other = Cli(self.db, self.cwd, process=True)
        other.settings = dict(self.settings)
        return other

    def __call__(
        self, *args: str, ok: bool = True, stdin: str | None = None, env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run ``xinyong --db <db> *args``; unless ``ok`` is False, fail the test with its
        output when it exits with an error."""
        run = run_process if self.process else run_in_process
        result = run(["--db", database_url(self.db), *args], self.cwd, {**self.settings, **(env or {})}, stdin)
        if ok and result.returncode != 0:
            raise AssertionError(
                f"xinyong {' '.join(args)} exited {result.returncode}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
            )
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self(*args).stdout)
