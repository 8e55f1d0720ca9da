"""How long the confirmation of an officer's decision stands (the pages' rule, no I/O)."""

from __future__ import annotations

import pytest

from xinyong.entrypoints.web.routers.console import CONFIRM_SECONDS, fresh

pytestmark = pytest.mark.unit

SHOWN = 1_800_000_000


@pytest.mark.parametrize(
    ("issued", "now", "stands"),
    [
        (str(SHOWN), SHOWN, True),
        (str(SHOWN), SHOWN + CONFIRM_SECONDS, True),
        (str(SHOWN), SHOWN + CONFIRM_SECONDS + 1, False),  # stale: shown too long ago
        (str(SHOWN), SHOWN - 1, False),  # from the future
        ("", SHOWN, False),
        ("-5", SHOWN, False),
        ("12ab", SHOWN, False),
    ],
)
def test_a_confirmation_stands_for_a_while_after_it_was_shown_and_no_longer(issued, now, stands):
    assert fresh(issued, now) is stands
