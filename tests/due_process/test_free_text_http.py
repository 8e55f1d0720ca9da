"""Identity numbers typed into free text by one subject about another, or by an officer,
are masked before anything is stored: in the case, in its events and in the notices
written from them."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

NEIGHBOUR = "11010519491231002X"
MASKED = "**************002X"


def test_identity_numbers_in_a_repair_application_and_its_decision_are_masked(api):
    applied = api.ok(
        "repair",
        "POST",
        "/v1/me/repairs",
        201,
        json={
            "record": "repair-masked",
            "proof": f"my neighbour {NEIGHBOUR} paid it for me",
            "commitment": f"I will not lend my car to {NEIGHBOUR} again",
        },
    )
    assert applied["proof"] == f"my neighbour {MASKED} paid it for me"
    assert applied["commitment"] == f"I will not lend my car to {MASKED} again"

    decided = api.ok(
        "officer",
        "POST",
        f"/v1/repairs/{applied['id']}/decision",
        json={"outcome": "refused", "reasons": f"paid by {NEIGHBOUR}, not by the subject"},
    )

    assert decided["reasons"] == f"paid by {MASKED}, not by the subject"
    queue = [r for r in api.ok("officer", "GET", "/v1/repairs", params={"status": "all"}) if r["id"] == applied["id"]]
    assert NEIGHBOUR not in str(queue) and MASKED in str(queue)
    notices = [n for n in api.inbox("repair") if n["record"] == "repair-masked"]
    assert notices and NEIGHBOUR not in str(notices)
    assert any(MASKED in n["text"] for n in notices if n["kind"] == "repair_refused")
