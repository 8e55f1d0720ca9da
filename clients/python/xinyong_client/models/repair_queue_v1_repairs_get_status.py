from enum import StrEnum


class RepairQueueV1RepairsGetStatus(StrEnum):
    ALL = "all"
    GRANTED = "granted"
    OPEN = "open"
    REFUSED = "refused"

    def __str__(self) -> str:
        return str(self.value)
