"""The sample files in ``catalogs/``: rule catalogs, and opt-in scorecards beside them
(``kind = "scorecard"``, docs/design.md section 9), which ``catalog load`` takes too but
which are not catalogs."""

from __future__ import annotations

import tomllib
from pathlib import Path

from xinyong.domain.scorecard import is_scorecard

SAMPLES = Path(__file__).resolve().parents[2] / "catalogs"


def is_scorecard_file(path: Path) -> bool:
    return is_scorecard(tomllib.loads(path.read_text("utf-8")))


def sample_catalogs(folder: Path = SAMPLES) -> list[Path]:
    """The catalog files among the samples (no scorecards), by name."""
    return [p for p in sorted(folder.glob("*.toml")) if not is_scorecard_file(p)]


def sample_scorecards(folder: Path = SAMPLES) -> list[Path]:
    return [p for p in sorted(folder.glob("*.toml")) if is_scorecard_file(p)]
