"""The posting pipeline: a built journal entry goes to the ERP and its outcome is recorded.

Steps: load entry → validate (balanced) → erp.post (idempotent on the posting id) → confirm | fail.
The payment is never lost: a failed posting stays on record and can be retried.
A posting error is a financial control failure, so it is an event (posting.failed), not a log line."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import structlog

from payhub.domain.errors import DomainError, ErpError
from payhub.domain.events import EventType
from payhub.domain.ledger import check_balanced
from payhub.pipeline.services import Services
from payhub.store import repo
from payhub.store.models import Payment, Posting
from payhub.store.views import payment_view, posting_view

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Posted:
    posting: Posting
    payment: Payment  # as it stands after the outcome was recorded


def run(svc: Services, posting: Posting) -> Posted:
    """Post one recorded journal entry (already in memory, lines loaded) and record the outcome."""
    entry = repo.entry_of(posting)
    try:
        check_balanced(entry.lines)
        receipt = svc.erp.post(posting.entity_id, entry, reference_key=posting.id)
    except DomainError as error:  # ERP refused or unavailable, or an unbalanced entry: say why
        return _record(svc, posting.id, error=error)
    except Exception as error:  # a connector bug: the posting fails cleanly, the payment stands
        log.exception("posting.connector_error", posting=posting.id)
        return _record(svc, posting.id, error=ErpError(f"{type(error).__name__} in ERP connector"))
    return _record(svc, posting.id, reference=receipt.reference)


def retry(svc: Services, entity_id: str, payment_id: str) -> list[Posted]:
    """Post again every posting of the payment that is not confirmed (the ERP dedupes on the id)."""
    with svc.read() as s:
        unconfirmed = [p for p in repo.get_payment(s, entity_id, payment_id).postings if p.status != "confirmed"]
    return [run(svc, posting) for posting in unconfirmed]


def _record(svc: Services, posting_id: str, *, reference: str | None = None,
            error: DomainError | None = None) -> Posted:
    with svc.transaction() as s:
        posting = s.get(Posting, posting_id, with_for_update=True, populate_existing=True)
        assert posting is not None
        payment = repo.get_payment(s, posting.entity_id, posting.payment_id)
        if posting.status == "confirmed":  # a concurrent retry confirmed it first
            return Posted(posting, payment)
        now = svc.clock.now()
        posting.attempts += 1
        if error is None:
            posting.status, posting.erp_reference, posting.posted_at = "confirmed", reference, now
            posting.error_code = posting.error = None
            _mark_posted(payment.allocations, posting)
            event = EventType.POSTING_CONFIRMED
        else:
            posting.status, posting.error_code, posting.error = "failed", error.code, error.detail
            log.warning("posting.failed", posting=posting_id, code=error.code, detail=error.detail)
            event = EventType.POSTING_FAILED
        repo.add_event(s, posting.entity_id, event, {**posting_view(posting), "payment": payment_view(payment)}, now)
        return Posted(posting, payment)


def _mark_posted(allocations: list, posting: Posting) -> None:  # type: ignore[type-arg]
    """The ERP now reflects these amounts against each invoice (credit pays, debit reopens)."""
    net: dict[str, int] = defaultdict(int)
    for line in posting.lines:
        if line.invoice_id:
            net[line.invoice_id] += line.credit - line.debit
    for allocation in allocations:
        if allocation.invoice_id in net:
            allocation.amount_posted += net.pop(allocation.invoice_id)
