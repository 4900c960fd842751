from enum import StrEnum

class CustomerTokenCreateChannel(StrEnum):
    PORTAL = "portal"
    TERMINAL = "terminal"
    WIDGET = "widget"

    def __str__(self) -> str:
        return str(self.value)
