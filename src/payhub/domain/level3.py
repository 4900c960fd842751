"""Level 2/3 card data: tax, PO number, references and line items, assembled from the ERP invoice
so that gateways that accept it can qualify the payment for lower interchange."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from payhub.domain.invoices import Invoice
from payhub.domain.money import Money, total


@dataclass(frozen=True, slots=True)
class Level3Line:
    description: str
    commodity_code: str
    quantity: int
    unit_cost: Money
    discount: Money
    tax: Money
    total: Money


@dataclass(frozen=True, slots=True)
class Level3Data:
    tax_amount: Money  # Level 2
    customer_po: str | None  # Level 2: the customer's purchase-order number
    merchant_reference: str  # our reference (the invoice numbers)
    customer_reference: str | None
    lines: tuple[Level3Line, ...]  # Level 3


DEFAULT_COMMODITY_CODE = "00000000"  # "not classified": ERPs rarely carry UNSPSC codes on invoice lines


def from_invoices(invoices: Sequence[Invoice], currency: str, customer_reference: str | None = None,
                  customer_po: str | None = None, tax_amount: Money | None = None) -> Level3Data | None:
    """Assemble Level 2/3 data from the invoices being paid; None when there is no invoice. `tax_amount`, when
    given (a clerk at the virtual terminal read it off the customer's remittance), replaces the lines' tax."""
    if not invoices:
        return None
    zero = Money.zero(currency)
    lines = tuple(Level3Line(line.description[:26], DEFAULT_COMMODITY_CODE, line.quantity, line.unit_amount,
                             zero, zero, line.amount) for inv in invoices for line in inv.lines)
    tax = tax_amount if tax_amount is not None else total((l.tax for l in lines), currency)
    return Level3Data(tax_amount=tax, customer_po=customer_po,
                      merchant_reference=",".join(inv.number for inv in invoices)[:25],
                      customer_reference=customer_reference, lines=lines)
