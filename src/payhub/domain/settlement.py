"""Settlement as the gateways report it, normalized: one `SettlementLine` per money movement in a batch
(a payout), whatever the provider's file looked like. Connectors' report parsers yield these; the importer
stores them, the reconciliation engine matches them, and `settlement_entry` books a batch.

Signs follow the merchant's balance: a settled payment's gross is positive, a refund's or a chargeback's
negative. `fee` is what the processor kept (positive; a fee refunded is negative), and `net = gross - fee`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

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
    chargebacks: int  # negative: chargebacks less reversals
    lines: int


def totals(lines: Iterable[SettlementLine]) -> dict[str, BatchTotals]:
    """Per currency: what the batch moved (payout lines excluded: they restate the net)."""
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for line in lines:
        if line.type is LineType.PAYOUT:
            continue
        acc = sums[line.currency]
        acc[0] += line.gross
        acc[1] += line.fee
        acc[2] += line.net
        if line.type in (LineType.CHARGEBACK, LineType.CHARGEBACK_REVERSAL):
            acc[3] += line.gross
        acc[4] += 1
    return {cur: BatchTotals(cur, *acc) for cur, acc in sorted(sums.items())}


def settlement_entry(rules: PostingRules, lines: Iterable[SettlementLine], memo: str = "") -> JournalEntry:
    """A batch booked: the net reaches the bank, the processor's fees are an expense, and the clearing account
    is relieved of what settled, chargebacks included (the dispute's own entry moved them from clearing to
    chargebacks receivable). Fees and adjustments not tied to a transaction go to processor fees.

        Dr bank (net) · Dr processor fees (fees) · Cr clearing (gross)
    Per currency; an account that nets negative is credited instead."""
    out: list[GLLine] = []
    by_currency: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for line in lines:
        if line.type is LineType.PAYOUT:
            continue
        acc = by_currency[line.currency]
        acc[rules.bank] += line.net
        acc[rules.processor_fees] += line.fee
        if line.type in TRANSACTION_TYPES:
            acc[rules.gateway_clearing] -= line.gross
        else:  # a fee or adjustment not tied to a transaction: a cost (or a credit) of processing
            acc[rules.processor_fees] -= line.gross
    for currency, accounts in sorted(by_currency.items()):
        for account, amount in accounts.items():
            if amount > 0:
                out.append(GLLine(account, amount, 0, currency, memo=memo))
            elif amount < 0:
                out.append(GLLine(account, 0, -amount, currency, memo=memo))
    return JournalEntry("settlement", tuple(out))
