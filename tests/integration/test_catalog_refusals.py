"""A catalog that expresses what is refused by design is not loaded, whoever loads it:
the linter's verdict binds. A measure denying water to low grades would otherwise be
applied at every check."""

from __future__ import annotations

import datetime as dt

import pytest

from xinyong.domain.identifiers import SubjectRef
from xinyong.services.catalogs import CatalogLoadError

pytestmark = pytest.mark.integration

CATALOG = """\
id = "bad-city"
title = "A city that cuts the water"
jurisdiction = "CN-SD-RC"
subject_kind = "person"
version = "2024.1"
effective_from = "2024-01-01"
legal_basis = "Municipal measures"
base = 1000
grades = [ { name = "A", min = 960 }, { name = "D" } ]

[rules."traffic.red_light"]
title = "Running a red light"
category = "traffic"
points = -50
valid_for = "P1Y"
legal_basis = "Road Traffic Safety Law, art. 90"

[[measures]]
when = { grades = ["D"] }
action = "ACTION"
effect = "EFFECT"
legal_basis = "Municipal regulation"
"""


@pytest.mark.parametrize(
    "action,effect,code",
    [
        ("utility.water.supply", "deny", "essential-service"),
        ("healthcare.hospital.admission", "review", "essential-service"),
        ("internet.broadband", "deny", "essential-service"),
        ("education.school.enrolment", "deny", "essential-service"),
        ("government.home_visit", "review", "coercive-measure"),
    ],
)
def test_a_catalog_with_a_measure_refused_by_design_is_not_loaded(deployment, tmp_path, action, effect, code):
    path = tmp_path / "bad.toml"
    path.write_text(CATALOG.replace("ACTION", action).replace("EFFECT", effect))
    with pytest.raises(CatalogLoadError, match=f"bad.toml: \\[{code}\\]"):
        deployment.catalogs.load([path])
    assert not list(deployment.catalogs.registry().ids())


def test_a_benefit_on_an_essential_service_loads_and_applies(deployment, tmp_path):
    path = tmp_path / "good.toml"
    path.write_text(
        CATALOG.replace("ACTION", "utility.heating")
        .replace("EFFECT", "benefit")
        .replace(
            'legal_basis = "Municipal regulation"', 'legal_basis = "Municipal regulation"\nbenefit = "heating discount"'
        )
        .replace('grades = ["D"]', 'grades = ["A"]')
    )
    deployment.catalogs.load([path])
    decision = deployment.inquiries.check(
        SubjectRef.parse("rid:11010519491231002X"), "utility.heating", dt.date(2025, 1, 1)
    )
    assert decision.decision == "allow"
