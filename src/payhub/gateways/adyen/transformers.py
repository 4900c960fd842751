"""Pure conversions between PayHub's domain types and Adyen Checkout API (v71) JSON. No I/O.

Amounts are integer minor units on both sides ({"value": 1000, "currency": "USD"} is USD 10.00);
Level 2/3 amounts go in `additionalData` as strings of minor units, as Adyen's docs ask."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from payhub.domain.errors import GatewayError, InvalidCard
from payhub.domain.level3 import Level3Data
from payhub.domain.methods import BankAccount, Card, CardSummary, CardToken, PaymentMethod
from payhub.domain.money import Money
from payhub.ports import AuthorizeRequest, GatewayResult

# Adyen's paymentMethod variant → PayHub's brand, by prefix ("mc", "mccredit", "visadebit" ...)
BRANDS = (("mc", "mastercard"), ("visa", "visa"), ("amex", "amex"), ("discover", "discover"), ("jcb", "jcb"),
          ("diners", "diners"))
FUNDING = {"CREDIT": "credit", "DEBIT": "debit", "PREPAID": "prepaid", "PREPAID_RELOADABLE": "prepaid",
           "PREPAID_NONRELOADABLE": "prepaid"}  # others (CHARGE, DEFFERED_DEBIT) stay "unknown"
ESD = "enhancedSchemeData"


def amount(money: Money) -> dict[str, Any]:
    return {"value": money.amount, "currency": money.currency}


def payment_method(method: PaymentMethod) -> dict[str, Any]:
    """The `paymentMethod` object. Raw card numbers are for Adyen's test environment and PCI-certified
    accounts; everyone else sends tokens."""
    if isinstance(method, Card):
        card = {"type": "scheme", "number": method.number, "expiryMonth": f"{method.exp_month:02d}",
                "expiryYear": str(method.exp_year)}
        if method.cvc is not None:
            card["cvc"] = method.cvc
        return card
    if isinstance(method, CardToken):
        return {"type": "scheme", "storedPaymentMethodId": split_token(method.token)[1]}
    if isinstance(method, BankAccount):
        return {"type": "ach", "bankAccountNumber": method.account_number, "bankLocationId": method.routing_number,
                "bankAccountType": method.account_type}
    raise InvalidCard("Unsupported payment method")


def split_token(token: str) -> tuple[str, str]:
    """An Adyen stored card belongs to a shopper: PayHub keeps it as '<shopperReference>:<storedPaymentMethodId>'."""
    shopper, _, stored_id = token.rpartition(":")
    if not shopper or not stored_id:
        raise InvalidCard("Adyen card tokens are '<shopperReference>:<storedPaymentMethodId>'",
                          field="payment_method.token")
    return shopper, stored_id


def level3_data(level3: Level3Data) -> dict[str, str]:
    """Level 2/3 fields as Adyen `additionalData` keys (itemDetailLine numbering starts at 1)."""
    reference = level3.customer_po or level3.customer_reference or level3.merchant_reference
    data = {f"{ESD}.customerReference": reference[:25], f"{ESD}.totalTaxAmount": str(level3.tax_amount.amount)}
    for n, line in enumerate(level3.lines, start=1):
        prefix = f"{ESD}.itemDetailLine{n}"
        data[f"{prefix}.description"] = line.description[:26]
        data[f"{prefix}.quantity"] = str(line.quantity)
        data[f"{prefix}.unitPrice"] = str(line.unit_cost.amount)
        data[f"{prefix}.totalAmount"] = str(line.total.amount)
        data[f"{prefix}.discountAmount"] = str(line.discount.amount)
        if line.commodity_code.strip("0"):  # Adyen refuses an all-zero code; "not classified" is left out
            data[f"{prefix}.commodityCode"] = line.commodity_code[:12]
    return data


def payment_request(request: AuthorizeRequest, merchant_account: str) -> dict[str, Any]:
    """The POST /payments body. Our idempotency key (the payment id) is also Adyen's merchant `reference`."""
    method = request.method
    body: dict[str, Any] = {"amount": amount(request.amount), "reference": request.idempotency_key,
                            "merchantAccount": merchant_account, "paymentMethod": payment_method(method)}
    additional: dict[str, str] = {}
    if request.capture:
        body["captureDelayHours"] = 0  # capture now, whatever the account's default capture delay
    else:
        additional["manualCapture"] = "true"
    if isinstance(method, CardToken):
        body["shopperReference"] = split_token(method.token)[0]
        # A merchant-initiated charge of a card on file, as an accounts-receivable hub makes.
        body["shopperInteraction"] = "ContAuth"
        body["recurringProcessingModel"] = "UnscheduledCardOnFile"
    if request.level3 is not None and not isinstance(method, BankAccount):  # card schemes only
        additional.update(level3_data(request.level3))
    if additional:
        body["additionalData"] = additional
    return body


def modification_request(merchant_account: str, reference: str, money: Money | None = None) -> dict[str, Any]:
    """The body of a capture, cancel or refund."""
    body: dict[str, Any] = {"merchantAccount": merchant_account, "reference": reference}
    if money is not None:
        body["amount"] = amount(money)
    return body


def is_authorised(body: Mapping[str, Any], method: PaymentMethod) -> bool:
    """Authorised is a success; ACH debits are only ever Received at first (returns come later, by webhook)."""
    result = body.get("resultCode")
    return result == "Authorised" or (isinstance(method, BankAccount) and result in ("Received", "Pending"))


def payment_result(body: Mapping[str, Any]) -> GatewayResult:
    return GatewayResult(_psp_reference(body), card_summary(body.get("additionalData") or {}))


def modification_result(body: Mapping[str, Any]) -> GatewayResult:
    """Adyen only acknowledges a modification ("received"); its outcome arrives later by webhook."""
    if body.get("status") != "received":
        raise GatewayError(f"Unexpected Adyen modification status {body.get('status')!r}")
    return GatewayResult(_psp_reference(body))


def card_summary(data: Mapping[str, Any]) -> CardSummary | None:
    """From the response's additionalData (cardSummary, expiryDate "8/2030", cardBin, fundingSource,
    issuerCountry, paymentMethod); None when Adyen did not return the card's last4 and expiry."""
    last4, expiry = data.get("cardSummary"), data.get("expiryDate")
    if not isinstance(last4, str) or not isinstance(expiry, str):
        return None
    try:
        month, year = (int(part) for part in expiry.split("/"))
    except ValueError:
        return None
    variant = str(data.get("paymentMethod") or "")
    brand = next((name for prefix, name in BRANDS if variant.startswith(prefix)), variant or "unknown")
    country = data.get("issuerCountry")
    return CardSummary(brand=brand, last4=last4, exp_month=month, exp_year=year,
                       bin=str(data.get("cardBin") or ""),
                       funding=FUNDING.get(str(data.get("fundingSource") or "").upper(), "unknown"),
                       country=country if isinstance(country, str) and len(country) == 2 else None)


def _psp_reference(body: Mapping[str, Any]) -> str:
    reference = body.get("pspReference")
    if not isinstance(reference, str) or not reference:
        raise GatewayError("Adyen's answer has no pspReference")
    return reference
