from enum import StrEnum


class ReviewQueueV1ReviewsGetStatus(StrEnum):
    ALL = "all"
    CONFIRMED = "confirmed"
    OPEN = "open"
    OVERTURNED = "overturned"

    def __str__(self) -> str:
        return str(self.value)
