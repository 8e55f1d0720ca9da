"""Intake asks the ledger, for every batch, which of its later events' ids are already
stored (``LedgerStore.later_events_by_id``). The question must be answered from the
index migration 0003 made for it (``ledger_one_event_per_id``), not by reading the
whole ledger: otherwise every batch of an import costs more than the one before, and an
import's cost grows with the square of the ledger's size."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_stored_later_event_ids_are_looked_up_through_their_index(deployment):
    store = deployment.store
    with store.engine.connect() as connection:
        statement = store.later_events_statement(connection, ["e-1", "e-2"])
        if connection.dialect.name == "sqlite":
            # Bound as the service binds it: each id its own parameter.
            compiled = statement.compile(connection, compile_kwargs={"render_postcompile": True})
            plan = connection.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {compiled.string}", tuple(compiled.params[k] for k in compiled.positiontup)
            ).all()
            details = " ".join(row[-1] for row in plan)
            assert "USING INDEX ledger_one_event_per_id" in details, details
        else:
            plan = connection.exec_driver_sql(
                "EXPLAIN " + str(statement.compile(connection, compile_kwargs={"literal_binds": True}))
            ).all()
            details = " ".join(row[0] for row in plan)
            # PostgreSQL may also choose a scan of a small table; with sequential scans
            # off, a query the index can answer uses it.
            if "ledger_one_event_per_id" not in details:
                connection.exec_driver_sql("SET enable_seqscan = off")
                plan = connection.exec_driver_sql(
                    "EXPLAIN " + str(statement.compile(connection, compile_kwargs={"literal_binds": True}))
                ).all()
                details = " ".join(row[0] for row in plan)
            assert "ledger_one_event_per_id" in details, details
