"""The OpenAPI document is one that generators take whole, and the typed client in
clients/python is what the generator makes of it today (issue 15, items 1 and 2).

openapi-python-client is run as an integrator runs it, on the app's `/openapi.json`,
pinned (xinyong.entrypoints.api.client_codegen.GENERATOR) with `uvx`, in an
environment of its own. The test skips only when the generator can be neither fetched
nor found in uv's cache."""

from __future__ import annotations

import filecmp
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from xinyong.entrypoints.api import client_codegen, event_models

pytestmark = [pytest.mark.e2e, pytest.mark.backend_independent]

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "clients" / "python"


def _generator() -> list[str]:
    try:
        command = client_codegen.generator_command()
    except Exception as error:  # noqa: BLE001 - no uv at all
        pytest.skip(f"uv is not installed: {error}")
    online = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=600)
    if online.returncode == 0:
        return command
    pytest.skip(f"{client_codegen.GENERATOR} can be neither fetched nor found in uv's cache:\n{online.stderr}")


@pytest.fixture(scope="module")
def schema(tmp_path_factory) -> tuple[Path, dict]:
    document = client_codegen.document()
    path = tmp_path_factory.mktemp("schema") / "openapi.json"
    path.write_text(json.dumps(document, indent=2))
    return path, document


@pytest.fixture(scope="module")
def generated(schema, tmp_path_factory) -> tuple[Path, str]:
    """The generator on /openapi.json, with its defaults: the package folder and what it said."""
    command = _generator()
    work = tmp_path_factory.mktemp("generated")
    result = subprocess.run(
        [*command, "generate", "--path", str(schema[0])], cwd=work, capture_output=True, text=True, timeout=600
    )
    said = result.stdout + result.stderr
    assert result.returncode == 0, said
    (package,) = [p for p in (work / "xinyong-client").iterdir() if p.is_dir() and (p / "api").is_dir()]
    return package, said


def test_the_generator_takes_the_whole_schema_without_a_warning(generated):
    _, said = generated
    assert not re.search(r"warning|error|skipp", said, re.IGNORECASE), said


def _operations(document: dict) -> list[str]:
    return [operation["operationId"] for operations in document["paths"].values() for operation in operations.values()]


def test_every_operation_has_a_generated_module(schema, generated):
    package, _ = generated
    modules = {p.stem for p in (package / "api").rglob("*.py")}
    # The generator's module names: the operation id, with runs of underscores made one.
    operations = [re.sub(r"_+", "_", o) for o in _operations(schema[1])]
    assert len(operations) >= 40
    assert [o for o in operations if o not in modules] == []
    assert {"checks_v1_checks_post", "checks_batch_v1_checks_batch_post", "submit_events_v1_events_post"} <= modules


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@pytest.mark.parametrize("model", event_models.EVENT_MODELS, ids=lambda m: m.__name__)
def test_the_generated_events_name_the_fields_of_each_event_type(generated, model):
    package, _ = generated
    source = (package / "models" / f"{_snake(model.__name__)}.py").read_text()
    for field in model.model_fields:
        # An attribute (type_ for a name Python has a builtin of), sent under its own name.
        assert re.search(rf"^    {field}_?: ", source, re.MULTILINE), f"{model.__name__}.{field}"
        assert f'"{field}"' in source, f"{model.__name__}.{field}"
    submit = (package / "api" / "sources" / "submit_events_v1_events_post.py").read_text()
    assert model.__name__ in submit


def test_the_events_body_and_the_checks_are_named_components(schema):
    document = schema[1]

    def body(path: str) -> dict:
        return document["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]

    assert body("/v1/events") == {"$ref": "#/components/schemas/EventBatch"}
    assert body("/v1/checks") == {"$ref": "#/components/schemas/CheckQuestion"}
    assert body("/v1/checks/batch") == {"$ref": "#/components/schemas/CheckManifest"}
    event = document["components"]["schemas"]["Event"]
    assert event["discriminator"]["propertyName"] == "type"
    for ref in event["discriminator"]["mapping"].values():
        component = document["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        assert component["description"] and component["examples"]


PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemDetail"}}}


def test_every_problem_answer_is_the_named_problem_model(schema):
    document = schema[1]
    loose = [
        f"{method} {path} {status}"
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for status, answer in operation["responses"].items()
        if status[0] in "45" and answer.get("content") != PROBLEM
    ]
    assert loose == []


def test_the_committed_client_is_what_the_generator_makes_today(tmp_path):
    _generator()
    client_codegen.generate(tmp_path)
    comparison = filecmp.dircmp(COMMITTED, tmp_path, ignore=["__pycache__"])
    drift = _differences(comparison)
    assert drift == [], (
        "clients/python differs from what the generator makes of today's API: "
        "run `python -m xinyong.entrypoints.api.client_codegen` and commit the result\n" + "\n".join(drift)
    )


def _differences(comparison: filecmp.dircmp, at: str = "") -> list[str]:
    found = [f"only in the committed client: {at}{n}" for n in comparison.left_only]
    found += [f"missing from the committed client: {at}{n}" for n in comparison.right_only]
    found += [f"differs: {at}{n}" for n in comparison.diff_files]
    for name, sub in comparison.subdirs.items():
        found += _differences(sub, f"{at}{name}/")
    return found


def test_the_client_is_its_own_wheel_of_the_apis_version(tmp_path):
    from importlib.metadata import version

    uv = shutil.which("uv")
    command = [uv] if uv else [sys.executable, "-m", "uv"]
    result = subprocess.run(
        [*command, "build", "--wheel", "--out-dir", str(tmp_path), str(COMMITTED)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = tmp_path.glob("xinyong_client-*.whl")
    assert wheel.name.startswith(f"xinyong_client-{version('xinyong')}-")
