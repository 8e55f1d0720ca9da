"""The older benchmarks of pieces (the intake path in-process, acknowledged single
events, the pure standing module, the rescoring job on a prepared export), each against
its own baseline: `python -m benchmarks.pieces [NAME...]`. `python -m benchmarks` times
the commands a user runs instead, and renders BENCHMARKS.md."""

from __future__ import annotations

import importlib
import sys

from benchmarks.common import machine

ALL = ("intake", "intake_pg", "acknowledged", "standing", "rescore", "round_writes", "bulk_journal")


def main(names: list[str]) -> None:
    print(f"machine: {machine()}")
    for name in names or ALL:
        importlib.import_module(f"benchmarks.{name}").main()


if __name__ == "__main__":
    main(sys.argv[1:])
