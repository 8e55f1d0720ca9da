from enum import StrEnum


class WebhookAttemptViewOutcome(StrEnum):
    DELIVERED = "delivered"
    FAILED = "failed"
    GIVEN_UP = "given_up"

    def __str__(self) -> str:
        return str(self.value)
