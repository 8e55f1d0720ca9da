"""The benchmark harness at a tiny size, run as `make bench` runs it: every step on
every backend this machine has measures both sides, the results file holds each figure,
and BENCHMARKS.md is rendered from it with a verdict for each goal. PostgreSQL and the
HTTP step are skipped only when their programs (initdb, wrk) are missing."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.report import goals, render

pytestmark = [pytest.mark.e2e, pytest.mark.backend_independent]

ROOT = Path(__file__).resolve().parents[2]
RECORDS = 1000


def _postgresql_missing() -> str | None:
    from tests.postgres import PostgresUnavailable, _bindir

    try:
        _bindir()
    except PostgresUnavailable as why:
        return str(why)
    return None


WRK_MISSING = None if shutil.which("wrk") else "wrk is not installed (apt-get install wrk)"
POSTGRESQL_MISSING = _postgresql_missing()


def _run(backend: str, folder: Path) -> dict:
    """One run of `python -m benchmarks` at a tiny size on one backend: its exit, results and page."""
    steps = ["import", "size", "rescore"] + ([] if WRK_MISSING else ["checks"])
    command = [
        sys.executable, "-m", "benchmarks", *steps,
        "--sizes", str(RECORDS), "--backends", backend, "--check-seconds", "2", "--workers", "1",
        "--cache", str(folder / "cache"), "--results", str(folder / "results.json"),
        "--markdown", str(folder / "BENCHMARKS.md"),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    results = json.loads((folder / "results.json").read_text())
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return {
        "results": results,
        "markdown": (folder / "BENCHMARKS.md").read_text(),
        "entry": results["runs"][0],
        "cache": folder / "cache",
    }


# One harness run a backend, each in its own xdist group: with -n 2 the two run side by side.
@pytest.fixture(scope="module")
def sqlite_run(tmp_path_factory) -> dict:
    return _run("sqlite", tmp_path_factory.mktemp("bench-sqlite"))


@pytest.fixture(scope="module")
def postgresql_run(tmp_path_factory) -> dict:
    if POSTGRESQL_MISSING:
        pytest.skip(f"PostgreSQL: {POSTGRESQL_MISSING}")
    return _run("postgresql", tmp_path_factory.mktemp("bench-postgresql"))


@pytest.fixture
def harness(request) -> dict:
    return request.getfixturevalue(f"{request.param}_run")


sqlite_only = pytest.mark.xdist_group("bench-sqlite")
on_both = pytest.mark.parametrize(
    "harness",
    [
        pytest.param("sqlite", marks=pytest.mark.xdist_group("bench-sqlite")),
        pytest.param("postgresql", marks=pytest.mark.xdist_group("bench-postgresql")),
    ],
    indirect=True,
)


def _positive(figures: dict, *keys: str) -> None:
    for key in keys:
        assert figures.get(key, 0) > 0, f"{key} missing or not positive in {figures}"


def _assert_measured(entry: dict, step: str) -> dict:
    assert step not in entry["failed"], entry["failed"][step]
    assert step in entry["steps"], f"{step} produced no figures on {entry['backend']}: {entry}"
    figures = entry["steps"][step]
    assert figures["ratio"] > 0
    return figures


@on_both
def test_the_results_describe_the_machine(harness) -> None:
    machine = harness["results"]["machine"]
    assert machine["cores"] > 0 and machine["cpu"] and machine["python"]


@on_both
def test_every_step_measures_both_sides(harness) -> None:
    entry = harness["entry"]
    assert entry["records"] == RECORDS and entry["residents"] == RECORDS // 10
    imported = _assert_measured(entry, "import")
    for side in ("xinyong", "baseline"):
        _positive(imported[side], "seconds", "peak_mib", "events")
        assert imported[side]["events"] == entry["events"]
    size = _assert_measured(entry, "size")
    _positive(size["xinyong"], "bytes", "bytes_per_record")
    _positive(size["baseline"], "bytes", "bytes_per_record")
    assert "ledger" in size["xinyong"]["tables"]
    rescore = _assert_measured(entry, "rescore")
    for side in ("xinyong", "baseline"):
        _positive(rescore[side], "seconds", "peak_mib")
        assert rescore[side]["subjects"] == entry["residents"]


@on_both
def test_checks_are_answered_over_http_and_so_is_the_hello_world(harness) -> None:
    if WRK_MISSING:
        pytest.skip(WRK_MISSING)
    checks = _assert_measured(harness["entry"], "checks")
    for side in ("xinyong", "xinyong_rounds_off", "baseline"):
        _positive(checks[side], "requests", "rate", "p50_ms", "p99_ms", "peak_mib")
        assert checks[side]["non_2xx"] == 0 and checks[side]["socket_errors"] == 0, checks[side]
    assert checks["xinyong"]["decision_probed"] in {"allow", "review", "deny"}
    # Served as a user serves it, with the notice rounds on: at this size the first round
    # ends within the load, and the server says how long it took; off, none runs.
    assert checks["xinyong"]["environment"] == []
    [first, *_] = checks["xinyong"]["notice_rounds"]
    assert first["seconds"] >= 0
    assert checks["xinyong_rounds_off"]["environment"] == ["XINYONG_NOTICE_INTERVAL=0"]
    assert checks["xinyong_rounds_off"]["notice_rounds"] == []
    assert checks["connections"] == 32


@on_both
def test_the_page_is_rendered_from_the_results_with_every_figure(harness) -> None:
    page = harness["markdown"]
    assert page == render(harness["results"], results_name="results.json")
    for step, figures in harness["entry"]["steps"].items():
        assert f"{figures['ratio']:.3f}" in page, step
    for verdict in goals(harness["results"]):
        assert f"| {verdict.goal} | **{verdict.verdict}** |" in page
    assert "docs/benchmarks-history.md" in page


@pytest.mark.xdist_group("bench-postgresql")
def test_postgresql_figures_name_the_server(postgresql_run) -> None:
    assert postgresql_run["results"]["postgresql"]["version"]
    assert postgresql_run["results"]["postgresql"]["fsync"] == "off"


@sqlite_only
def test_event_files_are_made_once_and_the_same_for_a_seed(sqlite_run) -> None:
    from benchmarks.population import event_file

    cached = event_file(sqlite_run["cache"], RECORDS, 11)
    assert cached.seconds == 0.0  # from the cache, not made again
    made = event_file(sqlite_run["cache"] / "again", RECORDS, 11)
    assert made.seconds > 0
    assert made.path.read_bytes() == cached.path.read_bytes()


@sqlite_only
def test_every_line_of_the_event_file_parses(sqlite_run) -> None:
    from xinyong.domain.events import parse_lines

    path = next(sqlite_run["cache"].glob(f"events-{RECORDS}-*.jsonl"))
    parsed = list(parse_lines(path.open(encoding="utf-8")))
    assert len(parsed) == sqlite_run["entry"]["events"]
    assert all(p[2] is not None for p in parsed), [p for p in parsed if p[2] is None][:3]


@sqlite_only
def test_the_page_says_plainly_which_goals_are_met_and_which_are_not(sqlite_run) -> None:
    import copy

    results = copy.deepcopy(sqlite_run["results"])
    imported = results["runs"][0]["steps"]["import"]
    goal = "Intake ≥ 0.5 of raw parse-and-insert on SQLite"
    imported["ratio"] = 0.4
    assert {v.goal: v.verdict for v in goals(results)}[goal] == "not met"
    assert f"| {goal} | **not met** |" in render(results)
    imported["ratio"] = 0.6
    assert {v.goal: v.verdict for v in goals(results)}[goal] == "met"
    del results["runs"][0]["steps"]["import"]
    assert {v.goal: v.verdict for v in goals(results)}[goal] == "not measured"
