"""General-ledger entries: balanced double entry for captures and refunds."""

from __future__ import annotations

from dataclasses import FrozenInstanceError

import pytest

from payhub.domain.errors import UnbalancedEntry
from payhub.domain.ledger import (
    GLLine,
    JournalEntry,
    PostingRules,
    capture_entry,
    check_balanced,
    refund_entry,
)
from payhub.domain.money import Money

RULES = PostingRules()
CUSTOM = PostingRules(gateway_clearing="1010", accounts_receivable="1100", customer_credit="2400")


def usd(n: int) -> Money:
    return Money(n, "USD")


def rows(entry: JournalEntry) -> list[tuple[str, int, int, str, str | None, str | None, str]]:
    return [(l.account, l.debit, l.credit, l.currency, l.invoice_id, l.customer_id, l.memo) for l in entry.lines]


# --- PostingRules --------------------------------------------------------------------------------

def test_posting_rules_defaults() -> None:
    assert RULES.gateway_clearing == "1150"
    assert RULES.accounts_receivable == "1200"
    assert RULES.customer_credit == "2150"
    assert RULES.as_dict() == {"gateway_clearing": "1150", "accounts_receivable": "1200", "customer_credit": "2150",
                               "convenience_fee_revenue": "4100", "surcharge_revenue": "4110", "bank": "1000",
                               "processor_fees": "6100", "chargebacks_receivable": "1250",
                               "chargeback_losses": "6200", "settlement_suspense": "2190"}


def test_fee_buckets_post_to_revenue_and_never_name_an_invoice() -> None:
    from payhub.domain.ledger import CONVENIENCE_FEE, SURCHARGE

    entry = capture_entry(RULES, "cus_1", [(CONVENIENCE_FEE, Money(195, "USD")), (SURCHARGE, Money(300, "USD")),
                                           ("inv_1", Money(10_000, "USD"))])
    assert [(l.account, l.debit, l.credit, l.invoice_id) for l in entry.lines] == [
        ("1150", 10_495, 0, None), ("4100", 0, 195, None), ("4110", 0, 300, None), ("1200", 0, 10_000, "inv_1")]


def test_posting_rules_from_dict() -> None:
    assert PostingRules.from_dict(None) == RULES
    assert PostingRules.from_dict({}) == RULES
    assert PostingRules.from_dict({"accounts_receivable": "1300"}) == PostingRules(accounts_receivable="1300")
    assert PostingRules.from_dict(CUSTOM.as_dict()) == CUSTOM


def test_posting_rules_from_dict_ignores_unknown_keys() -> None:
    rules = PostingRules.from_dict({"gateway_clearing": "1010", "fees": "6100", "__slots__": "x", "": "y"})
    assert rules == PostingRules(gateway_clearing="1010")
    assert set(rules.as_dict()) == {"gateway_clearing", "accounts_receivable", "customer_credit",
                                    "convenience_fee_revenue", "surcharge_revenue", "bank", "processor_fees",
                                    "chargebacks_receivable", "chargeback_losses", "settlement_suspense"}


def test_posting_rules_round_trip_and_frozen() -> None:
    assert PostingRules.from_dict(CUSTOM.as_dict()).as_dict() == CUSTOM.as_dict()
    with pytest.raises(FrozenInstanceError):
        CUSTOM.gateway_clearing = "9"  # type: ignore[misc]


# --- capture_entry -------------------------------------------------------------------------------

def test_capture_entry_single_invoice() -> None:
    entry = capture_entry(RULES, "cus_1", [("inv_1", usd(1000))], memo="pay_1")
    assert entry.kind == "capture"
    assert rows(entry) == [
        ("1150", 1000, 0, "USD", None, "cus_1", "pay_1"),
        ("1200", 0, 1000, "USD", "inv_1", "cus_1", "pay_1"),
    ]


def test_capture_entry_several_invoices_and_unapplied() -> None:
    entry = capture_entry(CUSTOM, "cus_1", [("inv_1", usd(1000)), ("inv_2", usd(200)), (None, usd(50))])
    assert rows(entry) == [
        ("1010", 1250, 0, "USD", None, "cus_1", ""),
        ("1100", 0, 1000, "USD", "inv_1", "cus_1", ""),
        ("1100", 0, 200, "USD", "inv_2", "cus_1", ""),
        ("2400", 0, 50, "USD", None, "cus_1", ""),
    ]


def test_capture_entry_unapplied_only_credits_customer_credit() -> None:
    entry = capture_entry(RULES, "cus_9", [(None, Money(7, "JPY"))])
    assert rows(entry) == [
        ("1150", 7, 0, "JPY", None, "cus_9", ""),
        ("2150", 0, 7, "JPY", None, "cus_9", ""),
    ]


# --- refund_entry --------------------------------------------------------------------------------

def test_refund_entry_reverses_capture() -> None:
    split = [(None, usd(50)), ("inv_2", usd(200)), ("inv_1", usd(25))]
    entry = refund_entry(CUSTOM, "cus_1", split, memo="re_1")
    assert entry.kind == "refund"
    assert rows(entry) == [
        ("2400", 50, 0, "USD", None, "cus_1", "re_1"),
        ("1100", 200, 0, "USD", "inv_2", "cus_1", "re_1"),
        ("1100", 25, 0, "USD", "inv_1", "cus_1", "re_1"),
        ("1010", 0, 275, "USD", None, "cus_1", "re_1"),
    ]


def test_capture_then_full_refund_nets_to_zero_per_account_and_invoice() -> None:
    split = [("inv_1", usd(300)), ("inv_2", usd(200)), (None, usd(10))]
    lines = capture_entry(RULES, "c", split).lines + refund_entry(RULES, "c", split).lines
    net: dict[tuple[str, str | None], int] = {}
    for l in lines:
        key = (l.account, l.invoice_id)
        net[key] = net.get(key, 0) + l.debit - l.credit
    assert net == {("1150", None): 0, ("1200", "inv_1"): 0, ("1200", "inv_2"): 0, ("2150", None): 0}


@pytest.mark.parametrize("build", [capture_entry, refund_entry])
def test_entries_refuse_empty_or_zero_splits(build) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnbalancedEntry):
        build(RULES, "c", [])
    with pytest.raises(UnbalancedEntry):
        build(RULES, "c", [("inv_1", usd(0))])
    with pytest.raises(UnbalancedEntry):
        build(RULES, "c", [("inv_1", usd(-5))])


@pytest.mark.parametrize("build", [capture_entry, refund_entry])
def test_entries_refuse_mixed_currency_splits(build) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnbalancedEntry):
        build(RULES, "c", [("inv_1", usd(100)), ("inv_2", Money(100, "EUR"))])


# --- JournalEntry / check_balanced ---------------------------------------------------------------

def line(account: str, debit: int, credit: int, currency: str = "USD") -> GLLine:
    return GLLine(account, debit, credit, currency)


def test_balanced_entry_is_accepted() -> None:
    entry = JournalEntry("capture", (line("1150", 100, 0), line("1200", 0, 60), line("2150", 0, 40)))
    assert len(entry.lines) == 3
    check_balanced(list(entry.lines))


def test_multi_currency_entry_balances_per_currency() -> None:
    check_balanced([line("a", 100, 0, "USD"), line("b", 0, 100, "USD"), line("a", 5, 0, "EUR"), line("b", 0, 5, "EUR")])
    with pytest.raises(UnbalancedEntry):
        # totals agree (105 == 105) but not per currency
        check_balanced([line("a", 100, 0, "USD"), line("b", 0, 5, "USD"),
                        line("a", 5, 0, "EUR"), line("b", 0, 100, "EUR")])


@pytest.mark.parametrize("lines", [
    (),
    (line("a", 100, 0), line("b", 0, 99)),
    (line("a", 100, 0),),
    (line("a", 100, 100),),                          # two-sided, nets to zero
    (line("a", 100, 100), line("b", 5, 0), line("c", 0, 5)),
    (line("a", 0, 0), line("b", 5, 0), line("c", 0, 5)),  # zero line
    (line("a", -5, 0), line("b", 0, -5)),            # negative sides
    (line("a", 5, 0), line("b", -5, 0)),
])
def test_unbalanced_or_malformed_entries_are_refused(lines: tuple[GLLine, ...]) -> None:
    with pytest.raises(UnbalancedEntry) as info:
        JournalEntry("capture", lines)
    assert info.value.code == "ledger_unbalanced"
    with pytest.raises(UnbalancedEntry):
        check_balanced(list(lines))


def test_journal_entry_default_lines_are_refused() -> None:
    with pytest.raises(UnbalancedEntry):
        JournalEntry("capture")


def test_journal_entry_is_frozen() -> None:
    entry = capture_entry(RULES, "c", [("inv_1", usd(1))])
    with pytest.raises(FrozenInstanceError):
        entry.kind = "refund"  # type: ignore[misc]
    assert isinstance(entry.lines, tuple)
