"""Fixtures of the scorecard tests: the sample scorecard, a generated population's
payers and their training table, and a scorecard fitted from it, each made once a
session (generating and fitting take seconds)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from xinyong.domain.scorecard import Scorecard, parse_scorecard

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "catalogs" / "civic-optin.toml"
AS_OF = dt.date(2025, 1, 1)
PERSONS = 8000
SEED = 11


@pytest.fixture(scope="session")
def sample_card() -> Scorecard:
    return parse_scorecard(SAMPLE.read_text(encoding="utf-8"), str(SAMPLE))


@pytest.fixture(scope="session")
def records(sample_card):
    from xinyong.synthetic.training import sample_records

    return sample_records(persons=PERSONS, seed=SEED, as_of=AS_OF, scorecard=sample_card)


@pytest.fixture(scope="session")
def table(records):
    from xinyong.synthetic.training import sample_table

    return sample_table(records, AS_OF)


@pytest.fixture(scope="session")
def table_file(table, tmp_path_factory) -> Path:
    import pyarrow.parquet as pq

    path = tmp_path_factory.mktemp("scorecards") / "sample.parquet"
    pq.write_table(table, path)
    return path


@pytest.fixture(scope="session")
def fitted(table):
    from xinyong.batch.scorecards import FitOptions, fit_scorecard
    from xinyong.synthetic.training import GROUP_COLUMNS, OUTCOME

    return fit_scorecard(table, FitOptions(target=OUTCOME, ignore=GROUP_COLUMNS), source="sample.parquet")
