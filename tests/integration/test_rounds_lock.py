"""The rounds lock (``xinyong.adapters.storage.rounds``): of the processes serving one
database, one at a time does the rounds that time brings; when it lets go (or dies),
another takes them over."""

from __future__ import annotations

import pytest

from xinyong.adapters.storage.rounds import RoundsLock

pytestmark = pytest.mark.integration


def test_one_holder_at_a_time_and_another_takes_over_when_it_lets_go(deployment):
    engine = deployment.store.engine
    first, second = RoundsLock(engine), RoundsLock(engine)
    try:
        assert first.take()
        assert first.take()  # still held
        assert not second.take()
        first.release()
        assert second.take()
        assert not first.take()
    finally:
        first.release()
        second.release()
