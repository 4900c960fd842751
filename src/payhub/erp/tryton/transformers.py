"""Pure translations between PayHub and Tryton (no I/O): invoice rows to domain invoices, and a journal entry to
the Tryton steps that record it (invoice payments, invoice reopenings, one move of the rest)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from payhub.domain.errors import ErpRejected
from payhub.domain.invoices import Invoice, InvoiceLine, PostingReceipt
from payhub.domain.ledger import JournalEntry
from payhub.domain.money import Money
from payhub.erp.tryton.config import TrytonEntity, TrytonMapping

INVOICE_FIELDS = [
    "number", "state", "type", "party", "currency.code", "total_amount", "amount_to_pay", "payment_term.name",
    "invoice_date", "create_date", "account", "lines.type", "lines.description", "lines.quantity",
    "lines.unit_price", "lines.amount", "lines_to_pay.maturity_date", "lines_to_pay.reconciliation",
]


@dataclass(slots=True)
class Part:
    """One Tryton-side step of a posting; `origin` identifies its move for idempotency."""

    kind: str  # pay | reopen | move
    amount: Decimal = Decimal(0)
    invoice: int | None = None
    # account.move.line values: kind "move", all its lines; kind "reopen", the credits beside the receivable debit
    lines: list[dict[str, Any]] = field(default_factory=list)

    @property
    def origin(self) -> str | None:
        return f"account.invoice,{self.invoice}" if self.invoice is not None else None


def invoice(mapping: TrytonMapping, entity_id: str, row: dict[str, Any]) -> Invoice:
    """An `account.invoice` row read with INVOICE_FIELDS, as the domain sees it."""
    currency = row["currency."]["code"]
    state = row["state"]
    to_pay = Money.from_decimal(row["amount_to_pay"] or Decimal(0), currency)
    if state == "posted":
        status = "open" if to_pay.is_positive else "paid"
    else:
        status = {"paid": "paid", "cancelled": "void"}.get(state, "draft")  # draft / validated: not payable
    issued = row["invoice_date"] or row["create_date"].date()
    maturities = [l["maturity_date"] for l in row["lines_to_pay."] if l["maturity_date"]]
    unpaid = [l["maturity_date"] for l in row["lines_to_pay."]
              if l["maturity_date"] and not l["reconciliation"]]
    lines = tuple(invoice_line(l, currency) for l in row["lines."] if l["type"] == "line")
    return Invoice(
        id=mapping.invoice_id(row["id"]), entity_id=entity_id,
        customer_id=mapping.customer_id(row["party"]), number=row["number"] or f"draft-{row['id']}",
        status=status, total=Money.from_decimal(row["total_amount"], currency), balance=to_pay,
        terms=(row.get("payment_term.") or {}).get("name", ""), issued_on=issued,
        due_on=min(unpaid or maturities or [issued]), lines=lines)


def invoice_line(line: dict[str, Any], currency: str) -> InvoiceLine:
    quantity = Decimal(line["quantity"] or 0)
    amount = Money.from_decimal(line["amount"], currency)
    if quantity != quantity.to_integral_value():  # PayHub lines count whole units: show one line of the total
        return InvoiceLine(f"{line['description'] or ''} ({quantity.normalize()})".strip(), 1, amount, amount)
    # Tryton keeps unit prices to 4 decimals: round to minor units (the line amount stays exact)
    exact = Decimal(line["unit_price"])
    unit = exact.quantize(Money.zero(currency).to_decimal(), rounding=ROUND_HALF_EVEN)
    return InvoiceLine(line["description"] or "", int(quantity), Money.from_decimal(unit, currency), amount,
                       unit_price=exact if exact != unit else None)


def plan(mapping: TrytonMapping, entity: TrytonEntity, setup: dict[str, Any], entry: JournalEntry) -> list[Part]:
    """Split the entry into Tryton steps: invoice payments, invoice reopenings, and the remaining lines."""
    unknown = sorted({l.account for l in entry.lines} - set(entity.accounts))
    if unknown:
        raise ErpRejected(f"Account(s) not mapped to Tryton: {', '.join(unknown)}")
    if any(l.currency != setup["currency"] for l in entry.lines):
        raise ErpRejected(f"The Tryton connector posts in the company currency {setup['currency']} only")
    currency = setup["currency"]
    per_invoice: dict[int, int] = defaultdict(int)  # minor units, credit positive
    rest: dict[tuple[int, str | None], int] = defaultdict(int)  # (account, customer) → debit - credit
    for line in entry.lines:
        if line.invoice_id:
            tryton_id = mapping.tryton_invoice_id(line.invoice_id)
            if tryton_id is None:
                raise ErpRejected(f"Posting names unknown invoice {line.invoice_id}")
            per_invoice[tryton_id] += line.credit - line.debit
        else:
            rest[(entity.accounts[line.account], line.customer_id)] += line.debit - line.credit
    clearing = entity.accounts[entity.clearing_account]
    residual: dict[tuple[int, int | None], int] = defaultdict(int)
    for (account, customer), net in rest.items():
        party = None
        if setup["party_required"].get(account):
            party = mapping.party_id(customer) if customer else None
            if party is None:
                raise ErpRejected(f"Account {account} needs a Tryton party; customer {customer!r} has none")
        residual[(account, party)] += net
    for net in per_invoice.values():
        if net > 0:  # Tryton's pay wizard books Dr clearing itself
            residual[(clearing, None)] -= net
    parts: list[Part] = []
    for invoice, net in per_invoice.items():
        if net > 0:
            parts.append(Part("pay", Money(net, currency).to_decimal(), invoice))
        elif net < 0:
            credits = [{"account": account, "party": party, "debit": Decimal(0),
                        "credit": Money(amount, currency).to_decimal()}
                       for (account, party), amount in _counter(residual, -net, clearing)]
            parts.append(Part("reopen", Money(-net, currency).to_decimal(), invoice, lines=credits))
    move_lines = [{"account": account, "party": party,
                   "debit": Money(max(net, 0), currency).to_decimal(),
                   "credit": Money(max(-net, 0), currency).to_decimal()}
                  for (account, party), net in residual.items() if net]
    if move_lines:
        parts.append(Part("move", lines=move_lines))
    return parts


def _counter(residual: dict[tuple[int, int | None], int], amount: int,
             clearing: int) -> list[tuple[tuple[int, int | None], int]]:
    """The credits that balance an invoice's reopening, taken from the entry's own (clearing first: a refund), so a
    chargeback lost onto the invoice books Dr receivable · Cr chargebacks receivable in one move. What they do not
    cover goes through clearing, which the rest of the entry then debits."""
    credits = sorted((key for key, net in residual.items() if net < 0),
                     key=lambda k: (k[0] != clearing, k[0], k[1] or 0))
    taken: list[tuple[tuple[int, int | None], int]] = []
    for key in credits:
        share = min(amount, -residual[key])
        if share:
            taken.append((key, share))
            residual[key] += share
            amount -= share
    if amount:
        taken.append(((clearing, None), amount))
        residual[(clearing, None)] += amount
    return taken


def receipt(moves: list[dict[str, Any]]) -> PostingReceipt:
    posted_at = max(m["create_date"] for m in moves).replace(tzinfo=UTC)  # Tryton stores UTC
    return PostingReceipt("account.move:" + ",".join(str(m["id"]) for m in moves), posted_at.isoformat())


def precheck(parts: list[Part], invoices: dict[int, dict[str, Any]]) -> None:
    for part in parts:
        row = invoices.get(part.invoice) if part.invoice is not None else None
        if row is None:
            continue
        if part.kind == "pay" and (row["state"] != "posted" or part.amount > row["amount_to_pay"]):
            raise ErpRejected(f"Cannot pay {part.amount} on invoice {row['number']}: state {row['state']}, "
                              f"amount to pay {row['amount_to_pay']}")
        if part.kind == "reopen" and row["state"] not in ("posted", "paid"):
            raise ErpRejected(f"Cannot refund on invoice {row['number']} in state {row['state']}")
