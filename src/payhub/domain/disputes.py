"""Disputes (chargebacks), normalized: one status vocabulary whatever the provider, the provider's raw status
and reason code kept beside it, and the journal entries a dispute books.

    opened (warning_needs_response | needs_response) → under_review → won | lost
    a dispute may also be accepted (lost without a fight), or close as a warning only (warning_closed)

GL: opening moves the disputed amount out of clearing (the processor takes it back):
    Dr chargebacks receivable · Cr gateway clearing
won reverses it; lost writes it off, or reopens the invoice's balance when the entity's settings say so:
    Dr chargeback losses (or accounts receivable, per invoice) · Cr chargebacks receivable"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from payhub.domain.ledger import GLLine, JournalEntry, PostingRules


class DisputeStatus(StrEnum):
    WARNING_NEEDS_RESPONSE = "warning_needs_response"  # an inquiry / retrieval request: no money moved yet
    WARNING_UNDER_REVIEW = "warning_under_review"
    WARNING_CLOSED = "warning_closed"
    NEEDS_RESPONSE = "needs_response"  # a chargeback: evidence due by `evidence_due_by`
    UNDER_REVIEW = "under_review"  # evidence submitted, the issuer decides
    WON = "won"
    LOST = "lost"
    ACCEPTED = "accepted"  # the merchant did not contest: lost


FINAL = frozenset({DisputeStatus.WON, DisputeStatus.LOST, DisputeStatus.ACCEPTED, DisputeStatus.WARNING_CLOSED})
WARNINGS = frozenset({DisputeStatus.WARNING_NEEDS_RESPONSE, DisputeStatus.WARNING_UNDER_REVIEW,
                      DisputeStatus.WARNING_CLOSED})
EVIDENCE_FIELDS = (  # the standard evidence fields (Stripe's names; other connectors map them)
    "product_description", "customer_name", "customer_email_address", "billing_address", "receipt",
    "customer_communication", "service_date", "service_documentation", "shipping_documentation",
    "refund_policy", "cancellation_policy", "uncategorized_text",
)


@dataclass(frozen=True, slots=True)
class DisputeSettings:
    """An entity's dispute settings (Entity.disputes)."""

    reopen_invoice_on_loss: bool = False  # a lost dispute reopens the invoices' balance instead of a loss

    @classmethod
    def from_dict(cls, data: dict[str, object] | None) -> DisputeSettings:
        return cls(reopen_invoice_on_loss=bool((data or {}).get("reopen_invoice_on_loss", False)))

    def as_dict(self) -> dict[str, object]:
        return {"reopen_invoice_on_loss": self.reopen_invoice_on_loss}


def outcome(status: DisputeStatus) -> str | None:
    """`won`, `lost` or None (not decided); a warning that closes has no money outcome."""
    if status is DisputeStatus.WON:
        return "won"
    if status in (DisputeStatus.LOST, DisputeStatus.ACCEPTED):
        return "lost"
    return None


def moves_money(status: DisputeStatus) -> bool:
    """Whether a dispute in this status has taken the money back (a chargeback, not an inquiry)."""
    return status not in WARNINGS


@dataclass(frozen=True, slots=True)
class DisputeNotice:
    """What a provider said about a dispute, normalized (from a notification or a settlement line)."""

    dispute_reference: str  # the provider's dispute id
    gateway_reference: str  # the disputed payment's reference at the gateway
    status: DisputeStatus
    raw_status: str
    amount: int  # minor units, positive
    currency: str
    reason_code: str | None = None
    reason: str = ""
    evidence_due_by: datetime | None = None


@dataclass(frozen=True, slots=True)
class EvidenceFile:
    filename: str
    content_type: str
    content: bytes
    purpose: str = "uncategorized_file"  # which evidence field it backs (receipt, customer_communication…)


@dataclass(frozen=True, slots=True)
class Evidence:
    fields: dict[str, str] = field(default_factory=dict)  # of EVIDENCE_FIELDS
    files: tuple[EvidenceFile, ...] = ()


def opened_entry(rules: PostingRules, customer_id: str, amount: int, currency: str, memo: str = "") -> JournalEntry:
    return JournalEntry("chargeback", (
        GLLine(rules.chargebacks_receivable, amount, 0, currency, None, customer_id, memo),
        GLLine(rules.gateway_clearing, 0, amount, currency, None, customer_id, memo),
    ))


def won_entry(rules: PostingRules, customer_id: str, amount: int, currency: str, memo: str = "") -> JournalEntry:
    return JournalEntry("chargeback_won", (
        GLLine(rules.gateway_clearing, amount, 0, currency, None, customer_id, memo),
        GLLine(rules.chargebacks_receivable, 0, amount, currency, None, customer_id, memo),
    ))


def lost_entry(rules: PostingRules, customer_id: str, amount: int, currency: str,
               reopen: Sequence[tuple[str, int]] = (), memo: str = "") -> JournalEntry:
    """`reopen`: (invoice id, amount) whose balance the customer owes again; the rest is a loss."""
    reopened = sum(a for _, a in reopen)
    lines = [GLLine(rules.accounts_receivable, a, 0, currency, invoice, customer_id, memo)
             for invoice, a in reopen if a]
    if amount - reopened:
        lines.append(GLLine(rules.chargeback_losses, amount - reopened, 0, currency, None, customer_id, memo))
    lines.append(GLLine(rules.chargebacks_receivable, 0, amount, currency, None, customer_id, memo))
    return JournalEntry("chargeback_lost", tuple(lines))
