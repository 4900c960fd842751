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
"""

from __future__ import annotations

import secrets
import threading
import time
from datetime import UTC, datetime, timedelta

from payhub.domain.errors import (
    BankAccountDeclined,
    Declined,
    GatewayTimeout,
    InsufficientFunds,
    InvalidCard,
    ProcessingError,
)
from payhub.domain.methods import TEST_TOKENS, BankAccount, Card, CardSummary, CardToken
from payhub.domain.money import Money
from payhub.ports import FIND_CHARGE, REFUND_PARTIAL, SETTLEMENT_REPORTS, AuthorizeRequest, GatewayResult, Settlement

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

    capabilities = frozenset({SETTLEMENT_REPORTS, FIND_CHARGE, REFUND_PARTIAL})

    def __init__(self, timeout_s: float = 15.0, settlement_delay: timedelta = timedelta(0),
                 name: str = "simulator", outage: str | None = None) -> None:
        self.name, self.timeout_s, self.settlement_delay, self.outage = name, timeout_s, settlement_delay, outage
        self.charges: dict[str, GatewayResult] = {}
        self.operations: dict[str, GatewayResult] = {}  # captures, voids and refunds by idempotency key
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
