from enum import StrEnum

class ExceptionClass(StrEnum):
    AMOUNT_MISMATCH = "amount_mismatch"
    CURRENCY_MISMATCH = "currency_mismatch"
    DUPLICATE = "duplicate"
    MISSING_IN_LEDGER = "missing_in_ledger"
    MISSING_IN_SETTLEMENT = "missing_in_settlement"
    POSTED_BUT_NOT_SETTLED = "posted_but_not_settled"
    SETTLED_NOT_POSTED = "settled_not_posted"
    UNEXPECTED_FEE = "unexpected_fee"

    def __str__(self) -> str:
        return str(self.value)
