"""How partial captures and refunds split between fees and invoices (the entity's capture_fee_allocation):
proportional by default, with the fees' share rounded half to even; or fees first (refunded last)."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from payhub.domain import payments as machine
from payhub.domain.ledger import CONVENIENCE_FEE, FEE_BUCKETS, SURCHARGE
from payhub.domain.money import Money
from payhub.domain.payments import Bucket, FeeAllocation, PaymentState

P, F = FeeAllocation.PROPORTIONAL, FeeAllocation.FEES_FIRST


def authorized(*buckets: tuple[str | None, int], rule: FeeAllocation = P) -> PaymentState:
    state = machine.authorized(machine.new_payment("USD", [Bucket(k, a) for k, a in buckets]))
    return replace(state, fee_allocation=rule)


def pairs(split: machine.Split) -> list[tuple[str | None, int]]:
    return [(k, m.amount) for k, m in split]


def usd(n: int) -> Money:
    return Money(n, "USD")


def test_partial_capture_pays_the_invoice_its_share_by_default() -> None:
    """The reported case: capturing 100 of 280 + a 15 fee paid nothing to the invoice."""
    _, split = machine.capture(authorized((CONVENIENCE_FEE, 15), ("inv_1", 280)), usd(100))
    assert pairs(split) == [(CONVENIENCE_FEE, 5), ("inv_1", 95)]  # 100 × 15/295 = 5.08 → 5


def test_fees_first_when_the_entity_says_so() -> None:
    _, split = machine.capture(authorized((CONVENIENCE_FEE, 15), ("inv_1", 280), rule=F), usd(100))
    assert pairs(split) == [(CONVENIENCE_FEE, 15), ("inv_1", 85)]


def test_the_fee_share_is_rounded_half_to_even() -> None:
    # exact shares of one half: 0.5 → 0 and 1.5 → 2 (to the even cent); the invoice gets exactly the rest
    assert pairs(machine.capture(authorized((CONVENIENCE_FEE, 1), ("inv_1", 1)), usd(1))[1]) == [("inv_1", 1)]
    assert pairs(machine.capture(authorized((CONVENIENCE_FEE, 3), ("inv_1", 3)), usd(3))[1]) == [
        (CONVENIENCE_FEE, 2), ("inv_1", 1)]


def test_invoices_still_fill_in_order_and_unapplied_cash_last() -> None:
    state = authorized((SURCHARGE, 30), ("inv_1", 100), ("inv_2", 100), (None, 70))
    _, split = machine.capture(state, usd(150))  # 150 × 30/300 = 15 to the surcharge, 135 to the rest
    assert pairs(split) == [(SURCHARGE, 15), ("inv_1", 100), ("inv_2", 35)]


def test_refunds_mirror_the_rule() -> None:
    proportional = machine.capture(authorized((CONVENIENCE_FEE, 15), ("inv_1", 280), (None, 5)))[0]
    _, split = machine.refund(proportional, usd(105))  # unapplied first, then 100 shared 5 / 95
    assert pairs(split) == [(None, 5), (CONVENIENCE_FEE, 5), ("inv_1", 95)]
    fees_first = machine.capture(authorized((CONVENIENCE_FEE, 15), ("inv_1", 280), (None, 5), rule=F))[0]
    _, split = machine.refund(fees_first, usd(290))  # the fee comes back after every invoice
    assert pairs(split) == [(None, 5), ("inv_1", 280), (CONVENIENCE_FEE, 5)]


@st.composite
def fee_payments(draw: st.DrawFn) -> PaymentState:
    fees = draw(st.lists(st.sampled_from(FEE_BUCKETS), unique=True, max_size=2))
    invoices = draw(st.integers(min_value=0 if fees else 1, max_value=3))
    buckets: list[tuple[str | None, int]] = [(f, draw(st.integers(1, 10_000))) for f in fees]
    buckets += [(f"inv_{i}", draw(st.integers(1, 1_000_000))) for i in range(invoices)]
    if draw(st.booleans()) or not buckets:
        buckets.append((None, draw(st.integers(1, 100_000))))
    return authorized(*buckets, rule=draw(st.sampled_from([P, F])))


def assert_sound(split: machine.Split, amount: int, room: dict[str | None, int]) -> None:
    assert sum(m.amount for _, m in split) == amount
    keys = [k for k, _ in split]
    assert len(keys) == len(set(keys))
    for key, m in split:
        assert 0 < m.amount <= room[key]


@given(fee_payments(), st.data())
def test_any_capture_splits_exactly_and_never_overfills_a_bucket(state: PaymentState, data: st.DataObject) -> None:
    amount = data.draw(st.integers(1, state.capturable.amount))
    after, split = machine.capture(state, usd(amount))
    assert_sound(split, amount, {b.invoice_id: b.amount for b in state.buckets})
    fee_room = sum(b.amount for b in state.buckets if b.invoice_id in FEE_BUCKETS)
    to_fees = sum(m.amount for k, m in split if k in FEE_BUCKETS)
    if state.fee_allocation is F:
        assert to_fees == min(fee_room, amount)
    else:  # within half a cent of the exact share, ties to the even cent
        exact = Fraction(amount * fee_room, state.amount.amount)
        assert abs(to_fees - exact) <= Fraction(1, 2)
        assert abs(to_fees - exact) < Fraction(1, 2) or to_fees % 2 == 0
    assert after.captured == usd(amount)


@given(fee_payments(), st.data())
def test_any_refunds_split_exactly_in_the_mirrored_order(state: PaymentState, data: st.DataObject) -> None:
    state, _ = machine.capture(state, usd(data.draw(st.integers(1, state.capturable.amount))))
    while state.refundable.is_positive:
        amount = data.draw(st.integers(1, state.refundable.amount))
        room = {b.invoice_id: b.captured - b.refunded for b in state.buckets}
        after, split = machine.refund(state, usd(amount))
        assert_sound(split, amount, room)
        got = dict(pairs(split))
        if room.get(None) and amount:  # unapplied cash goes back first
            assert got.get(None) == min(room[None], amount)
        if state.fee_allocation is F and any(k in FEE_BUCKETS for k in got):  # fees only once the rest is back
            assert all(got.get(k, 0) == r for k, r in room.items() if k not in FEE_BUCKETS)
        for before, now in zip(state.buckets, after.buckets, strict=True):
            assert 0 <= now.refunded <= now.captured == before.captured
        state = after
    assert state.refunded == state.captured
