"""The one launcher of the service in tests.

By default the server runs in this process: the deployment and the application made as
``xinyong serve`` makes them (from the same ``XINYONG_`` settings, the caller's removed),
served by uvicorn in a thread on a loopback port of its own, with what the server logs
written to files in its folder, as ``serve`` prints it. Tests speak to it over real HTTP.

``process=True`` starts ``xinyong serve`` itself, on a free loopback port (retried when
another process takes it first): the small ring of tests about the process (a restart, a
kill, two servers at once, checkpoints on a schedule, the command as a user runs it)."""

from __future__ import annotations

import contextlib
import contextvars
import logging
import os
import socket
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.support.cli import _LOCK, XINYONG, environment
from tests.support.ports import free_port


@dataclass
class Served:
    """A running server, its base URL and the files it writes its output to; ``process``
    is the ``xinyong serve`` process, or None for a server in this process."""

    url: str
    process: subprocess.Popen[bytes] | None
    stdout: Path
    stderr: Path
    _inside: _InProcess | None = field(default=None, repr=False)

    def output(self) -> str:
        """Everything the server printed so far, on both streams."""
        text = self.stdout.read_text(errors="replace")
        if self.stderr != self.stdout:
            text += self.stderr.read_text(errors="replace")
        return text

    def stop(self) -> None:
        if self._inside is not None:
            self._inside.stop()
        else:
            assert self.process is not None
            stop(self.process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate a server, and kill it if it does not exit within 15 seconds."""
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def start(
    db_url: str,
    folder: Path,
    settings: Mapping[str, str] | None = None,
    *,
    merged: bool = False,
    seconds: float = 60,
    process: bool = False,
    workers: int = 1,
) -> Served:
    """Start a server over ``db_url`` with ``settings`` (XINYONG_ variables), working in
    ``folder``, and return once it answers /healthz. Its output goes to files in
    ``folder``: one for both streams if ``merged``, else one each. In this process
    unless ``process``; then ``xinyong --db db_url serve`` on a free port, with
    ``--workers`` when ``workers`` is more than 1, in a process group of its own (the
    server and its worker processes: ``os.killpg(served.process.pid, ...)`` reaches
    them all)."""
    if not process:
        assert workers == 1, "several server processes are `xinyong serve --workers`: process=True"
        return _start_inside(db_url, folder, settings or {}, merged, seconds)
    extra = ["--workers", str(workers)] if workers > 1 else []
    for _attempt in range(3):
        port = free_port()
        stdout = folder / f"serve-{port}.{'log' if merged else 'out'}"
        stderr = stdout if merged else folder / f"serve-{port}.err"
        with stdout.open("wb") as out, nullcontext(out) if merged else stderr.open("wb") as err:
            popen = subprocess.Popen(
                [XINYONG, "--db", db_url, "serve", "--host", "127.0.0.1", "--port", str(port), *extra],
                stdout=out,
                stderr=subprocess.STDOUT if merged else err,
                cwd=folder,
                env=environment(settings),
                start_new_session=workers > 1,
            )
        served = Served(f"http://127.0.0.1:{port}", popen, stdout, stderr)
        if _healthy(served, seconds):
            return served
        served.stop()
    raise RuntimeError(f"the server did not start:\n{served.output()}")


@contextmanager
def running(db_url: str, folder: Path, settings: Mapping[str, str] | None = None, **options) -> Iterator[Served]:
    """``start``, and stop the server when the block ends."""
    served = start(db_url, folder, settings, **options)
    try:
        yield served
    finally:
        served.stop()


def _healthy(served: Served, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if served.process is not None and served.process.poll() is not None:
            return False  # exited: most likely the port was taken meanwhile
        try:
            if httpx.get(served.url + "/healthz", timeout=2).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    return False


# ------------------------------------------------------------------ in this process

# The server a log record belongs to: set in the server's thread, inherited by its event
# loop's tasks and by the worker threads they run sync routes in.
_SERVER: contextvars.ContextVar[object | None] = contextvars.ContextVar("xinyong_test_server", default=None)
# As `xinyong serve` configures logging (logging.basicConfig).
LOG_FORMAT = "%(asctime)s %(name)s %(message)s"


class _Mine(logging.Filter):
    def __init__(self, owner: object):
        super().__init__()
        self.owner = owner

    def filter(self, record: logging.LogRecord) -> bool:
        return _SERVER.get() is self.owner


@contextlib.contextmanager
def _environment(settings: Mapping[str, str]) -> Iterator[None]:
    """The process environment as ``xinyong serve`` would see it, while the server is made."""
    saved = dict(os.environ)
    try:
        for name in [k for k in os.environ if k.startswith("XINYONG_")]:
            del os.environ[name]
        os.environ.update(settings)
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


class _InProcess:
    def __init__(self, deployment: Any, app: Any, log: logging.Handler):
        import uvicorn

        self.deployment = deployment
        self.log = log
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        # As `serve` runs uvicorn, without letting it configure this process's logging.
        config = uvicorn.Config(app, access_log=False, log_level="warning", log_config=None, lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self._run, name=f"xinyong-serve-{self.port}", daemon=True)

    def _run(self) -> None:
        _SERVER.set(self)
        try:
            self.server.run(sockets=[self.socket])
        except BaseException:
            logging.getLogger("xinyong.tests.server").exception("the server stopped")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(30)
        self.socket.close()
        self.deployment.close()
        logging.getLogger().removeHandler(self.log)
        self.log.close()


def _start_inside(db_url: str, folder: Path, settings: Mapping[str, str], merged: bool, seconds: float) -> Served:
    from xinyong.bootstrap import open_deployment
    from xinyong.entrypoints.server import create_app  # as `xinyong serve` builds it

    stdout = folder / f"serve-inside-{id(folder)}-{time.monotonic_ns()}.{'log' if merged else 'out'}"
    stderr = stdout if merged else stdout.with_suffix(".err")
    stdout.touch()
    stderr.touch()
    with _LOCK, _environment(settings):
        deployment = open_deployment(db_url)
        try:
            app = create_app(deployment)
        except BaseException:
            deployment.close()
            raise
    handler = logging.FileHandler(stderr, encoding="utf-8")
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    inside = _InProcess(deployment, app, handler)
    handler.addFilter(_Mine(inside))
    root = logging.getLogger()
    root.addHandler(handler)
    if root.getEffectiveLevel() > logging.INFO:
        root.setLevel(logging.INFO)
    inside.thread.start()
    served = Served(f"http://127.0.0.1:{inside.port}", None, stdout, stderr, inside)
    if not _healthy(served, seconds):
        inside.stop()
        raise RuntimeError(f"the server did not start:\n{served.output()}")
    return served
