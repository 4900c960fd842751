from enum import StrEnum

class ListAutopayEnrollmentsStatusType0(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"
    PAUSED = "paused"

    def __str__(self) -> str:
        return str(self.value)
