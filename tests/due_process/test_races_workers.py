"""The races of :mod:`tests.due_process.test_races` again, each of the two servers being
``xinyong serve --workers 2`` (issue 11): four processes over one database, each with
its own connections, and the same guarantees (each case decided once, one open
application per record, one review per notice, the ledger agreeing with the cases)."""

from __future__ import annotations

import pytest

from tests.due_process.conftest import NO_ROUNDS, Api
from tests.due_process.fresh import build
from tests.due_process.test_races import (
    EVENTS,
    OTHERS,
    SUBJECTS,
    test_two_servers_applying_for_the_same_repair_open_one_application,
    test_two_servers_asked_to_review_one_notice_open_one_review,
    test_two_servers_deciding_one_dispute_decide_it_once,
    test_two_servers_deciding_one_repair_decide_it_once_and_the_ledger_agrees,
)
from tests.support import server as serving

__all__ = [
    "test_two_servers_applying_for_the_same_repair_open_one_application",
    "test_two_servers_asked_to_review_one_notice_open_one_review",
    "test_two_servers_deciding_one_dispute_decide_it_once",
    "test_two_servers_deciding_one_repair_decide_it_once_and_the_ledger_agrees",
]


@pytest.fixture(scope="module")
def servers(catalogs_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("races-workers")
    db, tokens = build(catalogs_db, folder, EVENTS, SUBJECTS, OTHERS)
    settings = {**NO_ROUNDS, **db.env}
    one = serving.start(db.url, folder, settings, merged=True, process=True, workers=2)
    two = serving.start(db.url, folder, settings, merged=True, process=True, workers=2)
    apis = (Api(one.url, tokens), Api(two.url, tokens))
    yield db, apis
    for api in apis:
        api.close()
    one.stop()
    two.stop()
