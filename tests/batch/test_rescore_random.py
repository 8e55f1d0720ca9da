"""Randomised cross-check: small generated populations under either conformance
scenario's catalogs, asked about on random days, rescore on DuckDB exactly as the
standing module answers subject by subject."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.batch.conftest import _load, differences, job_rows
from tests.conftest import CONFORMANCE, SCENARIOS
from xinyong.batch.engines import read_export, stage_for, to_arrow
from xinyong.batch.rescore import rescore
from xinyong.domain.catalog.files import read_catalog
from xinyong.domain.catalog.registry import CatalogRegistry
from xinyong.synthetic.population import iter_events

pytestmark = pytest.mark.integration


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 100_000),
    scenario=st.sampled_from(SCENARIOS),
    days=st.lists(st.dates(dt.date(2022, 1, 1), dt.date(2027, 6, 30)), min_size=1, max_size=4),
)
def test_random_populations_rescore_as_the_standing_module_answers(make_database, backends, seed, scenario, days):
    catalogs = sorted((CONFORMANCE / scenario).glob("catalog-*.toml"))
    registry = CatalogRegistry.of(read_catalog(path) for path in catalogs)
    events = iter_events(registry, seed=seed, persons=40, organisations=8, id_prefix=f"h{seed}")
    lines = [json.dumps(e, ensure_ascii=False) for e in events]
    dataset = _load(
        make_database,
        f"random-{seed}",
        catalogs,
        lines,
        lambda r: [(c, d) for c in r.ids() for d in days if r.in_force(c, d) is not None],
    )
    try:
        if not dataset.questions:
            return
        backend = backends("duckdb")
        job = rescore(read_export(backend, dataset.export), dataset.questions, stage=stage_for(backend))
        got, listed = job_rows(to_arrow(backend, job.standings), to_arrow(backend, job.entries))
        assert differences(dataset.expected.standings, got) == []
        assert listed == dataset.expected.entries
    finally:
        dataset.deployment.close()
