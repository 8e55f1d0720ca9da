"""Child processes, timed end to end: wall clock from start to exit, and the peak
resident memory of the child (its largest process, workers it waited for included),
read from the kernel's accounting of that child alone (``os.wait4``)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.machine import ROOT

BIN = Path(sys.executable).parent
XINYONG = str(BIN / "xinyong")


class StepFailed(RuntimeError):
    """A command of a step exited with an error: the command and the end of its output."""


@dataclass
class Measured:
    command: list[str]
    seconds: float
    peak_mib: float
    stdout: str = ""
    stderr: str = ""
    returncode: int = 0


@dataclass
class Running:
    """A server process: its port, and once it has stopped, its peak memory."""

    process: subprocess.Popen
    port: int
    command: list[str]
    peak_mib: float = 0.0
    log: Path = field(default_factory=Path)


def shown(command: Sequence[str]) -> str:
    """A command as a user would type it: the venv's programs by name, paths kept."""
    words = [w.removeprefix(str(BIN) + "/") for w in command]
    return " ".join(words)


def environment(extra: Mapping[str, str]) -> dict[str, str]:
    """The caller's environment without its XINYONG_ settings, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XINYONG_")}
    env.update(extra)
    return env


def _wait(process: subprocess.Popen) -> tuple[int, float]:
    """Wait for ``process`` and return its exit status and peak memory in MiB."""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, usage.ru_maxrss / 1024


def run(command: Sequence[str], env: Mapping[str, str], *, check: bool = True) -> Measured:
    """Run ``command`` to its end from the repository root; its wall clock and peak memory.
    It starts on a settled disk: what earlier steps wrote is flushed first, untimed, so
    that no command pays for another's writes."""
    os.sync()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(list(command), stdout=out, stderr=err, env=dict(env), cwd=ROOT)
        try:
            code, peak = _wait(process)
        except BaseException:
            process.kill()
            _wait(process)
            raise
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        measured = Measured(list(command), seconds, peak, out.read(), err.read(), code)
    if check and code != 0:
        tail = "\n".join((measured.stderr or measured.stdout).strip().splitlines()[-15:])
        raise StepFailed(f"{shown(command)} exited with {code}:\n{tail}")
    return measured


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(command: Sequence[str], port: int, env: Mapping[str, str]) -> Iterator[Running]:
    """A server started with ``command``, once it accepts connections on ``port``;
    stopped with SIGTERM (as a service manager stops it) at the end, its peak memory then
    recorded. Like :func:`run`, it starts on a settled disk."""
    os.sync()
    with tempfile.NamedTemporaryFile("w+", prefix="bench-server-", suffix=".log", delete=False) as log:
        process = subprocess.Popen(list(command), stdout=log, stderr=log, env=dict(env), cwd=ROOT)
    running = Running(process, port, list(command), log=Path(log.name))
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise StepFailed(f"{shown(command)} exited at start:\n{running.log.read_text()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise StepFailed(f"{shown(command)} did not listen on port {port} within 120 s") from None
                time.sleep(0.2)
        yield running
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            running.peak_mib = _stop(process)
        running.log.unlink(missing_ok=True)


def _stop(process: subprocess.Popen, grace: float = 30.0) -> float:
    """Wait up to ``grace`` seconds for a signalled ``process`` to exit (then kill it);
    its peak memory in MiB."""
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return usage.ru_maxrss / 1024
        time.sleep(0.1)
    process.kill()
    return _wait(process)[1]
