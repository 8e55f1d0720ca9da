"""The package as someone installs it: a wheel built from this repository, installed
with only its base dependencies (at the versions of uv.lock) into a clean virtual
environment, works from an empty folder. uv's cache makes this quick and needs no
network once `make install` has run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]


def _uv() -> list[str]:
    found = shutil.which("uv")
    if found:
        return [found]
    if subprocess.run([sys.executable, "-m", "uv", "--version"], capture_output=True).returncode == 0:
        return [sys.executable, "-m", "uv"]
    pytest.skip("uv is not installed (make install installs it)")


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, (
        f"{' '.join(map(str, args))} exited {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )
    return result


def _clean_environment() -> dict[str, str]:
    """No settings of the caller's, and nothing that points at the repository's venv."""
    drop = ("XINYONG_", "VIRTUAL_ENV", "PYTHONPATH", "UV_PROJECT_ENVIRONMENT")
    return {k: v for k, v in os.environ.items() if not k.startswith(drop)} | {"COLUMNS": "200"}


@pytest.fixture(scope="module")
def installed(backend, tmp_path_factory) -> Path:
    """A virtual environment holding the wheel and its base dependencies only."""
    if backend != "sqlite":
        pytest.skip("packaging is the same on every backend; it runs with the SQLite suite")
    uv = _uv()
    work = tmp_path_factory.mktemp("wheel")
    env = _clean_environment()
    _run(*uv, "build", "--wheel", "--out-dir", work / "dist", REPO, cwd=work, env=env)
    (wheel,) = (work / "dist").glob("xinyong-*.whl")
    requirements = work / "requirements.txt"
    _run(
        *uv,
        "export",
        "--frozen",
        "--no-dev",
        "--no-emit-project",
        "--no-hashes",
        "--format",
        "requirements-txt",
        "--output-file",
        requirements,
        cwd=REPO,
        env=env,
    )
    venv = work / "venv"
    _run(*uv, "venv", "--python", sys.executable, venv, cwd=work, env=env)
    _run(*uv, "pip", "install", "--python", venv / "bin" / "python", "-r", requirements, wheel, cwd=work, env=env)
    return venv


def _version_in_pyproject() -> str:
    with (REPO / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)["project"]["version"]


def test_python_m_xinyong_prints_the_version_written_in_pyproject(installed, tmp_path):
    result = _run(installed / "bin" / "python", "-m", "xinyong", "--version", cwd=tmp_path, env=_clean_environment())
    assert result.stdout.strip() == f"xinyong {_version_in_pyproject()}"


def test_the_installed_command_builds_the_demo_from_an_empty_folder_with_the_packaged_catalogs(installed, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = _run(
        installed / "bin" / "xinyong",
        "--db",
        "demo.db",
        "demo",
        "--no-serve",
        "--persons",
        "50",
        "--organisations",
        "10",
        cwd=empty,
        env=_clean_environment(),
    )
    assert "catalog rongcheng-personal" in result.stdout
    assert "population: 50 persons and 10 organisations" in result.stdout
    assert (empty / "demo.db").is_file()
    assert not (empty / "catalogs").exists()


def test_the_installed_package_carries_the_populations_data_files(installed, tmp_path):
    probe = (
        "from importlib.resources import files; "
        "from xinyong.synthetic.behaviour import load_behaviour, load_names; "
        "from xinyong.synthetic.obligations import load_payments; "
        "load_behaviour(); load_names(); load_payments(); "
        "print(' '.join(sorted(p.name for p in files('xinyong.synthetic').iterdir() if p.name.endswith('.toml'))))"
    )
    result = _run(installed / "bin" / "python", "-c", probe, cwd=tmp_path, env=_clean_environment())
    assert result.stdout.split() == ["behaviour.toml", "names.toml", "payments.toml"]


def test_the_light_install_has_no_batch_postgresql_or_test_dependencies(installed, tmp_path):
    probe = (
        "import importlib.util as u; "
        # httpx is not among them: sign-in through an OpenID Connect provider speaks to it.
        "print(' '.join(m for m in ('pyarrow', 'duckdb', 'ibis', 'psycopg', 'pytest', 'hypothesis', 'optbinning', "
        "'fairlearn', 'sklearn', 'xinyong') if u.find_spec(m)))"
    )
    result = _run(installed / "bin" / "python", "-c", probe, cwd=tmp_path, env=_clean_environment())
    assert result.stdout.split() == ["xinyong"]


def test_the_light_install_says_how_to_add_what_fitting_a_scorecard_needs(installed, tmp_path):
    result = subprocess.run(
        [installed / "bin" / "xinyong", "scorecard", "fit", "data.parquet", "--target", "y", "--out", "x.toml"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_clean_environment(),
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "pip install 'xinyong[scorecards]'" in result.stderr and "Traceback" not in result.stderr


def test_the_installed_package_carries_the_words_of_both_languages(installed, tmp_path):
    probe = (
        "from xinyong import messages; "
        "print(messages.render('check.how_to_dispute', {}, 'zh-CN', 'portal')); "
        "print(messages.render('check.how_to_dispute', {}, 'en', 'api'))"
    )
    result = _run(installed / "bin" / "python", "-c", probe, cwd=tmp_path, env=_clean_environment())
    chinese, english = result.stdout.strip().splitlines()
    assert "异议" in chinese and "check.how_to_dispute" not in chinese
    assert "dispute" in english.lower() and "check.how_to_dispute" not in english
