from enum import StrEnum


class EventOutcomeOutcome(StrEnum):
    REPLAYED = "replayed"
    WRITTEN = "written"

    def __str__(self) -> str:
        return str(self.value)
