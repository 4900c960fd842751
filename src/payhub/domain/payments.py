"""The payment state machine: pure transitions over amounts, typed errors for illegal moves.

    processing ─▶ requires_capture ─▶ captured ─▶ settled
        │               │    (partial capture releases the rest)
        ├─▶ captured    ├─▶ voided
        ├─▶ failed      └─▶ failed
        └─▶ unknown ─▶ requires_capture | captured | failed
            (the gateway did not answer: the outcome is learnt by asking again with the same key)
Refunds (partial, several) are allowed from captured or settled and never exceed what was captured.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from payhub.domain.errors import (
    AmountExceedsCapturable,
    CurrencyMismatch,
    IllegalTransition,
    InvalidAmount,
    InvalidRequest,
    RefundExceedsCaptured,
)
from payhub.domain.money import Money


class PaymentStatus(StrEnum):
    PROCESSING = "processing"  # recorded; the gateway call is in flight
    REQUIRES_CAPTURE = "requires_capture"  # authorized
    CAPTURED = "captured"
    SETTLED = "settled"
    VOIDED = "voided"
    FAILED = "failed"
    UNKNOWN = "unknown"  # the gateway's answer was lost (timeout); recovery learns the outcome


REFUNDABLE = {PaymentStatus.CAPTURED, PaymentStatus.SETTLED}


@dataclass(frozen=True, slots=True)
class Bucket:
    """Where part of a payment goes: one invoice, or unapplied cash (invoice_id None)."""

    invoice_id: str | None
    amount: int
    captured: int = 0
    refunded: int = 0


Split = list[tuple[str | None, Money]]


@dataclass(frozen=True, slots=True)
class PaymentState:
    status: PaymentStatus
    currency: str
    buckets: tuple[Bucket, ...]

    @property
    def amount(self) -> Money:
        return Money(sum(b.amount for b in self.buckets), self.currency)

    @property
    def captured(self) -> Money:
        return Money(sum(b.captured for b in self.buckets), self.currency)

    @property
    def refunded(self) -> Money:
        return Money(sum(b.refunded for b in self.buckets), self.currency)

    @property
    def capturable(self) -> Money:
        if self.status is not PaymentStatus.REQUIRES_CAPTURE:
            return Money.zero(self.currency)
        return self.amount - self.captured

    @property
    def refundable(self) -> Money:
        if self.status not in REFUNDABLE:
            return Money.zero(self.currency)
        return self.captured - self.refunded


def new_payment(currency: str, buckets: Sequence[Bucket]) -> PaymentState:
    if not buckets or any(b.amount < 0 for b in buckets) or sum(b.amount for b in buckets) <= 0:
        raise InvalidAmount("A payment needs a positive amount")
    keys = [b.invoice_id for b in buckets]
    if len(set(keys)) != len(keys):
        raise InvalidRequest("Each invoice (and unapplied cash) may appear once in a payment")
    return PaymentState(PaymentStatus.PROCESSING, currency, tuple(buckets))


def _require(state: PaymentState, action: str, *allowed: PaymentStatus) -> None:
    if state.status not in allowed:
        raise IllegalTransition(f"Cannot {action} a payment in status {state.status.value}",
                                payment_status=state.status.value)


def _positive(amount: Money, currency: str) -> None:
    if amount.currency != currency:
        raise CurrencyMismatch(f"Amount is in {amount.currency}, the payment is in {currency}")
    if not amount.is_positive:
        raise InvalidAmount("Amount must be greater than zero")


def fill(room: Sequence[tuple[str | None, int]], amount: Money) -> Split:
    """Pour `amount` into buckets in the given order, each up to its room. Capture pours in the
    payment's bucket order (the pipeline puts unapplied cash last); refund pours unapplied first,
    then invoices last-allocated first."""
    left = amount.amount
    split: Split = []
    for key, space in room:
        take = min(space, left)
        if take > 0:
            split.append((key, Money(take, amount.currency)))
            left -= take
    if left:
        raise InvalidAmount("Amount does not fit the payment's buckets")
    return split


IN_FLIGHT = (PaymentStatus.PROCESSING, PaymentStatus.UNKNOWN)  # the gateway call may have happened


def authorized(state: PaymentState) -> PaymentState:
    _require(state, "authorize", *IN_FLIGHT)
    return replace(state, status=PaymentStatus.REQUIRES_CAPTURE)


def unknown(state: PaymentState) -> PaymentState:
    _require(state, "mark unknown", *IN_FLIGHT)
    return replace(state, status=PaymentStatus.UNKNOWN)


def fail(state: PaymentState) -> PaymentState:
    _require(state, "fail", *IN_FLIGHT, PaymentStatus.REQUIRES_CAPTURE)
    return replace(state, status=PaymentStatus.FAILED)


def capture(state: PaymentState, amount: Money | None = None) -> tuple[PaymentState, Split]:
    """Capture all or part of an authorization; whatever is not captured is released."""
    _require(state, "capture", PaymentStatus.REQUIRES_CAPTURE)
    amount = state.capturable if amount is None else amount
    _positive(amount, state.currency)
    if amount > state.capturable:
        raise AmountExceedsCapturable(f"Can capture at most {state.capturable}, asked {amount}")
    split = fill([(b.invoice_id, b.amount - b.captured) for b in state.buckets], amount)
    return _apply(state, split, "captured", PaymentStatus.CAPTURED), split


def void(state: PaymentState) -> PaymentState:
    _require(state, "void", PaymentStatus.REQUIRES_CAPTURE)
    return replace(state, status=PaymentStatus.VOIDED)


def settle(state: PaymentState) -> PaymentState:
    _require(state, "settle", PaymentStatus.CAPTURED)
    return replace(state, status=PaymentStatus.SETTLED)


def refund(state: PaymentState, amount: Money) -> tuple[PaymentState, Split]:
    """Refund part of what was captured: unapplied cash first, then invoices last-paid first."""
    _require(state, "refund", *REFUNDABLE)
    _positive(amount, state.currency)
    if amount > state.refundable:
        raise RefundExceedsCaptured(f"Can refund at most {state.refundable}, asked {amount}")
    order = sorted(range(len(state.buckets)), key=lambda i: (state.buckets[i].invoice_id is not None, -i))
    room = [(state.buckets[i].invoice_id, state.buckets[i].captured - state.buckets[i].refunded) for i in order]
    split = fill(room, amount)
    return _apply(state, split, "refunded", state.status), split


def _apply(state: PaymentState, split: Split, field: str, status: PaymentStatus) -> PaymentState:
    added = {key: m.amount for key, m in split}
    buckets = tuple(
        replace(b, **{field: getattr(b, field) + added.pop(b.invoice_id, 0)}) for b in state.buckets
    )
    return replace(state, status=status, buckets=buckets)
