from enum import StrEnum

class ErpSettingsType(StrEnum):
    DEFAULT = "default"
    TRYTON = "tryton"

    def __str__(self) -> str:
        return str(self.value)
