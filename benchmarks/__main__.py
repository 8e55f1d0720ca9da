"""`python -m benchmarks [STEP...] [--sizes N,N] [--backends sqlite,postgresql] ...`: time
the commands a user runs against their baselines and render BENCHMARKS.md (`--help`).

Every option has an environment variable (BENCH_SIZES=20000 is the quick setting); the
command line wins."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from benchmarks import steps
from benchmarks.harness import BACKENDS, MARKDOWN, RESULTS, Options, as_command, default_cache, run


def _numbers(text: str) -> list[int]:
    return [int(x.replace("_", "")) for x in text.split(",") if x.strip()]


def _names(allowed: tuple[str, ...]):
    def parse(text: str) -> list[str]:
        names = [x.strip() for x in text.split(",") if x.strip()]
        unknown = [n for n in names if n not in allowed]
        if unknown:
            raise argparse.ArgumentTypeError(f"{', '.join(unknown)}: not one of {', '.join(allowed)}")
        return names

    return parse


def parser() -> argparse.ArgumentParser:
    env = os.environ.get
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time the commands a user runs against their baselines, write the figures to a results "
        "file (BENCHMARKS.json) and render BENCHMARKS.md from it. Every option has an environment variable; "
        "the command line wins. BENCH_SIZES=20000 is the quick setting.",
    )
    p.add_argument(
        "steps",
        nargs="*",
        metavar="STEP",
        help=f"steps to run, in this order: {', '.join(steps.STEPS)} (default: $BENCH_STEPS, else all)",
    )
    p.add_argument(
        "--sizes",
        type=_numbers,
        default=_numbers(env("BENCH_SIZES", "1000000")),
        help="records, comma-separated, ten a resident ($BENCH_SIZES, default 1000000; issue 11 asks for "
        "1000000,10000000)",
    )
    p.add_argument(
        "--backends",
        type=_names(BACKENDS),
        default=_names(BACKENDS)(env("BENCH_BACKENDS", ",".join(BACKENDS))),
        help="sqlite, postgresql or both ($BENCH_BACKENDS, default both)",
    )
    p.add_argument("--seed", type=int, default=int(env("BENCH_SEED", "11")), help="of the events ($BENCH_SEED)")
    p.add_argument(
        "--workers",
        type=int,
        default=int(env("BENCH_WORKERS", str(os.cpu_count() or 1))),
        help="server processes for checks, the same for the hello-world; passed to `xinyong serve` only if "
        "it has --workers ($BENCH_WORKERS, default: the cores)",
    )
    p.add_argument(
        "--check-seconds",
        type=int,
        default=int(env("BENCH_CHECK_SECONDS", "30")),
        help="seconds of load on each server ($BENCH_CHECK_SECONDS, default 30)",
    )
    p.add_argument("--connections", type=int, default=int(env("BENCH_CONNECTIONS", "32")), help=argparse.SUPPRESS)
    p.add_argument(
        "--cache",
        type=Path,
        default=Path(env("BENCH_CACHE", str(default_cache()))),
        help="folder for the event files (made once a size and seed) and the SQLite databases ($BENCH_CACHE)",
    )
    p.add_argument("--results", type=Path, default=Path(env("BENCH_RESULTS", str(RESULTS))), help="results file")
    p.add_argument(
        "--markdown", type=Path, default=Path(env("BENCH_MARKDOWN", str(MARKDOWN))), help="file rendered from them"
    )
    p.add_argument("--no-render", action="store_true", help="write the results file only")
    p.add_argument(
        "--keep",
        action="store_true",
        help="keep the SQLite databases in the cache, for a later run of rescore or checks without import",
    )
    return p


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    try:
        chosen = _names(steps.STEPS)(",".join(args.steps) or os.environ.get("BENCH_STEPS", ",".join(steps.STEPS)))
    except argparse.ArgumentTypeError as error:
        parser().error(f"steps: {error}")
    options = Options(
        sizes=args.sizes,
        backends=args.backends,
        steps=[s for s in steps.STEPS if s in chosen],
        seed=args.seed,
        workers=args.workers,
        connections=args.connections,
        check_seconds=args.check_seconds,
        cache=args.cache,
        results=args.results,
        markdown=None if args.no_render else args.markdown,
        keep=args.keep,
        command=as_command(argv),
    )
    results = run(options)
    return 1 if any(entry["failed"] for entry in results["runs"]) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
