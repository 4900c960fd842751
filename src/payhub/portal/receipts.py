"""Receipts: what a customer's receipt for one payment says (printable page and PDF). Only the customer's own
payments: another customer's (or another entity's) payment is not found."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fpdf import FPDF

from payhub.domain.errors import DomainError, PaymentNotFound
from payhub.services import Services
from payhub.store import repo
from payhub.views import receipt_number

ZERO_DECIMALS = {"JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF"}


def format_money(amount: int, currency: str) -> str:
    if currency in ZERO_DECIMALS:
        return f"{amount:,} {currency}"
    sign = "-" if amount < 0 else ""
    units, cents = divmod(abs(amount), 100)
    symbol = "$" if currency == "USD" else ""
    return f"{sign}{symbol}{units:,}.{cents:02d}" + ("" if symbol else f" {currency}")


@dataclass(frozen=True)
class Line:
    invoice_id: str
    invoice_number: str
    amount: str


@dataclass(frozen=True)
class Receipt:
    payment_id: str
    number: str
    entity_name: str
    customer_name: str
    status: str
    date: datetime
    amount: str
    fees: str | None
    method: str
    lines: tuple[Line, ...]
    refunded: str | None
    support_email: str | None


def _method(p_type: str, brand: str | None, last4: str | None, bank_last4: str | None) -> str:
    if p_type == "card":
        return f"{(brand or 'card').title()} ending {last4 or '????'}"
    return f"Bank account ending {bank_last4 or '????'}"


def load_receipt(svc: Services, entity_id: str, customer_id: str, payment_id: str, entity_name: str,
                 support_email: str | None) -> Receipt:
    """The receipt of the customer's payment; PaymentNotFound for anyone else's."""
    if not payment_id.startswith("pay_") or len(payment_id) > 40:
        raise PaymentNotFound(f"No payment {payment_id}")
    with svc.read() as s:
        p = repo.get_payment(s, entity_id, payment_id)
        if p.customer_id != customer_id:
            raise PaymentNotFound(f"No payment {payment_id}")
        erp = svc.erp_for(entity_id)
        lines = []
        for a in p.allocations:
            if not a.invoice_id or a.invoice_id.startswith("fee:"):
                continue
            try:
                number = erp.get_invoice(entity_id, a.invoice_id).number
            except DomainError:
                number = a.invoice_id
            lines.append(Line(a.invoice_id, number, format_money(a.amount, p.currency)))
        fees = p.fees or {}
        fee_total = sum(int((fees.get(k) or {}).get("amount", 0)) for k in ("convenience_fee", "surcharge"))
        return Receipt(
            payment_id=p.id, number=receipt_number(p.id), entity_name=entity_name,
            customer_name=p.customer_name or customer_id, status=p.status, date=p.created_at,
            amount=format_money(p.amount, p.currency),
            fees=format_money(fee_total, p.currency) if fee_total else None,
            method=_method(p.method_type, p.card_brand, p.card_last4, p.bank_last4), lines=tuple(lines),
            refunded=format_money(p.amount_refunded, p.currency) if p.amount_refunded else None,
            support_email=support_email)


def _latin1(text: str) -> str:
    """The PDF's core font covers Latin-1: anything else is shown as '?'."""
    return text.encode("latin-1", "replace").decode("latin-1")


def receipt_pdf(r: Receipt) -> bytes:
    pdf = FPDF(format="Letter")
    pdf.set_title(_latin1(f"Receipt {r.number}"))
    pdf.set_author(_latin1(r.entity_name))
    pdf.set_creator("PayHub")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 10, _latin1(r.entity_name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 12)
    pdf.cell(0, 8, _latin1(f"Payment receipt {r.number}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    rows = [("Date", r.date.strftime("%Y-%m-%d %H:%M UTC")), ("Customer", r.customer_name),
            ("Amount paid", r.amount), *([("Fees included", r.fees)] if r.fees else []),
            ("Paid with", r.method), ("Status", r.status.replace("_", " ")),
            *([("Refunded", r.refunded)] if r.refunded else [])]
    for label, value in rows:
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(45, 7, _latin1(label))
        pdf.set_font("Helvetica", "", 11)
        pdf.cell(0, 7, _latin1(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(100, 7, "Invoice")
    pdf.cell(0, 7, "Amount applied", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    for line in r.lines:
        pdf.cell(100, 7, _latin1(line.invoice_number))
        pdf.cell(0, 7, _latin1(line.amount), new_x="LMARGIN", new_y="NEXT")
    if r.support_email:
        pdf.ln(6)
        pdf.set_font("Helvetica", "", 9)
        pdf.cell(0, 6, _latin1(f"Questions about this payment: {r.support_email}"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
