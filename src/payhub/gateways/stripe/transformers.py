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

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from payhub.domain.disputes import DisputeNotice, DisputeStatus, Evidence, EvidenceFile
from payhub.domain.errors import (
    Declined,
    EvidenceInvalid,
    GatewayError,
    GatewayTimeout,
    InvalidAmount,
    InvalidRequest,
    NotificationInvalid,
)
from payhub.domain.level3 import Level3Data
from payhub.domain.methods import BankAccount, Card, CardSummary, CardToken, PaymentMethod
from payhub.domain.money import Money, exponent
from payhub.domain.settlement import LineType, SettlementLine
from payhub.gateways import events, reports
from payhub.ports import (
    AuthorizationNotice,
    AuthorizeRequest,
    GatewayResult,
    Notification,
    PayoutNotice,
    Settlement,
)

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


def payhub_amount(value: int, currency: str) -> int:
    """Stripe's minor units back to PayHub's (the reverse of `stripe_amount`: ISK is two-decimal at Stripe)."""
    return value // 100 if currency == "ISK" else value


# --- notifications (webhook events) -----------------------------------------------------------------

DISPUTE_EVENTS = frozenset({"charge.dispute.created", "charge.dispute.updated", "charge.dispute.closed",
                            "charge.dispute.funds_withdrawn", "charge.dispute.funds_reinstated"})
AUTHORIZATION_EVENTS = {"payment_intent.succeeded": True, "payment_intent.payment_failed": False}
PAYOUT_EVENTS = frozenset({"payout.paid", "payout.failed"})
DISPUTE_STATUSES = {status.value: status for status in (
    DisputeStatus.WARNING_NEEDS_RESPONSE, DisputeStatus.WARNING_UNDER_REVIEW, DisputeStatus.WARNING_CLOSED,
    DisputeStatus.NEEDS_RESPONSE, DisputeStatus.UNDER_REVIEW, DisputeStatus.WON, DisputeStatus.LOST)}


def notification(event: Json) -> Notification:
    """A verified Stripe event (`{"id", "type", "created", "data": {"object": …}}`), normalized. Event types
    PayHub has no use for become a Notification without a notice."""
    event_id, kind = events.text(event, "id", "event."), events.text(event, "type", "event.")
    occurred_at = events.unix_time(event, "created", "event.")
    if kind not in DISPUTE_EVENTS | AUTHORIZATION_EVENTS.keys() | PAYOUT_EVENTS:
        return Notification(event_id, kind, occurred_at)
    data = events.obj(events.obj(event, "data", "event."), "object", "event.data.")
    if kind in DISPUTE_EVENTS:
        return Notification(event_id, kind, occurred_at, dispute=dispute_notice(data))
    if kind in PAYOUT_EVENTS:
        return Notification(event_id, kind, occurred_at, payout=payout_notice(data))
    return Notification(event_id, kind, occurred_at,
                        authorization=authorization_notice(data, AUTHORIZATION_EVENTS[kind]))


def dispute_notice(dispute: Json) -> DisputeNotice:
    """A Dispute object. The disputed payment is named by its PaymentIntent, the id PayHub keeps as the payment's
    gateway reference; a dispute of a charge made without one (payment_intent null) is named by the charge."""
    where = "dispute."
    raw = events.text(dispute, "status", where)
    if raw not in DISPUTE_STATUSES:
        raise NotificationInvalid(f"Unknown Stripe dispute status {raw!r}")
    currency = events.currency(events.text(dispute, "currency", where), "dispute.currency")
    details = dispute.get("evidence_details")
    due = events.optional_unix_time(details, "due_by", "dispute.evidence_details.") \
        if isinstance(details, Mapping) else None
    payment = _id_of(dispute.get("payment_intent")) or _id_of(dispute.get("charge"))
    if payment is None:
        raise NotificationInvalid("dispute.payment_intent and dispute.charge are both missing")
    return DisputeNotice(
        dispute_reference=events.text(dispute, "id", where), gateway_reference=payment,
        status=DISPUTE_STATUSES[raw], raw_status=raw,
        amount=payhub_amount(events.integer(dispute, "amount", where), currency), currency=currency,
        reason_code=events.optional_text(dispute, "network_reason_code"),
        reason=events.optional_text(dispute, "reason") or "", evidence_due_by=due)


def authorization_notice(intent: Json, succeeded: bool) -> AuthorizationNotice:
    """A PaymentIntent. The merchant reference is PayHub's key (metadata.payhub_key, the payment's id), which is
    what PayHub knows of an authorization whose answer it never got."""
    where = "payment_intent."
    currency = events.currency(events.text(intent, "currency", where), "payment_intent.currency")
    amount = events.integer(intent, "amount_received" if succeeded and intent.get("amount_received") else "amount",
                            where)
    metadata = intent.get("metadata")
    if not isinstance(metadata, Mapping):
        metadata = {}
    error = intent.get("last_payment_error")
    failure = None
    if not succeeded:
        failure = "payment_failed"
        if isinstance(error, Mapping):
            failure = events.optional_text(error, "decline_code") or events.optional_text(error, "code") or failure
    return AuthorizationNotice(
        gateway_reference=events.text(intent, "id", where), succeeded=succeeded,
        amount=payhub_amount(amount, currency), currency=currency,
        merchant_reference=events.optional_text(metadata, "payhub_key")
        or events.optional_text(metadata, "merchant_reference"),
        failure_code=failure)


def payout_notice(payout: Json) -> PayoutNotice:
    where = "payout."
    currency = events.currency(events.text(payout, "currency", where), "payout.currency")
    return PayoutNotice(payout_reference=events.text(payout, "id", where), status=events.text(payout, "status", where),
                        amount=payhub_amount(events.integer(payout, "amount", where), currency), currency=currency,
                        arrival_at=events.optional_unix_time(payout, "arrival_date", where))


def _id_of(value: object) -> str | None:
    """An expandable field: an id, or the expanded object's id."""
    if isinstance(value, str) and value:
        return value
    if isinstance(value, Mapping) and isinstance(value.get("id"), str) and value["id"]:
        return str(value["id"])
    return None


# --- dispute evidence ------------------------------------------------------------------------------------

DISPUTE_ID = re.compile(r"(du|dp)_[A-Za-z0-9_]+")
# Stripe's evidence fields that take a File id (purpose dispute_evidence); the others take text.
FILE_FIELDS = frozenset({"cancellation_policy", "customer_communication", "customer_signature",
                         "duplicate_charge_documentation", "receipt", "refund_policy", "service_documentation",
                         "shipping_documentation", "uncategorized_file"})
TEXT_FIELDS = frozenset({"access_activity_log", "billing_address", "cancellation_policy_disclosure",
                         "cancellation_rebuttal", "customer_email_address", "customer_name", "customer_purchase_ip",
                         "duplicate_charge_explanation", "duplicate_charge_id", "product_description",
                         "refund_policy_disclosure", "refund_refusal_explanation", "service_date",
                         "shipping_address", "shipping_carrier", "shipping_date", "shipping_tracking_number",
                         "uncategorized_text"})


def evidence_files(evidence: Evidence) -> list[EvidenceFile]:
    """The files to upload, each backing one of Stripe's file fields (one file per field, as Stripe holds)."""
    seen: set[str] = set()
    for file in evidence.files:
        if file.purpose not in FILE_FIELDS:
            raise EvidenceInvalid(f"Stripe has no evidence file field {file.purpose!r}", field="files.purpose")
        if file.purpose in seen:
            raise EvidenceInvalid(f"Stripe takes one file for {file.purpose}", field="files.purpose")
        seen.add(file.purpose)
    return list(evidence.files)


def evidence_form(evidence: Evidence, file_ids: Mapping[str, str]) -> Form:
    """POST /v1/disputes/{id}: the text fields, the uploaded files' ids, and submit=true. Text given for a field
    Stripe fills with a file (PayHub's `receipt`, `refund_policy`…) goes into uncategorized_text, labelled."""
    form: Form = []
    extra_text: list[str] = []
    for name, value in evidence.fields.items():
        if name in TEXT_FIELDS and name != "uncategorized_text":
            form.append((f"evidence[{name}]", value))
        elif name in FILE_FIELDS:
            extra_text.append(f"{name.replace('_', ' ').capitalize()}: {value}")
        elif name != "uncategorized_text":
            raise EvidenceInvalid(f"Stripe has no evidence field {name!r}", field=f"fields.{name}")
    if evidence.fields.get("uncategorized_text"):
        extra_text.insert(0, evidence.fields["uncategorized_text"])
    if extra_text:
        form.append(("evidence[uncategorized_text]", "\n\n".join(extra_text)))
    form += [(f"evidence[{purpose}]", file_id) for purpose, file_id in file_ids.items()]
    form.append(("submit", "true"))
    return form


# --- settlement reports ------------------------------------------------------------------------------------

# Reporting categories (Stripe's "Reporting categories" reference) → PayHub's line types. A payout's money
# leaves the balance for the bank; the others are money movements in the batch.
CATEGORIES: dict[str, LineType] = {
    "charge": LineType.PAYMENT, "refund": LineType.REFUND, "refund_failure": LineType.REFUND,
    "dispute": LineType.CHARGEBACK, "dispute_reversal": LineType.CHARGEBACK_REVERSAL,
    "fee": LineType.FEE, "network_cost": LineType.FEE, "tax": LineType.FEE,
    "payout": LineType.PAYOUT, "payout_reversal": LineType.PAYOUT,
    **{category: LineType.ADJUSTMENT for category in (
        "other_adjustment", "partial_capture_reversal", "charge_failure", "transfer", "transfer_reversal",
        "topup", "topup_reversal", "connect_reserved_funds", "risk_reserved_funds", "platform_earning",
        "platform_earning_refund", "contribution", "advance", "advance_funding", "anticipation_repayment",
        "unreconciled_customer_funds", "climate_order_purchase", "climate_order_refund")},
}
REPORT_COLUMNS = ("balance_transaction_id", "created_utc", "currency", "gross", "fee", "net", "reporting_category")
PAYOUT_COLUMN = "automatic_payout_id"


def settlement_line(row: reports.Row, payouts: bool) -> SettlementLine:
    """One row of the Payout reconciliation itemized report (`payouts`: batch = automatic_payout_id) or of the
    Balance change from activity itemized report (no payouts: batch = `balance_<UTC day of created_utc>`, a day's
    activity). Amounts are major-unit decimals, currency lower-case."""
    category = row.required("reporting_category")
    if category not in CATEGORIES:
        raise row.fail(f"reporting_category {category!r} is not a known Stripe reporting category")
    kind = CATEGORIES[category]
    currency = reports.currency(row, "currency")
    gross, fee, net = (reports.major_amount(row, column, currency) for column in ("gross", "fee", "net"))
    if gross - fee != net:
        raise row.fail(f"gross {gross} - fee {fee} is not net {net}")
    occurred_at = reports.timestamp(row, "created_utc")
    if kind is LineType.PAYOUT:  # the payout line states what reached the bank: positive
        gross, fee, net = -gross, 0, -net
    batch = row.required(PAYOUT_COLUMN) if payouts else f"balance_{occurred_at.date().isoformat()}"
    reference = row.text("payment_intent_id") or row.text("charge_id") or None
    return SettlementLine(
        line_no=row.line, batch_ref=batch, type=kind, currency=currency, gross=gross, fee=fee, net=net,
        occurred_at=occurred_at,
        gateway_reference=reference if kind is not LineType.PAYOUT else None,
        merchant_reference=row.text("payment_metadata[payhub_key]") or row.text("payment_metadata[merchant_reference]")
        or None,
        provider_type=category, description=row.text("description"),
        dispute_reference=row.text("source_id") or None if kind in (LineType.CHARGEBACK,
                                                                    LineType.CHARGEBACK_REVERSAL) else None,
        reason_code=row.text("dispute_reason") or None if kind is LineType.CHARGEBACK else None)
