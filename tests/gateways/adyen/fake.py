"""A fake Adyen Checkout API (v71) on 127.0.0.1: a real HTTP server, in a thread, that answers as Adyen
documents and checks what the connector sends (API key, Idempotency-Key, merchantAccount, integer
minor-unit amounts, Level 2/3 keys). A request the fake finds malformed gets a 422 whose errorCode
starts with "fake_", so a test fails loudly instead of passing on a request Adyen would refuse.

Cards (any expiry, any CVC)                                     Magic amounts (minor units)
  4111111111111111 visa credit US   Authorised                    99500  HTTP 500 (errorType internal)
  5555555555554444 mc debit US      Authorised                    99408  answers after `slow_s` (the payment
  4000000000000002                  Refused "Refused" (2)                is made first, as if the answer got lost)
  4000000000009995                  Refused "Not enough balance" (12)
  4000000000000069                  Refused "Expired Card" (6)
  4000000000000119                  Refused "Acquirer Error" (4)
Stored cards: shopperReference "shopper_1", storedPaymentMethodId "8415718415172200" (visa 1111).
ACH: any account → Received, except 000111111113 → Refused.

Disputes API v30 at /ca/services/DisputeService/v30 (same server): a test opens a dispute with `add_dispute()`;
supplyDefenseDocument records the documents (base64 content, PDF/JPEG/TIFF, a document type code) and
defendDispute, once documents are there, marks it defended. An unknown dispute is answered, as Adyen does, with
HTTP 200 and disputeServiceResult.success false.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from typing import Any

API_KEY = "test_api_key"
MERCHANT = "PayHubTest"
SERVER_ERROR_AMOUNT = 99500
SLOW_AMOUNT = 99408
STORED = {("shopper_1", "8415718415172200"): "4111111111111111"}
CARDS = {  # number → (variant, funding, country) for approved cards
    "4111111111111111": ("visa", "CREDIT", "US"),
    "5555555555554444": ("mc", "DEBIT", "US"),
}
REFUSALS = {  # number → (refusalReason, refusalReasonCode), as in Adyen's refusal-reasons table
    "4000000000000002": ("Refused", "2"),
    "4000000000009995": ("Not enough balance", "12"),
    "4000000000000069": ("Expired Card", "6"),
    "4000000000000119": ("Acquirer Error", "4"),
}
ACH_REFUSED = "000111111113"
ESD_LINE = re.compile(r"^enhancedSchemeData\.itemDetailLine(\d+)\.(\w+)$")
DISPUTES_PATH = "/ca/services/DisputeService/v30/"
DEFENSE_CONTENT_TYPES = {"application/pdf", "image/jpeg", "image/tiff"}
ESD_AMOUNTS = {"unitPrice", "totalAmount", "discountAmount", "quantity"}


class Reject(Exception):
    def __init__(self, status: int, code: str, message: str, kind: str = "validation") -> None:
        super().__init__(message)
        self.status = status
        self.answer: dict[str, Any] = {"status": status, "errorCode": code, "message": message, "errorType": kind}


@dataclass
class Payment:
    psp: str
    value: int
    currency: str
    manual: bool
    captured: int = 0
    refunded: int = 0
    cancelled: bool = False


@dataclass
class Dispute:
    psp: str
    payment: str
    documents: list[dict[str, Any]] = field(default_factory=list)  # as sent, content decoded to bytes
    defense_reason: str | None = None


@dataclass
class FakeAdyen:
    api_key: str = API_KEY
    merchant_account: str = MERCHANT
    slow_s: float = 1.0
    payments: dict[str, Payment] = field(default_factory=dict)
    disputes: dict[str, Dispute] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str], dict[str, Any]]] = field(default_factory=list)  # path, headers, body
    _replies: dict[str, tuple[bytes, int, dict[str, Any]]] = field(default_factory=dict)  # key → (body, answer)
    _ids: count[int] = field(default_factory=lambda: count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None

    # --- lifecycle ---
    def start(self) -> str:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if len(raw) < length:  # the client died mid-request: Adyen never sees it
                    self.close_connection = True
                    return
                status, answer, delay = fake.handle(self.path, dict(self.headers.items()), raw)
                if delay:
                    fake._stop.wait(delay)
                payload = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting
                    pass

            def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # --- what the tests look at ---
    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [body for _, _, body in self.requests]

    def last(self, path_end: str) -> dict[str, Any]:
        return next(body for path, _, body in reversed(self.requests) if path.endswith(path_end))

    def add_dispute(self, payment: str) -> str:
        psp = f"FAKE{next(self._ids):012d}"
        self.disputes[psp] = Dispute(psp, payment)
        return psp

    # --- the API ---
    def handle(self, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, dict[str, Any], float]:
        """(status, JSON answer, seconds to wait before answering)."""
        headers = {k.lower(): v for k, v in headers.items()}
        try:
            body = json.loads(raw)
        except ValueError:
            return 400, Reject(400, "702", "Unable to parse message").answer, 0.0
        with self._lock:
            self.requests.append((path, headers, body))
            if headers.get("x-api-key") != self.api_key:
                return 401, Reject(401, "000", "HTTP Status Response - Unauthorized", "security").answer, 0.0
            key = headers.get("idempotency-key")
            if not key:
                return 422, Reject(422, "fake_idempotency_key", "POST without an Idempotency-Key").answer, 0.0
            if key in self._replies:  # Adyen answers a repeated key with the first answer
                first, status, answer = self._replies[key]
                if first != raw:
                    return 422, Reject(422, "fake_idempotency_reused", "Idempotency-Key reused with another body"
                                       ).answer, 0.0
                return status, answer, 0.0
            try:
                status, answer = self._route(path, body)
            except Reject as reject:
                status, answer = reject.status, reject.answer
            self._replies[key] = (raw, status, answer)
            slow = isinstance(body.get("amount"), dict) and body["amount"].get("value") == SLOW_AMOUNT
            return status, answer, self.slow_s if slow else 0.0

    def _route(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if path.startswith(DISPUTES_PATH):
            return self._dispute(path.removeprefix(DISPUTES_PATH), body)
        if not path.startswith("/v71/"):
            raise Reject(404, "fake_path", f"unknown path {path}")
        if body.get("merchantAccount") != self.merchant_account:
            raise Reject(403, "010", "Not allowed", "security")
        if not body.get("reference"):
            raise Reject(422, "130", "Required field 'reference' is not provided.")
        if path == "/v71/payments":
            return self._pay(body)
        match = re.fullmatch(r"/v71/payments/([^/]+)/(captures|cancels|refunds)", path)
        if not match:
            raise Reject(404, "fake_path", f"unknown path {path}")
        return self._modify(match[1], match[2], body)

    def _dispute(self, action: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if body.get("merchantAccountCode") != self.merchant_account:
            raise Reject(403, "010", "Not allowed", "security")
        dispute = self.disputes.get(str(body.get("disputePspReference")))
        if dispute is None:
            return 200, {"disputeServiceResult": {"success": False, "errorMessage": "Could not find dispute"}}
        if action == "supplyDefenseDocument":
            documents = body.get("defenseDocuments")
            if not isinstance(documents, list) or not documents:
                raise Reject(422, "fake_documents", "defenseDocuments is a non-empty list")
            for document in documents:
                if document.get("contentType") not in DEFENSE_CONTENT_TYPES or not document.get(
                        "defenseDocumentTypeCode"):
                    raise Reject(422, "fake_document", "a document needs a PDF/JPEG/TIFF contentType and a type code")
                try:
                    content = base64.b64decode(str(document.get("content")), validate=True)
                except binascii.Error:
                    raise Reject(422, "fake_document", "content is base64") from None
                dispute.documents.append({**document, "content": content})
        elif action == "defendDispute":
            if not dispute.documents:
                return 200, {"disputeServiceResult": {"success": False,
                                                      "errorMessage": "No defense documents supplied"}}
            if not body.get("defenseReasonCode"):
                raise Reject(422, "fake_reason", "defenseReasonCode is required")
            dispute.defense_reason = str(body["defenseReasonCode"])
        else:
            raise Reject(404, "fake_path", f"unknown dispute action {action}")
        return 200, {"disputeServiceResult": {"success": True}}

    def _pay(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        value, currency = _amount(body)
        if value == SERVER_ERROR_AMOUNT:
            raise Reject(500, "000", "An unexpected error occurred", "internal")
        additional: dict[str, Any] = body.get("additionalData") or {}
        _check_level3(additional)
        manual = additional.get("manualCapture") == "true"
        if not manual and body.get("captureDelayHours") != 0:
            raise Reject(422, "fake_capture", "an immediate capture must say captureDelayHours: 0")
        method = body.get("paymentMethod") or {}
        psp = f"FAKE{next(self._ids):012d}"
        answer: dict[str, Any] = {"pspReference": psp, "merchantReference": body["reference"],
                                  "amount": {"value": value, "currency": currency}}
        if method.get("type") == "ach":
            if not (method.get("bankAccountNumber") and re.fullmatch(r"\d{9}", method.get("bankLocationId", ""))):
                raise Reject(422, "108", "Invalid bankaccount number")
            if method["bankAccountNumber"] == ACH_REFUSED:
                return 200, {**answer, "resultCode": "Refused", "refusalReason": "Refused", "refusalReasonCode": "2"}
            self.payments[psp] = Payment(psp, value, currency, manual)
            return 200, {**answer, "resultCode": "Received"}
        if method.get("type") != "scheme":
            raise Reject(422, "fake_method", f"unsupported paymentMethod type {method.get('type')!r}")
        number = self._card_number(body, method)
        if number in REFUSALS:
            reason, code = REFUSALS[number]
            return 200, {**answer, "resultCode": "Refused", "refusalReason": reason, "refusalReasonCode": code}
        variant, funding, country = CARDS.get(number, ("visa", "CREDIT", "US"))
        self.payments[psp] = Payment(psp, value, currency, manual)
        expiry = f"{int(method.get('expiryMonth', '3'))}/{method.get('expiryYear', '2030')}"  # Adyen's "8/2030"
        return 200, {**answer, "resultCode": "Authorised", "additionalData": {
            "cardBin": number[:6], "cardSummary": number[-4:], "expiryDate": expiry,
            "fundingSource": funding, "issuerCountry": country, "paymentMethod": variant}}

    @staticmethod
    def _card_number(body: dict[str, Any], method: dict[str, Any]) -> str:
        if "storedPaymentMethodId" in method:
            if body.get("shopperInteraction") != "ContAuth" or not body.get("recurringProcessingModel"):
                raise Reject(422, "fake_recurring", "stored cards need shopperInteraction and recurringProcessingModel")
            stored = STORED.get((body.get("shopperReference", ""), method["storedPaymentMethodId"]))
            if stored is None:
                raise Reject(422, "800", "Contract not found")
            return stored
        number = str(method.get("number", ""))
        if not re.fullmatch(r"\d{12,19}", number) or not _luhn(number):
            raise Reject(422, "101", "Invalid card number")
        if not re.fullmatch(r"\d{2}", str(method.get("expiryMonth"))) or not re.fullmatch(
                r"\d{4}", str(method.get("expiryYear"))):
            raise Reject(422, "fake_expiry", "expiryMonth is 2 digits, expiryYear 4")
        if "cvc" in method and not re.fullmatch(r"\d{3,4}", str(method["cvc"])):
            raise Reject(422, "103", "CVC is not the right length")
        return number

    def _modify(self, psp: str, kind: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        payment = self.payments.get(psp)
        if payment is None:
            raise Reject(422, "167", "Original pspReference required for this operation")
        answer: dict[str, Any] = {"merchantAccount": self.merchant_account, "paymentPspReference": psp,
                                  "pspReference": f"FAKE{next(self._ids):012d}", "reference": body["reference"],
                                  "status": "received"}
        if kind == "cancels":
            if payment.captured:
                raise Reject(422, "fake_state", "cannot cancel a captured payment")
            payment.cancelled = True
            return 201, answer
        value, currency = _amount(body)
        if currency != payment.currency:
            raise Reject(422, "fake_currency", "currency differs from the payment's")
        if kind == "captures":
            if not payment.manual or payment.cancelled or payment.captured + value > payment.value:
                raise Reject(422, "fake_state", "nothing (or not that much) to capture")
            payment.captured += value
        else:
            captured = payment.value if not payment.manual else payment.captured
            if payment.refunded + value > captured:
                raise Reject(422, "fake_state", "refund exceeds the captured amount")
            payment.refunded += value
        return 201, {**answer, "amount": {"value": value, "currency": currency}}


def _amount(body: dict[str, Any]) -> tuple[int, str]:
    amount = body.get("amount")
    if not isinstance(amount, dict):
        raise Reject(422, "100", "Required object 'amount' is not provided.")
    value, currency = amount.get("value"), amount.get("currency")
    if type(value) is not int or value <= 0:  # integer minor units: 10.00 USD is 1000, never 10.0
        raise Reject(422, "137", "Invalid amount specified")
    if not isinstance(currency, str) or not re.fullmatch(r"[A-Z]{3}", currency):
        raise Reject(422, "fake_currency", "currency is an ISO 4217 code")
    return value, currency


def _check_level3(additional: dict[str, Any]) -> None:
    """Level 2/3 keys as Adyen documents them: strings; amounts and quantities in digits; lines numbered 1..n."""
    esd = {k: v for k, v in additional.items() if k.startswith("enhancedSchemeData.")}
    if not esd:
        return
    problems = [k for k, v in esd.items() if not isinstance(v, str)]
    if not esd.get("enhancedSchemeData.totalTaxAmount", "").isdigit():
        problems.append("totalTaxAmount")
    if not 0 < len(esd.get("enhancedSchemeData.customerReference", "")) <= 25:
        problems.append("customerReference")
    lines: set[int] = set()
    for key, value in esd.items():
        match = ESD_LINE.match(key)
        if match is None:
            continue
        lines.add(int(match[1]))
        name = match[2]
        if (name in ESD_AMOUNTS and not str(value).isdigit()) or (name == "description" and not 1 < len(value) <= 26) \
                or (name == "commodityCode" and (not value.strip("0") or len(value) > 12)):
            problems.append(key)
    if lines and lines != set(range(1, len(lines) + 1)):
        problems.append("itemDetailLine numbering")
    if problems:
        raise Reject(422, "fake_level3", f"bad Level 2/3 data: {', '.join(sorted(problems))}")


def _luhn(number: str) -> bool:
    digits = [int(d) for d in reversed(number)]
    return (sum(digits[0::2]) + sum(sum(divmod(2 * d, 10)) for d in digits[1::2])) % 10 == 0
