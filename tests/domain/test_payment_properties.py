"""Property tests: any payment, any capture, any sequence of refunds keeps the amounts and the ledger sound."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from payhub.domain import payments as machine
from payhub.domain.errors import (
    AmountExceedsCapturable,
    IllegalTransition,
    InvalidAmount,
    RefundExceedsCaptured,
)
from payhub.domain.ledger import JournalEntry, PostingRules, capture_entry, refund_entry
from payhub.domain.money import Money
from payhub.domain.payments import Bucket, PaymentState, PaymentStatus

RULES = PostingRules(gateway_clearing="1150", accounts_receivable="1200", customer_credit="2150")
CUSTOMER = "cus_1"


@st.composite
def payments(draw: st.DrawFn) -> PaymentState:
    currency = draw(st.sampled_from(["USD", "JPY", "KWD"]))
    n = draw(st.integers(min_value=1, max_value=4))
    amounts = draw(st.lists(st.integers(min_value=1, max_value=100_000), min_size=n, max_size=n))
    buckets = [Bucket(f"inv_{i}", a) for i, a in enumerate(amounts)]
    unapplied = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=100_000)))
    if unapplied is not None:
        buckets.append(Bucket(None, unapplied))
    return machine.new_payment(currency, buckets)


def assert_balanced(entry: JournalEntry, expected_total: int) -> None:
    debits = sum(l.debit for l in entry.lines)
    credits = sum(l.credit for l in entry.lines)
    assert debits == credits == expected_total
    for l in entry.lines:
        assert (l.debit > 0) != (l.credit > 0)
        assert l.debit >= 0 and l.credit >= 0
        assert l.customer_id == CUSTOMER


def assert_split_sound(split: machine.Split, amount: int, currency: str) -> None:
    assert sum(m.amount for _, m in split) == amount
    assert all(m.currency == currency and m.amount > 0 for _, m in split)
    keys = [k for k, _ in split]
    assert len(keys) == len(set(keys))


def assert_invariants(state: PaymentState, original: PaymentState) -> None:
    assert [(b.invoice_id, b.amount) for b in state.buckets] == [(b.invoice_id, b.amount) for b in original.buckets]
    for b in state.buckets:
        assert 0 <= b.refunded <= b.captured <= b.amount
    assert state.captured >= state.refunded
    assert state.captured.amount == sum(b.captured for b in state.buckets)
    assert state.refunded.amount == sum(b.refunded for b in state.buckets)


@settings(max_examples=200, deadline=None)
@given(payments(), st.data())
def test_capture_and_refunds_keep_amounts_and_ledger_sound(original: PaymentState, data: st.DataObject) -> None:
    currency = original.currency
    total = original.amount.amount
    entries: list[JournalEntry] = []

    def money(n: int) -> Money:
        return Money(n, currency)

    # refunds before capture are illegal
    with pytest.raises(IllegalTransition):
        machine.refund(original, money(1))
    state = machine.authorized(original)
    assert state.capturable == original.amount

    # attempts beyond bounds must raise and change nothing
    with pytest.raises(AmountExceedsCapturable):
        machine.capture(state, money(total + data.draw(st.integers(min_value=1, max_value=10**6), label="over")))
    with pytest.raises(InvalidAmount):
        machine.capture(state, money(-data.draw(st.integers(min_value=0, max_value=10**6), label="nonpositive")))

    # full or partial capture
    full = data.draw(st.booleans(), label="full capture")
    if full:
        state, split = machine.capture(state)
        asked = total
    else:
        asked = data.draw(st.integers(min_value=1, max_value=total), label="capture amount")
        state, split = machine.capture(state, money(asked))
    assert state.status is PaymentStatus.CAPTURED
    assert state.captured == money(asked)
    assert state.capturable == money(0)
    assert_split_sound(split, asked, currency)
    # capture fills buckets in order: every bucket before the last one touched is full
    touched = {k for k, _ in split}
    order = [b.invoice_id for b in state.buckets]
    last = max(order.index(k) for k in touched)
    for b in state.buckets[:last]:
        assert b.captured == b.amount
    for b in state.buckets[last + 1:]:
        assert b.captured == 0
    entry = capture_entry(RULES, CUSTOMER, split, memo="cap")
    assert_balanced(entry, asked)
    entries.append(entry)
    assert_invariants(state, original)

    with pytest.raises(IllegalTransition):
        machine.capture(state, money(1))

    if data.draw(st.booleans(), label="settle first"):
        state = machine.settle(state)

    # several partial refunds within bounds, interleaved with attempts beyond bounds
    for _ in range(data.draw(st.integers(min_value=0, max_value=6), label="refunds")):
        refundable = state.refundable.amount
        assert refundable == state.captured.amount - state.refunded.amount
        if data.draw(st.booleans(), label="overshoot"):
            over = refundable + data.draw(st.integers(min_value=1, max_value=10**6), label="over by")
            with pytest.raises(RefundExceedsCaptured):
                machine.refund(state, money(over))
            continue
        if refundable == 0:
            with pytest.raises(RefundExceedsCaptured):
                machine.refund(state, money(1))
            continue
        amount = data.draw(st.integers(min_value=1, max_value=refundable), label="refund amount")
        before = state
        state, split = machine.refund(state, money(amount))
        assert state.status is before.status
        assert state.refunded == before.refunded + money(amount)
        assert_split_sound(split, amount, currency)
        # unapplied bucket first, then invoices last-first: whatever this refund touched in a later
        # position of that order, every earlier position was exhausted
        refund_order = [b for b in reversed(state.buckets) if b.invoice_id is None] + \
                       [b for b in reversed(state.buckets) if b.invoice_id is not None]
        keys = [b.invoice_id for b in refund_order]
        assert [k for k, _ in split] == sorted((k for k, _ in split), key=keys.index)
        deepest = max(keys.index(k) for k, _ in split)
        for b in refund_order[:deepest]:
            assert b.refunded == b.captured
        entry = refund_entry(RULES, CUSTOMER, split, memo="re")
        assert_balanced(entry, amount)
        entries.append(entry)
        assert_invariants(state, original)

    # a final refund of everything left always works (or is refused when nothing is left)
    if state.refundable.is_positive:
        left = state.refundable
        state, split = machine.refund(state, left)
        entry = refund_entry(RULES, CUSTOMER, split)
        assert_balanced(entry, left.amount)
        entries.append(entry)
        assert state.refunded == state.captured
    with pytest.raises(RefundExceedsCaptured):
        machine.refund(state, money(1))
    assert_invariants(state, original)

    # the ledger's net effect matches the payment's buckets
    net: dict[tuple[str, str | None], int] = defaultdict(int)
    for e in entries:
        for l in e.lines:
            assert l.currency == currency
            net[(l.account, l.invoice_id)] += l.credit - l.debit
    for b in state.buckets:
        account = RULES.accounts_receivable if b.invoice_id is not None else RULES.customer_credit
        assert net.pop((account, b.invoice_id), 0) == b.captured - b.refunded
    assert net.pop((RULES.gateway_clearing, None), 0) == -(state.captured.amount - state.refunded.amount)
    assert all(v == 0 for v in net.values()), net


@settings(max_examples=200, deadline=None)
@given(payments(), st.data())
def test_ledger_net_per_invoice_at_every_step(original: PaymentState, data: st.DataObject) -> None:
    """After each operation the receivable credited per invoice equals captured − refunded."""
    currency = original.currency
    state, split = machine.capture(machine.authorized(original), Money(
        data.draw(st.integers(min_value=1, max_value=original.amount.amount)), currency))
    lines = list(capture_entry(RULES, CUSTOMER, split).lines)
    for _ in range(data.draw(st.integers(min_value=1, max_value=5))):
        if not state.refundable.is_positive:
            break
        amount = data.draw(st.integers(min_value=1, max_value=state.refundable.amount))
        state, split = machine.refund(state, Money(amount, currency))
        lines += refund_entry(RULES, CUSTOMER, split).lines
        assert sum(l.debit for l in lines) == sum(l.credit for l in lines)
        for b in state.buckets:
            credited = sum(l.credit - l.debit for l in lines
                           if l.invoice_id == b.invoice_id and l.account != RULES.gateway_clearing)
            assert credited == b.captured - b.refunded
            assert 0 <= b.refunded <= b.captured <= b.amount
        assert state.captured >= state.refunded


@settings(max_examples=200, deadline=None)
@given(payments(), st.data())
def test_void_or_fail_after_authorization_never_moves_money(original: PaymentState, data: st.DataObject) -> None:
    state = machine.authorized(original)
    end = machine.void(state) if data.draw(st.booleans()) else machine.fail(state)
    assert end.captured == Money(0, original.currency)
    assert end.capturable == Money(0, original.currency) and end.refundable == Money(0, original.currency)
    with pytest.raises(IllegalTransition):
        machine.capture(end)
    with pytest.raises(IllegalTransition):
        machine.refund(end, Money(1, original.currency))
