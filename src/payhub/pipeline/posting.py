"""The posting pipeline: a recorded journal entry goes to the ERP in named steps, with the entity's
extensions' hooks before and after each:

    build_entries → validate → erp_post → confirm

The outcome is posting.confirmed or posting.failed. A posting error is a financial control failure,
so it is an event, not a log line, and the payment is never lost: a failed posting stays on record,
is retried with backoff when the ERP was unavailable, and on demand (POST /v1/payments/{id}/post).
The ERP dedupes on the posting id, so a retry never posts twice."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import structlog
from sqlalchemy import select

from payhub.domain.errors import DomainError, ErpError
from payhub.domain.events import EventType
from payhub.domain.ledger import GLLine, JournalEntry, check_balanced
from payhub.extensions import runner
from payhub.pipeline.services import Services
from payhub.store import repo
from payhub.store.models import Allocation, Payment, Posting
from payhub.store.views import payment_view, posting_view

log = structlog.get_logger(__name__)

# Retryable failures (ERP down or slow) are tried again after these pauses, then left for a human.
RETRY_BACKOFF_S = (30, 120, 600, 1800, 3600, 7200, 14400, 28800)


@dataclass(frozen=True)
class Posted:
    posting: Posting
    payment: Payment  # as it stands after the outcome was recorded


def run(svc: Services, posting: Posting) -> Posted:
    """Post one recorded journal entry (in memory, lines loaded) and record the outcome."""
    lines = repo.entry_of(posting).lines
    try:
        with svc.read() as s:
            extensions = runner.active(s, posting.entity_id)
            payment = repo.get_payment(s, posting.entity_id, posting.payment_id) if extensions else None
            hooks = runner.Hooks(extensions, entity_id=posting.entity_id, posting_id=posting.id, kind=posting.kind,
                                 payment=payment_view(payment) if payment else {}, attempt=posting.attempts + 1,
                                 channel=payment.channel if payment else "", timeout_s=svc.hook_timeout_s)
        lines = hooks("after_build_entries", hooks("before_build_entries", lines))
        lines = hooks("before_validate", lines)
        check_balanced(lines)
        lines = hooks("after_validate", lines)
        lines = hooks("before_erp_post", lines)
        erp = svc.erp_for(posting.entity_id)
        receipt = erp.post(posting.entity_id, JournalEntry(posting.kind, lines), reference_key=posting.id)
        hooks.erp_reference = receipt.reference
        hooks("after_erp_post", lines)
        hooks("before_confirm", lines)
    except DomainError as error:  # ERP refused or unavailable, a veto, a failing hook: say why
        return _record(svc, posting.id, lines, error=error)
    except Exception as error:  # a connector bug: the posting fails cleanly, the payment stands
        log.exception("posting.connector_error", posting=posting.id)
        return _record(svc, posting.id, lines, error=ErpError(f"{type(error).__name__} in ERP connector"))
    posted = _record(svc, posting.id, lines, reference=receipt.reference, memos=hooks.memos)
    try:
        hooks("after_confirm", lines)
    except DomainError as error:  # the posting is final; a notification hook failing is only logged
        log.warning("posting.after_confirm_hook_failed", posting=posting.id, detail=error.detail)
    return posted


def retry(svc: Services, entity_id: str, payment_id: str) -> list[Posted]:
    """Post again every posting of the payment that is not confirmed."""
    with svc.read() as s:
        unconfirmed = [p for p in repo.get_payment(s, entity_id, payment_id).postings if p.status != "confirmed"]
    return [run(svc, posting) for posting in unconfirmed]


def retry_due(svc: Services, limit: int = 100) -> int:
    """The background job: retry failed postings whose backoff has elapsed."""
    with svc.read() as s:
        due = s.scalars(select(Posting).where(Posting.status == "failed", Posting.next_retry_at.is_not(None),
                                              Posting.next_retry_at <= svc.clock.now())
                        .order_by(Posting.next_retry_at).limit(limit)).all()
    for posting in due:
        run(svc, posting)
    return len(due)


def _record(svc: Services, posting_id: str, lines: Sequence[GLLine], *, reference: str | None = None,
            error: DomainError | None = None, memos: Sequence[str] = ()) -> Posted:
    with svc.transaction() as s:
        posting = s.get(Posting, posting_id, with_for_update=True, populate_existing=True)
        assert posting is not None
        payment = repo.get_payment(s, posting.entity_id, posting.payment_id)
        if posting.status == "confirmed":  # a concurrent retry confirmed it first
            return Posted(posting, payment)
        now = svc.clock.now()
        posting.attempts += 1
        for row, line in zip(posting.lines, lines, strict=True):  # what hooks decided is what is on record
            row.account, row.dimensions = line.account, dict(line.dimensions)
        if error is None:
            posting.status, posting.erp_reference, posting.posted_at = "confirmed", reference, now
            posting.error_code = posting.error = posting.next_retry_at = None
            posting.memo = "; ".join(memos) or None
            _mark_posted(payment.allocations, posting)
            event = EventType.POSTING_CONFIRMED
        else:
            posting.status, posting.error_code, posting.error = "failed", error.code, error.detail
            retryable = isinstance(error, ErpError) and error.retryable
            backoff = RETRY_BACKOFF_S[posting.attempts - 1] if posting.attempts <= len(RETRY_BACKOFF_S) else None
            posting.next_retry_at = now + timedelta(seconds=backoff) if retryable and backoff else None
            log.warning("posting.failed", posting=posting_id, code=error.code, detail=error.detail,
                        next_retry_at=str(posting.next_retry_at))
            event = EventType.POSTING_FAILED
        repo.add_event(s, posting.entity_id, event, {**posting_view(posting), "payment": payment_view(payment)}, now)
        return Posted(posting, payment)


def _mark_posted(allocations: list[Allocation], posting: Posting) -> None:
    """The ERP now reflects these amounts against each invoice (credit pays, debit reopens)."""
    net: dict[str, int] = defaultdict(int)
    for line in posting.lines:
        if line.invoice_id:
            net[line.invoice_id] += line.credit - line.debit
    for allocation in allocations:
        if allocation.invoice_id in net:
            allocation.amount_posted += net.pop(allocation.invoice_id)
