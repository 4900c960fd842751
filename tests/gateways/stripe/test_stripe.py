"""The Stripe connector against a fake Stripe API on 127.0.0.1 (tests/gateways/stripe/fake.py), plus pure tests
of its transformers and error mapping."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
import structlog
from structlog.testing import CapturingLogger

from payhub.domain.errors import (
    Declined,
    GatewayAuthFailed,
    GatewayError,
    GatewayTimeout,
    InsufficientFunds,
    InvalidAmount,
    InvalidRequest,
    KeyConflict,
    ProcessingError,
)
from payhub.domain.level3 import Level3Data, Level3Line
from payhub.domain.methods import BankAccount, Card, CardSummary, CardToken, PaymentMethod
from payhub.domain.money import Money
from payhub.gateways.stripe import STRIPE_VERSION, StripeGateway, adapter
from payhub.gateways.stripe import errors as stripe_errors
from payhub.gateways.stripe import transformers as wire
from payhub.ports import AuthorizeRequest, GatewayResult, Settlement
from tests.contract.transport import httpx_in_chain
from tests.gateways.stripe.fake import API_KEY, FakeStripe

PAN = "4242424242424242"


@pytest.fixture
def fake() -> Iterator[FakeStripe]:
    yield FakeStripe(slow_s=0.8)


@pytest.fixture
def url(fake: FakeStripe) -> Iterator[str]:
    with fake.serve() as base_url:
        yield base_url


@pytest.fixture
def gateway(url: str) -> Iterator[StripeGateway]:
    gw = StripeGateway(API_KEY, base_url=url, timeout_s=2.0)
    yield gw
    gw.close()


def usd(amount: int) -> Money:
    return Money(amount, "USD")


def request(method: PaymentMethod, amount: int = 10000, capture: bool = False, key: str = "pay_1",
            level3: Level3Data | None = None) -> AuthorizeRequest:
    return AuthorizeRequest(usd(amount), method, capture=capture, idempotency_key=key, description="INV-1001",
                            level3=level3)


def card(number: str = PAN) -> Card:
    return Card(number, 12, 2034, "123")


# --- the happy paths ------------------------------------------------------------------------------

def test_a_publishable_key_is_refused() -> None:
    with pytest.raises(ValueError):
        StripeGateway("pk_test_publishable")


def test_authorize_then_partial_capture(gateway: StripeGateway, fake: FakeStripe) -> None:
    result = gateway.authorize(request(CardToken("pm_card_visa")))
    assert result.reference.startswith("pi_")
    assert result.card == CardSummary("visa", "4242", 12, 2034, "", "credit", "US")
    intent = fake.intents[result.reference]
    assert (intent["status"], intent["amount"], intent["currency"], intent["capture_method"]) == (
        "requires_capture", 10000, "usd", "manual")

    captured = gateway.capture(result.reference, usd(6000), "pay_1:capture")
    assert captured == GatewayResult(result.reference)
    assert (intent["status"], intent["amount_received"]) == ("succeeded", 6000)
    sent = fake.posts()[-1]
    assert sent.path == f"/v1/payment_intents/{result.reference}/capture"
    assert sent.form == [("amount_to_capture", "6000")]
    assert sent.headers["idempotency-key"] == "pay_1:capture"


def test_authorize_and_capture_in_one_call(gateway: StripeGateway, fake: FakeStripe) -> None:
    result = gateway.authorize(request(CardToken("tok_visa_debit"), capture=True))
    assert result.card is not None and result.card.funding == "debit"
    assert fake.intents[result.reference]["status"] == "succeeded"
    made, charged = fake.posts()  # a token becomes a PaymentMethod first
    assert (made.path, made.form) == ("/v1/payment_methods", [("type", "card"), ("card[token]", "tok_visa_debit")])
    assert made.headers["idempotency-key"] == "pay_1:payment_method"
    assert charged.param("capture_method") == "automatic"
    assert charged.param("payment_method") in fake.payment_methods


def test_raw_card_keeps_its_bin(gateway: StripeGateway, fake: FakeStripe) -> None:
    result = gateway.authorize(request(card("5555555555554444"), capture=True))
    assert result.card == CardSummary("mastercard", "4444", 12, 2034, "555555", "credit", "US")
    assert fake.posts()[0].form == [("type", "card"), ("card[number]", "5555555555554444"), ("card[exp_month]", "12"),
                                    ("card[exp_year]", "2034"), ("card[cvc]", "123")]


def test_void(gateway: StripeGateway, fake: FakeStripe) -> None:
    result = gateway.authorize(request(CardToken("pm_card_visa")))
    assert gateway.void(result.reference, "pay_1:void") == GatewayResult(result.reference)
    assert fake.intents[result.reference]["status"] == "canceled"
    assert fake.posts()[-1].path == f"/v1/payment_intents/{result.reference}/cancel"


def test_refund(gateway: StripeGateway, fake: FakeStripe) -> None:
    result = gateway.authorize(request(CardToken("pm_card_visa"), capture=True))
    refund = gateway.refund(result.reference, usd(2500), "ref_1")
    assert refund.reference.startswith("re_") and refund.reference in fake.refunds
    assert fake.posts()[-1].form == [("payment_intent", result.reference), ("amount", "2500")]
    with pytest.raises(GatewayError) as error:  # more than is left to refund: Stripe says no
        gateway.refund(result.reference, usd(9000), "ref_2")
    assert type(error.value) is GatewayError and error.value.extra["gateway_code"] == "amount_too_large"


def test_settlement(gateway: StripeGateway, fake: FakeStripe) -> None:
    held = gateway.authorize(request(CardToken("pm_card_visa"), key="pay_held"))
    assert gateway.settlement(held.reference) == Settlement(False)  # not captured: nothing to settle

    result = gateway.authorize(request(CardToken("pm_card_visa"), capture=True))
    assert gateway.settlement(result.reference) == Settlement(False)  # balance transaction pending
    fake.make_available(result.reference)
    assert gateway.settlement(result.reference) == Settlement(True, datetime(2026, 1, 3, tzinfo=UTC))
    got = fake.requests[-1]
    assert got.method == "GET" and "idempotency-key" not in got.headers


# --- declines and failures ------------------------------------------------------------------------

@pytest.mark.parametrize("method", [CardToken("pm_card_chargeDeclined"), card("4000000000000002")])
def test_decline(gateway: StripeGateway, method: PaymentMethod) -> None:
    with pytest.raises(Declined) as error:
        gateway.authorize(request(method))
    assert type(error.value) is Declined and not error.value.retryable
    assert error.value.extra["gateway_code"] == "card_declined"
    assert error.value.extra["decline_code"] == "generic_decline"
    assert str(error.value.extra["gateway_reference"]).startswith("pi_")


def test_other_card_errors_keep_stripes_code(gateway: StripeGateway, fake: FakeStripe) -> None:
    with pytest.raises(Declined) as expired:
        gateway.authorize(request(CardToken("pm_card_chargeDeclinedExpiredCard"), key="a"))
    assert expired.value.extra["gateway_code"] == "expired_card"
    with pytest.raises(Declined) as auth:  # 3-D Secure wanted: we ask Stripe to fail rather than wait
        gateway.authorize(request(CardToken("pm_card_authenticationRequired"), key="b"))
    assert auth.value.extra["gateway_code"] == "authentication_required"
    assert fake.posts()[-1].param("error_on_requires_action") == "true"
    with pytest.raises(ProcessingError):  # the issuer could not be reached: retryable
        gateway.authorize(request(CardToken("pm_card_chargeDeclinedProcessingError"), key="c"))
    with pytest.raises(Declined) as number:  # refused when the PaymentMethod is created: no intent at all
        gateway.authorize(request(card("4242424242424241"), key="d"))
    assert number.value.extra["gateway_code"] == "incorrect_number"
    assert fake.posts()[-1].path == "/v1/payment_methods"


def test_a_refused_key_is_not_quoted_back(url: str) -> None:
    gateway = StripeGateway("sk_test_wrong", base_url=url, timeout_s=2.0)
    with pytest.raises(GatewayAuthFailed) as error:
        gateway.authorize(request(CardToken("pm_card_visa")))
    assert "sk_test" not in error.value.detail  # Stripe's own message quotes part of the key


def test_connection_refused_is_safe_to_retry() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    gateway = StripeGateway(API_KEY, base_url=f"http://127.0.0.1:{port}", timeout_s=1.0)
    with pytest.raises(ProcessingError) as error:
        gateway.authorize(request(CardToken("pm_card_visa")))
    assert error.value.retryable and "nothing was sent" in error.value.detail


def test_unknown_intent_and_foreign_reference(gateway: StripeGateway, fake: FakeStripe) -> None:
    with pytest.raises(GatewayError) as error:
        gateway.capture("pi_missing", usd(100), "k1")
    assert error.value.extra["gateway_code"] == "resource_missing" and not error.value.retryable
    sent = len(fake.requests)
    with pytest.raises(InvalidRequest):  # a reference that is not a PaymentIntent id never reaches a URL
        gateway.void("sim_ch_1/../../v1/refunds", "k2")
    with pytest.raises(InvalidRequest):  # ACH is refused before anything is sent
        gateway.authorize(request(BankAccount("110000000", "000123456789")))
    assert len(fake.requests) == sent


# --- idempotency and headers ----------------------------------------------------------------------

def test_every_post_carries_key_version_and_bearer(gateway: StripeGateway, fake: FakeStripe) -> None:
    result = gateway.authorize(request(CardToken("pm_card_visa")))
    gateway.capture(result.reference, usd(100), "pay_1:capture")
    gateway.refund(result.reference, usd(100), "ref_1")
    gateway.settlement(result.reference)
    for sent in fake.requests:
        assert sent.headers["authorization"] == f"Bearer {API_KEY}"
        assert sent.headers["stripe-version"] == STRIPE_VERSION
    assert [r.headers["idempotency-key"] for r in fake.posts()] == ["pay_1", "pay_1:capture", "ref_1"]
    assert all(r.headers["content-type"] == "application/x-www-form-urlencoded" for r in fake.posts())


@pytest.mark.parametrize("method", [CardToken("pm_card_visa"), CardToken("tok_visa"), card(PAN)])
def test_retried_authorize_returns_the_same_intent(gateway: StripeGateway, fake: FakeStripe,
                                                   method: PaymentMethod) -> None:
    first = gateway.authorize(request(method, key="pay_42"))
    again = gateway.authorize(request(method, key="pay_42"))
    assert again == first
    assert len(fake.intents) == 1 and len(fake.charges) == 1  # one charge
    assert len(fake.payment_methods) == (0 if isinstance(method, CardToken) and method.token.startswith("pm_") else 1)
    with pytest.raises(KeyConflict):  # the same key for another request: Stripe refuses, and what the first
        gateway.authorize(request(method, amount=999, key="pay_42"))  # did stays to be learnt (unknown)
    assert len(fake.intents) == 1


def test_pan_never_logged(gateway: StripeGateway, fake: FakeStripe, caplog: pytest.LogCaptureFixture,
                          capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    events = CapturingLogger()  # our structlog events, rendered as in production
    monkeypatch.setattr(adapter, "log", structlog.wrap_logger(
        events, processors=[structlog.processors.add_log_level, structlog.processors.JSONRenderer()]))
    caplog.set_level(logging.DEBUG)  # httpx and httpcore log at INFO and DEBUG

    gateway.authorize(request(card(PAN), key="pay_a"))
    with pytest.raises(Declined) as declined:
        gateway.authorize(request(card("4000000000000002"), key="pay_b"))

    assert fake.posts()[0].param("card[number]") == PAN  # it did travel
    assert any("stripe.call" in str(call.args) for call in events.calls)
    logged = [str(call.args) + str(call.kwargs) for call in events.calls]
    logged += [record.getMessage() + repr(record.__dict__) for record in caplog.records]
    out, err = capsys.readouterr()
    logged += [out, err, str(declined.value), repr(declined.value.extra)]
    for number in (PAN, "4000000000000002"):
        assert not [line for line in logged if number in line]


# --- Level 2/3 ------------------------------------------------------------------------------------

def level3(tax: int = 0) -> Level3Data:
    lines = (Level3Line("Widgets", "00000000", 3, usd(2000), usd(0), usd(tax), usd(6000)),
             Level3Line("Freight", "78101800", 1, usd(4000), usd(0), usd(0), usd(4000)))
    return Level3Data(tax_amount=usd(tax), customer_po="PO-7781", merchant_reference="INV-1001,INV-1002",
                      customer_reference=None, lines=lines)


def test_level3_line_items_sent_when_they_add_up(gateway: StripeGateway, fake: FakeStripe) -> None:
    gateway.authorize(request(CardToken("pm_card_visa"), amount=10500, level3=level3(tax=500)))
    sent = fake.posts()[-1]
    assert sent.param("payment_details[order_reference]") == "INV-1001,INV-1002"
    assert sent.param("payment_details[customer_reference]") == "PO-7781"
    assert sent.param("metadata[customer_po]") == "PO-7781"
    assert sent.param("description") == "INV-1001"
    assert [(k, v) for k, v in sent.form if k.startswith("amount_details[line_items][0]")] == [
        ("amount_details[line_items][0][product_name]", "Widgets"),
        ("amount_details[line_items][0][quantity]", "3"),
        ("amount_details[line_items][0][unit_cost]", "2000"),
        ("amount_details[line_items][0][tax][total_tax_amount]", "500"),
        ("amount_details[line_items][0][payment_method_options][card][commodity_code]", "00000000"),
    ]


def test_level3_partial_payment_sends_references_only(gateway: StripeGateway, fake: FakeStripe) -> None:
    gateway.authorize(request(CardToken("pm_card_visa"), amount=4000, level3=level3()))
    sent = fake.posts()[-1]
    assert sent.param("payment_details[order_reference]") == "INV-1001,INV-1002"
    assert not [k for k, _ in sent.form if k.startswith("amount_details")]


# --- transformers (pure) --------------------------------------------------------------------------

def test_authorize_form() -> None:
    form = wire.authorize_form(request(CardToken("pm_card_visa"), amount=1234))
    assert form == [("amount", "1234"), ("currency", "usd"), ("confirm", "true"), ("capture_method", "manual"),
                    ("payment_method_types[]", "card"), ("error_on_requires_action", "true"),
                    ("expand[]", "latest_charge"), ("description", "INV-1001"), ("metadata[payhub_key]", "pay_1")]
    with pytest.raises(InvalidRequest):
        wire.authorize_form(request(BankAccount("110000000", "000123456789")))
    assert wire.encode(form).startswith(b"amount=1234&currency=usd&confirm=true&capture_method=manual&"
                                        b"payment_method_types%5B%5D=card")


def test_payment_methods() -> None:
    assert wire.payment_method_id(CardToken("pm_card_visa")) == "pm_card_visa"
    assert wire.payment_method_id(CardToken("tok_visa")) is None
    assert wire.payment_method_id(Card(PAN, 1, 2030)) is None
    assert wire.payment_method_form(CardToken("tok_visa")) == [("type", "card"), ("card[token]", "tok_visa")]
    assert wire.payment_method_form(Card(PAN, 1, 2030)) == [
        ("type", "card"), ("card[number]", PAN), ("card[exp_month]", "1"), ("card[exp_year]", "2030")]
    for refused in (CardToken("card_123"), BankAccount("110000000", "000123456789")):
        with pytest.raises(InvalidRequest):
            wire.payment_method_id(refused)


def test_stripe_amounts() -> None:
    assert wire.stripe_amount(Money(500, "JPY")) == "500"
    assert wire.stripe_amount(Money(5, "ISK")) == "500"  # Stripe keeps ISK two-decimal
    assert wire.stripe_amount(Money(5120, "KWD")) == "5120"
    with pytest.raises(InvalidAmount):  # three-decimal amounts must end in 0 at Stripe
        wire.stripe_amount(Money(5124, "KWD"))
    assert wire.stripe_currency(Money(1, "EUR")) == "eur"


def test_lines_add_up() -> None:
    assert wire.lines_add_up(level3(tax=500), usd(10500))
    assert not wire.lines_add_up(level3(tax=500), usd(10000))
    assert not wire.lines_add_up(level3(), Money(10000, "EUR"))


def test_parse_answers() -> None:
    charge = {"payment_method_details": {"card": {"brand": "amex", "last4": "0005", "exp_month": 3,
                                                  "exp_year": 2031, "funding": "credit", "country": "US"}}}
    intent = {"id": "pi_1", "status": "requires_capture", "latest_charge": charge}
    result = wire.authorized(intent, request(CardToken("pm_card_amex")))
    assert result == GatewayResult("pi_1", CardSummary("amex", "0005", 3, 2031, "", "credit", "US"))
    assert wire.authorized({**intent, "latest_charge": "ch_1"}, request(CardToken("x"))).card is None
    with pytest.raises(GatewayTimeout):
        wire.authorized({**intent, "status": "processing"}, request(CardToken("x")))
    with pytest.raises(Declined):
        wire.authorized({**intent, "status": "requires_action"}, request(CardToken("x")))
    with pytest.raises(GatewayError):
        wire.captured({"id": "pi_1", "status": "requires_capture"})
    with pytest.raises(GatewayError):
        wire.refunded({"id": "re_1", "status": "failed", "failure_reason": "expired_or_canceled_card"})
    assert wire.refunded({"id": "re_1", "status": "pending"}) == GatewayResult("re_1")


def test_parse_settlement() -> None:
    txn = {"status": "available", "available_on": 1_767_398_400}
    intent = {"id": "pi_1", "status": "succeeded", "latest_charge": {"balance_transaction": txn}}
    assert wire.settlement(intent) == Settlement(True, datetime(2026, 1, 3, tzinfo=UTC))
    assert wire.settlement({**intent, "latest_charge": {"balance_transaction": {**txn, "status": "pending"}}}) \
        == Settlement(False)
    assert wire.settlement({**intent, "latest_charge": "ch_1"}) == Settlement(False)


# --- error mapping (pure) -------------------------------------------------------------------------

def stripe_error(kind: str, code: str | None = None, decline_code: str | None = None) -> dict[str, object]:
    return {"error": {"type": kind, "code": code, "decline_code": decline_code, "message": "m"}}


@pytest.mark.parametrize(("status", "body", "expected", "retryable"), [
    (402, stripe_error("card_error", "card_declined", "insufficient_funds"), InsufficientFunds, False),
    (402, stripe_error("card_error", "card_declined", "do_not_honor"), Declined, False),
    (402, stripe_error("card_error", "expired_card"), Declined, False),
    (402, stripe_error("card_error", "processing_error"), ProcessingError, True),
    (401, stripe_error("invalid_request_error"), GatewayAuthFailed, False),
    (403, stripe_error("invalid_request_error"), GatewayAuthFailed, False),
    (409, stripe_error("idempotency_error"), KeyConflict, True),  # in flight under the key: it may charge
    (429, stripe_error("invalid_request_error", "rate_limit"), ProcessingError, True),
    (500, stripe_error("api_error"), ProcessingError, True),
    (502, None, ProcessingError, True),  # a proxy's HTML page, not JSON
    (400, stripe_error("idempotency_error"), KeyConflict, True),  # other parameters under the key: unknown
    (400, stripe_error("invalid_request_error", "parameter_missing"), GatewayError, False),
])
def test_error_mapping(status: int, body: object, expected: type[GatewayError], retryable: bool) -> None:
    error = stripe_errors.from_response(status, body)
    assert type(error) is expected and error.retryable is retryable


def test_error_keeps_stripes_codes() -> None:
    error = stripe_errors.from_response(402, {"error": {
        "type": "card_error", "code": "expired_card", "message": "Your card has expired.",
        "payment_intent": {"id": "pi_9"}}})
    assert error.detail == "Your card has expired."
    assert error.extra == {"gateway_code": "expired_card", "gateway_reference": "pi_9"}


@pytest.mark.parametrize(("raised", "expected"), [
    (httpx.ConnectError("refused"), ProcessingError),
    (httpx.ConnectTimeout("slow connect"), ProcessingError),
    (httpx.PoolTimeout("pool"), ProcessingError),
    (httpx.ReadTimeout("slow answer"), GatewayTimeout),
    (httpx.WriteTimeout("slow upload"), GatewayTimeout),
    (httpx.ReadError("reset"), GatewayTimeout),
    (httpx.RemoteProtocolError("dropped"), GatewayTimeout),
])
def test_transport_errors(raised: httpx.HTTPError, expected: type[GatewayError]) -> None:
    def fail(_: httpx.Request) -> httpx.Response:
        raise raised

    gateway = StripeGateway(API_KEY, base_url="https://stripe.invalid", transport=httpx.MockTransport(fail))
    with pytest.raises(GatewayError) as error:
        gateway.authorize(request(CardToken("pm_card_visa")))
    assert type(error.value) is expected
    assert not httpx_in_chain(error.value)


def test_payment_method_timeout_is_safe_to_retry() -> None:
    def slow_card(sent: httpx.Request) -> httpx.Response:
        if sent.url.path == "/v1/payment_methods":
            raise httpx.ReadTimeout("slow", request=sent)
        return httpx.Response(500)

    gateway = StripeGateway(API_KEY, base_url="https://stripe.invalid", transport=httpx.MockTransport(slow_card))
    with pytest.raises(ProcessingError) as error:  # no charge was attempted: not ambiguous
        gateway.authorize(request(card(PAN)))
    assert "no charge was attempted" in error.value.detail
    assert not httpx_in_chain(error.value)


def test_unreadable_success_is_ambiguous() -> None:
    transport = httpx.MockTransport(lambda _: httpx.Response(200, content=b"<html>"))
    gateway = StripeGateway(API_KEY, base_url="https://stripe.invalid", transport=transport)
    with pytest.raises(GatewayTimeout):
        gateway.authorize(request(CardToken("pm_card_visa")))
    with pytest.raises(ProcessingError):
        gateway.settlement("pi_1")


# --- the fake checks what it is sent --------------------------------------------------------------

@pytest.mark.parametrize(("body", "headers", "message"), [
    ("amount=10.00&currency=usd", {}, "Invalid integer"),
    ("amount=1000&currency=USD", {}, "Invalid currency"),
    ("amount=1000&currency=usd", {"Idempotency-Key": ""}, "Idempotency-Key"),
    (json.dumps({"amount": 1000, "currency": "usd"}), {"Content-Type": "application/json"}, "form-encoded"),
])
def test_fake_rejects_what_stripe_would(url: str, body: str, headers: dict[str, str], message: str) -> None:
    sent = {"Authorization": f"Bearer {API_KEY}", "Stripe-Version": STRIPE_VERSION, "Idempotency-Key": "k",
            "Content-Type": "application/x-www-form-urlencoded", **headers}
    answer = httpx.post(f"{url}/v1/payment_intents", content=body, headers={k: v for k, v in sent.items() if v})
    assert answer.status_code == 400 and message in answer.json()["error"]["message"]


def test_find_charge_searches_the_key_payhub_put_in_the_metadata(gateway: StripeGateway) -> None:
    """What recovery asks after a crash (tests/contract checks the answer for a key sent or never sent)."""
    gateway.authorize(request(CardToken("pm_card_visa"), amount=1234))
    found = gateway.find_charge("pay_1")
    assert found is not None and found.card is not None and found.card.last4 == "4242"
    with pytest.raises(Declined):
        gateway.authorize(request(CardToken("pm_card_chargeDeclined"), amount=1234, key="pay_2"))
    assert gateway.find_charge("pay_2") is None  # a declined intent is no charge
    assert gateway.find_charge("it's \\ quoted") is None  # the query escapes what it embeds
