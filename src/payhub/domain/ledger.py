"""General-ledger entry building: every money movement becomes balanced double-entry lines."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from payhub.domain.errors import UnbalancedEntry
from payhub.domain.money import Money


@dataclass(frozen=True, slots=True)
class PostingRules:
    """An entity's account codes for payment postings."""

    gateway_clearing: str = "1150"
    accounts_receivable: str = "1200"
    customer_credit: str = "2150"  # unapplied cash: a liability to the customer
    convenience_fee_revenue: str = "4100"
    surcharge_revenue: str = "4110"
    bank: str = "1000"  # where payouts land
    processor_fees: str = "6100"  # what the processor keeps
    chargebacks_receivable: str = "1250"  # disputed money, until the dispute is decided
    chargeback_losses: str = "6200"  # disputes lost, when the invoice is not reopened
    settlement_suspense: str = "2190"  # money settled that PayHub cannot place yet

    @classmethod
    def from_dict(cls, data: dict[str, str] | None) -> PostingRules:
        known = {k: v for k, v in (data or {}).items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def as_dict(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True, slots=True)
class GLLine:
    account: str
    debit: int
    credit: int
    currency: str
    invoice_id: str | None = None
    customer_id: str | None = None
    memo: str = ""
    dimensions: dict[str, str] = field(default_factory=dict)  # cost centre, project… (set by extensions)


@dataclass(frozen=True, slots=True)
class JournalEntry:
    kind: str  # "capture" | "refund"
    lines: tuple[GLLine, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        check_balanced(self.lines)


def check_balanced(lines: Sequence[GLLine]) -> None:
    """Debits equal credits per currency; every line is one-sided and non-negative."""
    if not lines:
        raise UnbalancedEntry("A journal entry needs lines")
    sums: dict[str, int] = defaultdict(int)
    for line in lines:
        if line.debit < 0 or line.credit < 0 or (line.debit == 0) == (line.credit == 0):
            raise UnbalancedEntry(f"Line on {line.account} must have exactly one positive side")
        sums[line.currency] += line.debit - line.credit
    off = {cur: diff for cur, diff in sums.items() if diff}
    if off:
        raise UnbalancedEntry(f"Debits and credits differ: {off}")


CONVENIENCE_FEE = "fee:convenience"  # payment buckets that are fees, not invoices
SURCHARGE = "fee:surcharge"
FEE_BUCKETS = (CONVENIENCE_FEE, SURCHARGE)


def _account_for(rules: PostingRules, bucket: str | None) -> str:
    if bucket == CONVENIENCE_FEE:
        return rules.convenience_fee_revenue
    if bucket == SURCHARGE:
        return rules.surcharge_revenue
    return rules.accounts_receivable if bucket else rules.customer_credit


def _invoice(bucket: str | None) -> str | None:
    return None if bucket is None or bucket in FEE_BUCKETS else bucket


def capture_entry(rules: PostingRules, customer_id: str, split: Sequence[tuple[str | None, Money]],
                  memo: str = "") -> JournalEntry:
    """Cash captured: Dr gateway clearing / Cr receivable per invoice, customer credit for unapplied cash,
    fee revenue for convenience fees and surcharges."""
    total = sum(m.amount for _, m in split)
    currency = split[0][1].currency if split else "USD"
    lines = [GLLine(rules.gateway_clearing, total, 0, currency, None, customer_id, memo)]
    lines += [GLLine(_account_for(rules, key), 0, m.amount, m.currency, _invoice(key), customer_id, memo)
              for key, m in split]
    return JournalEntry("capture", tuple(lines))


def refund_entry(rules: PostingRules, customer_id: str, split: Sequence[tuple[str | None, Money]],
                 memo: str = "") -> JournalEntry:
    """A refund reverses the capture for the refunded part."""
    total = sum(m.amount for _, m in split)
    currency = split[0][1].currency if split else "USD"
    lines = [GLLine(_account_for(rules, key), m.amount, 0, m.currency, _invoice(key), customer_id, memo)
             for key, m in split]
    lines.append(GLLine(rules.gateway_clearing, 0, total, currency, None, customer_id, memo))
    return JournalEntry("refund", tuple(lines))
