from enum import StrEnum


class DisputeResolvedEventOutcome(StrEnum):
    ANNULLED = "annulled"
    UPHELD = "upheld"

    def __str__(self) -> str:
        return str(self.value)
