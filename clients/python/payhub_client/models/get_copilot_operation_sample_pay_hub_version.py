from enum import StrEnum

class GetCopilotOperationSamplePayHubVersion(StrEnum):
    VALUE_0 = "2026-06-01"
    VALUE_1 = "2026-11-24"

    def __str__(self) -> str:
        return str(self.value)
