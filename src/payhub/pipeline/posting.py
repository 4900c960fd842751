"""The posting pipeline: a built journal entry goes to the ERP and its outcome is recorded.

Steps: load entry → validate (balanced) → erp.post (idempotent on the posting id) → confirm | fail.
The payment is never lost: a failed posting stays on record and can be retried.
A posting error is a financial control failure, so it is an event (posting.failed), not a log line."""

from __future__ import annotations

from collections import defaultdict

import structlog

from payhub.domain.errors import DomainError, ErpError
from payhub.domain.events import EventType
from payhub.domain.ledger import check_balanced
from payhub.pipeline.services import Services
from payhub.store import repo
from payhub.store.models import Posting
from payhub.store.views import payment_view, posting_view

log = structlog.get_logger(__name__)


def run(svc: Services, entity_id: str, posting_id: str) -> Posting:
    with svc.read() as s:
        posting = s.get(Posting, posting_id)
        assert posting is not None and posting.entity_id == entity_id
        if posting.status == "confirmed":
            return posting
        entry = repo.entry_of(posting)
    try:
        check_balanced(entry.lines)
        receipt = svc.erp.post(entity_id, entry, reference_key=posting_id)
    except ErpError as error:
        return _record(svc, posting_id, error=error)
    except DomainError as error:  # e.g. an unbalanced entry: refuse to post, say why
        return _record(svc, posting_id, error=error)
    except Exception as error:  # a connector bug: the posting fails cleanly, the payment stands
        log.exception("posting.connector_error", posting=posting_id)
        return _record(svc, posting_id, error=ErpError(f"{type(error).__name__} in ERP connector"))
    return _record(svc, posting_id, reference=receipt.reference)


def retry(svc: Services, entity_id: str, payment_id: str) -> list[Posting]:
    """Post again every posting of the payment that is not confirmed (the ERP dedupes on the id)."""
    with svc.read() as s:
        open_ids = [p.id for p in repo.get_payment(s, entity_id, payment_id).postings if p.status != "confirmed"]
    return [run(svc, entity_id, posting_id) for posting_id in open_ids]


def _record(svc: Services, posting_id: str, *, reference: str | None = None,
            error: DomainError | None = None) -> Posting:
    with svc.transaction() as s:
        posting = s.get(Posting, posting_id, with_for_update=True, populate_existing=True)
        assert posting is not None
        if posting.status == "confirmed":  # a concurrent retry confirmed it first
            return posting
        now = svc.clock.now()
        posting.attempts += 1
        payment = repo.get_payment(s, posting.entity_id, posting.payment_id)
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
        return posting


def _mark_posted(allocations: list, posting: Posting) -> None:  # type: ignore[type-arg]
    """The ERP now reflects these amounts against each invoice (credit pays, debit reopens)."""
    net: dict[str, int] = defaultdict(int)
    for line in posting.lines:
        if line.invoice_id:
            net[line.invoice_id] += line.credit - line.debit
    for allocation in allocations:
        if allocation.invoice_id in net:
            allocation.amount_posted += net.pop(allocation.invoice_id)
