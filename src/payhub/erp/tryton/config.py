"""How PayHub ids map to Tryton records: configuration, not code (PAYHUB_TRYTON_MAPPING, or an entity's own ERP
settings)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class TrytonEntity:
    """One PayHub entity's place in Tryton."""

    company: int  # company.company id
    accounts: Mapping[str, int]  # PayHub account code ("1150", "1200", "2150") → account.account id
    payment_method: int  # account.invoice.payment.method whose debit/credit account is the clearing account
    clearing_account: str = "1150"  # the PayHub code that the payment method books to


@dataclass(frozen=True, slots=True)
class TrytonMapping:
    """Configuration, not code: how PayHub ids map to Tryton records.

    Customer ids are `customer_prefix + party id` unless listed in `customers` (customer id → party id);
    invoice ids are `invoice_prefix + account.invoice id`."""

    entities: Mapping[str, TrytonEntity]
    customer_prefix: str = "cus_"
    customers: Mapping[str, int] = field(default_factory=dict)
    invoice_prefix: str = "inv_"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TrytonMapping:
        """From plain JSON-like settings: {"entities": {"ent_1": {"company": 1, "accounts": {...}, ...}}, ...}."""
        entities = {key: TrytonEntity(**value) for key, value in data["entities"].items()}
        rest = {k: v for k, v in data.items() if k != "entities"}
        return cls(entities=entities, **rest)

    def party_id(self, customer_id: str) -> int | None:
        if customer_id in self.customers:
            return self.customers[customer_id]
        return _suffix_id(customer_id, self.customer_prefix)

    def customer_id(self, party_id: int) -> str:
        for customer, party in self.customers.items():
            if party == party_id:
                return customer
        return f"{self.customer_prefix}{party_id}"

    def tryton_invoice_id(self, invoice_id: str) -> int | None:
        return _suffix_id(invoice_id, self.invoice_prefix)

    def invoice_id(self, tryton_id: int) -> str:
        return f"{self.invoice_prefix}{tryton_id}"


def _suffix_id(value: str, prefix: str) -> int | None:
    rest = value[len(prefix):] if value.startswith(prefix) else ""
    return int(rest) if rest.isdigit() and not rest.startswith("0") else None
