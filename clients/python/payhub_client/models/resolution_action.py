from enum import StrEnum

class ResolutionAction(StrEnum):
    IGNORE = "ignore"
    MANUAL_MATCH = "manual_match"
    WRITE_OFF = "write_off"

    def __str__(self) -> str:
        return str(self.value)
