"""Shared helpers: the machine, timing, peak memory, and a synthetic population."""

from __future__ import annotations

import json
import os
import platform
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def timed() -> Iterator[dict]:
    box: dict = {}
    started = time.perf_counter()
    yield box
    box["seconds"] = time.perf_counter() - started


def sample_registry():
    """The sample catalogs of ``catalogs/`` (the opt-in scorecards beside them are not
    catalogs)."""
    import tomllib

    from xinyong.domain.catalog.files import read_catalog
    from xinyong.domain.catalog.registry import CatalogRegistry
    from xinyong.domain.scorecard import is_scorecard

    files = sorted((ROOT / "catalogs").glob("*.toml"))
    return CatalogRegistry.of(
        read_catalog(p) for p in files if not is_scorecard(tomllib.loads(p.read_text(encoding="utf-8")))
    )


def population_lines(persons: int, organisations: int, seed: int = 7) -> list[str]:
    from xinyong.synthetic.population import iter_events

    return [
        json.dumps(e, ensure_ascii=False)
        for e in iter_events(sample_registry(), seed=seed, persons=persons, organisations=organisations)
    ]


def report(name: str, rows: list[tuple[str, str]]) -> None:
    width = max(len(k) for k, _ in rows)
    print(f"\n== {name}")
    for key, value in rows:
        print(f"  {key:<{width}}  {value}")
