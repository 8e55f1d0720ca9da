"""``xinyong export`` and ``xinyong rescore`` as a user runs them: Parquet out, the grade
distribution and timings printed, the same files from DuckDB and Spark, clear errors."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from tests.batch.conftest import SECOND_VERSION, sorted_rows
from tests.conftest import environment_for, scenario_files
from tests.support.cli import XINYONG
from xinyong.domain import standing as st

pytestmark = pytest.mark.e2e


def _pure(deployment, catalog_id, day):
    """Every subject of the catalog's kind as the standing module scores it, by key."""
    store = deployment.store
    registry = deployment.catalogs.registry()
    with store.reading() as connection:
        files = [s.file for s in store.records(connection, store.all_record_ids(connection)).values()]
        subjects = {f.subject for f in files}
        facts = store.latest_subject_events(connection, subjects)
    kind = registry.in_force(catalog_id, day).subject_kind
    answers = {}
    for subject in subjects:
        if subject.kind == kind:
            mine = [f for f in files if f.subject == subject]
            jurisdiction = facts[subject].jurisdiction if subject in facts else None
            answers[store.subject_key(subject)] = st.standing(subject, catalog_id, day, mine, registry, jurisdiction)
    return answers


def test_rescore_writes_standings_and_entries_and_prints_the_grade_distribution(cli, database, tmp_path):
    from xinyong.bootstrap import open_deployment
    from xinyong.settings import Settings

    files = scenario_files("basic")
    cli("catalog", "load", *map(str, files["catalogs"]))
    cli("import", str(files["events"]))
    result = cli(
        "rescore",
        "--catalog",
        "city-personal",
        "--as-of",
        "2025-06-01",
        "--out",
        "scores.parquet",
        "--export-dir",
        "export",
    )
    assert "AAA" in result.stdout and "subjects" in result.stdout and "time: export" in result.stdout
    assert (tmp_path / "export" / "records" / "jurisdiction=CN-SD-RC").is_dir()

    deployment = open_deployment(database, Settings(db=database, key_file=str(tmp_path / "secret.key")))
    try:
        expected = _pure(deployment, "city-personal", dt.date(2025, 6, 1))
    finally:
        deployment.close()
    standings = pq.read_table(tmp_path / "scores.parquet").to_pylist()
    assert {r["subject_key"]: (r["score"], r["grade"], r["covered"]) for r in standings} == {
        k: (a.score, a.grade, a.covered) for k, a in expected.items()
    }
    entries = pq.read_table(tmp_path / "scores.lists.parquet").to_pylist()
    assert sorted((r["subject_key"], r["record_id"], r["start"], r["until"]) for r in entries) == sorted(
        (k, e.record, e.start, e.until) for k, a in expected.items() for e in a.lists
    )
    printed = {}
    for line in result.stdout.splitlines():
        cells = [cell.strip() for cell in line.split("│")[1:-1]]
        if len(cells) == 3 and cells[1].isdigit():
            printed[cells[0]] = int(cells[1])
    assert printed == {g: sum(a.grade == g for a in expected.values()) for g in ("AAA", "AA", "A", "B", "C", "D")}


def test_rescore_on_duckdb_reads_the_database_itself_with_no_export(cli, database, tmp_path):
    from xinyong.bootstrap import open_deployment
    from xinyong.settings import Settings

    files = scenario_files("basic")
    cli("catalog", "load", *map(str, files["catalogs"]))
    cli("import", str(files["events"]))
    result = cli("rescore", "--catalog", "city-personal", "--as-of", "2025-06-01", "--out", "scores.parquet")
    assert "time: read" in result.stdout and "export" not in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".parquet") == [
        "scores.lists.parquet",
        "scores.parquet",
    ]

    deployment = open_deployment(database, Settings(db=database, key_file=str(tmp_path / "secret.key")))
    try:
        expected = _pure(deployment, "city-personal", dt.date(2025, 6, 1))
    finally:
        deployment.close()
    standings = pq.read_table(tmp_path / "scores.parquet").to_pylist()
    assert {r["subject_key"]: (r["score"], r["grade"], r["covered"]) for r in standings} == {
        k: (a.score, a.grade, a.covered) for k, a in expected.items()
    }
    entries = pq.read_table(tmp_path / "scores.lists.parquet").to_pylist()
    assert sorted((r["subject_key"], r["record_id"], r["start"], r["until"]) for r in entries) == sorted(
        (k, e.record, e.start, e.until) for k, a in expected.items() for e in a.lists
    )


def test_a_memory_limit_duckdb_cannot_read_is_refused_naming_the_option(database, tmp_path, monkeypatch):
    from xinyong.entrypoints.cli import app

    monkeypatch.setenv("XINYONG_KEY_FILE", str(tmp_path / "secret.key"))
    asked = ["--db", database, "rescore", "--catalog", "city-personal", "--out", str(tmp_path / "s.parquet")]
    result = CliRunner().invoke(app, [*asked, "--memory-limit", "lots"])
    assert result.exit_code == 2
    assert "--memory-limit: 'lots'" in " ".join(result.output.split())
    assert not (tmp_path / "s.parquet").exists()


def test_export_command_writes_a_partitioned_export_with_a_manifest(cli, tmp_path):
    files = scenario_files("deadlines")
    cli("catalog", "load", *map(str, files["catalogs"]))
    cli("import", str(files["events"]))
    result = cli("export", "--out", "exported")
    manifest = json.loads((tmp_path / "exported" / "manifest.json").read_text())
    assert f"exported {manifest['records']} records" in result.stdout
    assert "CN-SD-RC" in manifest["jurisdictions"]
    assert {c["id"] for c in manifest["catalogs"]} == {"city-personal", "market-enterprise"}


@pytest.mark.backend_independent
def test_spark_without_pyspark_asks_for_the_extra(conformance, tmp_path):
    shadow = tmp_path / "shadow" / "pyspark"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('No module named pyspark')\n")
    env = environment_for("unused.db", tmp_path) | {"PYTHONPATH": str(shadow.parent)}
    result = subprocess.run(
        [
            XINYONG,
            "rescore",
            "--from-export",
            str(conformance("basic").export),
            "--catalog",
            "city-personal",
            "--as-of",
            "2025-01-01",
            "--out",
            "x.parquet",
            "--engine",
            "spark",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert result.returncode == 2
    assert "install the extra: uv sync --extra spark" in result.stderr
    assert not (tmp_path / "x.parquet").exists()


@pytest.mark.parametrize(
    ("catalog", "day", "message"),
    [
        ("city-personal", "2020-06-01", "no version of catalog 'city-personal' is in force on 2020-06-01"),
        ("no-such-catalog", "2025-01-01", "no catalog 'no-such-catalog' is loaded"),
    ],
)
def test_a_question_no_catalog_version_answers_is_an_error(conformance, tmp_path, catalog, day, message):
    runner = CliRunner()
    from xinyong.entrypoints.cli import app

    result = runner.invoke(
        app,
        [
            "rescore",
            "--from-export",
            str(conformance("basic").export),
            "--catalog",
            catalog,
            "--as-of",
            day,
            "--out",
            str(tmp_path / "x.parquet"),
        ],
    )
    assert result.exit_code == 1
    assert message in " ".join(result.output.split())


def _rescore(tmp_path: Path, population, engine: str, *extra: str) -> dict:
    from xinyong.entrypoints.cli import app

    tmp_path.mkdir(parents=True, exist_ok=True)
    out = tmp_path / f"{engine}.parquet"
    result = CliRunner().invoke(
        app,
        [
            "rescore",
            "--from-export",
            str(population.export),
            "--catalog",
            "rongcheng-personal",
            "--as-of",
            SECOND_VERSION.isoformat(),
            "--out",
            str(out),
            "--engine",
            engine,
            "--json",
            *extra,
        ],
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.xdist_group("spark")
@pytest.mark.backend_independent  # see SPARK in conftest.py
def test_duckdb_and_spark_write_the_same_results(population, spark_session, tmp_path):
    duck = _rescore(tmp_path, population, "duckdb")
    spark = _rescore(tmp_path, population, "spark")
    assert duck["distribution"] == spark["distribution"]
    assert (duck["subjects"], duck["entries"]) == (spark["subjects"], spark["entries"])
    assert Path(spark["out"]).is_dir()  # Spark writes a folder of part files
    for which in ("out", "lists_out"):
        ours, theirs = pq.read_table(duck[which]), pq.read_table(spark[which])
        assert [(f.name, f.type) for f in ours.schema] == [(f.name, f.type) for f in theirs.schema]
        assert sorted_rows(ours) == sorted_rows(theirs)
    expected = population.expected.standings
    for row in pq.read_table(duck["out"]).to_pylist():
        assert expected[(row["catalog"], row["as_of"], row["subject_key"])][:3] == (
            row["score"],
            row["grade"],
            row["covered"],
        )
    counts = {grade["grade"]: grade["subjects"] for grade in duck["distribution"]}
    assert sum(counts.values()) == duck["subjects"] == len(population.subjects("person"))
    assert set(duck["timings"]) >= {"engine", "check", "timelines", "scores", "lists", "grades"}


def test_one_jurisdictions_partitions_give_its_subjects_the_same_answers(population, tmp_path):
    whole = pq.read_table(_rescore(tmp_path / "whole", population, "duckdb")["out"]).to_pylist()
    province = pq.read_table(
        _rescore(tmp_path / "sd", population, "duckdb", "--jurisdiction", "CN-SD")["out"]
    ).to_pylist()
    inside = {
        population.key(s)
        for s, j in population.jurisdictions.items()
        if s.kind == "person" and (j == "CN-SD" or j.startswith("CN-SD-"))
    }
    assert inside and len(inside) < len(whole)
    assert sorted_rows_of(province) == sorted_rows_of([r for r in whole if r["subject_key"] in inside])


def sorted_rows_of(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda r: r["subject_key"])


def test_a_ledger_without_records_rescores_to_empty_bands(database, tmp_path, monkeypatch):
    from xinyong.entrypoints.cli import app

    monkeypatch.setenv("XINYONG_KEY_FILE", str(tmp_path / "secret.key"))
    runner = CliRunner()
    loaded = runner.invoke(app, ["--db", database, "catalog", "load", *map(str, scenario_files("basic")["catalogs"])])
    assert loaded.exit_code == 0, loaded.output
    result = runner.invoke(
        app,
        [
            "--db",
            database,
            "rescore",
            "--catalog",
            "market-enterprise",
            "--as-of",
            "2025-01-01",
            "--out",
            str(tmp_path / "scores.parquet"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert (report["subjects"], report["entries"]) == (0, 0)
    assert report["distribution"] == [{"grade": g, "subjects": 0} for g in ("A", "B", "C", "D")]
    assert pq.read_table(tmp_path / "scores.parquet").num_rows == 0


def test_the_cluster_script_rescores_an_export(conformance, tmp_path, capsys):
    from xinyong.batch import job

    code = job.main(
        [
            "--export",
            str(conformance("deadlines").export),
            "--engine",
            "duckdb",
            "--catalog",
            "city-personal",
            "--as-of",
            "2024-01-01",
            "--out",
            str(tmp_path / "scores.parquet"),
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0
    assert "city-personal version 2024.1 on 2024-01-01 (duckdb)" in printed
    assert (tmp_path / "scores.lists.parquet").exists()
    dataset = conformance("deadlines")
    expected = {
        k[2]: v[:3] for k, v in dataset.expected.standings.items() if k[:2] == ("city-personal", dt.date(2024, 1, 1))
    }
    rows = pq.read_table(tmp_path / "scores.parquet").to_pylist()
    assert {r["subject_key"]: (r["score"], r["grade"], r["covered"]) for r in rows} == expected


@pytest.mark.backend_independent
def test_rescoring_a_folder_that_holds_no_export_is_refused(tmp_path):
    from xinyong.entrypoints.cli import app

    result = CliRunner().invoke(
        app,
        [
            "rescore",
            "--from-export",
            str(tmp_path),
            "--catalog",
            "city-personal",
            "--as-of",
            "2025-01-01",
            "--out",
            str(tmp_path / "x.parquet"),
        ],
    )
    assert result.exit_code == 2
    assert "is not an export" in " ".join(result.output.split())
