from enum import StrEnum

class PaymentStatus(StrEnum):
    CAPTURED = "captured"
    FAILED = "failed"
    PROCESSING = "processing"
    REQUIRES_CAPTURE = "requires_capture"
    SETTLED = "settled"
    UNKNOWN = "unknown"
    VOIDED = "voided"

    def __str__(self) -> str:
        return str(self.value)
