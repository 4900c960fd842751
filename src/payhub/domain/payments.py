"""The payment state machine: pure transitions over amounts, typed errors for illegal moves.

    processing ─▶ requires_capture ─▶ captured ─▶ settled
        │               │    (partial capture releases the rest)
        ├─▶ captured    ├─▶ voided
        ├─▶ failed      └─▶ failed
        └─▶ unknown ─▶ requires_capture | captured | failed
            (the gateway did not answer: the outcome is learnt by asking again with the same key)
Refunds (partial, several) are allowed from captured or settled and never exceed what was captured.

How a partial capture splits between a payment's buckets (invoices, fees, unapplied cash) is the entity's
`capture_fee_allocation`:
- proportional (default): the fees get their share of the captured amount (fee room / total room, rounded
  half to even) and the invoices and unapplied cash exactly the rest, in order; so the split sums exactly
  and no bucket gets more than its room. Capturing 100 of 280 + a 15 fee pays the invoice 95, the fee 5.
- fees_first: the fees are collected first, then the invoices in order, then unapplied cash.
Refunds mirror it: unapplied cash is returned first, then invoices last-paid first, with the fees taking
their proportional share of that rest, or (fees_first) coming back after every invoice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from fractions import Fraction

from payhub.domain.errors import (
    AmountExceedsCapturable,
    CurrencyMismatch,
    IllegalTransition,
    InvalidAmount,
    InvalidRequest,
    RefundExceedsCaptured,
)
from payhub.domain.ledger import FEE_BUCKETS
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


class FeeAllocation(StrEnum):
    """How a partial capture (and a partial refund) splits between fees and invoices."""

    PROPORTIONAL = "proportional"
    FEES_FIRST = "fees_first"


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
    fee_allocation: FeeAllocation = FeeAllocation.PROPORTIONAL  # the entity's rule for partial amounts

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


def _split_fees(room: Sequence[tuple[str | None, int]], amount: Money, rule: FeeAllocation,
                fees_last: bool = False) -> tuple[Split, Split]:
    """Share `amount` between the fee buckets and the others: in proportion to their room, the fees' share
    rounded half to even and the others getting exactly the rest (so the parts sum to `amount` and neither
    exceeds its room); or, fees_first, the fees before the others (after them with `fees_last`, as refunds
    mirror it). Within each group the buckets fill in the given order. Returns (fees, others)."""
    fees = [r for r in room if r[0] in FEE_BUCKETS]
    others = [r for r in room if r[0] not in FEE_BUCKETS]
    fee_room, total = sum(space for _, space in fees), sum(space for _, space in room)
    if amount.amount > total:
        raise InvalidAmount("Amount does not fit the payment's buckets")
    if rule is FeeAllocation.FEES_FIRST:
        to_fees = max(0, amount.amount - (total - fee_room)) if fees_last else min(fee_room, amount.amount)
    else:
        to_fees = amount.times(Fraction(fee_room, total)).amount if total else 0
    return (fill(fees, Money(to_fees, amount.currency)) if to_fees else [],
            fill(others, Money(amount.amount - to_fees, amount.currency)) if amount.amount > to_fees else [])


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
    fees, others = _split_fees([(b.invoice_id, b.amount - b.captured) for b in state.buckets], amount,
                               state.fee_allocation)
    split = fees + others
    return _apply(state, split, "captured", PaymentStatus.CAPTURED), split


def void(state: PaymentState) -> PaymentState:
    _require(state, "void", PaymentStatus.REQUIRES_CAPTURE)
    return replace(state, status=PaymentStatus.VOIDED)


def settle(state: PaymentState) -> PaymentState:
    _require(state, "settle", PaymentStatus.CAPTURED)
    return replace(state, status=PaymentStatus.SETTLED)


def refund(state: PaymentState, amount: Money) -> tuple[PaymentState, Split]:
    """Refund part of what was captured: unapplied cash first, then invoices last-paid first, and the fees
    as the capture took them: proportional, a share of the rest; fees_first, after every invoice."""
    _require(state, "refund", *REFUNDABLE)
    _positive(amount, state.currency)
    if amount > state.refundable:
        raise RefundExceedsCaptured(f"Can refund at most {state.refundable}, asked {amount}")
    left = [(b.invoice_id, b.captured - b.refunded) for b in state.buckets]
    unapplied = [r for r in left if r[0] is None]
    first = min(amount.amount, sum(space for _, space in unapplied))
    split = fill(unapplied, Money(first, amount.currency)) if first else []
    if first < amount.amount:  # then invoices last-paid first, with the fees as the entity's rule says
        applied = [r for r in reversed(left) if r[0] is not None]
        fees, invoices = _split_fees(applied, Money(amount.amount - first, amount.currency), state.fee_allocation,
                                     fees_last=True)
        split += invoices + fees if state.fee_allocation is FeeAllocation.FEES_FIRST else fees + invoices
    return _apply(state, split, "refunded", state.status), split


def replay(state: PaymentState, kind: str, split: Split) -> PaymentState:
    """Apply a capture or refund split decided earlier (an operation's recorded intent), so that completing it
    later, after a crash, books exactly what the gateway was asked for. Checks the split still fits."""
    if kind == "capture":
        _require(state, "capture", PaymentStatus.REQUIRES_CAPTURE)
        field, status, room = "captured", PaymentStatus.CAPTURED, {b.invoice_id: b.amount - b.captured
                                                                   for b in state.buckets}
    else:
        _require(state, "refund", *REFUNDABLE)
        field, status, room = "refunded", state.status, {b.invoice_id: b.captured - b.refunded for b in state.buckets}
    for key, money in split:
        if money.currency != state.currency or not 0 < money.amount <= room.get(key, 0):
            raise InvalidAmount(f"The recorded {kind} no longer fits the payment's buckets")
    return _apply(state, split, field, status)


def _apply(state: PaymentState, split: Split, field: str, status: PaymentStatus) -> PaymentState:
    added = {key: m.amount for key, m in split}
    buckets = tuple(
        replace(b, **{field: getattr(b, field) + added.pop(b.invoice_id, 0)}) for b in state.buckets
    )
    return replace(state, status=status, buckets=buckets)
