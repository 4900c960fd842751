"""What the ERP tells us about customers and invoices (boundary types, read live, never cached)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from payhub.domain.money import Money


@dataclass(frozen=True, slots=True)
class Customer:
    id: str
    entity_id: str
    name: str
    email: str | None = None
    segment: str | None = None  # e.g. "nonprofit": fee waivers and routing rules use it
    metadata: Mapping[str, str] = field(default_factory=dict)  # the ERP's own fields; routing rules match on them


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    description: str
    quantity: int
    unit_amount: Money  # in minor units, rounded half-even when the ERP's price has more decimals
    amount: Money  # exact, as the ERP has it
    unit_price: Decimal | None = None  # the ERP's exact unit price in major units, when it has more decimals

    @property
    def exact_unit_price(self) -> Decimal:
        return self.unit_price if self.unit_price is not None else self.unit_amount.to_decimal()


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
    metadata: Mapping[str, str] = field(default_factory=dict)  # the ERP's own fields; routing rules match on them

    @property
    def is_open(self) -> bool:
        return self.status == "open" and self.balance.is_positive


def common_metadata(invoices: list[Invoice]) -> dict[str, str]:
    """What every one of a payment's invoices says alike: a rule on invoice metadata must hold for all it pays."""
    if not invoices:
        return {}
    first, *rest = invoices
    return {k: v for k, v in first.metadata.items() if all(inv.metadata.get(k) == v for inv in rest)}


@dataclass(frozen=True, slots=True)
class PostingReceipt:
    """The ERP's answer to a posting: its own reference for the journal entry."""

    reference: str
    posted_at: str
