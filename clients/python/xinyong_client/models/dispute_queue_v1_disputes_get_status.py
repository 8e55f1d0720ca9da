from enum import StrEnum


class DisputeQueueV1DisputesGetStatus(StrEnum):
    ALL = "all"
    DECIDED = "decided"
    OPEN = "open"

    def __str__(self) -> str:
        return str(self.value)
