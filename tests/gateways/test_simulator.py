"""The simulator gateway: deterministic outcomes for test cards, tokens and ACH accounts; no network."""

from __future__ import annotations

import itertools
import re
import time
from datetime import timedelta

import pytest

from payhub.domain.errors import (
    BankAccountDeclined,
    Declined,
    GatewayError,
    GatewayTimeout,
    InsufficientFunds,
    InvalidCard,
    ProcessingError,
)
from payhub.domain.methods import BankAccount, Card, CardSummary, CardToken
from payhub.domain.money import Money
from payhub.gateways.simulator import SimulatorGateway
from payhub.ports import AuthorizeRequest, GatewayResult, Settlement

REFERENCE = re.compile(r"^sim_(ch|cap|void|re)_(\d{13,})_[0-9a-f]{12}$")


@pytest.fixture
def gateway() -> SimulatorGateway:
    return SimulatorGateway(timeout_s=0.01)


def request(method: object, capture: bool = True, amount: int = 1000, key: str | None = None) -> AuthorizeRequest:
    return AuthorizeRequest(Money(amount, "USD"), method, capture=capture,  # type: ignore[arg-type]
                            idempotency_key=key or f"pay_{next(_keys)}")


_keys = itertools.count(1)


def card(number: str) -> Card:
    return Card(number, 12, 2034, "123")


def ach(account: str, routing: str = "110000000") -> BankAccount:
    return BankAccount(routing, account, "checking")


def test_gateway_name() -> None:
    assert SimulatorGateway().name == "simulator" and SimulatorGateway(name="backup").name == "backup"
    assert SimulatorGateway().timeout_s == 15.0
    assert SimulatorGateway().settlement_delay == timedelta(0)


# --- cards ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("number", ["4242424242424242", "5555555555554444", "378282246310005"])
@pytest.mark.parametrize("capture", [True, False])
def test_approved_cards(gateway: SimulatorGateway, number: str, capture: bool) -> None:
    result = gateway.authorize(request(card(number), capture=capture))
    assert isinstance(result, GatewayResult)
    assert REFERENCE.match(result.reference) and result.reference.startswith("sim_ch_")
    assert result.card is None  # the card's details come from the request, not the gateway


def test_unknown_valid_card_is_approved(gateway: SimulatorGateway) -> None:
    assert gateway.authorize(request(card("6011111111111117"))).reference.startswith("sim_ch_")


def test_references_are_unique(gateway: SimulatorGateway) -> None:
    refs = {gateway.authorize(request(card("4242424242424242"))).reference for _ in range(50)}
    assert len(refs) == 50


@pytest.mark.parametrize(("outage", "error"), [("timeout", GatewayTimeout), ("processing_error", ProcessingError)])
def test_outages_fail_every_authorization(outage: str, error: type[Exception]) -> None:
    down = SimulatorGateway(timeout_s=0.01, name="down", outage=outage)
    with pytest.raises(error):
        down.authorize(request(card("4242424242424242")))
    assert down.charges == {}


@pytest.mark.parametrize(("number", "error", "code"), [
    ("4000000000000002", Declined, "card_declined"),
    ("4000000000009995", InsufficientFunds, "insufficient_funds"),
    ("4000000000000119", ProcessingError, "processing_error"),
])
def test_failing_cards(gateway: SimulatorGateway, number: str, error: type[GatewayError], code: str) -> None:
    with pytest.raises(error) as info:
        gateway.authorize(request(card(number)))
    assert type(info.value) is error and info.value.code == code


def test_slow_card_times_out_after_timeout(gateway: SimulatorGateway) -> None:
    started = time.monotonic()
    with pytest.raises(GatewayTimeout) as info:
        gateway.authorize(request(card("4000000000006975")))
    assert time.monotonic() - started >= 0.01
    assert info.value.code == "gateway_timeout"
    assert "0.01" in str(info.value)


def test_timeout_uses_configured_timeout() -> None:
    started = time.monotonic()
    with pytest.raises(GatewayTimeout):
        SimulatorGateway(timeout_s=0.05).authorize(request(card("4000000000006975")))
    assert time.monotonic() - started >= 0.05


def test_simulator_test_cards_pass_card_validation() -> None:
    from datetime import date
    for number in ("4242424242424242", "5555555555554444", "378282246310005", "4000000000000002",
                   "4000000000009995", "4000000000000119", "4000000000006975"):
        cvc = "1234" if number.startswith("37") else "123"
        assert Card.parse(number, 12, 2034, cvc, date(2025, 1, 1)).number == number


# --- tokens --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("token", "summary"), [
    ("tok_visa", CardSummary("visa", "4242", 12, 2034, "424242", "credit", "US")),
    ("tok_visa_debit", CardSummary("visa", "5556", 12, 2034, "400005", "debit", "US")),
    ("tok_mastercard", CardSummary("mastercard", "4444", 12, 2034)),
    ("tok_amex", CardSummary("amex", "0005", 12, 2034)),
])
def test_approved_tokens_return_card_summary(gateway: SimulatorGateway, token: str, summary: CardSummary) -> None:
    result = gateway.authorize(request(CardToken(token)))
    assert result.card == summary
    assert result.reference.startswith("sim_ch_")


@pytest.mark.parametrize(("token", "error", "code"), [
    ("tok_chargeDeclined", Declined, "card_declined"),
    ("tok_chargeDeclinedInsufficientFunds", InsufficientFunds, "insufficient_funds"),
    ("tok_processingError", ProcessingError, "processing_error"),
    ("tok_timeout", GatewayTimeout, "gateway_timeout"),
    ("tok_lostAnswer", GatewayTimeout, "gateway_timeout"),
])
def test_failing_tokens(gateway: SimulatorGateway, token: str, error: type[Exception], code: str) -> None:
    with pytest.raises(error) as info:
        gateway.authorize(request(CardToken(token)))
    assert type(info.value) is error
    assert info.value.code == code  # type: ignore[attr-defined]


@pytest.mark.parametrize("token", ["tok_unknown", "", "TOK_VISA", "tok_visa "])
def test_unknown_token_is_invalid_card(gateway: SimulatorGateway, token: str) -> None:
    with pytest.raises(InvalidCard) as info:
        gateway.authorize(request(CardToken(token)))
    assert info.value.extra == {"field": "payment_method.token"}


# --- ACH -----------------------------------------------------------------------------------------

def test_ach_approved(gateway: SimulatorGateway) -> None:
    result = gateway.authorize(request(ach("000123456789")))
    assert result.reference.startswith("sim_ch_")
    assert result.card is None


def test_ach_unknown_account_on_simulator_routing_is_approved(gateway: SimulatorGateway) -> None:
    assert gateway.authorize(request(ach("99999999"))).reference.startswith("sim_ch_")


def test_ach_insufficient_funds(gateway: SimulatorGateway) -> None:
    with pytest.raises(InsufficientFunds) as info:
        gateway.authorize(request(ach("000111111116")))
    assert info.value.code == "insufficient_funds"


def test_ach_account_declined(gateway: SimulatorGateway) -> None:
    with pytest.raises(BankAccountDeclined) as info:
        gateway.authorize(request(ach("000111111113")))
    assert info.value.code == "bank_account_declined"
    assert isinstance(info.value, Declined)


def test_ach_other_routing_number_is_declined(gateway: SimulatorGateway) -> None:
    account = BankAccount.parse("021000021", "000123456789", "checking")  # a valid ABA number
    with pytest.raises(BankAccountDeclined) as info:
        gateway.authorize(request(account))
    assert "110000000" in str(info.value)


def test_simulator_routing_passes_validation() -> None:
    assert BankAccount.parse("110000000", "000123456789", "checking").routing_number == "110000000"


def test_unsupported_method_is_invalid_card(gateway: SimulatorGateway) -> None:
    with pytest.raises(InvalidCard):
        gateway.authorize(request(object()))
    with pytest.raises(InvalidCard):
        gateway.authorize(request("4242424242424242"))


# --- capture / void / refund / settlement --------------------------------------------------------

def test_capture_void_refund_return_references(gateway: SimulatorGateway) -> None:
    charge = gateway.authorize(request(card("4242424242424242"), capture=False)).reference
    cap = gateway.capture(charge, Money(500, "USD"), "pay_1:capture")
    void = gateway.void(charge, "pay_1:void")
    ref = gateway.refund(charge, Money(100, "USD"), "re_1")
    for result, kind in ((cap, "cap"), (void, "void"), (ref, "re")):
        m = REFERENCE.match(result.reference)
        assert m and m.group(1) == kind
        assert result.card is None


def test_settlement_without_delay_is_settled_at_capture_time(gateway: SimulatorGateway) -> None:
    before_ms = time.time_ns() // 1_000_000
    ref = gateway.capture("sim_ch_x", Money(100, "USD"), "k").reference
    after_ms = time.time_ns() // 1_000_000
    settlement = gateway.settlement(ref)
    assert isinstance(settlement, Settlement)
    assert settlement.settled is True
    assert settlement.settled_at is not None and settlement.settled_at.tzinfo is not None
    made_ms = int(REFERENCE.match(ref).group(2))  # type: ignore[union-attr]
    assert before_ms <= made_ms <= after_ms
    assert round(settlement.settled_at.timestamp() * 1000) == made_ms


def test_settlement_with_delay_is_pending_until_due() -> None:
    gateway = SimulatorGateway(timeout_s=0.01, settlement_delay=timedelta(hours=1))
    ref = gateway.capture("sim_ch_x", Money(100, "USD"), "k").reference
    assert gateway.settlement(ref) == Settlement(False)
    assert gateway.settlement(ref).settled_at is None


def test_settlement_with_short_delay_settles_at_made_plus_delay() -> None:
    gateway = SimulatorGateway(timeout_s=0.01, settlement_delay=timedelta(milliseconds=20))
    ref = gateway.capture("sim_ch_x", Money(100, "USD"), "k").reference
    time.sleep(0.05)
    settlement = gateway.settlement(ref)
    assert settlement.settled
    made_ms = int(REFERENCE.match(ref).group(2))  # type: ignore[union-attr]
    assert settlement.settled_at is not None
    assert round(settlement.settled_at.timestamp() * 1000) == made_ms + 20


def test_settlement_of_an_old_reference() -> None:
    gateway = SimulatorGateway(settlement_delay=timedelta(days=2))
    settlement = gateway.settlement("sim_cap_1000000000000_abcdefabcdef")  # 2001-09-09
    assert settlement.settled
    assert settlement.settled_at is not None
    assert settlement.settled_at.timestamp() == 1_000_000_000 + 2 * 86400
