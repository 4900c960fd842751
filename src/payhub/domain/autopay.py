"""Autopay's rules, pure: which invoices an enrollment pays today, the caps, and what a decline leads to.

"Today" is a calendar date in the ENTITY's time zone (the supplier's books), never the customer's nor the
server's: `local_today(now, "America/New_York")`. An invoice due on D with the rule "N days before due" is
payable from the local date D - N; a run that misses that day (the worker was down) pays it on a later day as
long as the invoice is still open, so a month end, a DST change or an outage never skips an invoice. A date is
compared as a date: a 23- or 25-hour day changes nothing.

Retry table (by the pipeline's decline code; `decline_code` is the gateway's finer reason when it gives one):

    category  codes                                                          what happens
    soft      insufficient_funds, processing_error, payment_not_charged,   retried after 1, 3, 5 days (per entity:
              gateway_error, gateway_auth_failed, card_declined with a     `autopay.retry_days`), then given up
              soft decline_code (do_not_honor, try_again_later, …)         (autopay.payment_failed, not paused)
    hard      card_declined (no decline code, or a hard one: stolen_card,  never retried: autopay.payment_failed
              lost_card, pickup_card, fraudulent, expired_card,            and the enrollment is paused until the
              restricted_card, invalid_account, account_closed …),         customer gives a new payment method
              bank_account_declined (closed / invalid account), card_invalid,
              payment_method_not_found, token_expired
    unknown   gateway_timeout, gateway_key_conflict                         not a decline: the SAME attempt is
                                                                            resumed (same payment id and gateway
                                                                            key) until its outcome is known

A generic `card_declined` with no reason is hard: the issuer refused the card itself, and card network rules
limit re-attempts on such refusals; only a decline the gateway marks as temporary is retried."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from payhub.domain.invoices import Invoice

DEFAULT_RETRY_DAYS: tuple[int, ...] = (1, 3, 5)


class Category(StrEnum):
    SOFT = "soft"
    HARD = "hard"
    UNKNOWN = "unknown"


SOFT_CODES = frozenset({"insufficient_funds", "processing_error", "payment_not_charged", "gateway_error",
                        "gateway_auth_failed"})
HARD_CODES = frozenset({"card_declined", "bank_account_declined", "card_invalid", "payment_method_not_found",
                        "token_expired", "token_not_found"})
UNKNOWN_CODES = frozenset({"gateway_timeout", "gateway_key_conflict"})
# the gateway's finer reason for a card_declined (Stripe's decline_code names)
SOFT_DECLINE_CODES = frozenset({"insufficient_funds", "do_not_honor", "try_again_later", "processing_error",
                                "issuer_not_available", "reenter_transaction", "approve_with_id",
                                "withdrawal_count_limit_exceeded", "card_velocity_exceeded", "generic_decline"})
HARD_DECLINE_CODES = frozenset({"stolen_card", "lost_card", "pickup_card", "fraudulent", "expired_card",
                                "restricted_card", "invalid_account", "account_closed", "incorrect_number",
                                "card_not_supported", "revocation_of_authorization", "security_violation",
                                "do_not_try_again", "new_account_information_available"})


def categorize(code: str | None, decline_code: str | None = None) -> Category:
    """What a failed attempt's code (and the gateway's decline_code) means for autopay; see the module's table."""
    if code in UNKNOWN_CODES:
        return Category.UNKNOWN
    if code == "card_declined" and decline_code:
        if decline_code in SOFT_DECLINE_CODES:
            return Category.SOFT
        return Category.HARD
    if code in HARD_CODES:
        return Category.HARD
    return Category.SOFT  # a merchant-side or transient failure: the customer's method is not to blame


@dataclass(frozen=True)
class Rule:
    """When and what an enrollment pays. `days_before_due` 0 = on the due date."""

    currency: str
    days_before_due: int = 0
    terms: frozenset[str] | None = None  # None: any terms
    min_amount: int | None = None  # filter on the invoice's total (minor units), inclusive
    max_amount: int | None = None
    max_per_invoice: int | None = None  # an invoice whose balance is above this is not paid
    max_per_month: int | None = None  # what autopay pays in one calendar month (entity time zone)

    def matches(self, invoice: Invoice) -> bool:
        """Whether the rule's filter selects this invoice (terms and the total's range), in its currency."""
        if invoice.total.currency != self.currency:
            return False
        if self.terms is not None and invoice.terms not in self.terms:
            return False
        if self.min_amount is not None and invoice.total.amount < self.min_amount:
            return False
        return self.max_amount is None or invoice.total.amount <= self.max_amount

    def pay_on(self, invoice: Invoice) -> date:
        """The first local date the rule pays this invoice."""
        return invoice.due_on - timedelta(days=self.days_before_due)


def local_today(now: datetime, time_zone: str) -> date:
    """The calendar date it is in `time_zone` at the aware instant `now`."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(ZoneInfo(time_zone)).date()


def local_midnight(day: date, time_zone: str) -> datetime:
    """The instant `day` begins in `time_zone` (as an aware datetime in that zone)."""
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(time_zone))


def month_of(day: date) -> tuple[date, date]:
    """[first day of `day`'s month, first day of the next month)."""
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following


@dataclass(frozen=True)
class Due:
    invoice: Invoice
    pay_on: date  # the local date the rule first pays it (the attempt key's due date)


@dataclass(frozen=True)
class Skipped:
    invoice: Invoice
    reason: str  # max_per_invoice | max_per_month


@dataclass(frozen=True)
class Selection:
    due: list[Due] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def due_today(rule: Rule, invoices: Iterable[Invoice], today: date, paid_this_month: int = 0,
              settled: Sequence[str] = ()) -> Selection:
    """The open invoices the rule pays on the local date `today`, oldest due date first, within the caps.

    `paid_this_month`: what autopay already paid (or holds in flight) under this enrollment in today's month.
    `settled`: invoices already paid (or given up) by autopay: never chosen again. The caps are checked against
    the invoice's ERP balance, which is at least what the pipeline will charge (it pays what is payable)."""
    chosen = Selection()
    budget = None if rule.max_per_month is None else rule.max_per_month - paid_this_month
    candidates = sorted((inv for inv in invoices if inv.is_open and rule.matches(inv) and inv.id not in settled
                         and rule.pay_on(inv) <= today), key=lambda inv: (inv.due_on, inv.number))
    for inv in candidates:
        amount = inv.balance.amount
        if rule.max_per_invoice is not None and amount > rule.max_per_invoice:
            chosen.skipped.append(Skipped(inv, "max_per_invoice"))
            continue
        if budget is not None and amount > budget:
            chosen.skipped.append(Skipped(inv, "max_per_month"))
            continue
        if budget is not None:
            budget -= amount
        chosen.due.append(Due(inv, rule.pay_on(inv)))
    return chosen


def retry_at(failed_on: date, attempt: int, time_zone: str, retry_days: Sequence[int] = DEFAULT_RETRY_DAYS
             ) -> datetime | None:
    """When attempt `attempt + 1` may run after attempt `attempt` (1-based) failed softly on the local date
    `failed_on`: at local midnight `retry_days[attempt - 1]` days later; None once the schedule is spent."""
    if attempt < 1 or attempt > len(retry_days):
        return None
    return local_midnight(failed_on + timedelta(days=retry_days[attempt - 1]), time_zone)


def attempt_key(enrollment_id: str, invoice_id: str, pay_on: date, attempt: int) -> str:
    """The Idempotency-Key of one attempt: the same enrollment, invoice, due date and attempt number pay once."""
    return f"autopay:{enrollment_id}:{invoice_id}:{pay_on.isoformat()}:{attempt}"
