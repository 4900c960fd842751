from enum import StrEnum

class Channel(StrEnum):
    API = "api"
    AUTOPAY = "autopay"
    PORTAL = "portal"
    TERMINAL = "terminal"
    WIDGET = "widget"

    def __str__(self) -> str:
        return str(self.value)
