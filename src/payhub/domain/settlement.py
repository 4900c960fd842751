"""Settlement as the gateways report it, normalized: one `SettlementLine` per money movement in a batch
(a payout), whatever the provider's file looked like. Connectors' report parsers yield these; the importer
stores them, the reconciliation engine matches them, and `settlement_entry` books a batch.

Signs follow the merchant's balance: a settled payment's gross is positive, a refund's or a chargeback's
negative. `fee` is what the processor kept (positive; a fee refunded is negative), and `net = gross - fee`.
A payout line is positive: the amount paid to the bank (the batch's net, which it restates)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from typing import Any

from payhub.domain.ledger import GLLine, JournalEntry, PostingRules


class LineType(StrEnum):
    PAYMENT = "payment"  # a capture settled
    REFUND = "refund"
    CHARGEBACK = "chargeback"
    CHARGEBACK_REVERSAL = "chargeback_reversal"  # a dispute won: the money comes back
    FEE = "fee"  # a fee not tied to one transaction (monthly, scheme, invoice deduction)
    ADJUSTMENT = "adjustment"  # a correction by the processor, either sign
    PAYOUT = "payout"  # the transfer to the bank; informational, the batch's net


TRANSACTION_TYPES = frozenset({LineType.PAYMENT, LineType.REFUND, LineType.CHARGEBACK,
                               LineType.CHARGEBACK_REVERSAL})


@dataclass(frozen=True, slots=True)
class SettlementLine:
    line_no: int  # the line in the source file (1 = the header), for error messages and the audit trail
    batch_ref: str  # the provider's batch or payout id
    type: LineType
    currency: str
    gross: int  # minor units, signed as above
    fee: int
    net: int
    occurred_at: datetime  # booking time at the processor (UTC)
    gateway_reference: str | None = None  # the payment's reference at the gateway (PSP reference, pi_… / ch_…)
    merchant_reference: str | None = None  # what PayHub sent as merchant reference (invoice numbers, payment id)
    provider_type: str = ""  # the provider's own type (e.g. Adyen "Settled", Stripe "charge")
    description: str = ""
    dispute_reference: str | None = None  # for chargebacks: the provider's dispute id
    reason_code: str | None = None  # for chargebacks: the scheme's reason code
    fee_breakdown: dict[str, int] = field(default_factory=dict)  # commission, markup, scheme_fees, interchange


class SettlementFileInvalid(Exception):
    """A report that cannot be imported: wrong columns, wrong encoding, a value that does not parse. Names the
    line. Raised by connectors' parsers; the importer turns it into the API's problem (nothing is imported)."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line, self.reason = line, reason


@dataclass(frozen=True, slots=True)
class BatchTotals:
    currency: str
    gross: int
    fees: int
    net: int
    chargebacks: int  # chargebacks less reversals (negative when the processor took money back)
    lines: int


@dataclass(slots=True)
class BatchBook:
    """A batch's sums, kept as its lines stream past (a report of a million lines is never held in memory):
    what `totals` shows and what `entry` books."""

    _sums: dict[str, list[int]] = field(default_factory=dict)  # currency → gross, fees, net, chargebacks, lines
    _accounts: dict[str, dict[str, int]] = field(default_factory=dict)  # currency → role → debit − credit

    def add(self, line: SettlementLine) -> None:
        if line.type is LineType.PAYOUT:  # restates the net: booking it would count the money twice
            return
        sums = self._sums.setdefault(line.currency, [0, 0, 0, 0, 0])
        sums[0] += line.gross
        sums[1] += line.fee
        sums[2] += line.net
        if line.type in (LineType.CHARGEBACK, LineType.CHARGEBACK_REVERSAL):
            sums[3] += line.gross
        sums[4] += 1
        acc = self._accounts.setdefault(line.currency, defaultdict(int))
        acc["bank"] += line.net
        acc["processor_fees"] += line.fee
        # a transaction relieves clearing (a chargeback too: its dispute moved it there from receivable);
        # a fee or adjustment not tied to a transaction is a cost (or a credit) of processing
        acc["gateway_clearing" if line.type in TRANSACTION_TYPES else "processor_fees"] -= line.gross

    def totals(self) -> list[BatchTotals]:
        return [BatchTotals(cur, *sums) for cur, sums in sorted(self._sums.items())]

    def entry(self, rules: PostingRules, memo: str = "") -> JournalEntry | None:
        """Dr bank (net) · Dr processor fees (fees) · Cr clearing (gross), per currency; an account that nets
        negative is credited instead. None when the batch moved nothing."""
        lines = [GLLine(getattr(rules, role), max(amount, 0), max(-amount, 0), currency, memo=memo)
                 for currency, roles in sorted(self._accounts.items()) for role, amount in roles.items() if amount]
        return JournalEntry("settlement", tuple(lines)) if lines else None


def totals(lines: Iterable[SettlementLine]) -> dict[str, BatchTotals]:
    """Per currency: what the lines moved (payout lines excluded: they restate the net)."""
    book = BatchBook()
    for line in lines:
        book.add(line)
    return {t.currency: t for t in book.totals()}


def settlement_entry(rules: PostingRules, lines: Iterable[SettlementLine], memo: str = "") -> JournalEntry | None:
    """The journal entry of a batch (see BatchBook.entry)."""
    book = BatchBook()
    for line in lines:
        book.add(line)
    return book.entry(rules, memo)


@dataclass(frozen=True, slots=True)
class ReconciliationSettings:
    """An entity's reconciliation settings (Entity.reconciliation), with PayHub's defaults."""

    date_window_days: int = 3  # the third matching pass: same amount within this many days
    unsettled_after_days: int = 5  # a posted payment no batch paid out after this long is a break
    lookback_days: int = 90  # how far back a run reads settlement lines and payments
    every_hours: int = 24  # how often `payhub worker` runs it (0: on demand only)
    fee_rate_bps: int | None = None  # the processor's expected rate; None: any transaction fee is expected
    fee_fixed: int = 0  # … plus this per transaction (minor units)
    fee_tolerance: int = 0  # a fee above expected + tolerance is an unexpected fee

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ReconciliationSettings:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in known})

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}
