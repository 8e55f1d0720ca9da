"""`xinyong scorecard sample-data`, `fit` and `audit` as a user runs them: the walk of
the README from generated data to a fitted file and its audit report, figures as JSON,
and clear refusals. None of them opens the database."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.support.cli import Cli
from xinyong.domain.scorecard import parse_scorecard

pytestmark = [pytest.mark.e2e, pytest.mark.backend_independent]


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "never-opened.db", tmp_path)


def test_sample_data_then_fit_then_audit(cli, tmp_path):
    made = cli.json(
        "scorecard", "sample-data", "--persons", "3000", "--seed", "3", "--as-of", "2025-01-01",
        "--out", "data.parquet", "--events-out", "events.jsonl", "--json",
    )  # fmt: skip
    table = pq.read_table(tmp_path / "data.parquet")
    assert made["rows"] == table.num_rows > 800
    assert made["outcome"] == "missed_60d_12m" and made["observed_until"] == "2026-03-02"
    events = [json.loads(line) for line in (tmp_path / "events.jsonl").read_text().splitlines()]
    assert {e["type"] for e in events} >= {"consent_given", "obligation", "paid"}
    assert not (tmp_path / "never-opened.db").exists()

    fitted = cli.json(
        "scorecard", "fit", "data.parquet", "--target", "missed_60d_12m", "--ignore", "sex",
        "--ignore", "age_band", "--id", "civic-fitted", "--out", "fitted.toml", "--json",
    )  # fmt: skip
    card = parse_scorecard((tmp_path / "fitted.toml").read_text(), "fitted.toml")
    assert card.id == fitted["scorecard"] == "civic-fitted"
    assert fitted["test"]["auc"] > 0.7 and fitted["train"]["rows"] + fitted["test"]["rows"] == made["rows"]
    assert all(f.monotone_problem() is None for f in card.features)
    # Sources, purposes and the sources' names come from the sample scorecard, in both languages.
    assert card.sources == ("water-co", "city-bank") and card.purposes == ("lending", "rental-deposit")
    assert card.text("source_names.water-co", "zh-CN") == "荣成市自来水公司"
    assert card.missing_translations() == {}

    audited = cli.json(
        "scorecard", "audit", "data.parquet", "--scorecard", "fitted.toml", "--group", "age_band",
        "--target", "missed_60d_12m", "--out", "report.html", "--json",
    )  # fmt: skip
    html = (tmp_path / "report.html").read_text()
    assert audited["rows"] == made["rows"]
    assert f'id="auc">{audited["discrimination"]["auc"]:.3f}<' in html
    assert f'id="dp-ratio">{audited["fairness"]["demographic_parity_ratio"]:.3f}<' in html
    assert {g["group"] for g in audited["fairness"]["groups"]} == {"18-29", "30-44", "45-59", "60+"}


def test_fit_prints_the_held_out_figures(cli, table_file, tmp_path):
    result = cli("scorecard", "fit", str(table_file), "--target", "missed_60d_12m", "--ignore", "sex",
                 "--ignore", "age_band", "--sources", "water-co", "--purposes", "lending",
                 "--out", "fitted.toml")  # fmt: skip
    assert "held out:" in result.stdout and "AUC 0." in result.stdout
    assert "fitted-optin" in result.stdout
    card = parse_scorecard((tmp_path / "fitted.toml").read_text(), "fitted.toml")
    assert (card.sources, card.purposes) == (("water-co",), ("lending",))
    assert card.source_names == {"water-co": "Rongcheng Water Supply Company"}


def test_fit_refuses_a_column_outside_the_vocabulary_and_writes_nothing(cli, table_file, tmp_path):
    result = cli("scorecard", "fit", str(table_file), "--target", "missed_60d_12m", "--ignore", "sex",
                 "--out", "fitted.toml", ok=False)  # fmt: skip
    assert result.returncode == 2
    assert "column 'age_band' is not a feature of the vocabulary" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "fitted.toml").exists()


def test_audit_refuses_an_unknown_group_column(cli, table_file, tmp_path):
    sample = Path(__file__).resolve().parents[2] / "catalogs" / "civic-optin.toml"
    result = cli("scorecard", "audit", str(table_file), "--scorecard", str(sample), "--group", "region",
                 "--out", "report.html", ok=False)  # fmt: skip
    assert result.returncode == 2 and "--group 'region' is not a column of the table" in result.stderr
    assert not (tmp_path / "report.html").exists()


def test_audit_refuses_a_scorecard_that_does_not_load(cli, table_file, tmp_path):
    (tmp_path / "bad.toml").write_text(
        (Path(__file__).resolve().parents[2] / "catalogs" / "civic-optin.toml")
        .read_text()
        .replace('name = "obligations_24m"', 'name = "purchases_24m"')
    )
    result = cli("scorecard", "audit", str(table_file), "--scorecard", "bad.toml", "--group", "sex",
                 "--out", "report.html", ok=False)  # fmt: skip
    assert result.returncode == 2
    assert "bad.toml" in result.stderr and "purchases_24m" in result.stderr and "purchases" in result.stderr


def test_without_the_extra_the_commands_say_how_to_install_it(cli, table_file, monkeypatch):
    monkeypatch.setitem(sys.modules, "optbinning", None)  # as if it were not installed
    result = cli("scorecard", "fit", str(table_file), "--target", "missed_60d_12m", "--out", "x.toml", ok=False)
    assert result.returncode == 2
    assert "uv sync --extra scorecards" in result.stderr and "pip install 'xinyong[scorecards]'" in result.stderr
