from enum import StrEnum

class ReviewRequestFormat(StrEnum):
    JSON = "json"
    SARIF = "sarif"

    def __str__(self) -> str:
        return str(self.value)
