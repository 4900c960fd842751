"""The simulator gateway: deterministic test cards and bank accounts, no network, no state.

Cards (any future expiry, any CVC)          Tokens
  4242424242424242 visa        approved       tok_visa, tok_mastercard, tok_amex
  4000056655665556 visa debit  approved       tok_visa_debit
  5555555555554444 mastercard  approved
  378282246310005  amex        approved
  4000000000000002             card_declined        tok_chargeDeclined
  4000000000009995             insufficient_funds   tok_chargeDeclinedInsufficientFunds
  4000000000000119             processing_error (retryable)   tok_processingError
  4000000000006975             slow: times out (ambiguous)    tok_timeout
                               charges, then the answer is lost (times out); a replay
                               with the same idempotency key gets the charge    tok_lostAnswer
ACH (routing 110000000)
  000123456789 approved · 000111111116 insufficient_funds · 000111111113 bank_account_declined

Notifications (the simulator's own format), signed as Stripe signs but under `Simulator-Signature: t=…,v1=…`
with `notification_secret` (none configured: everything is refused; `sign_notification` makes the header):
  {"id": "evt_sim_…", "type": "<type>", "created": <unix>, "data": {…}}
  dispute.created | dispute.updated | dispute.closed   data: dispute, payment, status (PayHub's dispute status),
                                                              amount, currency, reason?, reason_code?, evidence_due_by?
  authorization.succeeded | authorization.failed       data: payment, amount, currency, merchant_reference?,
                                                              failure_code?
  payout.paid | payout.failed                           data: payout, amount, currency, arrival_at?
Settlement files (the simulator's own CSV, amounts in minor units; `settlement_report` writes them):
  batch_id,line_type,reference,merchant_reference,currency,gross,fee,net,booked_at,dispute_reference,reason_code,
  description
"""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from typing import IO, Literal

from payhub.domain.disputes import DisputeNotice, DisputeStatus, Evidence
from payhub.domain.errors import (
    BankAccountDeclined,
    Declined,
    GatewayTimeout,
    InsufficientFunds,
    InvalidCard,
    InvalidRequest,
    NotificationInvalid,
    ProcessingError,
)
from payhub.domain.methods import TEST_TOKENS, BankAccount, Card, CardSummary, CardToken
from payhub.domain.money import Money
from payhub.domain.settlement import LineType, SettlementLine
from payhub.gateways import events, reports, signing
from payhub.ports import (
    DISPUTE_EVIDENCE,
    DISPUTES,
    FIND_CHARGE,
    NOTIFICATIONS,
    REFUND_PARTIAL,
    SETTLEMENT_FILES,
    SETTLEMENT_REPORTS,
    AuthorizationNotice,
    AuthorizeRequest,
    GatewayResult,
    Notification,
    PayoutNotice,
    Settlement,
)

APPROVE, DECLINE, NSF, ERROR, SLOW = "approve", "card_declined", "insufficient_funds", "processing_error", "slow"
LOST = "lost"  # approved, but the answer never reaches PayHub

CARDS = {
    "4242424242424242": APPROVE, "4000056655665556": APPROVE, "5555555555554444": APPROVE, "378282246310005": APPROVE,
    "4000000000000002": DECLINE, "4000000000009995": NSF, "4000000000000119": ERROR, "4000000000006975": SLOW,
}
TOKENS = {  # token → behaviour; the card each stands for is methods.TEST_TOKENS
    "tok_visa": APPROVE, "tok_visa_debit": APPROVE, "tok_mastercard": APPROVE, "tok_amex": APPROVE,
    "tok_chargeDeclined": DECLINE, "tok_chargeDeclinedInsufficientFunds": NSF, "tok_processingError": ERROR,
    "tok_timeout": SLOW, "tok_lostAnswer": LOST,
}
ACH_ROUTING = "110000000"
MAX_REMEMBERED = 100_000
ACCOUNTS = {"000123456789": APPROVE, "000111111116": NSF, "000111111113": "bank_account_declined"}


class SimulatorGateway:
    """Implements ports.Gateway. Captures settle `settlement_delay` after they are made.

    `outage` makes this whole instance misbehave ("timeout", "processing_error"), to exercise failover.
    Authorizations, captures, voids and refunds are remembered by idempotency key, as real gateways do: a
    replay returns the first answer, and `charges` and `operations` count what really happened."""

    capabilities = frozenset({SETTLEMENT_REPORTS, FIND_CHARGE, REFUND_PARTIAL, DISPUTES, NOTIFICATIONS,
                              SETTLEMENT_FILES, DISPUTE_EVIDENCE})

    def __init__(self, timeout_s: float = 15.0, settlement_delay: timedelta = timedelta(0),
                 name: str = "simulator", outage: str | None = None, notification_secret: str | None = None,
                 notification_tolerance_s: int = signing.DEFAULT_TOLERANCE_S) -> None:
        self.name, self.timeout_s, self.settlement_delay, self.outage = name, timeout_s, settlement_delay, outage
        self.notification_secret, self.notification_tolerance_s = notification_secret, notification_tolerance_s
        self.charges: dict[str, GatewayResult] = {}
        self.operations: dict[str, GatewayResult] = {}  # captures, voids and refunds by idempotency key
        self.evidence: dict[str, list[Evidence]] = {}  # dispute → the evidence submitted, once per key
        self._evidence_keys: set[str] = set()
        self._lock = threading.Lock()

    def authorize(self, request: AuthorizeRequest) -> GatewayResult:
        with self._lock:
            if request.idempotency_key in self.charges:
                return self.charges[request.idempotency_key]
        if self.outage == "timeout":
            time.sleep(self.timeout_s)
            raise GatewayTimeout(f"{self.name} did not answer within {self.timeout_s}s")
        if self.outage == "processing_error":
            raise ProcessingError(f"{self.name} is failing (HTTP 503)")
        behaviour, card = self._behaviour(request)
        result = self._authorize(behaviour, card)
        with self._lock:
            if len(self.charges) >= MAX_REMEMBERED:  # bounded memory in a long-running demo server
                del self.charges[next(iter(self.charges))]
            result = self.charges.setdefault(request.idempotency_key, result)
        if behaviour == LOST:  # charged, as a gateway whose answer is lost on the way back
            time.sleep(self.timeout_s)
            raise GatewayTimeout(f"simulator did not answer within {self.timeout_s}s")
        return result

    def _authorize(self, behaviour: str, card: CardSummary | None) -> GatewayResult:
        if behaviour == SLOW:
            time.sleep(self.timeout_s)
            raise GatewayTimeout(f"simulator did not answer within {self.timeout_s}s")
        if behaviour == ERROR:
            raise ProcessingError("simulator processing error; safe to retry")
        if behaviour == NSF:
            raise InsufficientFunds("The account has insufficient funds")
        if behaviour == DECLINE:
            raise Declined("The card was declined")
        if behaviour == "bank_account_declined":
            raise BankAccountDeclined("The bank account is closed")
        return GatewayResult(self._reference("ch"), card)

    def capture(self, reference: str, amount: Money, idempotency_key: str) -> GatewayResult:
        return self._once(idempotency_key, "cap")

    def void(self, reference: str, idempotency_key: str) -> GatewayResult:
        return self._once(idempotency_key, "void")

    def refund(self, reference: str, amount: Money, idempotency_key: str) -> GatewayResult:
        return self._once(idempotency_key, "re")

    def _once(self, idempotency_key: str, kind: str) -> GatewayResult:
        """A capture, void or refund happens once per key; a replay answers with the first result."""
        with self._lock:
            if len(self.operations) >= MAX_REMEMBERED:
                del self.operations[next(iter(self.operations))]
            return self.operations.setdefault(idempotency_key, GatewayResult(self._reference(kind)))

    def find_charge(self, idempotency_key: str) -> GatewayResult | None:
        with self._lock:
            return self.charges.get(idempotency_key)

    def settlement(self, reference: str) -> Settlement:
        made = datetime.fromtimestamp(int(reference.split("_")[2]) / 1000, UTC)
        settles_at = made + self.settlement_delay
        now = datetime.now(UTC)
        return Settlement(True, max(settles_at, made)) if now >= settles_at else Settlement(False)

    # --- notifications, settlement files, dispute evidence ---------------------------------------------

    def read_notifications(self, headers: Mapping[str, str], body: bytes, now: datetime) -> list[Notification]:
        secrets_ = [self.notification_secret] if self.notification_secret else []
        signing.verify(headers, SIGNATURE_HEADER, body, secrets_, now, self.notification_tolerance_s, "simulator")
        return [notification(events.parse(body, "simulator"))]

    def read_settlement_report(self, source: IO[bytes]) -> Iterator[SettlementLine]:
        for row in reports.rows(source, REPORT_COLUMNS):
            yield settlement_line(row)

    def submit_dispute_evidence(self, dispute_reference: str, evidence: Evidence, idempotency_key: str) -> str:
        """Recorded in `evidence`, once per key; the dispute is then under review, as at a real provider."""
        if not dispute_reference or not idempotency_key:
            raise InvalidRequest("A dispute reference and an idempotency key are required")
        with self._lock:
            if idempotency_key not in self._evidence_keys:
                self._evidence_keys.add(idempotency_key)
                self.evidence.setdefault(dispute_reference, []).append(evidence)
        return DisputeStatus.UNDER_REVIEW.value

    @staticmethod
    def _reference(kind: str) -> str:
        return f"sim_{kind}_{time.time_ns() // 1_000_000}_{secrets.token_hex(6)}"

    @staticmethod
    def _behaviour(request: AuthorizeRequest) -> tuple[str, CardSummary | None]:
        method = request.method
        if isinstance(method, Card):
            return CARDS.get(method.number, APPROVE), None
        if isinstance(method, CardToken):
            if method.token not in TOKENS:
                raise InvalidCard(f"Unknown card token {method.token!r}", field="payment_method.token")
            return TOKENS[method.token], TEST_TOKENS[method.token]
        if isinstance(method, BankAccount):
            if method.routing_number != ACH_ROUTING:
                raise BankAccountDeclined("Unknown routing number (simulator accepts 110000000)")
            return ACCOUNTS.get(method.account_number, APPROVE), None
        raise InvalidCard("Unsupported payment method")


# --- notifications -------------------------------------------------------------------------------------------

SIGNATURE_HEADER = "simulator-signature"
DISPUTE_EVENTS = frozenset({"dispute.created", "dispute.updated", "dispute.closed"})
AUTHORIZATION_EVENTS = {"authorization.succeeded": True, "authorization.failed": False}
PAYOUT_EVENTS = frozenset({"payout.paid", "payout.failed"})


def sign_notification(secret: str, body: bytes, timestamp: int) -> str:
    """The Simulator-Signature header's value for `body` sent at `timestamp` (Unix seconds)."""
    return signing.signature_header(secret, body, timestamp)


def notification(event: events.Json) -> Notification:
    """A verified simulator event, normalized; event types PayHub has no use for have no notice."""
    event_id, kind = events.text(event, "id", "event."), events.text(event, "type", "event.")
    occurred_at = events.unix_time(event, "created", "event.")
    if kind not in DISPUTE_EVENTS | AUTHORIZATION_EVENTS.keys() | PAYOUT_EVENTS:
        return Notification(event_id, kind, occurred_at)
    data, where = events.obj(event, "data", "event."), "data."
    currency = events.currency(events.text(data, "currency", where))
    amount = events.integer(data, "amount", where)
    if kind in DISPUTE_EVENTS:
        raw = events.text(data, "status", where)
        try:
            status = DisputeStatus(raw)
        except ValueError:
            raise NotificationInvalid(f"Unknown dispute status {raw!r}") from None
        return Notification(event_id, kind, occurred_at, dispute=DisputeNotice(
            dispute_reference=events.text(data, "dispute", where),
            gateway_reference=events.text(data, "payment", where),
            status=status, raw_status=raw, amount=amount, currency=currency,
            reason_code=events.optional_text(data, "reason_code"), reason=events.optional_text(data, "reason") or "",
            evidence_due_by=events.optional_unix_time(data, "evidence_due_by", where)))
    if kind in PAYOUT_EVENTS:
        return Notification(event_id, kind, occurred_at, payout=PayoutNotice(
            payout_reference=events.text(data, "payout", where), status=kind.removeprefix("payout."), amount=amount,
            currency=currency, arrival_at=events.optional_unix_time(data, "arrival_at", where)))
    succeeded = AUTHORIZATION_EVENTS[kind]
    return Notification(event_id, kind, occurred_at, authorization=AuthorizationNotice(
        gateway_reference=events.text(data, "payment", where), succeeded=succeeded, amount=amount,
        currency=currency, merchant_reference=events.optional_text(data, "merchant_reference"),
        failure_code=None if succeeded else events.optional_text(data, "failure_code") or "card_declined"))


# --- settlement files ------------------------------------------------------------------------------------------

REPORT_COLUMNS = ("batch_id", "line_type", "reference", "merchant_reference", "currency", "gross", "fee", "net",
                  "booked_at", "dispute_reference", "reason_code", "description")
LINE_TYPES = tuple(kind.value for kind in LineType)


def settlement_line(row: reports.Row) -> SettlementLine:
    kind = LineType(reports.known(row, "line_type", LINE_TYPES))
    gross, fee, net = (reports.minor_amount(row, column) for column in ("gross", "fee", "net"))
    if gross - fee != net:
        raise row.fail(f"gross {gross} - fee {fee} is not net {net}")
    return SettlementLine(
        line_no=row.line, batch_ref=row.required("batch_id"), type=kind, currency=reports.currency(row, "currency"),
        gross=gross, fee=fee, net=net, occurred_at=reports.timestamp(row, "booked_at"),
        gateway_reference=row.text("reference") or None, merchant_reference=row.text("merchant_reference") or None,
        provider_type=kind.value, description=row.text("description"),
        dispute_reference=row.text("dispute_reference") or None, reason_code=row.text("reason_code") or None)


@dataclass(frozen=True, slots=True)
class SimulatedMovement:
    """A capture or refund PayHub made through the simulator, as the settlement generator takes it."""

    reference: str  # the gateway reference (sim_ch_… / sim_re_…); a refund names the payment's
    merchant_reference: str  # PayHub's payment (or refund) id
    kind: Literal["payment", "refund"]
    amount: int  # minor units, positive
    currency: str
    at: datetime  # when it was captured / refunded (UTC)
    method: Literal["card", "ach"] = "card"


CARD_RATE, CARD_FIXED = Fraction(29, 1000), 30  # 2.9% + 30 minor units
ACH_RATE, ACH_CAP = Fraction(8, 1000), 500  # 0.8%, at most 5.00: a typical US ACH debit price
CHARGEBACK_FEE = 1500
MONTHLY_FEE = 2500
DEFER_PER_MILLE = 100  # one movement in ten settles a day late
CHARGEBACK_PER_MILLE = 30  # 3% of a batch's payments come back as chargebacks two weeks later
CHARGEBACK_AFTER = timedelta(days=14)
REASON_CODES = ("10.4", "13.1", "13.3", "4853", "4837")


def settlement_report(movements: Iterable[SimulatedMovement], batch_date: date, seed: int,
                      monthly_fee_currency: str = "USD") -> Iterator[str]:
    """The simulator's settlement file for the batch paid out on `batch_date`, as CSV text lines (header first).
    Pure and deterministic: the same movements, date and seed give the same file.

    A movement settles the day after it was made (T+1), or a day later still when the seed says so (about one in
    ten, stably per movement: consecutive batches never lose or repeat one). Cards cost 2.9% + 30, ACH 0.8% capped
    at 5.00, rounded half to even; a refund costs nothing and returns no fee. About 3% of the payments that settled
    14 days before come back as chargebacks (with a 15.00 fee). The first batch of a month carries a monthly fee
    with no reference. Each currency ends with a payout line (the batch's net, positive)."""
    batch = f"sim_batch_{batch_date:%Y%m%d}"
    booked = datetime(batch_date.year, batch_date.month, batch_date.day, 6, tzinfo=UTC)
    nets: dict[str, int] = {}
    yield _csv(REPORT_COLUMNS)

    def line(kind: LineType, reference: str, merchant_reference: str, currency: str, gross: int, fee: int,
             at: datetime, dispute: str = "", reason: str = "", description: str = "") -> str:
        nets[currency] = nets.get(currency, 0) + gross - fee
        return _csv((batch, kind.value, reference, merchant_reference, currency, str(gross), str(fee),
                     str(gross - fee), at.isoformat(), dispute, reason, description))

    for movement in sorted(movements, key=lambda m: (m.at, m.reference, m.merchant_reference)):
        settles = _settles_on(movement, seed)
        if settles == batch_date:
            if movement.kind == "payment":
                yield line(LineType.PAYMENT, movement.reference, movement.merchant_reference, movement.currency,
                           movement.amount, processing_fee(movement), movement.at)
            else:
                yield line(LineType.REFUND, movement.reference, movement.merchant_reference, movement.currency,
                           -movement.amount, 0, movement.at)
        elif (movement.kind == "payment" and settles == batch_date - CHARGEBACK_AFTER
              and _draw(seed, "chargeback", movement.reference) < CHARGEBACK_PER_MILLE):
            dispute = f"dsp_sim_{_digest(seed, 'dispute', movement.reference)[:16]}"
            reason = REASON_CODES[int(_digest(seed, "reason", movement.reference), 16) % len(REASON_CODES)]
            yield line(LineType.CHARGEBACK, movement.reference, movement.merchant_reference, movement.currency,
                       -movement.amount, CHARGEBACK_FEE, booked, dispute, reason, "Chargeback")
    if batch_date.day == 1:
        yield line(LineType.FEE, "", "", monthly_fee_currency, -MONTHLY_FEE, 0, booked, description="Monthly fee")
    for currency, net in sorted(nets.items()):
        yield _csv((batch, LineType.PAYOUT.value, "", "", currency, str(net), "0", str(net), booked.isoformat(),
                    "", "", "Payout"))


def processing_fee(movement: SimulatedMovement) -> int:
    amount = Fraction(movement.amount)
    if movement.method == "ach":
        return min(Money.rounded(amount * ACH_RATE, movement.currency).amount, ACH_CAP)
    return Money.rounded(amount * CARD_RATE, movement.currency).amount + CARD_FIXED


def _settles_on(movement: SimulatedMovement, seed: int) -> date:
    late = _draw(seed, "defer", movement.kind, movement.reference, movement.merchant_reference) < DEFER_PER_MILLE
    return movement.at.astimezone(UTC).date() + timedelta(days=2 if late else 1)


def _draw(seed: int, *parts: str) -> int:
    """A stable number in 0..999 for (seed, parts): Python's hash() is salted per process, sha256 is not."""
    return int(_digest(seed, *parts)[:8], 16) % 1000


def _digest(seed: int, *parts: str) -> str:
    return hashlib.sha256("|".join((str(seed), *parts)).encode()).hexdigest()


def _csv(values: Sequence[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue()
