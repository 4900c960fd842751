from enum import StrEnum

class StaffUserCreateRole(StrEnum):
    TERMINAL = "terminal"
    TERMINAL_REFUND = "terminal_refund"

    def __str__(self) -> str:
        return str(self.value)
