"""Pure conversions between PayHub's domain and Stripe's wire format (PaymentIntents API, form-encoded).

Requests are built as ordered (key, value) pairs in Stripe's bracket notation (`metadata[customer_po]`,
`expand[]`); answers are parsed from the decoded JSON. No I/O here.

Level 2/3: what is sent, exactly (`level3_form`):
- always, when the request carries Level 3 data: `payment_details[order_reference]` (our merchant reference, the
  invoice numbers), `payment_details[customer_reference]` (the customer's reference, else their PO number),
  `metadata[merchant_reference]` and `metadata[customer_po]`;
- the line items, `amount_details[line_items][i][product_name|quantity|unit_cost|discount_amount|tax]
  [total_tax_amount]|payment_method_options][card][commodity_code]]`, only when they add up to the amount
  charged. Stripe rejects (HTTP 400) line items whose arithmetic does not match the amount, so a partial
  payment of an invoice carries the references only. No `product_code` (PayHub has no SKUs), no shipping.
These are Stripe's payment line items, generally available from API version 2025-10-29.clover; the interchange
savings apply to US domestic commercial Visa/Mastercard/Amex cards on IC+ pricing only.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from payhub.domain.errors import (
    Declined,
    GatewayError,
    GatewayTimeout,
    InvalidAmount,
    InvalidRequest,
)
from payhub.domain.level3 import Level3Data
from payhub.domain.methods import BankAccount, Card, CardSummary, CardToken, PaymentMethod
from payhub.domain.money import Money, exponent
from payhub.ports import AuthorizeRequest, GatewayResult, Settlement

Form = list[tuple[str, str]]
Json = Mapping[str, Any]

MAX_LINE_ITEMS = 100  # Stripe's documented limit for card L2/L3 data


def encode(form: Form) -> bytes:
    return urlencode(form).encode("ascii")


# --- amounts -------------------------------------------------------------------------------------

def stripe_amount(money: Money) -> str:
    """Minor units as Stripe counts them: as PayHub does, except ISK, which Stripe keeps two-decimal for
    backwards compatibility (100 = 1 króna), and three-decimal currencies, whose last digit must be 0."""
    if money.currency == "ISK":
        return str(money.amount * 100)
    if exponent(money.currency) == 3 and money.amount % 10:
        raise InvalidAmount(f"Stripe only accepts {money.currency} amounts in multiples of 0.010", field="amount")
    return str(money.amount)


def stripe_currency(money: Money) -> str:
    return money.currency.lower()


# --- requests ------------------------------------------------------------------------------------

def payment_method_id(method: PaymentMethod) -> str | None:
    """The PaymentMethod to charge when the method already is one (pm_…); None when one must be created first.
    Refuses what Stripe cannot take here, before anything is sent."""
    if isinstance(method, CardToken):
        if method.token.startswith("pm_"):
            return method.token
        if method.token.startswith("tok_"):
            return None
        raise InvalidRequest("Stripe card tokens start with pm_ or tok_", field="payment_method.token")
    if isinstance(method, Card):
        return None
    if isinstance(method, BankAccount):
        # A us_bank_account PaymentIntent needs a mandate and account verification (micro-deposits or Financial
        # Connections) before it can be confirmed, and cannot be captured manually: not a one-call authorize.
        raise InvalidRequest("ACH debits are not supported by the Stripe connector", field="payment_method")
    raise InvalidRequest("Unsupported payment method", field="payment_method")


def payment_method_form(method: PaymentMethod) -> Form:
    """POST /v1/payment_methods. Stripe documents no `card` hash in a PaymentIntent's payment_method_data, so a
    token or a card number becomes a PaymentMethod first, as Stripe's API reference describes."""
    if isinstance(method, CardToken):
        return [("type", "card"), ("card[token]", method.token)]
    if not isinstance(method, Card):
        raise InvalidRequest("Only cards become Stripe PaymentMethods here", field="payment_method")
    # Raw numbers need Stripe's "raw card data APIs" permission on the account (test keys included).
    form = [("type", "card"), ("card[number]", method.number), ("card[exp_month]", str(method.exp_month)),
            ("card[exp_year]", str(method.exp_year))]
    if method.cvc is not None:
        form.append(("card[cvc]", method.cvc))
    return form


def authorize_form(request: AuthorizeRequest) -> Form:
    """POST /v1/payment_intents: create and confirm in one call, cards only. The caller appends
    `payment_method`; everything Stripe would refuse is refused here, before anything is sent."""
    payment_method_id(request.method)  # refuses ACH and foreign tokens
    form: Form = [
        ("amount", stripe_amount(request.amount)),
        ("currency", stripe_currency(request.amount)),
        ("confirm", "true"),
        ("capture_method", "automatic" if request.capture else "manual"),
        ("payment_method_types[]", "card"),  # explicit types: no redirect-based method, so no return_url needed
        ("error_on_requires_action", "true"),  # PayHub is headless: fail rather than wait for 3-D Secure
        ("expand[]", "latest_charge"),  # the charge carries the card's brand, funding and country
    ]
    if request.description:
        form.append(("description", request.description))
    form.append(("metadata[payhub_key]", request.idempotency_key))  # lets recovery find the intent again
    if request.level3 is not None:
        form += level3_form(request.level3, request.amount)
    return form


def level3_form(level3: Level3Data, amount: Money) -> Form:
    form: Form = []
    if level3.merchant_reference:
        form.append(("payment_details[order_reference]", level3.merchant_reference[:25]))
        form.append(("metadata[merchant_reference]", level3.merchant_reference))
    customer_reference = level3.customer_reference or level3.customer_po
    if customer_reference:
        form.append(("payment_details[customer_reference]", customer_reference[:25]))
    if level3.customer_po:
        form.append(("metadata[customer_po]", level3.customer_po))
    if level3.merchant_reference and lines_add_up(level3, amount):
        for i, line in enumerate(level3.lines):
            key = f"amount_details[line_items][{i}]"
            form += [(f"{key}[product_name]", line.description or "Item"),
                     (f"{key}[quantity]", str(line.quantity)),
                     (f"{key}[unit_cost]", stripe_amount(line.unit_cost))]
            if line.discount.is_positive:  # Stripe wants a discount greater than 0, or none
                form.append((f"{key}[discount_amount]", stripe_amount(line.discount)))
            form += [(f"{key}[tax][total_tax_amount]", stripe_amount(line.tax)),
                     (f"{key}[payment_method_options][card][commodity_code]", line.commodity_code)]
    return form


def lines_add_up(level3: Level3Data, amount: Money) -> bool:
    """Stripe's arithmetic check: Σ(unit_cost × quantity − discount + tax) must equal the amount charged."""
    lines = level3.lines
    if not lines or len(lines) > MAX_LINE_ITEMS:
        return False
    for line in lines:
        if line.quantity <= 0 or any(m.currency != amount.currency or m.amount < 0
                                     for m in (line.unit_cost, line.discount, line.tax)):
            return False
    lines_total = sum(l.unit_cost.amount * l.quantity - l.discount.amount + l.tax.amount for l in lines)
    return lines_total == amount.amount and sum(l.tax.amount for l in lines) == level3.tax_amount.amount


def capture_form(amount: Money) -> Form:
    return [("amount_to_capture", stripe_amount(amount))]


def refund_form(reference: str, amount: Money) -> Form:
    return [("payment_intent", reference), ("amount", stripe_amount(amount))]


# --- answers -------------------------------------------------------------------------------------

def authorized(intent: Json, request: AuthorizeRequest) -> GatewayResult:
    status = intent["status"]
    if status == ("succeeded" if request.capture else "requires_capture"):
        known_bin = request.method.number[:6] if isinstance(request.method, Card) else ""
        return GatewayResult(intent["id"], card_summary(intent.get("latest_charge"), known_bin))
    if status == "processing":  # the charge may yet succeed: neither approved nor declined
        raise GatewayTimeout(f"Stripe is still processing {intent['id']}; the outcome is unknown",
                             gateway_reference=intent["id"])
    raise Declined(f"Stripe left the payment {status}", gateway_code=status, gateway_reference=intent["id"])


def found(search: Json) -> GatewayResult | None:
    """The answer to a search for an intent by its PayHub key: a live authorization, or None if none exists."""
    for intent in search.get("data") or []:
        if intent.get("status") in ("succeeded", "requires_capture"):
            return GatewayResult(intent["id"], card_summary(intent.get("latest_charge")))
        if intent.get("status") == "processing":
            raise GatewayTimeout(f"Stripe is still processing {intent['id']}", gateway_reference=intent["id"])
    return None


def card_summary(charge: object, known_bin: str = "") -> CardSummary | None:
    """From the charge's payment_method_details.card; None when the charge was not expanded."""
    if not isinstance(charge, Mapping):
        return None
    card = (charge.get("payment_method_details") or {}).get("card")
    if not isinstance(card, Mapping) or not all(isinstance(card.get(k), int) for k in ("exp_month", "exp_year")):
        return None
    return CardSummary(brand=card.get("brand") or "unknown", last4=card.get("last4") or "",
                       exp_month=card["exp_month"], exp_year=card["exp_year"], bin=known_bin,
                       funding=card.get("funding") or "unknown", country=card.get("country"))


def captured(intent: Json) -> GatewayResult:
    return GatewayResult(_expect(intent, "succeeded"))


def voided(intent: Json) -> GatewayResult:
    return GatewayResult(_expect(intent, "canceled"))


def refunded(refund: Json) -> GatewayResult:
    # pending and requires_action refunds complete later; failure is then reported by webhook, not here
    if refund["status"] in ("failed", "canceled"):
        raise GatewayError(f"Stripe refund {refund['id']} {refund['status']}", gateway_reference=refund["id"],
                           gateway_code=refund.get("failure_reason") or refund["status"])
    return GatewayResult(refund["id"])


def settlement(intent: Json) -> Settlement:
    """Settled once the charge's balance transaction is available (funds in the Stripe balance)."""
    charge = intent.get("latest_charge")
    txn = charge.get("balance_transaction") if isinstance(charge, Mapping) else None
    if intent["status"] != "succeeded" or not isinstance(txn, Mapping) or txn.get("status") != "available":
        return Settlement(False)
    available_on = txn.get("available_on")
    return Settlement(True, datetime.fromtimestamp(available_on, UTC) if isinstance(available_on, int) else None)


def _expect(intent: Json, status: str) -> str:
    if intent["status"] != status:
        raise GatewayError(f"Stripe left {intent['id']} {intent['status']}, expected {status}",
                           gateway_code=intent["status"], gateway_reference=intent["id"])
    return str(intent["id"])
