"""The posting pipeline: a recorded journal entry goes to the ERP in named steps, with the entity's
extensions' hooks before and after each:

    build_entries → validate → erp_post → confirm

The outcome is posting.confirmed or posting.failed. A posting error is a financial control failure,
so it is an event, not a log line, and the payment is never lost: a failed posting stays on record,
is retried with backoff when the ERP was unavailable, and on demand (POST /v1/payments/{id}/post).
The ERP dedupes on the posting id, so a retry never posts twice.

Rules that keep PayHub and the ledger agreeing:
- Every attempt starts from the entry as PayHub built it from the payment, and runs the extensions enabled
  now. What hooks changed is saved only with a confirmed posting: a failed attempt leaves no trace in the lines.
- Once the ERP has the entry, the posting is confirmed. A hook that fails or vetoes after that point is
  recorded as a warning on the confirmed posting, never as a failure (the ERP cannot un-book it).
- An ERP that did not answer (timeout) may have booked the entry: the posting asks the ERP before calling the
  attempt failed, and the holds on invoices (`held_amounts`) ask it too, so the payable amount never counts a
  payment the ERP already has.
- One process posts a posting at a time: an attempt takes the posting's lease first (`lease_until`). A
  `pending` posting whose lease is free and that is older than `Services.posting_deadline` was abandoned (the
  process died after the commit, before posting) and `retry_due` takes it, with the failed ones that are due.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy.orm import Session

from payhub.domain.errors import DomainError, ErpError, ErpUnavailable
from payhub.domain.events import EventType
from payhub.domain.invoices import PostingReceipt
from payhub.domain.ledger import GLLine, JournalEntry, check_balanced
from payhub.extensions import runner
from payhub.metrics import RECOVERIES
from payhub.pipeline.settle import payment_view_for
from payhub.ports import Erp, local_erp
from payhub.services import Services
from payhub.store import repo
from payhub.store.models import Allocation, Payment, Posting
from payhub.views import posting_view

log = structlog.get_logger(__name__)

# Retryable failures (ERP down or slow) are tried again after these pauses, then left for a human.
RETRY_BACKOFF_S = (30, 120, 600, 1800, 3600, 7200, 14400, 28800)
AFTER_ERP_POST = ("after_erp_post", "before_confirm")  # hook points run once the ERP has the entry


@dataclass(frozen=True)
class Posted:
    posting: Posting
    payment: Payment | None  # as it stands after the outcome was recorded; None for a settlement or write-off


def _payment_of(s: Session, posting: Posting) -> Payment | None:
    return repo.get_payment(s, posting.entity_id, posting.payment_id) if posting.payment_id else None


def run(svc: Services, posting: Posting) -> Posted:
    """Post one recorded journal entry and record the outcome. When another process holds the posting's
    lease (it is posting it right now) or it is already confirmed, returns the posting as it stands."""
    with svc.transaction() as s:
        now = svc.clock.now()
        claimed = repo.lease_posting(s, posting.id, now, now + svc.posting_deadline)
        current = _load(s, posting.id)
        if not claimed:
            return Posted(current, _payment_of(s, current))
    return _attempt(svc, current)


def retry(svc: Services, entity_id: str, payment_id: str) -> list[Posted]:
    """Post again every posting of the payment that is not confirmed."""
    with svc.read() as s:
        unconfirmed = [p for p in repo.get_payment(s, entity_id, payment_id).postings if p.status != "confirmed"]
    return [run(svc, posting) for posting in unconfirmed]


def retry_due(svc: Services, limit: int = 100) -> int:
    """The recovery job: post failed postings whose backoff has elapsed, and pending ones abandoned for longer
    than `svc.posting_deadline` (a crash after the commit, before posting). Each is leased before it is posted
    (on PostgreSQL picked with FOR UPDATE SKIP LOCKED), so workers running side by side never post the same
    one at once. Returns how many were attempted; each is logged and counted in payhub_recoveries_total."""
    done = 0
    while done < limit:
        with svc.transaction() as s:
            now = svc.clock.now()
            posting = repo.next_due_posting(s, now, pending_before=now - svc.posting_deadline)
            if posting is None:
                break
            was, posting.lease_until = posting.status, now + svc.posting_deadline
        done += 1
        try:
            outcome = _attempt(svc, posting).posting
        except Exception:  # e.g. the database went away: the lease expires and a later run takes it again
            log.exception("posting.recovery_error", posting=posting.id)
            RECOVERIES.labels(kind="posting", outcome="error").inc()
            continue
        RECOVERIES.labels(kind="posting", outcome=outcome.status).inc()
        log.info("posting.recovery", posting=posting.id, payment=posting.payment_id, was=was,
                 outcome=outcome.status, attempts=outcome.attempts, error_code=outcome.error_code)
    return done


def held_amounts(svc: Services, s: Session, entity_id: str, invoice_ids: Sequence[str],
                 erp: Erp | None = None) -> dict[str, int]:
    """What PayHub holds against each invoice that the ERP's balance does not show: holds end exactly when the
    ERP has the posting. A posting that was attempted but not confirmed (its answer was lost, or its process
    died) may already be booked: the ERP is asked, and what it has is not held again. An ERP that cannot
    tell keeps the hold (PayHub then offers less, never more, than is payable)."""
    uncertain = repo.uncertain_postings(s, entity_id, invoice_ids)
    found: list[str] = []
    if uncertain:
        ledger = erp_within(erp or svc.erp_for(entity_id), s)
        found = [p.id for p in uncertain if _find(ledger, entity_id, repo.entry_of(p), p.id) is not None]
    return repo.held_amounts(s, entity_id, invoice_ids, erp_has=found)


def _load(s: Session, posting_id: str) -> Posting:
    posting = repo.get_posting(s, posting_id)
    assert posting is not None
    return posting


def _attempt(svc: Services, posting: Posting) -> Posted:
    """One attempt; the caller holds the posting's lease."""
    lines = repo.entry_of(posting).lines  # as built from the payment: no earlier attempt's hook output
    try:
        with svc.read() as s:
            extensions = runner.active(s, posting.entity_id)
            payment = _payment_of(s, posting) if extensions else None
            hooks = runner.Hooks(extensions, entity_id=posting.entity_id, posting_id=posting.id, kind=posting.kind,
                                 payment=payment_view_for(svc, payment) if payment else {},
                                 attempt=posting.attempts + 1, channel=payment.channel if payment else "",
                                 timeout_s=svc.hook_timeout_s)
        lines = hooks("after_build_entries", hooks("before_build_entries", lines))
        lines = hooks("before_validate", lines)
        check_balanced(lines)
        lines = hooks("after_validate", lines)
        lines = hooks("before_erp_post", lines)
        receipt = _post(svc.erp_for(posting.entity_id), posting, lines)
    except DomainError as error:  # ERP refused or unavailable, a veto, a failing hook: say why
        return _record(svc, posting.id, error=error)
    except Exception as error:  # a connector bug: the posting fails cleanly, the payment stands
        log.exception("posting.connector_error", posting=posting.id)
        return _record(svc, posting.id, error=ErpError(f"{type(error).__name__} in ERP connector"))
    # The ERP has the entry: nothing can fail the posting any more.
    hooks.erp_reference = receipt.reference
    warnings = [w for point in AFTER_ERP_POST if (w := _hook_warning(hooks, point, lines, posting.id))]
    posted = _record(svc, posting.id, lines, reference=receipt.reference, memos=hooks.memos, warnings=warnings)
    if warning := _hook_warning(hooks, "after_confirm", lines, posting.id):
        posted = _add_warning(svc, posting.id, warning)
    return posted


def _post(erp: Erp, posting: Posting, lines: tuple[GLLine, ...]) -> PostingReceipt:
    entry = JournalEntry(posting.kind, lines)
    try:
        return erp.post(posting.entity_id, entry, reference_key=posting.id)
    except ErpUnavailable:
        # No answer is not a refusal: the ERP may have booked it before the timeout. Ask before failing.
        found = _find(erp, posting.entity_id, entry, posting.id)
        if found is None:
            raise
        log.info("posting.found_after_unavailable", posting=posting.id, erp_reference=found.reference)
        return found


def _find(erp: Erp, entity_id: str, entry: JournalEntry, reference_key: str) -> PostingReceipt | None:
    """The ERP's receipt for this posting if it has all of it; None if not, or if it cannot tell."""
    lookup = getattr(erp, "find_posting", None)  # connectors written before the lookup existed cannot tell
    if lookup is None:
        return None
    try:
        receipt: PostingReceipt | None = lookup(entity_id, entry, reference_key)
    except Exception as error:  # unreachable, or refuses to plan the entry: it cannot tell
        log.warning("posting.lookup_failed", posting=reference_key, error=f"{type(error).__name__}: {error}")
        return None
    return receipt


def _hook_warning(hooks: runner.Hooks, point: str, lines: tuple[GLLine, ...], posting_id: str) -> str | None:
    try:
        hooks(point, lines)
    except DomainError as error:
        log.warning("posting.hook_failed_after_erp_post", posting=posting_id, point=point, detail=error.detail)
        return f"{point}: {error.detail}"
    return None


def _record(svc: Services, posting_id: str, lines: Sequence[GLLine] = (), *, reference: str | None = None,
            error: DomainError | None = None, memos: Sequence[str] = (), warnings: Sequence[str] = ()) -> Posted:
    with svc.transaction() as s:
        posting = repo.get_posting(s, posting_id, lock=True)
        assert posting is not None
        payment = _payment_of(s, posting)
        if posting.status == "confirmed":  # a concurrent retry confirmed it first
            return Posted(posting, payment)
        now = svc.clock.now()
        if error is None:
            _confirm(svc, s, posting, payment, lines, reference, now, memos, warnings)
            return Posted(posting, payment)
        # the lines stay as built: the next attempt starts from the payment, not from this one's hooks
        posting.attempts += 1
        posting.lease_until = None
        posting.status, posting.error_code, posting.error = "failed", error.code, error.detail
        retryable = isinstance(error, ErpError) and error.retryable
        backoff = RETRY_BACKOFF_S[posting.attempts - 1] if posting.attempts <= len(RETRY_BACKOFF_S) else None
        posting.next_retry_at = now + timedelta(seconds=backoff) if retryable and backoff else None
        log.warning("posting.failed", posting=posting_id, code=error.code, detail=error.detail,
                    next_retry_at=str(posting.next_retry_at))
        repo.add_event(s, posting.entity_id, EventType.POSTING_FAILED, _event(svc, posting, payment), now)
        return Posted(posting, payment)


def _event(svc: Services, posting: Posting, payment: Payment | None) -> dict[str, object]:
    """A posting event's body: the posting, and the payment it books when it books one."""
    return {**posting_view(posting), **({"payment": payment_view_for(svc, payment)} if payment else {})}


def _confirm(svc: Services, s: Session, posting: Posting, payment: Payment | None, lines: Sequence[GLLine],
             reference: str | None, now: datetime, memos: Sequence[str] = (), warnings: Sequence[str] = ()) -> None:
    posting.attempts += 1
    posting.lease_until = None
    for row, line in zip(posting.lines, lines, strict=True):  # what the ERP got is what is on record
        row.account, row.dimensions = line.account, dict(line.dimensions)
    posting.status, posting.erp_reference, posting.posted_at = "confirmed", reference, now
    posting.error_code = posting.error = posting.next_retry_at = None
    posting.memo = "; ".join(memos) or posting.memo  # the hooks' memos, else the one it was built with
    posting.warnings = list(warnings)
    if payment is not None and posting.kind in ("capture", "refund"):  # a dispute's entry is not a payment's
        _mark_posted(payment.allocations, posting)
    repo.add_event(s, posting.entity_id, EventType.POSTING_CONFIRMED, _event(svc, posting, payment), now)


def erp_within(erp: Erp, s: Session) -> Erp:
    """`erp` inside `s`'s transaction when its ledger is in PayHub's database, else `erp` as it is."""
    local = local_erp(erp, s)
    return local.within(s) if local is not None else erp


def post_within(svc: Services, s: Session, posting: Posting, payment: Payment | None, erp: Erp) -> bool:
    """Post in the caller's transaction when the entity's ERP keeps its ledger in PayHub's database and no
    extension hooks run: the payment's state, GL lines, ERP entry and events then commit together, with no
    attempt to recover after a crash. True when confirmed; False leaves the posting to `run` (a refusal
    included, which `run` then records as a failure)."""
    local = erp_within(erp, s)
    if local is erp:
        return False
    entry = repo.entry_of(posting)
    s.flush()  # the payment's own writes fail (and fail the phase) outside the savepoint
    try:
        with s.begin_nested():  # whatever fails here undoes only the ledger's part, never the payment's
            if runner.active(s, posting.entity_id):
                return False
            check_balanced(entry.lines)
            receipt = local.post(posting.entity_id, entry, posting.id)
    except DomainError:  # refused (or an extension is missing): `run` records why
        return False
    except Exception:
        log.exception("posting.inline_error", posting=posting.id)
        return False
    _confirm(svc, s, posting, payment, entry.lines, receipt.reference, svc.clock.now())
    return True


def _add_warning(svc: Services, posting_id: str, warning: str) -> Posted:
    with svc.transaction() as s:
        posting = repo.get_posting(s, posting_id, lock=True)
        assert posting is not None
        posting.warnings = [*(posting.warnings or []), warning]
        return Posted(posting, _payment_of(s, posting))


def _mark_posted(allocations: list[Allocation], posting: Posting) -> None:
    """The ERP now reflects these amounts against each invoice (credit pays, debit reopens)."""
    net: dict[str, int] = defaultdict(int)
    for line in posting.lines:
        if line.invoice_id:
            net[line.invoice_id] += line.credit - line.debit
    for allocation in allocations:
        if allocation.invoice_id in net:
            allocation.amount_posted += net.pop(allocation.invoice_id)
