"""Small request builders shared by the API tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from payhub.services import Services
from payhub.store.models import OutboxEvent, Payment


def card(number: str = "4242424242424242") -> dict[str, Any]:
    return {"type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2031, "cvc": "123"}}


def usd(amount: int) -> dict[str, Any]:
    return {"amount": amount, "currency": "USD"}



def ach(account: str = "000123456789") -> dict[str, Any]:
    return {"type": "ach", "ach": {"routing_number": "110000000", "account_number": account}}


def pay_body(invoice: str, amount: int | None = None, method: dict[str, Any] | None = None,
             **extra: Any) -> dict[str, Any]:
    allocation: dict[str, Any] = {"invoice": invoice}
    if amount is not None:
        allocation["amount"] = usd(amount)
    return {"allocations": [allocation], "payment_method": method or card(), **extra}


def counts(svc: Services) -> tuple[int, int]:
    """(payments, outbox events): what a rejected request must leave untouched."""
    with svc.read() as s:
        return (s.scalar(select(func.count()).select_from(Payment)) or 0,
                s.scalar(select(func.count()).select_from(OutboxEvent)) or 0)
