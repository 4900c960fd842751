from enum import StrEnum

class PaymentPublicPostingStatus(StrEnum):
    CONFIRMED = "confirmed"
    FAILED = "failed"
    NONE = "none"
    PENDING = "pending"

    def __str__(self) -> str:
        return str(self.value)
