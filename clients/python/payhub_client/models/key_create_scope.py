from enum import StrEnum

class KeyCreateScope(StrEnum):
    ADMIN = "admin"
    PAYMENTS = "payments"
    READ = "read"

    def __str__(self) -> str:
        return str(self.value)
