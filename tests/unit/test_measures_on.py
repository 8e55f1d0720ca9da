"""Every measure that falls on a subject, whatever the action (what the portal tells a
listed resident it is barred from), is exactly the union of the reasons that checks of
each action give: for random worlds and every day where anything may change."""

from __future__ import annotations

import pytest
from hypothesis import given

from tests.unit.test_read_model import ACTIONS, deployments
from xinyong.domain.standing import check_of, list_entries, measures_on, standing_of

pytestmark = pytest.mark.unit


@given(deployments())
def test_the_measures_on_a_subject_are_those_its_checks_give(deployment):
    registry, jurisdiction = deployment.registry, deployment.jurisdiction
    for subject in deployment.world.subjects:
        lines = deployment.lines(subject)
        for day in deployment.days():
            every = measures_on(
                subject,
                day,
                list_entries(subject, day, lines),
                registry,
                jurisdiction,
                lambda catalog_id, subject=subject, day=day, lines=lines: standing_of(
                    subject, catalog_id, day, lines, registry, jurisdiction
                ),
            )
            for action in ACTIONS:
                checked = check_of(subject, action, day, lines, registry, jurisdiction).reasons
                applicable = [r for r in every if action == r.action or action.startswith(r.action + ".")]
                assert list(checked) == applicable
