from enum import StrEnum


class ReasonEffect(StrEnum):
    ALLOW = "allow"
    BENEFIT = "benefit"
    DENY = "deny"
    REVIEW = "review"

    def __str__(self) -> str:
        return str(self.value)
