from enum import StrEnum

class Method(StrEnum):
    ACH = "ach"
    CARD = "card"

    def __str__(self) -> str:
        return str(self.value)
