"""The harness: for each size and backend, the chosen steps in order (import, size,
rescore, checks), each against its baseline in the same run; the figures written to a
results file (JSON) after every step, and BENCHMARKS.md rendered from it at the end."""

from __future__ import annotations

import datetime as dt
import json
import os
import shlex
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import steps
from benchmarks.databases import Databases, Unavailable
from benchmarks.machine import ROOT, describe
from benchmarks.population import ACTION, AS_OF, CATALOG, RECORDS_PER_RESIDENT, event_file
from benchmarks.processes import StepFailed

BACKENDS = ("sqlite", "postgresql")
FORMAT = 1
RESULTS = ROOT / "BENCHMARKS.json"
MARKDOWN = ROOT / "BENCHMARKS.md"


def default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "xinyong-bench"


@dataclass
class Options:
    sizes: list[int] = field(default_factory=lambda: [1_000_000])
    backends: list[str] = field(default_factory=lambda: list(BACKENDS))
    steps: list[str] = field(default_factory=lambda: list(steps.STEPS))
    seed: int = 11
    workers: int = 2
    connections: int = 32
    check_seconds: int = 30
    cache: Path = field(default_factory=default_cache)
    results: Path = RESULTS
    markdown: Path | None = MARKDOWN
    keep: bool = False  # keep SQLite databases in the cache for a later run's rescore or checks
    command: str = ""


def _say(text: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {text}", flush=True)


def run(options: Options) -> dict:
    """Run every chosen step at every size on every backend; the results (also written
    to ``options.results``, and rendered to ``options.markdown`` unless it is None)."""
    results: dict = {
        "format": FORMAT,
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": options.command,
        "machine": describe(),
        "settings": {
            "sizes": options.sizes,
            "backends": options.backends,
            "steps": options.steps,
            "seed": options.seed,
            "catalog": CATALOG,
            "records_per_resident": RECORDS_PER_RESIDENT,
            "as_of": AS_OF.isoformat(),
            "action": ACTION,
            "workers": options.workers,
            "connections": options.connections,
            "check_seconds": options.check_seconds,
        },
        "postgresql": None,
        "runs": [],
    }
    databases = Databases(options.cache, keep=options.keep)
    load = steps.Load(options.connections, options.check_seconds, options.workers)
    try:
        for records in options.sizes:
            events = event_file(options.cache, records, options.seed)
            _say(
                f"{records:,} records: {events.events:,} events of {events.residents:,} residents in {events.path}"
                + (f" (made in {events.seconds:.1f} s)" if events.seconds else " (cached)")
            )
            for backend in options.backends:
                entry: dict = {
                    "backend": backend,
                    "records": records,
                    "residents": events.residents,
                    "events": events.events,
                    "file_bytes": events.bytes,
                    "steps": {},
                    "skipped": {},
                    "failed": {},
                }
                results["runs"].append(entry)
                try:
                    database = databases.database(backend, events)
                except Unavailable as why:
                    for name in options.steps:
                        entry["skipped"][name] = f"PostgreSQL is not available: {why}"
                    _say(f"  {backend}: skipped ({why})")
                    continue
                results["postgresql"] = databases.postgresql
                for name in options.steps:
                    _say(f"  {backend}, {name} ...")
                    started = time.perf_counter()
                    try:
                        if name == "checks":
                            figures = steps.checks_step(databases.ready(backend, events), load)
                        elif name == "import":
                            figures = steps.import_step(database)
                        elif name == "size":
                            figures = steps.size_step(databases.ready(backend, events))
                        else:
                            figures = steps.rescore_step(databases.ready(backend, events))
                    except StepFailed as error:
                        if name == "checks" and str(error) == "wrk is not installed":
                            entry["skipped"][name] = "wrk is not installed (apt-get install wrk)"
                        else:
                            entry["failed"][name] = str(error)
                        _say(f"  {backend}, {name}: {error}")
                    except Exception as error:  # noqa: BLE001 (recorded, and the run goes on)
                        entry["failed"][name] = "".join(traceback.format_exception_only(error)).strip()
                        _say(f"  {backend}, {name}: failed\n{traceback.format_exc()}")
                    else:
                        figures["measured_in_seconds"] = time.perf_counter() - started
                        entry["steps"][name] = figures
                        _say(f"  {backend}, {name}: {summary(name, figures)}")
                    _write(results, options)
                databases.release(backend, events)
    finally:
        databases.close()
        results["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        _write(results, options)
    if options.markdown is not None:
        from benchmarks.report import render

        options.markdown.write_text(render(results, results_name=_relative(options.results, options.markdown)))
        _say(f"results: {options.results}; rendered: {options.markdown}")
    return results


def summary(name: str, figures: dict) -> str:
    ours, base, ratio = figures["xinyong"], figures["baseline"], figures["ratio"]
    if name == "size":
        return f"{ours['bytes_per_record']:,.0f} B/record against {base['bytes_per_record']:,.0f} (ratio {ratio:.3f})"
    if name == "checks":
        return (
            f"{ours['rate']:,.0f} req/s, p99 {ours['p99_ms']:.1f} ms against {base['rate']:,.0f} req/s "
            f"(ratio {ratio:.3f})"
        )
    return f"{ours['seconds']:.1f} s against {base['seconds']:.1f} s (ratio {ratio:.3f})"


def _relative(results: Path, markdown: Path) -> str:
    try:
        return os.path.relpath(results, markdown.parent)
    except ValueError:
        return str(results)


def _write(results: dict, options: Options) -> None:
    options.results.parent.mkdir(parents=True, exist_ok=True)
    partial = options.results.with_suffix(".partial")
    partial.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    partial.replace(options.results)


def as_command(argv: list[str]) -> str:
    return shlex.join(["python", "-m", "benchmarks", *argv])
