from enum import StrEnum


class AttachmentViewCaseKind(StrEnum):
    DISPUTE = "dispute"
    REPAIR = "repair"

    def __str__(self) -> str:
        return str(self.value)
