"""What the ERP tells us about customers and invoices (boundary types, read live, never cached)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from payhub.domain.money import Money


@dataclass(frozen=True, slots=True)
class Customer:
    id: str
    entity_id: str
    name: str
    email: str | None = None
    segment: str | None = None  # e.g. "nonprofit": fee waivers and routing rules use it


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    description: str
    quantity: int
    unit_amount: Money
    amount: Money


@dataclass(frozen=True, slots=True)
class Invoice:
    id: str
    entity_id: str
    customer_id: str
    number: str
    status: str  # open | paid | void
    total: Money
    balance: Money
    terms: str
    issued_on: date
    due_on: date
    lines: tuple[InvoiceLine, ...] = field(default_factory=tuple)

    @property
    def is_open(self) -> bool:
        return self.status == "open" and self.balance.is_positive


@dataclass(frozen=True, slots=True)
class PostingReceipt:
    """The ERP's answer to a posting: its own reference for the journal entry."""

    reference: str
    posted_at: str
