"""Officers' decisions on due-process cases: the outcomes each kind of case can have.

Pure: the services apply a decision; every entrypoint checks the outcome here first."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

CaseKind = Literal["dispute", "repair", "review"]

# A dispute upholds or annuls the record; a repair is granted or refused; a human
# review confirms or overturns the decision reviewed.
OUTCOMES: Mapping[CaseKind, tuple[str, ...]] = {
    "dispute": ("upheld", "annulled"),
    "repair": ("granted", "refused"),
    "review": ("confirmed", "overturned"),
}


class InvalidOutcome(ValueError):
    """An outcome that a case of ``kind`` cannot have; ``allowed`` lists those it can."""

    key = "decision.outcome.invalid"

    def __init__(self, kind: CaseKind, outcome: str):
        self.kind = kind
        self.outcome = outcome
        self.allowed = OUTCOMES[kind]
        super().__init__(f"outcome must be one of {', '.join(self.allowed)}")


def valid_outcome(kind: CaseKind, outcome: str) -> str:
    """``outcome`` if a case of ``kind`` can have it, else :class:`InvalidOutcome`."""
    if outcome not in OUTCOMES[kind]:
        raise InvalidOutcome(kind, outcome)
    return outcome
