"""The payment state machine: transitions, capture / refund amounts and how they split over buckets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import FrozenInstanceError

import pytest

from payhub.domain import payments as machine
from payhub.domain.errors import (
    AmountExceedsCapturable,
    Conflict,
    CurrencyMismatch,
    IllegalTransition,
    InvalidAmount,
    InvalidRequest,
    RefundExceedsCaptured,
)
from payhub.domain.money import Money
from payhub.domain.payments import Bucket, PaymentState
from payhub.domain.payments import PaymentStatus as S


def usd(n: int) -> Money:
    return Money(n, "USD")


def new(*buckets: tuple[str | None, int], currency: str = "USD") -> PaymentState:
    return machine.new_payment(currency, [Bucket(inv, amt) for inv, amt in buckets])


def authorized(*buckets: tuple[str | None, int]) -> PaymentState:
    return machine.authorized(new(*buckets))


def captured(*buckets: tuple[str | None, int], amount: int | None = None) -> PaymentState:
    state, _ = machine.capture(authorized(*buckets), None if amount is None else usd(amount))
    return state


def by_invoice(state: PaymentState) -> dict[str | None, tuple[int, int, int]]:
    return {b.invoice_id: (b.amount, b.captured, b.refunded) for b in state.buckets}


def as_pairs(split: machine.Split) -> list[tuple[str | None, int]]:
    return [(inv, m.amount) for inv, m in split]


# --- new_payment ---------------------------------------------------------------------------------

def test_new_payment_starts_processing_with_nothing_captured() -> None:
    state = new(("inv_1", 1000), ("inv_2", 500), (None, 250))
    assert state.status is S.PROCESSING
    assert state.currency == "USD"
    assert state.amount == usd(1750)
    assert state.captured == usd(0)
    assert state.refunded == usd(0)
    assert state.capturable == usd(0)  # nothing capturable until authorized
    assert state.refundable == usd(0)
    assert isinstance(state.buckets, tuple)
    assert [b.invoice_id for b in state.buckets] == ["inv_1", "inv_2", None]


@pytest.mark.parametrize("buckets", [[], [Bucket("inv_1", 0)], [Bucket("inv_1", -1)],
                                     [Bucket("inv_1", 100), Bucket("inv_2", -1)], [Bucket(None, 0)]])
def test_new_payment_needs_positive_amount(buckets: list[Bucket]) -> None:
    with pytest.raises(InvalidAmount):
        machine.new_payment("USD", buckets)


def test_new_payment_allows_a_zero_bucket_next_to_a_positive_one() -> None:
    state = machine.new_payment("USD", [Bucket("inv_1", 0), Bucket("inv_2", 10)])
    assert state.amount == usd(10)


def test_amount_properties_are_money_in_payment_currency() -> None:
    state = new(("inv_1", 5), currency="JPY")
    assert state.amount == Money(5, "JPY")
    assert state.captured == Money(0, "JPY")
    assert state.refunded.currency == "JPY"


def test_state_is_immutable() -> None:
    state = new(("inv_1", 5))
    with pytest.raises(FrozenInstanceError):
        state.status = S.CAPTURED  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        state.buckets[0].captured = 5  # type: ignore[misc]


# --- transitions -----------------------------------------------------------------------------------

def test_happy_path_processing_authorized_captured_settled() -> None:
    state = new(("inv_1", 1000))
    state = machine.authorized(state)
    assert state.status is S.REQUIRES_CAPTURE
    assert state.capturable == usd(1000)
    state, split = machine.capture(state)
    assert state.status is S.CAPTURED
    assert as_pairs(split) == [("inv_1", 1000)]
    assert state.captured == usd(1000)
    assert state.capturable == usd(0)
    assert state.refundable == usd(1000)
    state = machine.settle(state)
    assert state.status is S.SETTLED
    assert state.captured == usd(1000)
    assert state.refundable == usd(1000)


def test_transitions_do_not_mutate_input() -> None:
    start = new(("inv_1", 1000))
    auth = machine.authorized(start)
    assert start.status is S.PROCESSING
    cap, _ = machine.capture(auth, usd(400))
    assert auth.status is S.REQUIRES_CAPTURE and auth.captured == usd(0)
    ref, _ = machine.refund(cap, usd(100))
    assert cap.refunded == usd(0) and ref.refunded == usd(100)


def test_void_from_requires_capture() -> None:
    state = machine.void(authorized(("inv_1", 1000)))
    assert state.status is S.VOIDED
    assert state.captured == usd(0)
    assert state.capturable == usd(0)
    assert state.refundable == usd(0)


@pytest.mark.parametrize("start", [S.PROCESSING, S.REQUIRES_CAPTURE])
def test_fail_from_processing_or_requires_capture(start: S) -> None:
    state = new(("inv_1", 1000))
    if start is S.REQUIRES_CAPTURE:
        state = machine.authorized(state)
    failed = machine.fail(state)
    assert failed.status is S.FAILED
    assert failed.capturable == usd(0) and failed.refundable == usd(0)


def _state_in(status: S) -> PaymentState:
    base = new(("inv_1", 1000), (None, 200))
    if status is S.PROCESSING:
        return base
    if status is S.UNKNOWN:
        return machine.unknown(base)
    auth = machine.authorized(base)
    return {
        S.REQUIRES_CAPTURE: lambda: auth,
        S.CAPTURED: lambda: machine.capture(auth)[0],
        S.SETTLED: lambda: machine.settle(machine.capture(auth)[0]),
        S.VOIDED: lambda: machine.void(auth),
        S.FAILED: lambda: machine.fail(auth),
    }[status]()


OPERATIONS: dict[str, tuple[Callable[[PaymentState], object], set[S]]] = {
    "authorize": (machine.authorized, {S.PROCESSING, S.UNKNOWN}),
    "mark_unknown": (machine.unknown, {S.PROCESSING, S.UNKNOWN}),  # a timeout, maybe again on a retry
    "fail": (machine.fail, {S.PROCESSING, S.UNKNOWN, S.REQUIRES_CAPTURE}),
    "capture": (lambda s: machine.capture(s, usd(100)), {S.REQUIRES_CAPTURE}),
    "capture_all": (machine.capture, {S.REQUIRES_CAPTURE}),
    "void": (machine.void, {S.REQUIRES_CAPTURE}),
    "settle": (machine.settle, {S.CAPTURED}),
    "refund": (lambda s: machine.refund(s, usd(100)), {S.CAPTURED, S.SETTLED}),
}


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_transition_table(status: S, operation: str) -> None:
    state = _state_in(status)
    assert state.status is status
    apply, allowed = OPERATIONS[operation]
    if status in allowed:
        apply(state)
    else:
        with pytest.raises(IllegalTransition) as info:
            apply(state)
        assert info.value.extra == {"payment_status": status.value}
        assert status.value in str(info.value)
        assert isinstance(info.value, Conflict)
        assert info.value.code == "payment_state_invalid"


def test_illegal_transition_is_checked_before_amount() -> None:
    # a refund on an uncaptured payment is a state error even when the amount is also bad
    with pytest.raises(IllegalTransition):
        machine.refund(authorized(("inv_1", 100)), usd(10**6))
    with pytest.raises(IllegalTransition):
        machine.capture(captured(("inv_1", 100)), usd(0))


def test_terminal_states_stay_terminal() -> None:
    for terminal in (S.VOIDED, S.FAILED):
        state = _state_in(terminal)
        for op in ("authorize", "capture", "void", "settle", "refund", "fail"):
            with pytest.raises(IllegalTransition):
                OPERATIONS[op][0](state)


def test_status_values_are_the_api_strings() -> None:
    assert [s.value for s in S] == ["processing", "requires_capture", "captured", "settled", "voided", "failed",
                                    "unknown"]
    assert S("requires_capture") is S.REQUIRES_CAPTURE
    assert machine.REFUNDABLE == {S.CAPTURED, S.SETTLED}


# --- capture -----------------------------------------------------------------------------------------

def test_full_capture_splits_over_every_bucket_in_order() -> None:
    state, split = machine.capture(authorized(("inv_1", 1000), ("inv_2", 500), (None, 250)))
    assert as_pairs(split) == [("inv_1", 1000), ("inv_2", 500), (None, 250)]
    assert all(m.currency == "USD" for _, m in split)
    assert by_invoice(state) == {"inv_1": (1000, 1000, 0), "inv_2": (500, 500, 0), None: (250, 250, 0)}


def test_partial_capture_fills_invoices_first_and_releases_the_rest() -> None:
    auth = authorized(("inv_1", 1000), ("inv_2", 500), (None, 250))
    state, split = machine.capture(auth, usd(1200))
    assert as_pairs(split) == [("inv_1", 1000), ("inv_2", 200)]
    assert state.status is S.CAPTURED
    assert state.captured == usd(1200)
    assert state.amount == usd(1750)  # the authorized amount is kept for the record
    assert by_invoice(state) == {"inv_1": (1000, 1000, 0), "inv_2": (500, 200, 0), None: (250, 0, 0)}
    assert state.capturable == usd(0)  # the remainder is released, not capturable later
    with pytest.raises(IllegalTransition):
        machine.capture(state, usd(1))
    assert state.refundable == usd(1200)


def test_partial_capture_within_first_invoice() -> None:
    state, split = machine.capture(authorized(("inv_1", 1000), ("inv_2", 500)), usd(1))
    assert as_pairs(split) == [("inv_1", 1)]
    assert by_invoice(state) == {"inv_1": (1000, 1, 0), "inv_2": (500, 0, 0)}


def test_capture_skips_zero_buckets() -> None:
    state = machine.authorized(machine.new_payment("USD", [Bucket("inv_0", 0), Bucket("inv_1", 10)]))
    _, split = machine.capture(state)
    assert as_pairs(split) == [("inv_1", 10)]


def test_capture_exactly_the_capturable_amount() -> None:
    state, split = machine.capture(authorized(("inv_1", 300), (None, 200)), usd(500))
    assert state.captured == usd(500)
    assert as_pairs(split) == [("inv_1", 300), (None, 200)]


def test_capture_more_than_authorized_raises() -> None:
    auth = authorized(("inv_1", 300), (None, 200))
    with pytest.raises(AmountExceedsCapturable) as info:
        machine.capture(auth, usd(501))
    assert info.value.code == "amount_exceeds_capturable"
    assert "5.00 USD" in str(info.value) and "5.01 USD" in str(info.value)


@pytest.mark.parametrize("amount", [0, -1, -500])
def test_capture_non_positive_raises_invalid_amount(amount: int) -> None:
    with pytest.raises(InvalidAmount):
        machine.capture(authorized(("inv_1", 300)), usd(amount))


def test_capture_in_other_currency_raises() -> None:
    with pytest.raises(CurrencyMismatch):
        machine.capture(authorized(("inv_1", 300)), Money(100, "EUR"))
    # currency is checked before the sign
    with pytest.raises(CurrencyMismatch):
        machine.capture(authorized(("inv_1", 300)), Money(0, "EUR"))


# --- refund ------------------------------------------------------------------------------------------

def test_refund_unapplied_first_then_invoices_last_first() -> None:
    state = captured(("inv_1", 1000), ("inv_2", 500), ("inv_3", 300), (None, 250))
    state, split = machine.refund(state, usd(400))
    assert as_pairs(split) == [(None, 250), ("inv_3", 150)]
    state, split = machine.refund(state, usd(700))
    assert as_pairs(split) == [("inv_3", 150), ("inv_2", 500), ("inv_1", 50)]
    assert by_invoice(state) == {
        "inv_1": (1000, 1000, 50), "inv_2": (500, 500, 500), "inv_3": (300, 300, 300), None: (250, 250, 250)}
    assert state.refunded == usd(1100)
    assert state.refundable == usd(950)
    assert state.status is S.CAPTURED  # a refund does not change the status


def test_refund_order_when_unapplied_bucket_is_not_last() -> None:
    state = machine.new_payment("USD", [Bucket("inv_1", 100), Bucket(None, 50), Bucket("inv_2", 100)])
    state, _ = machine.capture(machine.authorized(state))
    _, split = machine.refund(state, usd(200))
    assert as_pairs(split) == [(None, 50), ("inv_2", 100), ("inv_1", 50)]


def test_refund_after_partial_capture_only_touches_captured_buckets() -> None:
    state = captured(("inv_1", 1000), ("inv_2", 500), (None, 250), amount=1200)
    # unapplied captured nothing, inv_2 captured 200
    state, split = machine.refund(state, usd(300))
    assert as_pairs(split) == [("inv_2", 200), ("inv_1", 100)]
    assert by_invoice(state) == {"inv_1": (1000, 1000, 100), "inv_2": (500, 200, 200), None: (250, 0, 0)}
    with pytest.raises(RefundExceedsCaptured):
        machine.refund(state, usd(901))
    state, _ = machine.refund(state, usd(900))
    assert state.refundable == usd(0)
    assert by_invoice(state) == {"inv_1": (1000, 1000, 1000), "inv_2": (500, 200, 200), None: (250, 0, 0)}


def test_several_partial_refunds_up_to_captured() -> None:
    state = captured(("inv_1", 1000))
    for _ in range(4):
        state, split = machine.refund(state, usd(250))
        assert as_pairs(split) == [("inv_1", 250)]
    assert state.refunded == usd(1000)
    assert state.refundable == usd(0)
    with pytest.raises(RefundExceedsCaptured):
        machine.refund(state, usd(1))


def test_refund_more_than_captured_raises() -> None:
    state = captured(("inv_1", 1000), amount=600)
    with pytest.raises(RefundExceedsCaptured) as info:
        machine.refund(state, usd(601))
    assert info.value.code == "refund_exceeds_captured"
    state, _ = machine.refund(state, usd(600))
    assert state.refunded == usd(600)


def test_refund_from_settled_stays_settled() -> None:
    state = machine.settle(captured(("inv_1", 1000)))
    state, split = machine.refund(state, usd(1000))
    assert state.status is S.SETTLED
    assert as_pairs(split) == [("inv_1", 1000)]
    assert state.refundable == usd(0)


def test_settle_after_partial_refund_keeps_amounts() -> None:
    state, _ = machine.refund(captured(("inv_1", 1000)), usd(300))
    state = machine.settle(state)
    assert state.captured == usd(1000) and state.refunded == usd(300) and state.refundable == usd(700)


@pytest.mark.parametrize("amount", [0, -1])
def test_refund_non_positive_raises_invalid_amount(amount: int) -> None:
    with pytest.raises(InvalidAmount):
        machine.refund(captured(("inv_1", 1000)), usd(amount))


def test_refund_in_other_currency_raises() -> None:
    with pytest.raises(CurrencyMismatch):
        machine.refund(captured(("inv_1", 1000)), Money(10, "EUR"))


# --- fill ----------------------------------------------------------------------------------------------

def test_fill_pours_in_order() -> None:
    split = machine.fill([("a", 5), ("b", 0), ("c", 10), (None, 3)], usd(12))
    assert as_pairs(split) == [("a", 5), ("c", 7)]


def test_fill_exact_and_overflow() -> None:
    assert as_pairs(machine.fill([("a", 5), (None, 3)], usd(8))) == [("a", 5), (None, 3)]
    with pytest.raises(InvalidAmount):
        machine.fill([("a", 5), (None, 3)], usd(9))
    with pytest.raises(InvalidAmount):
        machine.fill([], usd(1))
    assert machine.fill([("a", 5)], usd(0)) == []


def test_fill_keeps_currency() -> None:
    split = machine.fill([("a", 5)], Money(3, "KWD"))
    assert split == [("a", Money(3, "KWD"))]


def test_duplicate_invoice_buckets_are_refused() -> None:
    with pytest.raises(InvalidRequest):
        machine.new_payment("USD", [Bucket("inv_1", 100), Bucket("inv_1", 50)])


def test_capture_counts_what_a_stored_state_already_captured() -> None:
    # states are rebuilt from storage (repo.state_of), so capture must respect existing bucket counters
    state = PaymentState(S.REQUIRES_CAPTURE, "USD", (Bucket("inv_1", 100, captured=30), Bucket(None, 50)))
    assert state.capturable == usd(120)
    assert state.refundable == usd(0)
    with pytest.raises(AmountExceedsCapturable):
        machine.capture(state, usd(121))
    after, split = machine.capture(state, usd(80))
    assert as_pairs(split) == [("inv_1", 70), (None, 10)]
    assert by_invoice(after) == {"inv_1": (100, 100, 0), None: (50, 10, 0)}


def test_replay_books_the_recorded_split_and_refuses_one_that_no_longer_fits() -> None:
    state = machine.authorized(machine.new_payment("USD", [Bucket("fee:convenience", 500), Bucket("inv_1", 10_000)]))
    split: list[tuple[str | None, Money]] = [("fee:convenience", Money(100, "USD")), ("inv_1", Money(2_000, "USD"))]
    captured = machine.replay(state, "capture", split)
    assert captured.status is S.CAPTURED and captured.captured == Money(2_100, "USD")
    assert [b.captured for b in captured.buckets] == [100, 2_000]
    refunded = machine.replay(captured, "refund", [("inv_1", Money(2_000, "USD"))])
    assert refunded.refunded == Money(2_000, "USD") and refunded.status is S.CAPTURED
    with pytest.raises(InvalidAmount):
        machine.replay(captured, "refund", [("inv_1", Money(2_001, "USD"))])
    with pytest.raises(IllegalTransition):
        machine.replay(captured, "capture", split)
