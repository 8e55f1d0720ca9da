"""Run the benchmarks: `python -m benchmarks [NAME...]`."""

from __future__ import annotations

import importlib
import sys

from benchmarks.common import machine

ALL = ("intake", "intake_pg", "acknowledged", "standing", "checks", "rescore")


def main(names: list[str]) -> None:
    print(f"machine: {machine()}")
    for name in names or ALL:
        importlib.import_module(f"benchmarks.{name}").main()


if __name__ == "__main__":
    main(sys.argv[1:])
