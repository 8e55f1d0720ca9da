"""The one launcher of ``xinyong serve`` in tests: a free loopback port, retried when
another process takes it first, and stopped at the end."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.cli import XINYONG, environment
from tests.support.ports import free_port


@dataclass
class Served:
    """A running ``xinyong serve``, its base URL and the files it writes its output to."""

    url: str
    process: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path

    def output(self) -> str:
        """Everything the server printed so far, on both streams."""
        text = self.stdout.read_text(errors="replace")
        if self.stderr != self.stdout:
            text += self.stderr.read_text(errors="replace")
        return text

    def stop(self) -> None:
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
    db_url: str, folder: Path, settings: Mapping[str, str] | None = None, *, merged: bool = False, seconds: float = 60
) -> Served:
    """Start ``xinyong --db db_url serve`` in ``folder`` with ``settings`` (XINYONG_
    variables), and return once it answers /healthz. Its output goes to files in
    ``folder``: one for both streams if ``merged``, else one each."""
    for _attempt in range(3):
        port = free_port()
        stdout = folder / f"serve-{port}.{'log' if merged else 'out'}"
        stderr = stdout if merged else folder / f"serve-{port}.err"
        with stdout.open("wb") as out, nullcontext(out) if merged else stderr.open("wb") as err:
            process = subprocess.Popen(
                [XINYONG, "--db", db_url, "serve", "--host", "127.0.0.1", "--port", str(port)],
                stdout=out,
                stderr=subprocess.STDOUT if merged else err,
                cwd=folder,
                env=environment(settings),
            )
        served = Served(f"http://127.0.0.1:{port}", process, stdout, stderr)
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
        if served.process.poll() is not None:
            return False  # exited: most likely the port was taken meanwhile
        try:
            if httpx.get(served.url + "/healthz", timeout=2).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    return False
