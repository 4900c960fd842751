"""Pure conversions between PayHub's domain types and Adyen Checkout API (v71) JSON. No I/O.

Amounts are integer minor units on both sides ({"value": 1000, "currency": "USD"} is USD 10.00);
Level 2/3 amounts go in `additionalData` as strings of minor units, as Adyen's docs ask."""

from __future__ import annotations

import base64
import hashlib
import textwrap
from collections.abc import Mapping
from typing import Any

from payhub.domain.disputes import WARNINGS, DisputeNotice, DisputeStatus, Evidence
from payhub.domain.errors import EvidenceInvalid, GatewayError, InvalidCard
from payhub.domain.level3 import Level3Data
from payhub.domain.methods import BankAccount, Card, CardSummary, CardToken, PaymentMethod
from payhub.domain.money import Money
from payhub.domain.settlement import TRANSACTION_TYPES, LineType, SettlementLine
from payhub.gateways import events, reports
from payhub.gateways.events import Json
from payhub.ports import AuthorizationNotice, AuthorizeRequest, GatewayResult, Notification

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


# --- notifications (standard webhooks) -------------------------------------------------------------------

DISPUTE_EVENTS: dict[str, DisputeStatus] = {  # eventCode → status, unless disputeStatus says the dispute is decided
    "REQUEST_FOR_INFORMATION": DisputeStatus.WARNING_NEEDS_RESPONSE,  # an inquiry: no money moved
    # A chargeback announced but not yet debited: no money moved yet, so a warning until CHARGEBACK.
    "NOTIFICATION_OF_CHARGEBACK": DisputeStatus.WARNING_NEEDS_RESPONSE,
    "INFORMATION_SUPPLIED": DisputeStatus.WARNING_UNDER_REVIEW,
    "CHARGEBACK": DisputeStatus.NEEDS_RESPONSE,
    "DISPUTE_OPENED_WITH_CHARGEBACK": DisputeStatus.NEEDS_RESPONSE,
    "CHARGEBACK_REVERSED": DisputeStatus.WON,  # the money came back
    "ISSUER_RESPONSE_TIMEFRAME_EXPIRED": DisputeStatus.WON,
    "PREARBITRATION_WON": DisputeStatus.WON,
    "SECOND_CHARGEBACK": DisputeStatus.LOST,  # the money is taken again, for good
    "PREARBITRATION_LOST": DisputeStatus.LOST,
    "DISPUTE_DEFENSE_PERIOD_ENDED": DisputeStatus.LOST,  # not defended in time
}
# additionalData.disputeStatus, where it settles the outcome of a chargeback (Undefended/Pending leave the event's)
DECIDED = {"Won": DisputeStatus.WON, "Lost": DisputeStatus.LOST, "Accepted": DisputeStatus.ACCEPTED,
           "Expired": DisputeStatus.LOST}
UNDER_REVIEW_STATUSES = {"Pending", "Responded"}


def notification_item(item: Json) -> Notification:
    """One NotificationRequestItem, verified, normalized. Dispute events name the dispute by pspReference and the
    disputed payment by originalReference (Adyen's dispute webhooks documentation)."""
    code = events.text(item, "eventCode", "NotificationRequestItem.")
    occurred_at = events.iso_time(events.text(item, "eventDate", "NotificationRequestItem."), "eventDate")
    event_id = notification_id(item)
    if code in DISPUTE_EVENTS:
        return Notification(event_id, code, occurred_at, dispute=dispute_notice(item, code))
    if code == "AUTHORISATION":
        return Notification(event_id, code, occurred_at, authorization=authorization_notice(item))
    # REPORT_AVAILABLE (the settlement details report is ready: its URL is in `reason`) and the rest: recorded
    # only. Adyen sends no webhook for a merchant payout with its amount, so there is no PayoutNotice here.
    return Notification(event_id, code, occurred_at)


def notification_id(item: Json) -> str:
    """Adyen's events have no id: a stable one from what identifies an event (Adyen resends an unacknowledged
    item unchanged), so PayHub's once-per-event-id store drops a redelivery."""
    parts = [str(item.get(key) or "") for key in ("eventCode", "pspReference", "originalReference", "success",
                                                  "eventDate")]
    return "adyen_" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def dispute_notice(item: Json, code: str) -> DisputeNotice:
    where = "NotificationRequestItem."
    data = item.get("additionalData")
    if not isinstance(data, Mapping):
        data = {}
    status = DISPUTE_EVENTS[code]
    raw = events.optional_text(data, "disputeStatus") or ""
    if status not in WARNINGS and raw in DECIDED:
        status = DECIDED[raw]
    elif status is DisputeStatus.NEEDS_RESPONSE and raw in UNDER_REVIEW_STATUSES:
        status = DisputeStatus.UNDER_REVIEW
    value, currency = _amount(item)
    ends = events.optional_text(data, "defensePeriodEndsAt")
    return DisputeNotice(
        dispute_reference=events.text(item, "pspReference", where),
        gateway_reference=events.text(item, "originalReference", where),
        status=status, raw_status=f"{code}:{raw}" if raw else code, amount=abs(value), currency=currency,
        reason_code=events.optional_text(data, "chargebackReasonCode"),
        reason=events.optional_text(item, "reason") or "",
        evidence_due_by=events.iso_time(ends, "defensePeriodEndsAt") if ends else None)


def authorization_notice(item: Json) -> AuthorizationNotice:
    value, currency = _amount(item)
    succeeded = item.get("success") == "true"
    return AuthorizationNotice(
        gateway_reference=events.text(item, "pspReference", "NotificationRequestItem."), succeeded=succeeded,
        amount=value, currency=currency, merchant_reference=events.optional_text(item, "merchantReference"),
        failure_code=None if succeeded else events.optional_text(item, "reason") or "refused")


def _amount(item: Json) -> tuple[int, str]:
    amount = events.obj(item, "amount", "NotificationRequestItem.")
    return (events.integer(amount, "value", "NotificationRequestItem.amount."),
            events.currency(events.text(amount, "currency", "NotificationRequestItem.amount."), "amount.currency"))


# --- dispute defense (Disputes API v30) --------------------------------------------------------------------

DEFAULT_DEFENSE_REASON = "SupplyDefenseMaterial"  # the generic defense every scheme takes with DefenseMaterial
DOCUMENT_TYPES = {"receipt": "TIDorInvoice"}  # evidence purpose → defenseDocumentTypeCode; others DefenseMaterial
DOCUMENT_CONTENT_TYPES = frozenset({"application/pdf", "image/jpeg", "image/tiff"})


def defense_documents(evidence: Evidence) -> list[dict[str, str]]:
    """The documents of supplyDefenseDocument. Adyen takes documents only: the text fields become one PDF (a
    statement, DefenseMaterial) after the files."""
    documents = []
    for file in evidence.files:
        if file.content_type not in DOCUMENT_CONTENT_TYPES:
            raise EvidenceInvalid(f"Adyen takes PDF, JPEG or TIFF defense documents, not {file.content_type}",
                                  field="files.content_type")
        documents.append(_document(file.content, file.content_type,
                                   DOCUMENT_TYPES.get(file.purpose, "DefenseMaterial")))
    if evidence.fields:
        lines = [f"{name.replace('_', ' ').capitalize()}: {value}" for name, value in evidence.fields.items()]
        documents.append(_document(text_pdf(["Merchant statement", "", *lines]), "application/pdf",
                                   "DefenseMaterial"))
    if not documents:
        raise EvidenceInvalid("No evidence to submit", field="evidence")
    return documents


def supply_request(merchant_account: str, dispute: str, evidence: Evidence) -> dict[str, Any]:
    return {"defenseDocuments": defense_documents(evidence), "disputePspReference": dispute,
            "merchantAccountCode": merchant_account}


def defend_request(merchant_account: str, dispute: str, reason_code: str) -> dict[str, Any]:
    return {"defenseReasonCode": reason_code, "disputePspReference": dispute, "merchantAccountCode": merchant_account}


def dispute_service_ok(body: Mapping[str, Any]) -> tuple[bool, str]:
    """(success, errorMessage) of a Disputes API answer's disputeServiceResult."""
    result = body.get("disputeServiceResult")
    if not isinstance(result, Mapping):
        return False, "no disputeServiceResult in Adyen's answer"
    return result.get("success") is True, str(result.get("errorMessage") or "")


def _document(content: bytes, content_type: str, type_code: str) -> dict[str, str]:
    return {"content": base64.b64encode(content).decode("ascii"), "contentType": content_type,
            "defenseDocumentTypeCode": type_code}


def text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF of plain text lines (Helvetica, Latin-1; long lines wrapped at 90 characters)."""
    wrapped: list[str] = []
    for line in lines:
        wrapped += textwrap.wrap(line, 90) or [""]
    escaped = [l.encode("latin-1", "replace").decode("latin-1").replace("\\", "\\\\").replace("(", "\\(")
               .replace(")", "\\)") for l in wrapped[:60]]
    stream = "BT /F1 10 Tf 14 TL 50 790 Td " + " ".join(f"({l}) Tj T*" for l in escaped) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


# --- settlement details report -------------------------------------------------------------------------------

# Journal types (Adyen's "Journal types" reference) → PayHub's line types.
JOURNAL_TYPES: dict[str, LineType] = {
    "Settled": LineType.PAYMENT, "Refunded": LineType.REFUND, "RefundedReversed": LineType.REFUND,
    "Chargeback": LineType.CHARGEBACK, "SecondChargeback": LineType.CHARGEBACK,
    "ChargebackReversed": LineType.CHARGEBACK_REVERSAL,
    "Fee": LineType.FEE, "MiscCosts": LineType.FEE, "InvoiceDeduction": LineType.FEE, "PaymentCost": LineType.FEE,
    "MerchantPayout": LineType.PAYOUT,
    **{kind: LineType.ADJUSTMENT for kind in (
        "DepositCorrection", "Balancetransfer", "ManualCorrected", "MatchedStatement", "BankInstructionReturned",
        "EpaPaid", "PaidOut", "PaidOutReversed", "ReserveAdjustment", "ChargebackCorrection",
        "ChargebackReversedCorrection", "SettleCorrection", "RefundedExternally", "SecondChargebackCorrection")},
}
REPORT_COLUMNS = ("Psp Reference", "Merchant Reference", "Creation Date", "TimeZone", "Type",
                  "Modification Reference", "Gross Currency", "Gross Debit (GC)", "Gross Credit (GC)", "Net Currency",
                  "Net Debit (NC)", "Net Credit (NC)", "Commission (NC)", "Markup (NC)", "Scheme Fees (NC)",
                  "Interchange (NC)", "Batch Number")
FEE_COLUMNS = {"commission": "Commission (NC)", "markup": "Markup (NC)", "scheme_fees": "Scheme Fees (NC)",
               "interchange": "Interchange (NC)"}


def settlement_line(row: reports.Row) -> SettlementLine:
    """One line of the Settlement details report. net = Net Credit - Net Debit; fee = Commission + Markup + Scheme
    Fees + Interchange (in the net currency); gross = Gross Credit - Gross Debit when the gross currency is the
    net currency (and then gross - fee must be net), else net + fee in the net currency, the currency the batch
    pays out in. Lines not tied to a payment (Fee, MiscCosts…) have their net as gross, and no fee."""
    kind_name = row.required("Type")
    if kind_name not in JOURNAL_TYPES:
        raise row.fail(f"Type {kind_name!r} is not a known Adyen journal type")
    kind = JOURNAL_TYPES[kind_name]
    net_currency = reports.currency(row, "Net Currency")
    net = (reports.major_amount(row, "Net Credit (NC)", net_currency)
           - reports.major_amount(row, "Net Debit (NC)", net_currency))
    breakdown = {name: reports.major_amount(row, column, net_currency) for name, column in FEE_COLUMNS.items()}
    breakdown = {name: amount for name, amount in breakdown.items() if amount}
    fee = sum(breakdown.values())
    if kind in TRANSACTION_TYPES:
        gross_currency = reports.currency(row, "Gross Currency")
        if gross_currency == net_currency:
            gross = (reports.major_amount(row, "Gross Credit (GC)", gross_currency)
                     - reports.major_amount(row, "Gross Debit (GC)", gross_currency))
            if gross - fee != net:
                raise row.fail(f"gross {gross} - fees {fee} is not net {net}")
        else:
            gross = net + fee
    elif kind is LineType.PAYOUT:  # what reached the bank: positive
        gross, fee, net, breakdown = -net, 0, -net, {}
    else:
        gross = net + fee
    zone = reports.zone(row, "TimeZone")
    modification = row.text("Modification Reference") or None
    return SettlementLine(
        line_no=row.line, batch_ref=row.required("Batch Number"), type=kind, currency=net_currency,
        gross=gross, fee=fee, net=net, occurred_at=reports.timestamp(row, "Creation Date", zone),
        gateway_reference=row.text("Psp Reference") or None if kind in TRANSACTION_TYPES else None,
        merchant_reference=row.text("Merchant Reference") or None, provider_type=kind_name,
        description=modification or "" if kind not in TRANSACTION_TYPES else "",
        dispute_reference=modification if kind in (LineType.CHARGEBACK, LineType.CHARGEBACK_REVERSAL) else None,
        fee_breakdown=breakdown)
