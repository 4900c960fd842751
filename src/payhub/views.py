"""Public representations of stored objects (API responses and event payloads share them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from payhub.domain.fees import ROUNDING, FeeQuote
from payhub.domain.invoices import Invoice
from payhub.domain.ledger import FEE_BUCKETS
from payhub.domain.level3 import Level3Data
from payhub.store.models import Dispute, Payment, Posting, Refund, SavedPaymentMethod, VaultToken

SETTLEMENT = {"captured": "pending", "settled": "settled"}


def money(amount: int, currency: str) -> dict[str, Any]:
    return {"amount": amount, "currency": currency}


def ts(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def posting_view(p: Posting) -> dict[str, Any]:
    return {
        "id": p.id, "object": "posting", "kind": p.kind, "status": p.status, "erp": p.erp,
        "erp_reference": p.erp_reference, "refund": p.refund_id, "payment": p.payment_id, "source": p.source_id,
        "error": {"code": p.error_code, "message": p.error} if p.error_code else None,
        "attempts": p.attempts, "next_retry_at": ts(p.next_retry_at), "memo": p.memo,
        "warnings": list(p.warnings or []),
        "created_at": ts(p.created_at), "posted_at": ts(p.posted_at),
        "entries": [{"account": l.account, "debit": l.debit, "credit": l.credit, "currency": l.currency,
                     "invoice": l.invoice_id, "customer": l.customer_id, "dimensions": l.dimensions or {}}
                    for l in p.lines],
    }


def refund_view(r: Refund, posting: Posting | None) -> dict[str, Any]:
    return {
        "id": r.id, "object": "refund", "payment": r.payment_id, "status": r.status,
        "amount": money(r.amount, r.currency), "reason": r.reason, "gateway_reference": r.gateway_reference,
        "created_at": ts(r.created_at), "posting": posting_view(posting) if posting else None,
    }


def posting_status(postings: list[Posting]) -> str:
    """The payment's standing in the ledger, worst first: failed, pending, confirmed (or none). It stays
    visible after settlement: a settled payment whose posting is not confirmed is not in the ERP yet."""
    statuses = {x.status for x in postings}
    return next((s for s in ("failed", "pending", "confirmed") if s in statuses), "none")


def payment_view(p: Payment, posting: Posting | None = None, *, settlement_reported: bool = True) -> dict[str, Any]:
    """`posting` is the journal entry this response's operation produced (None if it moved no money).
    `settlement_reported`: whether the payment's gateway reports settlement (its SETTLEMENT_REPORTS capability);
    without it a captured payment's settlement is `unreported`, never a guessed `pending`."""
    cur = p.currency
    if p.method_type == "card":
        method: dict[str, Any] = {"type": "card", "card": {
            "brand": p.card_brand, "last4": p.card_last4, "exp_month": p.card_exp_month,
            "exp_year": p.card_exp_year}}
    else:
        method = {"type": "ach", "ach": {"last4": p.bank_last4, "account_type": p.bank_account_type}}
    if p.vault_token:
        method |= {"token": p.vault_token, "payment_method": p.payment_method_id}
    capturable = p.amount - p.amount_captured if p.status == "requires_capture" else 0
    postings = {x.id: x for x in p.postings}
    return {
        "id": p.id, "object": "payment", "status": p.status, "customer": p.customer_id,
        "receipt_number": receipt_number(p.id),
        "customer_details": {"name": p.customer_name, "email": p.customer_email},
        "amount": money(p.amount, cur), "amount_capturable": money(capturable, cur),
        "amount_captured": money(p.amount_captured, cur), "amount_refunded": money(p.amount_refunded, cur),
        "capture_method": p.capture_method, "channel": p.channel,
        "allocations": [{"invoice": a.invoice_id, "amount": money(a.amount, cur),
                         "amount_captured": money(a.amount_captured, cur),
                         "amount_refunded": money(a.amount_refunded, cur)}
                        for a in p.allocations if a.invoice_id and a.invoice_id not in FEE_BUCKETS],
        "unapplied": money(sum(a.amount for a in p.allocations if not a.invoice_id), cur),
        "fees": p.fees or None,
        "level3": p.level3,
        "payment_method": method,
        "gateway": {"name": p.gateway, "reference": p.gateway_reference},
        "routing": {"rule_set_version": p.routing_version, "rule": p.routing_rule,
                    "reasons": p.routing_reasons or [], "attempts": p.attempts or []},
        "settlement": settlement_view(p, settlement_reported),
        "failure": {"code": p.failure_code, "message": p.failure_message} if p.failure_code else None,
        "refunds": [{"id": r.id, "amount": money(r.amount, r.currency), "status": r.status,
                     "created_at": ts(r.created_at)} for r in p.refunds],
        "disputes": [{"id": d.id, "status": d.status, "amount": money(d.amount, d.currency), "reason": d.reason,
                      "outcome": d.outcome, "evidence_due_by": ts(d.evidence_due_by), "opened_at": ts(d.opened_at)}
                     for d in p.disputes],
        "posting": posting_view(postings.get(posting.id, posting)) if posting else None,
        "posting_status": posting_status(p.postings),
        "postings": [{"id": x.id, "kind": x.kind, "status": x.status, "erp_reference": x.erp_reference,
                      "error_code": x.error_code, "next_retry_at": ts(x.next_retry_at)}
                     for x in p.postings],
        "description": p.description, "metadata": p.metadata_,
        "created_at": ts(p.created_at), "updated_at": ts(p.updated_at),
    }


def receipt_number(payment_id: str) -> str:
    """The payment id as a customer reads it out: `pay_0mf3…` is receipt `PAY-0MF3…`."""
    return payment_id.upper().replace("_", "-", 1)


def token_view(row: VaultToken) -> dict[str, Any]:
    """A vault token: its summary without the BIN, which routing and fees use and nobody needs to read."""
    shown = {k: v for k, v in row.summary.items() if k != "bin"}
    return {"id": row.id, "object": "token", "type": row.kind,
            "card": shown if row.kind == "card" else None, "ach": shown if row.kind == "ach" else None,
            "customer": row.customer_id, "used": row.used_by is not None or row.saved_as is not None,
            "created_at": ts(row.created_at), "expires_at": ts(row.expires_at)}


def payment_method_view(row: SavedPaymentMethod) -> dict[str, Any]:
    shown = {k: v for k, v in row.summary.items() if k != "bin"}
    return {"id": row.id, "object": "payment_method", "type": row.kind, "customer": row.customer_id,
            "card": shown if row.kind == "card" else None, "ach": shown if row.kind == "ach" else None,
            "consent": {"text": row.consent_text, "accepted_at": ts(row.consent_accepted_at), "ip": row.consent_ip,
                        "user_agent": row.consent_user_agent},
            "mandate": row.mandate, "created_at": ts(row.created_at)}


def settlement_view(p: Payment, reported: bool = True) -> dict[str, Any]:
    """Where the capture stands at the gateway; with the batch and what the processor kept once a settlement
    report booked it (a payment refunded since stays `settled` in the batch that paid it out)."""
    status = "settled" if p.settlement_batch_id else SETTLEMENT.get(p.status, "not_applicable")
    if status == "pending" and not reported:  # nobody will say it settled: PayHub cannot tell, so says so
        status = "unreported"
    amounts = {name: money(value, p.currency) if value is not None else None for name, value in
               (("gross", p.settlement_gross), ("fees", p.settlement_fee), ("net", p.settlement_net))}
    return {"status": status, "batch": p.settlement_batch_id, "settled_at": ts(p.settled_at), **amounts}


def quote_view(q: FeeQuote) -> dict[str, Any]:
    cur = q.amount.currency
    return {"amount": money(q.amount.amount, cur), "convenience_fee": money(q.convenience_fee.amount, cur),
            "surcharge": money(q.surcharge.amount, cur), "total": money(q.total.amount, cur),
            "surcharge_percent": str(q.surcharge_percent), "convenience_fee_waived": q.convenience_fee_waived,
            "surcharge_waived": q.surcharge_waived, "explanation": list(q.explanation), "rounding": ROUNDING}


def level3_view(d: Level3Data) -> dict[str, Any]:
    cur = d.tax_amount.currency
    return {"tax_amount": money(d.tax_amount.amount, cur), "customer_po": d.customer_po,
            "merchant_reference": d.merchant_reference, "customer_reference": d.customer_reference,
            "line_items": [{"description": l.description, "commodity_code": l.commodity_code, "quantity": l.quantity,
                            "unit_cost": money(l.unit_cost.amount, cur), "discount": money(l.discount.amount, cur),
                            "tax": money(l.tax.amount, cur), "total": money(l.total.amount, cur)} for l in d.lines]}


def invoice_view(inv: Invoice, held: int = 0) -> dict[str, Any]:
    cur = inv.total.currency
    return {
        "id": inv.id, "object": "invoice", "number": inv.number, "customer": inv.customer_id,
        "status": inv.status, "total": money(inv.total.amount, cur), "balance": money(inv.balance.amount, cur),
        "amount_payable": money(max(0, inv.balance.amount - held), cur) if inv.status == "open" else money(0, cur),
        "terms": inv.terms, "issued_on": inv.issued_on.isoformat(), "due_on": inv.due_on.isoformat(),
        "lines": [{"description": l.description, "quantity": l.quantity,
                   "unit_amount": money(l.unit_amount.amount, cur), "unit_price": str(l.exact_unit_price),
                   "amount": money(l.amount.amount, cur)}
                  for l in inv.lines],
    }


# --- the documented shapes of the views above (OpenAPI and the event catalogue) ---
class MoneyPublic(BaseModel):
    amount: int
    currency: str


class GLEntryPublic(BaseModel):
    account: str
    debit: int
    credit: int
    currency: str
    invoice: str | None
    customer: str | None
    dimensions: dict[str, str] = Field(description="Set by extensions: cost centre, project…")


class PostingPublic(BaseModel):
    id: str
    object: Literal["posting"]
    kind: str
    status: Literal["pending", "confirmed", "failed"]
    erp: str
    erp_reference: str | None
    refund: str | None
    payment: str | None = Field(description="The payment it books; none for a settlement batch or a write-off")
    source: str | None = Field(description="The settlement batch, dispute or reconciliation exception it books")
    error: dict[str, Any] | None
    attempts: int
    next_retry_at: str | None = Field(description="When the worker retries a posting the ERP could not take")
    memo: str | None
    warnings: list[str] = Field(description="Extension hooks that failed after the ERP had the entry: the posting "
                                            "stands, and these say what went wrong")
    created_at: str
    posted_at: str | None
    entries: list[GLEntryPublic]


class AllocationPublic(BaseModel):
    invoice: str
    amount: MoneyPublic
    amount_captured: MoneyPublic
    amount_refunded: MoneyPublic


class DisputeSummaryPublic(BaseModel):
    id: str
    status: str = Field(description="Normalized: warning_needs_response, needs_response, under_review, won, lost…")
    amount: MoneyPublic
    reason: str
    outcome: Literal["won", "lost"] | None
    evidence_due_by: str | None
    opened_at: str


class PaymentPublic(BaseModel):
    id: str
    object: Literal["payment"]
    status: str
    customer: str
    receipt_number: str = Field(description="The payment id as a customer reads it out (PAY-…)")
    customer_details: dict[str, str | None] = Field(description="Name and email as the ERP had them at payment time")
    amount: MoneyPublic
    amount_capturable: MoneyPublic
    amount_captured: MoneyPublic
    amount_refunded: MoneyPublic
    capture_method: str
    channel: str
    allocations: list[AllocationPublic]
    unapplied: MoneyPublic
    fees: dict[str, Any] | None = Field(description="Convenience fee and surcharge evaluated for this payment, "
                                                     "with the explanation and rounding rule")
    level3: dict[str, Any] | None = Field(description="Level 2/3 data assembled from the ERP invoices")
    payment_method: dict[str, Any]
    gateway: dict[str, Any]
    routing: dict[str, Any] = Field(description="Rule-set version and rule that routed it; every gateway attempt")
    settlement: dict[str, Any] = Field(
        description="`status`: `pending` (captured, not settled yet), `settled` (with `settled_at`), `unreported` "
                    "(captured on a gateway that cannot report settlement: PayHub does not guess) or "
                    "`not_applicable`; `batch`, `gross`, `fees` and `net` once a settlement report booked it")
    failure: dict[str, Any] | None
    refunds: list[dict[str, Any]]
    disputes: list[DisputeSummaryPublic] = Field(description="Chargebacks against this payment, oldest first; "
                                                             "each in full at GET /v1/disputes/{id}")
    posting: PostingPublic | None = Field(description="The GL posting this response's operation produced")
    posting_status: Literal["none", "pending", "failed", "confirmed"] = Field(
        description="Whether the ERP has every posting of this payment (worst of its postings); shown whatever "
                    "the settlement status: a settled payment may still wait for its posting")
    postings: list[dict[str, Any]]
    description: str
    metadata: dict[str, Any]
    created_at: str
    updated_at: str


class RefundPublic(BaseModel):
    id: str
    object: Literal["refund"]
    payment: str
    status: str
    amount: MoneyPublic
    reason: str
    gateway_reference: str | None
    created_at: str
    posting: PostingPublic | None


class InvoiceLinePublic(BaseModel):
    description: str
    quantity: int
    unit_amount: MoneyPublic = Field(description="The unit price in minor units, rounded half-even when the ERP's "
                                                 "has more decimals than the currency")
    unit_price: str = Field(description="The ERP's exact unit price, a decimal string in major units (\"24.975\"): "
                                        "quantity × unit_price = amount even when unit_amount is rounded",
                            examples=["24.975"])
    amount: MoneyPublic


class InvoicePublic(BaseModel):
    id: str
    object: Literal["invoice"]
    number: str
    customer: str
    status: str
    total: MoneyPublic
    balance: MoneyPublic = Field(description="Open balance in the ERP, read live")
    amount_payable: MoneyPublic = Field(description="Balance less payments PayHub holds but the ERP has not posted")
    terms: str
    issued_on: str
    due_on: str
    lines: list[InvoiceLinePublic]


class InvoiceList(BaseModel):
    object: Literal["list"] = "list"
    data: list[InvoicePublic]
    has_more: bool
    next_cursor: str | None


class PaymentList(BaseModel):
    object: Literal["list"] = "list"
    data: list[PaymentPublic]
    has_more: bool
    next_cursor: str | None


# --- disputes ---
def dispute_view(d: Dispute, postings: list[Posting] | None = None) -> dict[str, Any]:
    """A dispute with its evidence (the fields, and the files' metadata: never their bytes) and the GL
    postings it booked (`postings`: the caller reads them, by source id)."""
    return {
        "id": d.id, "object": "dispute", "payment": d.payment_id, "gateway": d.gateway,
        "dispute_reference": d.dispute_reference, "status": d.status, "raw_status": d.raw_status,
        "reason_code": d.reason_code, "reason": d.reason, "amount": money(d.amount, d.currency),
        "outcome": d.outcome, "source": d.source, "evidence_due_by": ts(d.evidence_due_by),
        "evidence": {
            "fields": dict(d.evidence or {}),
            "files": [{"id": f.id, "purpose": f.purpose, "filename": f.filename, "content_type": f.content_type,
                       "size": f.size, "sha256": f.sha256, "uploaded_at": ts(f.uploaded_at),
                       "submitted_at": ts(f.submitted_at)} for f in d.files],
            "submitted_at": ts(d.evidence_submitted_at),
        },
        "postings": [posting_view(p) for p in postings or []],
        "opened_at": ts(d.opened_at), "resolved_at": ts(d.resolved_at),
        "created_at": ts(d.created_at), "updated_at": ts(d.updated_at),
    }


class EvidenceFilePublic(BaseModel):
    id: str
    purpose: str = Field(description="The evidence field the file backs (receipt, customer_communication…)")
    filename: str
    content_type: Literal["application/pdf", "image/png", "image/jpeg", "text/plain"]
    size: int
    sha256: str
    uploaded_at: str
    submitted_at: str | None


class EvidencePublic(BaseModel):
    fields: dict[str, str] = Field(description="The standard evidence fields given so far")
    files: list[EvidenceFilePublic] = Field(description="The files' metadata; their content is never shown")
    submitted_at: str | None = Field(description="When the evidence was last submitted to the gateway")


class DisputePublic(BaseModel):
    id: str
    object: Literal["dispute"]
    payment: str
    gateway: str
    dispute_reference: str = Field(description="The provider's id of the dispute")
    status: Literal["warning_needs_response", "warning_under_review", "warning_closed", "needs_response",
                    "under_review", "won", "lost", "accepted"]
    raw_status: str = Field(description="The provider's own status, as it said it")
    reason_code: str | None
    reason: str
    amount: MoneyPublic
    outcome: Literal["won", "lost"] | None = Field(description="Once decided: `accepted` is lost")
    source: str = Field(description="notification | settlement: what told PayHub first")
    evidence_due_by: str | None
    evidence: EvidencePublic
    postings: list[PostingPublic] = Field(description="The GL entries it booked: the chargeback (Dr chargebacks "
                                                      "receivable, Cr clearing), then its reversal (won) or the "
                                                      "loss or reopened invoices (lost)")
    opened_at: str
    resolved_at: str | None
    created_at: str
    updated_at: str


class DisputeList(BaseModel):
    object: Literal["list"] = "list"
    data: list[DisputePublic]
    has_more: bool
    next_cursor: str | None
