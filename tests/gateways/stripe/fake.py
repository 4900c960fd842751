"""A fake Stripe API on 127.0.0.1: a real HTTP server reproducing the documented requests and answers of the
PaymentIntents and Refunds endpoints the connector uses, and checking what the client sends.

Checked on every request: `Authorization: Bearer <key>` (401 otherwise) and a `Stripe-Version` header.
Checked on every POST: an `Idempotency-Key` (stricter than Stripe, which makes it optional), a form-encoded body,
integer amounts in minor units, lowercase currencies; a repeated key with the same endpoint and parameters replays
the first answer (`Idempotent-Replayed: true`), with other parameters it is a 400 idempotency_error, and while the
first request is still running a 409.

Payment methods: the test ids `pm_card_…`, or PaymentMethods created by POST /v1/payment_methods from a `tok_…`
token (`card[token]`) or a card number (`card[number]`, `card[exp_month]`, `card[exp_year]`, `card[cvc]`).
Unknown parameters are refused, as Stripe does ("Received unknown parameter: …").

Test cards (numbers, `pm_card_…` or `tok_…`):
  4242424242424242 pm_card_visa / tok_visa                   approved (visa credit US)
  4000056655665556 pm_card_visa_debit / tok_visa_debit       approved (visa debit US)
  5555555555554444 pm_card_mastercard / tok_mastercard       approved
  4000000000000002 pm_card_chargeDeclined                    402 card_declined / generic_decline
  4000000000009995 pm_card_chargeDeclinedInsufficientFunds   402 card_declined / insufficient_funds
  4000000000000069 pm_card_chargeDeclinedExpiredCard         402 expired_card
  4000000000000119 pm_card_chargeDeclinedProcessingError     402 processing_error
  4000002760003184 pm_card_authenticationRequired            402 authentication_required (error_on_requires_action)
Magic amounts: 50000 → HTTP 500 api_error; 40800 → the intent is created, then the answer waits `slow_s` seconds.
Captured charges settle when the test calls `make_available(intent_id)`.

Disputes: a test opens one with `add_dispute(intent_id)`. Evidence files are uploaded to POST /v1/files (Stripe
serves it at files.stripe.com; here on the same server): multipart, `purpose=dispute_evidence` and a `file` part,
recorded in `files`. POST /v1/disputes/{id} takes `evidence[…]` (file fields must name an uploaded file) and
`submit=true`, which moves the dispute to under_review (warning_under_review for an inquiry).
"""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import itertools
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

API_KEY = "sk_test_payhub_fake_0123456789"
SERVER_ERROR_AMOUNT = 50000
SLOW_AMOUNT = 40800

APPROVE = "approve"
CARDS: dict[str, tuple[str, str, str, str]] = {  # number → (brand, funding, country, outcome)
    "4242424242424242": ("visa", "credit", "US", APPROVE),
    "4000056655665556": ("visa", "debit", "US", APPROVE),
    "5555555555554444": ("mastercard", "credit", "US", APPROVE),
    "4000000000000002": ("visa", "credit", "US", "generic_decline"),
    "4000000000009995": ("visa", "credit", "US", "insufficient_funds"),
    "4000000000000069": ("visa", "credit", "US", "expired_card"),
    "4000000000000119": ("visa", "credit", "US", "processing_error"),
    "4000002760003184": ("visa", "credit", "US", "authentication_required"),
}
NAMES = {"visa": "4242424242424242", "visa_debit": "4000056655665556", "mastercard": "5555555555554444",
         "chargeDeclined": "4000000000000002", "chargeDeclinedInsufficientFunds": "4000000000009995",
         "chargeDeclinedExpiredCard": "4000000000000069", "chargeDeclinedProcessingError": "4000000000000119",
         "authenticationRequired": "4000002760003184"}
DECLINES = {  # outcome → (code, decline_code, message)
    "generic_decline": ("card_declined", "generic_decline", "Your card was declined."),
    "insufficient_funds": ("card_declined", "insufficient_funds", "Your card has insufficient funds."),
    "expired_card": ("expired_card", None, "Your card has expired."),
    "processing_error": ("processing_error", None, "An error occurred while processing your card. Try again."),
    "authentication_required": ("authentication_required", "authentication_required",
                                "Your card was declined. This transaction requires authentication."),
}
STRIPE_EVIDENCE_FILES = frozenset({
    "cancellation_policy", "customer_communication", "customer_signature", "duplicate_charge_documentation",
    "receipt", "refund_policy", "service_documentation", "shipping_documentation", "uncategorized_file"})
STRIPE_EVIDENCE_TEXT = frozenset({
    "access_activity_log", "billing_address", "cancellation_policy_disclosure", "cancellation_rebuttal",
    "customer_email_address", "customer_name", "customer_purchase_ip", "duplicate_charge_explanation",
    "duplicate_charge_id", "product_description", "refund_policy_disclosure", "refund_refusal_explanation",
    "service_date", "shipping_address", "shipping_carrier", "shipping_date", "shipping_tracking_number",
    "uncategorized_text"})
LINE_ITEM = re.compile(r"amount_details\[line_items\]\[(\d+)\]\[(.+)\]")


class StripeFailure(Exception):
    def __init__(self, status: int, kind: str, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.status = status
        self.error = {"type": kind, "message": message, **fields}


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    form: list[tuple[str, str]]

    def param(self, key: str) -> str | None:
        return next((v for k, v in self.form if k == key), None)


@dataclass
class FakeStripe:
    api_key: str = API_KEY
    slow_s: float = 1.0
    now: int = 1_767_225_600  # 2026-01-01T00:00:00Z
    requests: list[Recorded] = field(default_factory=list)
    intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    charges: dict[str, dict[str, Any]] = field(default_factory=dict)
    balance: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    payment_methods: dict[str, dict[str, Any]] = field(default_factory=dict)
    disputes: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    _stored: dict[str, tuple[str, list[tuple[str, str]], int, bytes]] = field(default_factory=dict)
    _running: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    # --- helpers for tests ---
    def make_available(self, intent_id: str) -> None:
        charge = self.charges[self.intents[intent_id]["latest_charge"]]
        self.balance[charge["balance_transaction"]]["status"] = "available"

    def add_dispute(self, intent_id: str, status: str = "needs_response", amount: int | None = None) -> str:
        intent = self.intents[intent_id]
        dispute_id = f"du_{self._id()}"
        self.disputes[dispute_id] = {
            "id": dispute_id, "object": "dispute", "amount": amount or intent["amount"], "currency": intent["currency"],
            "charge": intent["latest_charge"], "payment_intent": intent_id, "status": status, "reason": "fraudulent",
            "evidence": {}, "evidence_details": {"due_by": self.now + 14 * 86400, "has_evidence": False,
                                                 "past_due": False, "submission_count": 0},
            "created": self.now, "livemode": False, "metadata": {}}
        return dispute_id

    def posts(self) -> list[Recorded]:
        return [r for r in self.requests if r.method == "POST"]

    # --- dispatch ---
    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes
               ) -> tuple[int, dict[str, str], bytes, float]:
        """→ (status, extra headers, body, seconds to wait before answering)."""
        url = urlsplit(target)
        form = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        with self._lock:
            self.requests.append(Recorded(method, url.path, headers, body, form))
        try:
            self._check_headers(method, headers)
            if method == "GET":
                return 200, {}, _json(self._get(url.path, parse_qsl(url.query))), 0.0
            if method != "POST":
                raise StripeFailure(405, "invalid_request_error", f"Unrecognized request URL ({method})")
            if url.path == "/v1/files":
                return self._upload(headers, body)
            self._check_form(headers, body, form)
        except StripeFailure as failure:
            return failure.status, {}, _json({"error": failure.error}), 0.0
        return self._idempotent(url.path, headers["idempotency-key"], form)

    def _idempotent(self, path: str, key: str, form: list[tuple[str, str]]
                    ) -> tuple[int, dict[str, str], bytes, float]:
        params = sorted(form)
        with self._lock:
            if key in self._running:
                return 409, {}, _json({"error": {"type": "idempotency_error", "message": (
                    "There is currently another in-progress request using this Idempotent Key.")}}), 0.0
            if key in self._stored:
                first_path, first_params, first_status, first_answer = self._stored[key]
                if (first_path, first_params) == (path, params):
                    return first_status, {"Idempotent-Replayed": "true"}, first_answer, 0.0
                return 400, {}, _json({"error": {"type": "idempotency_error", "message": (
                    "Keys for idempotent requests can only be used with the same parameters they were first used "
                    f"with. Try using a key other than '{key}' if you meant to execute a different request.")}}), 0.0
            self._running.add(key)
        try:
            status, answer = 200, self._post(path, dict(form), form)
        except StripeFailure as failure:
            status, answer = failure.status, {"error": failure.error}
        except Exception:  # a bug in the fake: free the key, let the handler fail
            with self._lock:
                self._running.discard(key)
            raise
        with self._lock:  # stored before any slow answer: a retry after a client timeout finds the result
            self._stored[key] = (path, params, status, _json(answer))
            self._running.discard(key)
        wait = self.slow_s if dict(form).get("amount") == str(SLOW_AMOUNT) else 0.0
        return status, {}, _json(answer), wait

    def _check_headers(self, method: str, headers: dict[str, str]) -> None:
        if headers.get("authorization") != f"Bearer {self.api_key}":
            given = headers.get("authorization", "").removeprefix("Bearer ")
            raise StripeFailure(401, "invalid_request_error", f"Invalid API Key provided: {given[:8]}****")
        if not headers.get("stripe-version"):
            raise StripeFailure(400, "invalid_request_error", "Missing Stripe-Version header (fake requires it)")
        if method == "POST" and not headers.get("idempotency-key"):
            raise StripeFailure(400, "invalid_request_error", "Missing Idempotency-Key header (fake requires it)")

    @staticmethod
    def _check_form(headers: dict[str, str], body: bytes, form: list[tuple[str, str]]) -> None:
        if headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
            raise StripeFailure(400, "invalid_request_error", "Request body must be form-encoded")
        if body and not form:
            raise StripeFailure(400, "invalid_request_error", "Could not parse the form body")
        for key, value in form:
            if key in ("amount", "amount_to_capture") or key.endswith(("[unit_cost]", "[total_tax_amount]",
                                                                        "[discount_amount]", "[quantity]")):
                if not re.fullmatch(r"0|[1-9][0-9]*", value):
                    raise StripeFailure(400, "invalid_request_error", f"Invalid integer: {value}", param=key)
            if key == "currency" and not re.fullmatch(r"[a-z]{3}", value):
                raise StripeFailure(400, "invalid_request_error", f"Invalid currency: {value}. Stripe currently "
                                    "supports these currencies: usd, eur, …", param="currency")

    def _get(self, path: str, query: list[tuple[str, str]]) -> dict[str, Any]:
        if path == "/v1/payment_intents/search":  # only the metadata equality query PayHub's recovery sends
            q = dict(query).get("query", "")
            wanted = re.fullmatch(r"metadata\['([a-z_]+)'\]:'((?:[^'\\]|\\.)*)'", q)
            if not wanted:
                raise StripeFailure(400, "invalid_request_error", f"Invalid search query: {q}", param="query")
            value = re.sub(r"\\(.)", r"\1", wanted[2])
            expand = [v.removeprefix("data.") for k, v in query if k == "expand[]"]
            hits = [self._render(i, expand) for i in self.intents.values()
                    if i.get("metadata", {}).get(wanted[1]) == value]
            return {"object": "search_result", "data": hits, "has_more": False, "url": path}
        match = re.fullmatch(r"/v1/payment_intents/([^/]+)", path)
        if not match:
            raise StripeFailure(404, "invalid_request_error", f"Unrecognized request URL (GET: {path})")
        return self._render(self._intent(match[1]), [v for k, v in query if k == "expand[]"])

    def _post(self, path: str, params: dict[str, str], form: list[tuple[str, str]]) -> dict[str, Any]:
        if path == "/v1/payment_methods":
            return self._create_payment_method(params)
        if path == "/v1/payment_intents":
            return self._create(params, form)
        if match := re.fullmatch(r"/v1/payment_intents/([^/]+)/capture", path):
            return self._capture(self._intent(match[1]), params)
        if match := re.fullmatch(r"/v1/payment_intents/([^/]+)/cancel", path):
            return self._cancel(self._intent(match[1]))
        if path == "/v1/refunds":
            return self._refund(params)
        if match := re.fullmatch(r"/v1/disputes/([^/]+)", path):
            return self._update_dispute(match[1], params)
        raise StripeFailure(404, "invalid_request_error", f"Unrecognized request URL (POST: {path})")

    # --- endpoints ---
    def _create_payment_method(self, p: dict[str, str]) -> dict[str, Any]:
        _known(p, {"type", "card[token]", "card[number]", "card[exp_month]", "card[exp_year]", "card[cvc]"})
        if p.get("type") != "card":
            raise StripeFailure(400, "invalid_request_error", "This fake only creates card PaymentMethods",
                                param="type")
        if "card[token]" in p:
            name = p["card[token]"].removeprefix("tok_")
            if name not in NAMES:
                raise StripeFailure(400, "invalid_request_error", f"No such token: '{p['card[token]']}'",
                                    code="resource_missing", param="card[token]")
            number, exp_month, exp_year = NAMES[name], 12, 2034
        else:
            number = p.get("card[number]", "")
            if not (p.get("card[exp_month]") and p.get("card[exp_year]")):
                raise StripeFailure(400, "invalid_request_error", "Missing required param: card[exp_month].",
                                    param="card[exp_month]")
            if not re.fullmatch(r"[0-9]{12,19}", number) or not _luhn(number):
                raise StripeFailure(402, "card_error", "Your card number is incorrect.", code="incorrect_number",
                                    param="number")
            exp_month, exp_year = int(p["card[exp_month]"]), int(p["card[exp_year]"])
        brand, funding, country, _ = CARDS.get(number, ("visa", "credit", "US", APPROVE))
        method: dict[str, Any] = {
            "id": f"pm_{self._id()}", "object": "payment_method", "type": "card", "created": self.now,
            "card": {"brand": brand, "last4": number[-4:], "exp_month": exp_month, "exp_year": exp_year,
                     "funding": funding, "country": country}}
        self.payment_methods[method["id"]] = {**method, "number": number}
        return method

    def _create(self, p: dict[str, str], form: list[tuple[str, str]]) -> dict[str, Any]:
        _known(p, {"amount", "currency", "confirm", "capture_method", "payment_method", "payment_method_types[]",
                   "error_on_requires_action", "expand[]", "description"},
               prefixes=("metadata[", "payment_details[", "amount_details["))
        for required in ("amount", "currency"):
            if required not in p:
                raise StripeFailure(400, "invalid_request_error", f"Missing required param: {required}.",
                                    param=required)
        amount = int(p["amount"])
        if p.get("capture_method", "automatic") not in ("automatic", "manual"):
            raise StripeFailure(400, "invalid_request_error", "Invalid capture_method", param="capture_method")
        if p.get("confirm") != "true":
            raise StripeFailure(400, "invalid_request_error", "This fake only supports confirm=true", param="confirm")
        self._check_line_items(amount, p, form)
        if amount == SERVER_ERROR_AMOUNT:
            raise StripeFailure(500, "api_error", "An unknown error occurred")
        number, exp_month, exp_year = self._payment_method(p)
        brand, funding, country, outcome = CARDS.get(number, ("visa", "credit", "US", APPROVE))
        intent_id, charge_id = f"pi_{self._id()}", f"ch_{self._id()}"
        manual = p.get("capture_method") == "manual"
        intent: dict[str, Any] = {
            "id": intent_id, "object": "payment_intent", "amount": amount, "currency": p["currency"],
            "capture_method": p.get("capture_method", "automatic"), "description": p.get("description"),
            "metadata": {k[9:-1]: v for k, v in p.items() if k.startswith("metadata[")},
            "amount_capturable": 0, "amount_received": 0, "latest_charge": charge_id, "created": self.now,
            "payment_method_types": [v for k, v in form if k == "payment_method_types[]"] or ["card"],
            "livemode": False,
        }
        charge: dict[str, Any] = {
            "id": charge_id, "object": "charge", "amount": amount, "amount_captured": 0, "amount_refunded": 0,
            "captured": False, "payment_intent": intent_id, "balance_transaction": None, "status": "succeeded",
            "payment_method_details": {"type": "card", "card": {
                "brand": brand, "last4": number[-4:], "funding": funding, "country": country, "network": brand,
                "exp_month": exp_month, "exp_year": exp_year}},
        }
        with self._lock:
            self.intents[intent_id], self.charges[charge_id] = intent, charge
        if outcome != APPROVE:
            if outcome == "authentication_required" and p.get("error_on_requires_action") != "true":
                intent["status"] = "requires_action"
                return self._render(intent, _expand(form))
            code, decline_code, message = DECLINES[outcome]
            charge["status"] = "failed"
            intent["status"] = "requires_payment_method"
            intent["last_payment_error"] = {"type": "card_error", "code": code, "decline_code": decline_code,
                                            "message": message}
            raise StripeFailure(402, "card_error", message, code=code, decline_code=decline_code, charge=charge_id,
                                payment_intent=self._render(intent, []))
        if manual:
            intent.update(status="requires_capture", amount_capturable=amount)
        else:
            intent["status"] = "succeeded"
            self._settle(intent, charge, amount)
        return self._render(intent, _expand(form))

    def _capture(self, intent: dict[str, Any], p: dict[str, str]) -> dict[str, Any]:
        if intent["status"] != "requires_capture":
            raise _unexpected_state(intent, "captured")
        amount = int(p.get("amount_to_capture", intent["amount_capturable"]))
        if amount > intent["amount_capturable"]:
            raise StripeFailure(400, "invalid_request_error", "The amount_to_capture must be less than or equal to "
                                "the amount_capturable.", param="amount_to_capture")
        intent.update(status="succeeded", amount_capturable=0)
        self._settle(intent, self.charges[intent["latest_charge"]], amount)
        return self._render(intent, [])

    def _cancel(self, intent: dict[str, Any]) -> dict[str, Any]:
        if intent["status"] in ("succeeded", "canceled", "processing"):
            raise _unexpected_state(intent, "canceled")
        intent.update(status="canceled", amount_capturable=0, canceled_at=self.now)
        return self._render(intent, [])

    def _refund(self, p: dict[str, str]) -> dict[str, Any]:
        intent = self._intent(p.get("payment_intent", ""))
        charge = self.charges[intent["latest_charge"]]
        if intent["status"] != "succeeded":
            raise StripeFailure(400, "invalid_request_error", "This PaymentIntent does not have a successful charge "
                                "to refund.", code="charge_not_refundable")
        amount = int(p.get("amount", charge["amount_captured"] - charge["amount_refunded"]))
        if amount > charge["amount_captured"] - charge["amount_refunded"]:
            raise StripeFailure(400, "invalid_request_error", f"Refund amount ({amount}) is greater than unrefunded "
                                "amount on charge.", code="amount_too_large", param="amount")
        charge["amount_refunded"] += amount
        refund = {"id": f"re_{self._id()}", "object": "refund", "amount": amount, "currency": intent["currency"],
                  "charge": charge["id"], "payment_intent": intent["id"], "status": "succeeded",
                  "created": self.now}
        self.refunds[refund["id"]] = refund
        return refund

    def _upload(self, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes, float]:
        """POST /v1/files (multipart/form-data), replayed by Idempotency-Key like every POST."""
        key = headers["idempotency-key"]
        with self._lock:
            if key in self._stored:
                return self._stored[key][2], {"Idempotent-Replayed": "true"}, self._stored[key][3], 0.0
        try:
            answer, status = self._file(headers, body), 200
        except StripeFailure as failure:
            answer, status = {"error": failure.error}, failure.status
        with self._lock:
            self._stored[key] = ("/v1/files", [], status, _json(answer))
        return status, {}, _json(answer), 0.0

    def _file(self, headers: dict[str, str], body: bytes) -> dict[str, Any]:
        content_type = headers.get("content-type", "")
        if not content_type.startswith("multipart/form-data"):
            raise StripeFailure(400, "invalid_request_error", "Files are uploaded as multipart/form-data")
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
        fields: dict[str, str] = {}
        upload: tuple[str, str, bytes] | None = None
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            if name == "file":
                upload = (part.get_filename() or "", part.get_content_type(), payload)
            elif isinstance(name, str):
                fields[name] = payload.decode()
        if fields.get("purpose") != "dispute_evidence":
            raise StripeFailure(400, "invalid_request_error", "This fake takes purpose=dispute_evidence",
                                param="purpose")
        if upload is None or not upload[2]:
            raise StripeFailure(400, "invalid_request_error", "Missing required param: file.", param="file")
        file_id = f"file_{self._id()}"
        self.files[file_id] = {"id": file_id, "object": "file", "purpose": "dispute_evidence", "filename": upload[0],
                               "type": upload[1], "size": len(upload[2]), "content": upload[2],
                               "sha256": hashlib.sha256(upload[2]).hexdigest(), "created": self.now}
        return {k: v for k, v in self.files[file_id].items() if k not in ("content", "sha256")}

    def _update_dispute(self, dispute_id: str, p: dict[str, str]) -> dict[str, Any]:
        if dispute_id not in self.disputes:
            raise StripeFailure(404, "invalid_request_error", f"No such dispute: '{dispute_id}'",
                                code="resource_missing", param="dispute")
        dispute = self.disputes[dispute_id]
        _known(p, {"submit"}, prefixes=("evidence[", "metadata["))
        if dispute["status"] not in ("needs_response", "warning_needs_response"):
            raise StripeFailure(400, "invalid_request_error", "This dispute is already closed or under review",
                                code="dispute_already_closed" if dispute["status"] in ("won", "lost") else None)
        for key, value in p.items():
            if not key.startswith("evidence["):
                continue
            name = key[len("evidence["):-1]
            if name not in STRIPE_EVIDENCE_FILES | STRIPE_EVIDENCE_TEXT:
                raise StripeFailure(400, "invalid_request_error", f"Received unknown parameter: {key}", param=key)
            if name in STRIPE_EVIDENCE_FILES and value not in self.files:
                raise StripeFailure(400, "invalid_request_error", f"No such file upload: '{value}'", param=key)
            dispute["evidence"][name] = value
        dispute["evidence_details"]["has_evidence"] = bool(dispute["evidence"])
        if p.get("submit") == "true":
            dispute["status"] = "warning_under_review" if dispute["status"].startswith("warning") else "under_review"
            dispute["evidence_details"]["submission_count"] += 1
        return dict(dispute)

    # --- state ---
    def _settle(self, intent: dict[str, Any], charge: dict[str, Any], amount: int) -> None:
        txn_id = f"txn_{self._id()}"
        self.balance[txn_id] = {"id": txn_id, "object": "balance_transaction", "amount": amount,
                                "status": "pending", "available_on": self.now + 2 * 86400, "created": self.now}
        intent["amount_received"] = amount
        charge.update(captured=True, amount_captured=amount, balance_transaction=txn_id)

    def _intent(self, intent_id: str) -> dict[str, Any]:
        if intent_id not in self.intents:
            raise StripeFailure(404, "invalid_request_error", f"No such payment_intent: '{intent_id}'",
                                code="resource_missing", param="intent")
        return self.intents[intent_id]

    def _payment_method(self, p: dict[str, str]) -> tuple[str, int, int]:
        """→ (card number, exp_month, exp_year) of a test PaymentMethod (pm_card_…) or one created here."""
        pm = p.get("payment_method", "")
        if pm in self.payment_methods:
            card = self.payment_methods[pm]
            return card["number"], card["card"]["exp_month"], card["card"]["exp_year"]
        if pm.removeprefix("pm_card_") in NAMES:
            return NAMES[pm.removeprefix("pm_card_")], 12, 2034
        raise StripeFailure(400, "invalid_request_error", f"No such PaymentMethod: '{pm}'", code="resource_missing",
                            param="payment_method")

    def _check_line_items(self, amount: int, p: dict[str, str], form: list[tuple[str, str]]) -> None:
        """Stripe's arithmetic validation of payment line items."""
        lines: dict[int, dict[str, str]] = {}
        for key, value in form:
            if match := LINE_ITEM.fullmatch(key):
                lines.setdefault(int(match[1]), {})[match[2]] = value
        if not lines:
            return
        if "payment_details[order_reference]" not in p:
            raise StripeFailure(400, "invalid_request_error", "order_reference is required with line items",
                                param="payment_details[order_reference]")
        # the regex leaves nested keys half-open: "tax][total_tax_amount"
        total = sum(int(l["unit_cost"]) * int(l["quantity"]) - int(l.get("discount_amount", "0"))
                    + int(l.get("tax][total_tax_amount", "0")) for l in lines.values())
        if total != amount:
            raise StripeFailure(400, "invalid_request_error", f"Line items add up to {total}, not {amount}",
                                param="amount_details[line_items]")

    def _render(self, intent: dict[str, Any], expand: list[str]) -> dict[str, Any]:
        out = dict(intent)
        if "latest_charge" in expand or "latest_charge.balance_transaction" in expand:
            charge = dict(self.charges[intent["latest_charge"]])
            if "latest_charge.balance_transaction" in expand and charge["balance_transaction"]:
                charge["balance_transaction"] = self.balance[charge["balance_transaction"]]
            out["latest_charge"] = charge
        return out

    def _id(self) -> str:
        return f"fake{next(self._ids):08d}"

    # --- server ---
    @contextmanager
    def serve(self) -> Iterator[str]:
        """Run on 127.0.0.1 (any free port); yields the base URL."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if len(body) < length:  # the client died mid-request (a killed API): Stripe never sees it
                    self.close_connection = True
                    return
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, extra, answer, wait = fake.handle(self.command, self.path, headers, body)
                if wait:
                    time.sleep(wait)
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", "Request-Id": f"req_{fake._id()}",
                                    "Stripe-Version": headers.get("stripe-version", ""), **extra}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                try:
                    self.wfile.write(answer)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                    pass

            do_GET = do_POST = do_DELETE = _answer

            def log_message(self, format: str, *args: Any) -> None:  # quiet: no stderr noise in tests
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()


def _known(params: dict[str, str], names: set[str], prefixes: tuple[str, ...] = ()) -> None:
    """Stripe refuses parameters it does not document for an endpoint."""
    for name in params:
        if name not in names and not name.startswith(prefixes):
            raise StripeFailure(400, "invalid_request_error", f"Received unknown parameter: {name}", param=name)


def _luhn(number: str) -> bool:
    digits = [int(d) for d in reversed(number)]
    return (sum(digits[0::2]) + sum(sum(divmod(2 * d, 10)) for d in digits[1::2])) % 10 == 0


def _json(data: object) -> bytes:
    return json.dumps(data).encode()


def _expand(form: list[tuple[str, str]]) -> list[str]:
    return [v for k, v in form if k == "expand[]"]


def _unexpected_state(intent: dict[str, Any], action: str) -> StripeFailure:
    return StripeFailure(400, "invalid_request_error", f"This PaymentIntent could not be {action} because it has "
                         f"a status of {intent['status']}.", code="payment_intent_unexpected_state",
                         payment_intent=dict(intent))
