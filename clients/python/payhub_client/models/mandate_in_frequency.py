from enum import StrEnum

class MandateInFrequency(StrEnum):
    ANNUALLY = "annually"
    MONTHLY = "monthly"
    ONE_TIME = "one_time"
    PER_INVOICE = "per_invoice"
    QUARTERLY = "quarterly"
    WEEKLY = "weekly"

    def __str__(self) -> str:
        return str(self.value)
