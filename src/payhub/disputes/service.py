"""Applying what a provider said about a dispute (domain.disputes.DisputeNotice), from a notification or a
settlement file's chargeback line, in the caller's transaction:

    find the payment (gateway, reference) → find or open the dispute → advance its status (never backwards,
    never out of a final one; a stale or repeated notice changes nothing) → GL postings, pending →
    events (dispute.opened / dispute.updated / dispute.resolved)

GL: the first status that moves money books the chargeback (Dr chargebacks receivable · Cr clearing); won
reverses it; lost writes it off, or reopens the payment's invoices in proportion to what each was paid when
the entity's `disputes.reopen_invoice_on_loss` is set. With an ERP whose ledger is in PayHub's database the
postings are booked inside the transaction (posting.post_within); the others are posted after the commit
(`post`), through the posting pipeline and its hooks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from payhub.domain.disputes import (
    FINAL,
    DisputeNotice,
    DisputeStatus,
    lost_entry,
    moves_money,
    opened_entry,
    outcome,
    won_entry,
)
from payhub.domain.events import EventType
from payhub.domain.ledger import FEE_BUCKETS, JournalEntry
from payhub.domain.money import Money
from payhub.ids import new_id
from payhub.pipeline import posting as posting_pipeline
from payhub.services import Services
from payhub.store import disputes as store
from payhub.store import repo
from payhub.store.models import Dispute, Payment, Posting
from payhub.views import dispute_view

# How far along a dispute is: a notice that is behind the dispute is stale (providers do not promise order).
_RANK = {DisputeStatus.WARNING_NEEDS_RESPONSE: 0, DisputeStatus.WARNING_UNDER_REVIEW: 1,
         DisputeStatus.NEEDS_RESPONSE: 2, DisputeStatus.UNDER_REVIEW: 3}
FINAL_RANK = 4


@dataclass(frozen=True)
class Applied:
    """The dispute as it stands after a notice, and the postings the notice added (those not confirmed in the
    transaction are for `post` once it commits). `changed` is False for a stale or repeated notice."""

    dispute: Dispute
    postings: list[Posting]
    changed: bool = True


def rank(status: DisputeStatus) -> int:
    return FINAL_RANK if status in FINAL else _RANK[status]


def apply(svc: Services, s: Session, gateway: str, notice: DisputeNotice, source: str,
          now: datetime) -> Applied | None:
    """Apply `notice` in `s`'s transaction. None when no payment of `gateway` has the notice's reference (the
    caller records it as unmatched). `source`: notification | settlement. A notice without a dispute reference
    (a settlement line) belongs to the payment's latest undecided dispute of the same amount, else opens one."""
    payment = store.payment_by_reference(s, gateway, notice.gateway_reference, lock=True)
    if payment is None:
        return None
    if notice.dispute_reference:
        dispute = store.by_reference(s, gateway, notice.dispute_reference)
    else:
        dispute = store.latest_undecided(s, payment.id, notice.amount)
    if dispute is None:
        dispute = _open(s, payment, gateway, notice, source, now)
        earlier: list[Posting] = []
        was: DisputeStatus | None = None
    else:
        earlier = store.postings_of(s, dispute.id)
        was = DisputeStatus(dispute.status)
        if not _update(dispute, notice, now, booked=any(p.kind == "chargeback" for p in earlier)):
            return Applied(dispute, [], changed=False)
    erp = svc.erp_for(payment.entity_id)
    added = [repo.add_posting(s, payment, entry, erp.name, now) for entry in _entries(s, dispute, payment, earlier)]
    for posting in added:
        posting.source_id, posting.memo = dispute.id, f"Dispute {dispute.id} ({dispute.dispute_reference})"
    for posting in added:  # the embedded ERP books them with the dispute; the others after the commit
        posting_pipeline.post_within(svc, s, posting, payment, erp)
    _events(s, dispute, was, earlier + added, now)
    return Applied(dispute, [p for p in added if p.status != "confirmed"])


def post(svc: Services, postings: list[Posting]) -> None:
    """Post, after the commit, the postings `apply` left pending (an ERP outside PayHub's database, or hooks)."""
    for posting in postings:
        if posting.status != "confirmed":
            posting_pipeline.run(svc, posting)


def record_notice(svc: Services, gateway: str, notice: DisputeNotice, source: str) -> Dispute | None:
    """`apply` in a transaction of its own, then `post`. The dispute as it stands, or None (no such payment)."""
    with svc.transaction() as s:
        applied = apply(svc, s, gateway, notice, source, svc.clock.now())
    if applied is None:
        return None
    post(svc, applied.postings)
    with svc.read() as s:
        return store.get(s, applied.dispute.entity_id, applied.dispute.id)


def advance(dispute: Dispute, status: DisputeStatus, raw_status: str, now: datetime) -> bool:
    """Move the dispute to `status` unless that is behind where it is (or it is final). True when it moved."""
    current = DisputeStatus(dispute.status)
    if current in FINAL or rank(status) < rank(current) or status is current:
        return False
    dispute.status, dispute.raw_status, dispute.updated_at = status.value, raw_status[:60], now
    if status in FINAL:
        dispute.outcome, dispute.resolved_at = outcome(status), now
    return True


def _open(s: Session, payment: Payment, gateway: str, notice: DisputeNotice, source: str, now: datetime) -> Dispute:
    dispute_id = new_id("dsp")
    final = notice.status in FINAL
    dispute = Dispute(
        id=dispute_id, entity_id=payment.entity_id, payment_id=payment.id, gateway=gateway,
        dispute_reference=(notice.dispute_reference or f"payhub:{dispute_id}")[:200], status=notice.status.value,
        raw_status=notice.raw_status[:60], reason_code=(notice.reason_code or None) and notice.reason_code[:40],
        reason=notice.reason[:200], amount=notice.amount, currency=notice.currency,
        evidence_due_by=notice.evidence_due_by, evidence={}, outcome=outcome(notice.status), source=source,
        opened_at=now, resolved_at=now if final else None, created_at=now, updated_at=now)
    dispute.files = []
    s.add(dispute)
    return dispute


def _update(dispute: Dispute, notice: DisputeNotice, now: datetime, booked: bool) -> bool:
    """Take what the notice says, unless it is behind the dispute. True when anything changed. Once the
    chargeback is booked its amount stands: the outcome reverses or writes off what was booked."""
    current = DisputeStatus(dispute.status)
    if current in FINAL or rank(notice.status) < rank(current):
        return False
    before = _facts(dispute)
    if notice.status is not current:
        advance(dispute, notice.status, notice.raw_status, now)
    else:
        dispute.raw_status = notice.raw_status[:60]
    if notice.reason_code:
        dispute.reason_code = notice.reason_code[:40]
    if notice.reason:
        dispute.reason = notice.reason[:200]
    if notice.evidence_due_by is not None:
        dispute.evidence_due_by = notice.evidence_due_by
    if not booked and notice.amount > 0:
        dispute.amount, dispute.currency = notice.amount, notice.currency
    if _facts(dispute) == before:
        return False
    dispute.updated_at = now
    return True


def _facts(d: Dispute) -> tuple[object, ...]:
    return (d.status, d.raw_status, d.reason_code, d.reason, d.amount, d.currency, d.evidence_due_by)


def _entries(s: Session, dispute: Dispute, payment: Payment, earlier: list[Posting]) -> list[JournalEntry]:
    """The entries the dispute's new status books: the chargeback once money moved, then its outcome."""
    rules = repo.settings_of(s, payment.entity_id).posting_rules
    status, currency, customer = DisputeStatus(dispute.status), dispute.currency, payment.customer_id
    booked = sum(line.debit for p in earlier if p.kind == "chargeback" for line in p.lines)
    decided = any(p.kind in ("chargeback_won", "chargeback_lost") for p in earlier)
    memo = f"dispute {dispute.id}"
    entries: list[JournalEntry] = []
    if moves_money(status) and not booked and status is not DisputeStatus.WARNING_CLOSED:
        booked = dispute.amount
        entries.append(opened_entry(rules, customer, booked, currency, memo))
    result = outcome(status)
    if booked and result and not decided:
        if result == "won":
            entries.append(won_entry(rules, customer, booked, currency, memo))
        else:
            reopen = _reopened(payment, booked, currency) if _reopens(s, payment.entity_id) else []
            entries.append(lost_entry(rules, customer, booked, currency, reopen, memo))
    return entries


def _reopens(s: Session, entity_id: str) -> bool:
    return bool((repo.get_entity(s, entity_id).disputes or {}).get("reopen_invoice_on_loss", False))


def _reopened(payment: Payment, amount: int, currency: str) -> list[tuple[str, int]]:
    """The lost amount shared over the payment's buckets in proportion to what each kept (captured less
    refunded); the invoices' shares are owed again, each at most what it was paid. Fees' and unapplied cash's
    shares are losses."""
    kept = [(a.invoice_id, a.amount_captured - a.amount_refunded) for a in payment.allocations]
    weights = [max(0, net) for _, net in kept]
    if not sum(weights):
        return []
    shares = Money(amount, currency).allocate(weights)
    return [(invoice, min(share.amount, net)) for (invoice, net), share in zip(kept, shares, strict=True)
            if invoice and invoice not in FEE_BUCKETS and share.amount > 0 and net > 0]


def _events(s: Session, dispute: Dispute, was: DisputeStatus | None, postings: list[Posting], now: datetime) -> None:
    view = dispute_view(dispute, postings)
    status = DisputeStatus(dispute.status)
    if was is None:
        repo.add_event(s, dispute.entity_id, EventType.DISPUTE_OPENED, view, now)
    if status in FINAL and was not in FINAL:
        repo.add_event(s, dispute.entity_id, EventType.DISPUTE_RESOLVED, view, now)
    elif was is not None:
        repo.add_event(s, dispute.entity_id, EventType.DISPUTE_UPDATED, view, now)
