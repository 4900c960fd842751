"""The autopay scheduler, run by `payhub worker` (housekeeping) and `payhub autopay run-once`.

For each active enrollment it asks the entity's ERP for the customer's open invoices, picks those the rule pays
today (domain/autopay.py: the entity's time zone, the caps) and pays each through the one pipeline,
`pay.create_payment`, channel `autopay`, for what is payable (amount None: an invoice partly paid by other means
is paid only for the rest).

Never twice, in layers:
  1. an attempt row per (enrollment, invoice, due date, attempt number), unique: of two schedulers, one inserts
     it; the payment id is chosen in that row BEFORE any money moves, so every resume pays under that id, and
     the gateway's idempotency key derives from it: a crash anywhere (even after the gateway charged, before
     PayHub recorded it) is resumed by the next run with the same id, and the gateway answers with the first
     charge instead of making a second;
  2. an Idempotency-Key per attempt (domain.autopay.attempt_key) through pipeline/idempotency.py, reserved in
     the intent's own transaction: a concurrent resume loses at its unique row;
  3. a lease per enrollment (store/leases.py): on PostgreSQL, two workers do not even look at the same
     enrollment at once;
  4. the pipeline's holds: an invoice already paid (or in flight) has nothing payable, so is not charged.
A pending attempt is resumed even when its enrollment was paused or cancelled since: money may be in flight."""

from __future__ import annotations

import os
import secrets
import socket
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import structlog
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from payhub.autopay import enrollments
from payhub.domain import autopay as rules
from payhub.domain.errors import (
    DomainError,
    GatewayTimeout,
    IdempotencyKeyInUse,
    InvoiceNotOpen,
    PaymentLocked,
)
from payhub.domain.events import EventType
from payhub.domain.methods import Channel, SavedMethod
from payhub.domain.payments import PaymentStatus
from payhub.ids import new_id
from payhub.pipeline import idempotency, pay
from payhub.services import Services
from payhub.store import leases, repo
from payhub.store.models import AutopayAttempt, AutopayEnrollment, Entity, Payment, RelayLease

log = structlog.get_logger(__name__)
PRINCIPAL = "autopay"  # whose Idempotency-Keys the scheduler's are (a caller of its own)
PENDING, COMPLETED, FAILED, HARD_DECLINED, SKIPPED = "pending", "completed", "failed", "hard_declined", "skipped"
FINAL = (COMPLETED, SKIPPED)


def default_holder() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{secrets.token_hex(4)}"


def run_once(svc: Services, holder: str | None = None, *, lease: bool = True, limit: int = 500) -> Counter[str]:
    """One pass over every active enrollment (and every attempt a crash left pending). Returns counts."""
    holder = holder or default_holder()
    done: Counter[str] = Counter()
    with svc.read() as s:
        ids = list(s.execute(select(AutopayEnrollment.id, AutopayEnrollment.entity_id).where(
            AutopayEnrollment.status == enrollments.ACTIVE).order_by(AutopayEnrollment.id).limit(limit)))
        stale = list(s.scalars(select(AutopayAttempt.enrollment_id).where(
            AutopayAttempt.outcome == PENDING, AutopayAttempt.locked_until < svc.clock.now()).distinct()))
    todo = {enrollment_id: entity_id for enrollment_id, entity_id in ids}
    with svc.read() as s:
        for enrollment_id in stale:
            if enrollment_id not in todo:
                row = s.get(AutopayEnrollment, enrollment_id)
                if row is not None:
                    todo[enrollment_id] = row.entity_id
    for enrollment_id in sorted(todo):
        try:
            done.update(run_enrollment(svc, enrollment_id, holder, lease=lease))
        except Exception:  # one broken enrollment (an ERP down) must not stop the others
            log.exception("autopay.enrollment_error", enrollment=enrollment_id)
            done["error"] += 1
    return done


def run_enrollment(svc: Services, enrollment_id: str, holder: str, *, lease: bool = True) -> Counter[str]:
    done: Counter[str] = Counter()
    name = f"autopay:{enrollment_id}"
    if lease:
        with svc.transaction() as s:
            if not leases.take_lease(s, name, holder, svc.clock.now(), svc.payment_lock * 5):
                done["busy"] += 1
                return done
    try:
        for attempt in _stale_attempts(svc, enrollment_id, holder):
            done[_pay(svc, attempt)] += 1
        for attempt in _new_attempts(svc, enrollment_id, done):
            done[_pay(svc, attempt)] += 1
    finally:
        if lease:
            with svc.transaction() as s:  # the next run (any holder) may take it at once
                s.execute(delete(RelayLease).where(RelayLease.name == name, RelayLease.holder == holder))
    return done


@dataclass(frozen=True)
class Attempt:
    id: int
    entity_id: str
    enrollment_id: str
    customer_id: str
    invoice_id: str
    due_on: str
    attempt: int
    payment_id: str
    payment_method_id: str
    currency: str


def _attempt(row: AutopayAttempt, customer_id: str) -> Attempt:
    return Attempt(row.id, row.entity_id, row.enrollment_id, customer_id, row.invoice_id, row.due_on, row.attempt,
                   row.payment_id, row.payment_method_id, row.currency)


def _stale_attempts(svc: Services, enrollment_id: str, holder: str) -> list[Attempt]:
    """Pending attempts whose scheduler died (its lock expired): taken over, one conditional UPDATE each."""
    now = svc.clock.now()
    taken: list[Attempt] = []
    with svc.transaction() as s:
        enrollment = s.get(AutopayEnrollment, enrollment_id)
        assert enrollment is not None
        rows = s.scalars(select(AutopayAttempt).where(AutopayAttempt.enrollment_id == enrollment_id,
                                                      AutopayAttempt.outcome == PENDING,
                                                      AutopayAttempt.locked_until < now)).all()
        for row in rows:
            got = s.execute(update(AutopayAttempt).where(
                AutopayAttempt.id == row.id, AutopayAttempt.outcome == PENDING, AutopayAttempt.locked_until < now)
                .values(locked_until=now + svc.payment_lock, updated_at=now)
                .execution_options(synchronize_session=False))
            if got.rowcount == 1:  # type: ignore[attr-defined]
                taken.append(_attempt(row, enrollment.customer_id))
    return taken


def _new_attempts(svc: Services, enrollment_id: str, done: Counter[str]) -> list[Attempt]:
    """Write an attempt row for each invoice due today (the unique row is the claim), the payment id bound."""
    with svc.read() as s:
        enrollment = s.get(AutopayEnrollment, enrollment_id)
        assert enrollment is not None
        if enrollment.status != enrollments.ACTIVE:
            return []
        entity = s.get(Entity, enrollment.entity_id)
        assert entity is not None
        time_zone, rule = entity.timezone or "UTC", enrollments.rule_of(enrollment)
        customer_id, method_id, entity_id = enrollment.customer_id, enrollment.payment_method_id, entity.id
        history = list(s.scalars(select(AutopayAttempt).where(AutopayAttempt.enrollment_id == enrollment_id)
                                 .order_by(AutopayAttempt.attempt)))
    now = svc.clock.now()
    today = rules.local_today(now, time_zone)
    invoices = svc.erp_for(entity_id).list_open_invoices(entity_id, customer_id)
    latest: dict[tuple[str, str], AutopayAttempt] = {}
    for a in history:
        latest[(a.invoice_id, a.due_on)] = a
    blocked: list[str] = []  # paid, in flight, waiting for a retry or given up, for its current due date
    next_number: dict[str, int] = {}
    for inv in invoices:
        last = latest.get((inv.id, rule.pay_on(inv).isoformat()))
        if last is None:
            next_number[inv.id] = 1
        elif last.outcome == FAILED and last.next_retry_at is not None and last.next_retry_at <= now:
            next_number[inv.id] = last.attempt + 1
        elif last.outcome == HARD_DECLINED:  # the enrollment is active again: the customer changed the method
            next_number[inv.id] = last.attempt + 1
        else:
            blocked.append(inv.id)
    first, following = rules.month_of(today)
    spent = sum(a.amount or 0 for a in history if a.outcome in (PENDING, COMPLETED)
                and first <= rules.local_today(a.created_at, time_zone) < following)
    selection = rules.due_today(rule, invoices, today, spent, blocked)
    for skipped in selection.skipped:
        log.info("autopay.invoice_over_cap", enrollment=enrollment_id, invoice=skipped.invoice.id,
                 reason=skipped.reason)
        done[f"skipped:{skipped.reason}"] += 1
    created: list[Attempt] = []
    for due in selection.due:
        row = AutopayAttempt(entity_id=entity_id, enrollment_id=enrollment_id, invoice_id=due.invoice.id,
                             due_on=due.pay_on.isoformat(), attempt=next_number[due.invoice.id],
                             payment_id=new_id("pay"), payment_method_id=method_id, outcome=PENDING,
                             amount=due.invoice.balance.amount, currency=rule.currency,
                             locked_until=now + svc.payment_lock, created_at=now, updated_at=now)
        try:
            with svc.transaction() as s:
                s.add(row)
                s.flush()
        except IntegrityError:  # another scheduler wrote this attempt first: it pays it
            done["busy"] += 1
            continue
        created.append(_attempt(row, customer_id))
    return created


def _pay(svc: Services, a: Attempt) -> str:
    """Pay one attempt through the pipeline under its Idempotency-Key and its bound payment id; record the
    outcome. Returns what happened (a counter label)."""
    key = rules.attempt_key(a.enrollment_id, a.invoice_id, date.fromisoformat(a.due_on), a.attempt)
    body = {"enrollment": a.enrollment_id, "invoice": a.invoice_id, "due_on": a.due_on, "attempt": a.attempt,
            "payment_method": a.payment_method_id}
    digest = idempotency.request_hash(svc.secret_key, "AUTOPAY", "/autopay", body)
    try:
        begun = idempotency.begin(svc, a.entity_id, PRINCIPAL, key, digest, "pay", reserve=False)
    except IdempotencyKeyInUse:
        return "busy"  # another scheduler is on it: its lock expires if it died
    if isinstance(begun, idempotency.Replay):  # answered before: the payment row says how
        return _conclude(svc, a)
    with svc.read() as s:
        exists = s.get(Payment, a.payment_id) is not None
    claim = replace(begun, resource_id=a.payment_id, resumed=begun.resumed or exists)
    claim.render, claim.status = (lambda o: {"payment": o.payment.id, "status": o.payment.status}), 201
    req = pay.PaymentRequest(
        entity_id=a.entity_id, currency=a.currency, method=SavedMethod(a.payment_method_id),
        allocations=[(a.invoice_id, None)], customer_id=a.customer_id, channel=Channel.AUTOPAY.value,
        description=f"Autopay {a.invoice_id}",
        metadata={"autopay_enrollment": a.enrollment_id, "autopay_due_on": a.due_on, "autopay_attempt": a.attempt})
    try:
        outcome = pay.create_payment(svc, req, claim)
    except (GatewayTimeout, PaymentLocked):  # unknown, or busy: the same attempt is resumed by a later run
        idempotency.pause(svc, claim)
        _unlock(svc, a)
        return "unknown"
    except DomainError as error:
        if "payment" in error.extra:  # a decline, on record as the payment's failure
            idempotency.complete(svc, claim, 402, {"payment": a.payment_id, "code": error.code})
        else:  # refused before anything was written (nothing payable, the method gone)
            idempotency.release(svc, claim)
        return _failed(svc, a, error.code, error.detail, error.extra.get("decline_code"),
                       nothing_to_pay=isinstance(error, InvoiceNotOpen))
    except BaseException:
        idempotency.pause(svc, claim)
        raise
    idempotency.complete(svc, claim, 201, {"payment": outcome.payment.id, "status": outcome.payment.status})
    return _completed(svc, a, outcome.payment.amount)


def _conclude(svc: Services, a: Attempt) -> str:
    with svc.read() as s:
        row = s.get(Payment, a.payment_id)
        status, amount = (row.status, row.amount) if row else (None, None)
        code, message = (row.failure_code, row.failure_message) if row else (None, None)
    if status == PaymentStatus.FAILED.value:
        return _failed(svc, a, code or "gateway_error", message or "", None)
    if status is not None and amount is not None and status not in pay.IN_FLIGHT_VALUES:
        return _completed(svc, a, amount)
    _unlock(svc, a)
    return "unknown"


def _unlock(svc: Services, a: Attempt) -> None:
    with svc.transaction() as s:
        s.execute(update(AutopayAttempt).where(AutopayAttempt.id == a.id, AutopayAttempt.outcome == PENDING)
                  .values(locked_until=svc.clock.now()).execution_options(synchronize_session=False))


def _completed(svc: Services, a: Attempt, amount: int) -> str:
    now = svc.clock.now()
    with svc.transaction() as s:
        row = s.get(AutopayAttempt, a.id, with_for_update=True)
        assert row is not None
        row.outcome, row.amount, row.failure_code, row.failure_message = COMPLETED, amount, None, None
        row.next_retry_at, row.locked_until, row.updated_at = None, now, now
    log.info("autopay.paid", enrollment=a.enrollment_id, invoice=a.invoice_id, payment=a.payment_id)
    return COMPLETED


def _failed(svc: Services, a: Attempt, code: str, message: str, decline_code: Any,
            nothing_to_pay: bool = False) -> str:
    """Record a failed attempt: nothing to pay is done; a soft decline waits for its retry (or gives up, with
    autopay.payment_failed); a hard decline pauses the enrollment and emits autopay.payment_failed."""
    now = svc.clock.now()
    category = rules.categorize(code, decline_code if isinstance(decline_code, str) else None)
    with svc.transaction() as s:
        row = s.get(AutopayAttempt, a.id, with_for_update=True)
        enrollment = s.get(AutopayEnrollment, a.enrollment_id, with_for_update=True)
        entity = s.get(Entity, a.entity_id)
        assert row is not None and enrollment is not None and entity is not None
        row.failure_code, row.failure_message, row.locked_until, row.updated_at = code, message[:500], now, now
        row.amount = None
        if nothing_to_pay:
            row.outcome = SKIPPED
            return SKIPPED
        if category is rules.Category.UNKNOWN:  # not a decline: the same attempt is asked again later
            row.outcome = PENDING
            return "unknown"
        if category is rules.Category.HARD:
            row.outcome = HARD_DECLINED
            enrollments.pause(s, enrollment, code, now)
            outcome = "hard_declined"
        else:
            row.outcome = FAILED
            time_zone = entity.timezone or "UTC"
            row.next_retry_at = rules.retry_at(rules.local_today(now, time_zone), a.attempt, time_zone,
                                               enrollments.retry_days(s, a.entity_id))
            if row.next_retry_at is not None:
                return "soft_declined"
            outcome = "given_up"
        data = {"object": "autopay_payment_failure",
                "enrollment": enrollments.view(enrollment, enrollments.method_of(s, enrollment)),
                "invoice": a.invoice_id, "due_on": a.due_on, "attempt": a.attempt, "payment": a.payment_id,
                "category": category.value, "reason": code, "message": message}
        repo.add_event(s, a.entity_id, EventType.AUTOPAY_PAYMENT_FAILED, data, now)
    log.warning("autopay.payment_failed", enrollment=a.enrollment_id, invoice=a.invoice_id, reason=code,
                category=category.value)
    return outcome


def attempts(svc: Services, enrollment_id: str) -> Sequence[AutopayAttempt]:
    """Every attempt of an enrollment, oldest first (tests and operators)."""
    with svc.read() as s:
        return s.scalars(select(AutopayAttempt).where(AutopayAttempt.enrollment_id == enrollment_id)
                         .order_by(AutopayAttempt.id)).all()


def fixed_now(value: str) -> datetime:
    """`--now` for run-once: an ISO 8601 instant with its offset."""
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("--now needs a time zone offset, e.g. 2026-03-08T12:00:00+00:00")
    return parsed
