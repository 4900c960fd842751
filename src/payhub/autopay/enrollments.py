"""Autopay enrollments: created, shown, changed and cancelled over a unit of work (a Session). Each change that
matters to the customer writes its outbox event in the same transaction (autopay.enrolled, autopay.cancelled)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from payhub.domain.autopay import DEFAULT_RETRY_DAYS, Rule
from payhub.domain.errors import (
    AutopayAlreadyEnrolled,
    AutopayEnrollmentCancelled,
    AutopayEnrollmentNotFound,
    AutopayRuleInvalid,
    EntityNotFound,
)
from payhub.domain.events import EventType
from payhub.ids import new_id
from payhub.store import repo
from payhub.store import vault as vault_store
from payhub.store.models import AutopayAttempt, AutopayEnrollment, AutopaySettings, Entity, SavedPaymentMethod
from payhub.views import payment_method_view, ts

ACTIVE, PAUSED, CANCELLED = "active", "paused", "cancelled"
MAX_DAYS_BEFORE_DUE = 60


@dataclass(frozen=True)
class RuleSpec:
    """A rule as asked: amounts in minor units of `currency` (None: the entity's default currency)."""

    currency: str | None
    days_before_due: int = 0
    terms: tuple[str, ...] | None = None
    min_amount: int | None = None
    max_amount: int | None = None
    max_per_invoice: int | None = None
    max_per_month: int | None = None


def rule_of(row: AutopayEnrollment) -> Rule:
    return Rule(currency=row.currency, days_before_due=row.days_before_due,
                terms=frozenset(row.terms) if row.terms is not None else None, min_amount=row.min_amount,
                max_amount=row.max_amount, max_per_invoice=row.max_per_invoice, max_per_month=row.max_per_month)


def _check(spec: RuleSpec) -> None:
    if not 0 <= spec.days_before_due <= MAX_DAYS_BEFORE_DUE:
        raise AutopayRuleInvalid(f"days_before_due must be 0-{MAX_DAYS_BEFORE_DUE}", field="rule.when")
    if spec.terms is not None and not spec.terms:
        raise AutopayRuleInvalid("Name at least one payment term, or pay all invoices", field="rule.invoices.terms")
    for name in ("min_amount", "max_amount", "max_per_invoice", "max_per_month"):
        value = getattr(spec, name)
        if value is not None and value <= 0:
            raise AutopayRuleInvalid("Amounts must be greater than zero", field=f"rule.{name}")
    if spec.min_amount is not None and spec.max_amount is not None and spec.min_amount > spec.max_amount:
        raise AutopayRuleInvalid("The amount range's minimum is above its maximum", field="rule.invoices.amount")


def _method(s: Session, entity_id: str, customer_id: str, method_id: str) -> SavedPaymentMethod:
    """The customer's own saved method, not deleted (else 404 payment_method_not_found)."""
    return vault_store.get_method(s, entity_id, method_id, customer_id)


def create(s: Session, entity_id: str, customer_id: str, method_id: str, spec: RuleSpec, created_by: str,
           now: datetime) -> AutopayEnrollment:
    _check(spec)
    method = _method(s, entity_id, customer_id, method_id)
    currency = spec.currency or _entity_currency(s, entity_id)
    existing = s.scalars(select(AutopayEnrollment).where(
        AutopayEnrollment.entity_id == entity_id, AutopayEnrollment.customer_id == customer_id,
        AutopayEnrollment.currency == currency, AutopayEnrollment.status != CANCELLED)).first()
    if existing is not None:  # two enrollments would race each other over the same invoices
        raise AutopayAlreadyEnrolled(f"Customer {customer_id} is already enrolled ({existing.id}); cancel it first",
                                     enrollment=existing.id)
    row = AutopayEnrollment(
        id=new_id("ape"), entity_id=entity_id, customer_id=customer_id, payment_method_id=method.id, status=ACTIVE,
        currency=currency, days_before_due=spec.days_before_due,
        terms=list(spec.terms) if spec.terms is not None else None, min_amount=spec.min_amount,
        max_amount=spec.max_amount, max_per_invoice=spec.max_per_invoice, max_per_month=spec.max_per_month,
        paused_reason=None, created_by=created_by, created_at=now, updated_at=now, cancelled_at=None)
    s.add(row)
    s.flush()
    repo.add_event(s, entity_id, EventType.AUTOPAY_ENROLLED, view(row, method), now)
    return row


def _entity_currency(s: Session, entity_id: str) -> str:
    entity = s.get(Entity, entity_id)
    if entity is None:
        raise EntityNotFound(f"No entity {entity_id}")
    return entity.default_currency


def get(s: Session, entity_id: str, enrollment_id: str, customer_id: str | None = None, *,
        lock: bool = False) -> AutopayEnrollment:
    q = select(AutopayEnrollment).where(AutopayEnrollment.id == enrollment_id,
                                        AutopayEnrollment.entity_id == entity_id)
    if customer_id is not None:
        q = q.where(AutopayEnrollment.customer_id == customer_id)
    row = s.scalars(q.with_for_update() if lock else q).first()
    if row is None:
        raise AutopayEnrollmentNotFound(f"No autopay enrollment {enrollment_id}")
    return row


def listed(s: Session, entity_id: str, customer_id: str | None, status: str | None, limit: int,
           starting_after: str | None) -> tuple[Sequence[AutopayEnrollment], bool]:
    q = select(AutopayEnrollment).where(AutopayEnrollment.entity_id == entity_id)
    if customer_id is not None:
        q = q.where(AutopayEnrollment.customer_id == customer_id)
    if status is not None:
        q = q.where(AutopayEnrollment.status == status)
    if starting_after is not None:
        q = q.where(AutopayEnrollment.id < starting_after)
    rows = s.scalars(q.order_by(AutopayEnrollment.id.desc()).limit(limit + 1)).all()
    return rows[:limit], len(rows) > limit


def cancel(s: Session, entity_id: str, enrollment_id: str, customer_id: str | None, now: datetime
           ) -> AutopayEnrollment:
    """Stop paying. Cancelling a cancelled enrollment changes nothing and emits nothing."""
    row = get(s, entity_id, enrollment_id, customer_id, lock=True)
    if row.status == CANCELLED:
        return row
    row.status, row.cancelled_at, row.updated_at = CANCELLED, now, now
    repo.add_event(s, entity_id, EventType.AUTOPAY_CANCELLED, view(row, method_of(s, row)), now)
    return row


def change_method(s: Session, entity_id: str, enrollment_id: str, customer_id: str | None, method_id: str,
                  now: datetime) -> AutopayEnrollment:
    """Pay with another saved method of the customer's. A paused enrollment (hard decline) resumes."""
    row = get(s, entity_id, enrollment_id, customer_id, lock=True)
    if row.status == CANCELLED:
        raise AutopayEnrollmentCancelled(f"Autopay enrollment {enrollment_id} was cancelled; enroll again")
    method = _method(s, entity_id, row.customer_id, method_id)
    row.payment_method_id, row.updated_at = method.id, now
    if row.status == PAUSED:
        row.status, row.paused_reason = ACTIVE, None
    return row


def pause(s: Session, row: AutopayEnrollment, reason: str, now: datetime) -> None:
    if row.status == ACTIVE:
        row.status, row.paused_reason, row.updated_at = PAUSED, reason, now


def method_of(s: Session, row: AutopayEnrollment) -> SavedPaymentMethod | None:
    return s.get(SavedPaymentMethod, row.payment_method_id)


def retry_days(s: Session, entity_id: str) -> tuple[int, ...]:
    found = s.get(AutopaySettings, entity_id)
    return tuple(found.retry_days) if found is not None else DEFAULT_RETRY_DAYS


def set_retry_days(s: Session, entity_id: str, days: Sequence[int], now: datetime) -> tuple[int, ...]:
    if not 0 < len(days) <= 10 or any(not 1 <= d <= 60 for d in days):
        raise AutopayRuleInvalid("retry_days: 1-10 retries, each 1-60 days after the previous attempt",
                                 field="retry_days")
    found = s.get(AutopaySettings, entity_id, with_for_update=True)
    if found is None:
        s.add(AutopaySettings(entity_id=entity_id, retry_days=list(days), updated_at=now))
    else:
        found.retry_days, found.updated_at = list(days), now
    return tuple(days)


def attempts_of(s: Session, enrollment_id: str, limit: int = 20) -> Sequence[AutopayAttempt]:
    return s.scalars(select(AutopayAttempt).where(AutopayAttempt.enrollment_id == enrollment_id)
                     .order_by(AutopayAttempt.id.desc()).limit(limit)).all()


def _money(amount: int | None, currency: str) -> dict[str, Any] | None:
    return None if amount is None else {"amount": amount, "currency": currency}


def rule_view(row: AutopayEnrollment) -> dict[str, Any]:
    when: dict[str, Any] = {"on": "due_date"} if row.days_before_due == 0 else {"days_before_due": row.days_before_due}
    invoices: Any = "all"
    if row.terms is not None or row.min_amount is not None or row.max_amount is not None:
        invoices = {"terms": row.terms,
                    "amount": None if row.min_amount is None and row.max_amount is None else {
                        "min": _money(row.min_amount, row.currency), "max": _money(row.max_amount, row.currency)}}
    return {"when": when, "invoices": invoices, "max_per_invoice": _money(row.max_per_invoice, row.currency),
            "max_per_month": _money(row.max_per_month, row.currency)}


def view(row: AutopayEnrollment, method: SavedPaymentMethod | None,
         attempts: Sequence[AutopayAttempt] | None = None) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "id": row.id, "object": "autopay_enrollment", "customer": row.customer_id, "status": row.status,
        "paused_reason": row.paused_reason, "currency": row.currency,
        "payment_method": payment_method_view(method) if method is not None else {"id": row.payment_method_id},
        "rule": rule_view(row), "created_at": ts(row.created_at), "updated_at": ts(row.updated_at),
        "cancelled_at": ts(row.cancelled_at)}
    if attempts is not None:
        shown["recent_attempts"] = [attempt_view(a) for a in attempts]
    return shown


def attempt_view(a: AutopayAttempt) -> dict[str, Any]:
    return {"invoice": a.invoice_id, "due_on": a.due_on, "attempt": a.attempt, "payment": a.payment_id,
            "outcome": a.outcome, "amount": _money(a.amount, a.currency), "failure_code": a.failure_code,
            "next_retry_at": ts(a.next_retry_at), "created_at": ts(a.created_at)}
