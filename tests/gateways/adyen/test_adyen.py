"""The Adyen connector against a fake Adyen server (tests/gateways/adyen/fake.py), plus its pure parts."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from contextlib import closing
from typing import Any

import httpx
import pytest

from payhub.domain.errors import (
    BankAccountDeclined,
    Declined,
    DomainError,
    GatewayAuthFailed,
    GatewayError,
    GatewayTimeout,
    InsufficientFunds,
    InvalidCard,
    ProcessingError,
)
from payhub.domain.level3 import Level3Data, Level3Line
from payhub.domain.methods import BankAccount, Card, CardSummary, CardToken, PaymentMethod
from payhub.domain.money import Money
from payhub.gateways.adyen import AdyenGateway
from payhub.gateways.adyen import transformers as wire
from payhub.gateways.adyen.errors import to_error
from payhub.ports import AuthorizeRequest
from tests.gateways.adyen import fake as adyen
from tests.gateways.adyen.fake import FakeAdyen

VISA = "4111111111111111"
TOKEN = "shopper_1:8415718415172200"


@pytest.fixture
def server() -> Iterator[tuple[FakeAdyen, str]]:
    fake = FakeAdyen(slow_s=1.0)
    url = fake.start()
    yield fake, url
    fake.stop()


@pytest.fixture
def fake(server: tuple[FakeAdyen, str]) -> FakeAdyen:
    return server[0]


@pytest.fixture
def gateway(server: tuple[FakeAdyen, str]) -> Iterator[AdyenGateway]:
    gw = AdyenGateway(adyen.API_KEY, adyen.MERCHANT, base_url=server[1], timeout_s=0.3)
    yield gw
    gw.close()


def usd(amount: int) -> Money:
    return Money(amount, "USD")


def card(number: str = VISA, cvc: str | None = "737") -> Card:
    return Card(number, 3, 2030, cvc)


def ach(account: str = "000123456789") -> BankAccount:
    return BankAccount("110000000", account, "checking")


def request(method: PaymentMethod | None = None, amount: int = 1000, capture: bool = True, key: str = "pay_1",
            level3: Level3Data | None = None) -> AuthorizeRequest:
    return AuthorizeRequest(usd(amount), method or card(), capture=capture, idempotency_key=key, level3=level3)


def connect(url: str, timeout_s: float = 0.3, api_key: str = adyen.API_KEY,
            merchant: str = adyen.MERCHANT) -> closing[AdyenGateway]:
    return closing(AdyenGateway(api_key, merchant, base_url=url, timeout_s=timeout_s))


def level3() -> Level3Data:
    return Level3Data(tax_amount=usd(150), customer_po="PO-7781", merchant_reference="INV-1,INV-2",
                      customer_reference=None, lines=(
                          Level3Line("Steel bolts M8 x 40, box", "31161500", 3, usd(250), usd(0), usd(50), usd(800)),
                          Level3Line("Delivery", "00000000", 1, usd(200), usd(25), usd(0), usd(175)),
                      ))


# --- payments ------------------------------------------------------------------------------------

def test_authorise_and_capture_card(gateway: AdyenGateway, fake: FakeAdyen) -> None:
    result = gateway.authorize(request(card(VISA)))
    assert result.reference in fake.payments
    assert result.card == CardSummary("visa", "1111", 3, 2030, "411111", "credit", "US")
    sent = fake.last("/payments")
    assert sent["amount"] == {"value": 1000, "currency": "USD"}
    assert sent["merchantAccount"] == adyen.MERCHANT and sent["reference"] == "pay_1"
    assert sent["paymentMethod"] == {"type": "scheme", "number": VISA, "expiryMonth": "03", "expiryYear": "2030",
                                     "cvc": "737"}
    assert sent["captureDelayHours"] == 0 and "additionalData" not in sent


def test_mastercard_debit_summary(gateway: AdyenGateway) -> None:
    summary = gateway.authorize(request(card("5555555555554444"))).card
    assert summary == CardSummary("mastercard", "4444", 3, 2030, "555555", "debit", "US")


def test_authorise_then_partial_captures_and_refund(gateway: AdyenGateway, fake: FakeAdyen) -> None:
    auth = gateway.authorize(request(amount=1000, capture=False))
    assert fake.last("/payments")["additionalData"] == {"manualCapture": "true"}
    first = gateway.capture(auth.reference, usd(600), "pay_1:capture")
    second = gateway.capture(auth.reference, usd(400), "pay_1:capture2")
    refund = gateway.refund(auth.reference, usd(250), "rfd_1")
    assert len({auth.reference, first.reference, second.reference, refund.reference}) == 4
    payment = fake.payments[auth.reference]
    assert (payment.captured, payment.refunded) == (1000, 250)
    assert fake.last("/captures") == {"merchantAccount": adyen.MERCHANT, "reference": "pay_1:capture2",
                                      "amount": {"value": 400, "currency": "USD"}}
    assert fake.last("/refunds")["reference"] == "rfd_1"


def test_capture_beyond_authorised_is_refused(gateway: AdyenGateway) -> None:
    auth = gateway.authorize(request(amount=1000, capture=False))
    with pytest.raises(GatewayError) as info:
        gateway.capture(auth.reference, usd(1001), "pay_1:capture")
    assert info.value.retryable is False


def test_cancel(gateway: AdyenGateway, fake: FakeAdyen) -> None:
    auth = gateway.authorize(request(capture=False))
    void = gateway.void(auth.reference, "pay_1:void")
    assert void.reference != auth.reference
    assert fake.payments[auth.reference].cancelled
    assert fake.last("/cancels") == {"merchantAccount": adyen.MERCHANT, "reference": "pay_1:void"}


def test_modification_of_unknown_payment(gateway: AdyenGateway) -> None:
    with pytest.raises(GatewayError) as info:
        gateway.refund("NOSUCHPAYMENT000", usd(100), "rfd_1")
    assert type(info.value) is GatewayError and info.value.extra["gateway_code"] == "167"
    with pytest.raises(GatewayError):
        gateway.capture("", usd(100), "pay_1:capture")


def test_stored_card(gateway: AdyenGateway, fake: FakeAdyen) -> None:
    result = gateway.authorize(request(CardToken(TOKEN)))
    assert result.card is not None and result.card.last4 == "1111"
    sent = fake.last("/payments")
    assert sent["paymentMethod"] == {"type": "scheme", "storedPaymentMethodId": "8415718415172200"}
    assert sent["shopperReference"] == "shopper_1"


def test_unknown_stored_card_is_invalid_card(gateway: AdyenGateway) -> None:
    with pytest.raises(InvalidCard):
        gateway.authorize(request(CardToken("shopper_1:0000000000000000")))


def test_token_without_shopper_is_refused_before_sending(gateway: AdyenGateway, fake: FakeAdyen) -> None:
    with pytest.raises(InvalidCard):
        gateway.authorize(request(CardToken("8415718415172200")))
    assert fake.requests == []


def test_ach_is_received(gateway: AdyenGateway, fake: FakeAdyen) -> None:
    result = gateway.authorize(request(ach(), level3=level3()))
    assert result.card is None and result.reference in fake.payments
    sent = fake.last("/payments")
    assert sent["paymentMethod"] == {"type": "ach", "bankAccountNumber": "000123456789", "bankLocationId": "110000000",
                                     "bankAccountType": "checking"}
    assert "additionalData" not in sent  # Level 2/3 is card-scheme data


# --- refusals and failures -----------------------------------------------------------------------

def test_refused(gateway: AdyenGateway) -> None:
    with pytest.raises(Declined) as info:
        gateway.authorize(request(card("4000000000000002")))
    assert type(info.value) is Declined
    assert info.value.code == "card_declined" and info.value.retryable is False
    assert info.value.extra["gateway_code"] == "Refused"
    assert str(info.value.extra["gateway_reference"]).startswith("FAKE")


def test_expired_card_is_declined_with_reason(gateway: AdyenGateway) -> None:
    with pytest.raises(Declined) as info:
        gateway.authorize(request(card("4000000000000069")))
    assert info.value.extra["gateway_code"] == "Expired Card"


def test_ach_refused(gateway: AdyenGateway) -> None:
    with pytest.raises(BankAccountDeclined):
        gateway.authorize(request(ach(adyen.ACH_REFUSED)))


def test_invalid_card_number(gateway: AdyenGateway) -> None:
    with pytest.raises(InvalidCard) as info:
        gateway.authorize(request(card("4111111111111112")))  # fails Luhn: Adyen's 101
    assert info.value.extra["gateway_code"] == "101"


def test_unreachable_is_safe_to_retry() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with connect(f"http://127.0.0.1:{port}") as gw, pytest.raises(ProcessingError) as info:
        gw.authorize(request())
    assert info.value.retryable is True and "nothing was sent" in str(info.value)


def test_wrong_merchant_account(server: tuple[FakeAdyen, str]) -> None:
    with connect(server[1], merchant="SomeoneElse") as gw, pytest.raises(GatewayAuthFailed):
        gw.authorize(request())


def test_unreadable_success_is_ambiguous() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, text="<html>proxy</html>"))
    gw = AdyenGateway("k", "m", transport=transport)
    with pytest.raises(GatewayTimeout):
        gw.authorize(request())


# --- Level 2/3 -----------------------------------------------------------------------------------

def test_level3_is_sent(gateway: AdyenGateway, fake: FakeAdyen) -> None:
    gateway.authorize(request(level3=level3(), capture=False))
    data = fake.last("/payments")["additionalData"]
    assert data == {
        "manualCapture": "true",
        "enhancedSchemeData.customerReference": "PO-7781",
        "enhancedSchemeData.totalTaxAmount": "150",
        "enhancedSchemeData.itemDetailLine1.description": "Steel bolts M8 x 40, box",
        "enhancedSchemeData.itemDetailLine1.quantity": "3",
        "enhancedSchemeData.itemDetailLine1.unitPrice": "250",
        "enhancedSchemeData.itemDetailLine1.totalAmount": "800",
        "enhancedSchemeData.itemDetailLine1.discountAmount": "0",
        "enhancedSchemeData.itemDetailLine1.commodityCode": "31161500",
        "enhancedSchemeData.itemDetailLine2.description": "Delivery",
        "enhancedSchemeData.itemDetailLine2.quantity": "1",
        "enhancedSchemeData.itemDetailLine2.unitPrice": "200",
        "enhancedSchemeData.itemDetailLine2.totalAmount": "175",
        "enhancedSchemeData.itemDetailLine2.discountAmount": "25",
    }


# --- no card data in logs ------------------------------------------------------------------------

def test_card_number_never_logged(gateway: AdyenGateway, caplog: pytest.LogCaptureFixture,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, httpx and httpcore included
    errors: list[DomainError] = []
    gateway.authorize(request(card(VISA, cvc="9876")))
    for number, amount in (("4000000000000002", 1000), ("4000000000009995", 1000), (VISA, adyen.SERVER_ERROR_AMOUNT),
                           ("4111111111111112", 1000), (VISA, adyen.SLOW_AMOUNT)):
        with pytest.raises(DomainError) as info:
            gateway.authorize(request(card(number, cvc="9876"), amount=amount, key=f"pay_{number}_{amount}"))
        errors.append(info.value)
    out, err = capsys.readouterr()
    seen = caplog.text + out + err + "".join(f"{e} {e.extra}" for e in errors)
    assert "adyen.response" in caplog.text + out  # the connector does log: just not card data
    for secret in (VISA, "4000000000000002", "4000000000009995", "4111111111111112", "9876", adyen.API_KEY):
        assert secret not in seen


# --- pure parts ----------------------------------------------------------------------------------

def test_payment_request_for_card_never_shows_number_in_repr() -> None:
    body = wire.payment_request(request(card(VISA), capture=False), "Acct")
    assert body["paymentMethod"]["number"] == VISA
    assert VISA not in repr(card(VISA))


def test_payment_request_for_token() -> None:
    body = wire.payment_request(request(CardToken("cus:42:ABC123")), "Acct")
    assert body["shopperReference"] == "cus:42"  # the id is after the last colon
    assert body["paymentMethod"] == {"type": "scheme", "storedPaymentMethodId": "ABC123"}
    assert body["shopperInteraction"] == "ContAuth" and body["recurringProcessingModel"] == "UnscheduledCardOnFile"


def test_level3_prefers_po_then_customer_reference_and_truncates() -> None:
    base = level3()
    no_po = Level3Data(base.tax_amount, None, "INV-1", "CUSTREF-0123456789-0123456789", ())
    data = wire.level3_data(no_po)
    assert data == {"enhancedSchemeData.customerReference": "CUSTREF-0123456789-012345",
                    "enhancedSchemeData.totalTaxAmount": "150"}
    assert wire.level3_data(Level3Data(base.tax_amount, None, "INV-9", None, ()))[
        "enhancedSchemeData.customerReference"] == "INV-9"


@pytest.mark.parametrize(("data", "summary"), [
    ({"cardSummary": "1111", "expiryDate": "8/2030", "cardBin": "411111", "fundingSource": "CREDIT",
      "issuerCountry": "US", "paymentMethod": "visa"}, CardSummary("visa", "1111", 8, 2030, "411111", "credit", "US")),
    ({"cardSummary": "4444", "expiryDate": "12/2031", "paymentMethod": "mccredit",
      "fundingSource": "PREPAID_RELOADABLE", "issuerCountry": "unknown"},
     CardSummary("mastercard", "4444", 12, 2031, "", "prepaid", None)),
    ({"cardSummary": "0005", "expiryDate": "01/2029", "paymentMethod": "amex", "fundingSource": "debit"},
     CardSummary("amex", "0005", 1, 2029, "", "debit", None)),
    ({"cardSummary": "1234", "expiryDate": "soon"}, None),
    ({"expiryDate": "8/2030"}, None),
    ({}, None),
])
def test_card_summary(data: dict[str, Any], summary: CardSummary | None) -> None:
    assert wire.card_summary(data) == summary


def test_modification_result_needs_received() -> None:
    assert wire.modification_result({"status": "received", "pspReference": "P1"}).reference == "P1"
    with pytest.raises(GatewayError):
        wire.modification_result({"status": "failed", "pspReference": "P1"})
    with pytest.raises(GatewayError):
        wire.payment_result({"resultCode": "Authorised"})


def test_is_authorised() -> None:
    assert wire.is_authorised({"resultCode": "Authorised"}, card())
    assert not wire.is_authorised({"resultCode": "Received"}, card())
    assert wire.is_authorised({"resultCode": "Received"}, ach())


@pytest.mark.parametrize(("status", "body", "error", "retryable"), [
    (200, {"resultCode": "Refused", "refusalReason": "Refused", "refusalReasonCode": "2"}, Declined, False),
    (200, {"resultCode": "Refused", "refusalReason": "Not enough balance", "refusalReasonCode": "12"},
     InsufficientFunds, False),
    (200, {"resultCode": "Refused", "refusalReasonCode": "12"}, InsufficientFunds, False),
    (200, {"resultCode": "Refused", "refusalReason": "Blocked Card", "refusalReasonCode": "5"}, Declined, False),
    (200, {"resultCode": "Refused", "refusalReason": "CVC Declined", "refusalReasonCode": "24"}, Declined, False),
    (200, {"resultCode": "Refused", "refusalReason": "Acquirer Error", "refusalReasonCode": "4"},
     ProcessingError, True),
    (200, {"resultCode": "Refused", "refusalReason": "Issuer Unavailable", "refusalReasonCode": "9"},
     ProcessingError, True),
    (200, {"resultCode": "Error", "refusalReason": "Acquirer Error"}, ProcessingError, True),
    (200, {"resultCode": "Cancelled"}, Declined, False),
    (200, {"resultCode": "Pending"}, GatewayTimeout, True),
    (200, {"resultCode": "RedirectShopper"}, Declined, False),
    (200, {"resultCode": "Mystery"}, GatewayError, False),
    (401, {"status": 401, "errorCode": "000", "message": "Unauthorized", "errorType": "security"},
     GatewayAuthFailed, False),
    (403, {"status": 403, "errorCode": "010", "message": "Not allowed", "errorType": "security"},
     GatewayAuthFailed, False),
    (422, {"status": 422, "errorCode": "101", "message": "Invalid card number", "errorType": "validation"},
     InvalidCard, False),
    (422, {"status": 422, "errorCode": "800", "message": "Contract not found"}, InvalidCard, False),
    (422, {"status": 422, "errorCode": "704", "message": "request already processed or in progress"},
     ProcessingError, True),
    (422, {"status": 422, "errorCode": "137", "message": "Invalid amount specified"}, GatewayError, False),
    (400, {}, GatewayError, False),
    (429, {}, ProcessingError, True),
    (500, {"status": 500, "errorCode": "000", "errorType": "internal"}, ProcessingError, True),
    (503, {}, ProcessingError, True),
])
def test_error_mapping(status: int, body: dict[str, Any], error: type[DomainError], retryable: bool) -> None:
    mapped = to_error(status, body)
    assert type(mapped) is error
    assert getattr(mapped, "retryable", False) is retryable


def test_bank_refusal_but_not_bank_insufficient_funds() -> None:
    refused = {"resultCode": "Refused", "refusalReason": "Refused"}
    assert type(to_error(200, refused, bank_account=True)) is BankAccountDeclined
    nsf = {"resultCode": "Refused", "refusalReason": "Not enough balance"}
    assert type(to_error(200, nsf, bank_account=True)) is InsufficientFunds

