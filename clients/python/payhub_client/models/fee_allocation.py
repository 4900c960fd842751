from enum import StrEnum

class FeeAllocation(StrEnum):
    FEES_FIRST = "fees_first"
    PROPORTIONAL = "proportional"

    def __str__(self) -> str:
        return str(self.value)
