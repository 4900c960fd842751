"""The Stripe connector: PayHub's `Gateway` port over Stripe's PaymentIntents API (sync httpx).

authorize → POST /v1/payment_methods first for a tok_… token or a card number (none for a pm_… id), then
            POST /v1/payment_intents (payment_method, confirm=true, capture_method automatic|manual)
capture   → POST /v1/payment_intents/{id}/capture (amount_to_capture)
void      → POST /v1/payment_intents/{id}/cancel
refund    → POST /v1/refunds (payment_intent, amount); the reference is the refund's id
settlement→ GET  /v1/payment_intents/{id}?expand[]=latest_charge.balance_transaction
evidence  → POST {files_url}/v1/files (multipart, purpose=dispute_evidence) per file, then
            POST /v1/disputes/{id} (evidence[…], submit=true)
notifications: webhook events verified with the endpoint secret (Stripe-Signature, payhub.gateways.signing)
settlement files: the Payout reconciliation and Balance change from activity itemized reports (CSV)

Every POST carries PayHub's Idempotency-Key, so a retried call is replayed by Stripe rather than repeated.
Request bodies are never logged: they hold card numbers.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import IO, Any

import httpx
import structlog

from payhub.domain.disputes import Evidence
from payhub.domain.errors import GatewayError, GatewayTimeout, InvalidRequest, ProcessingError
from payhub.domain.money import Money
from payhub.domain.settlement import SettlementLine
from payhub.gateways import events, reports, signing
from payhub.gateways.stripe import errors
from payhub.gateways.stripe import transformers as wire
from payhub.ports import (
    DISPUTE_EVIDENCE,
    DISPUTES,
    FIND_CHARGE,
    LEVEL3,
    NOTIFICATIONS,
    REFUND_PARTIAL,
    SETTLEMENT_FILES,
    SETTLEMENT_REPORTS,
    AuthorizeRequest,
    GatewayResult,
    Notification,
    Settlement,
)

log = structlog.get_logger(__name__)

STRIPE_VERSION = "2025-10-29.clover"  # pinned: the answers' shape, and payment line items (L2/L3), depend on it
INTENT_ID = re.compile(r"pi_[A-Za-z0-9_]+")


class StripeGateway:
    """Implements ports.Gateway. Cards only (pm_… and tok_… ids, or raw numbers where Stripe allows them)."""

    capabilities = frozenset({SETTLEMENT_REPORTS, FIND_CHARGE, REFUND_PARTIAL, LEVEL3, DISPUTES, NOTIFICATIONS,
                              SETTLEMENT_FILES, DISPUTE_EVIDENCE})

    def __init__(self, api_key: str, base_url: str = "https://api.stripe.com", timeout_s: float = 15.0,
                 name: str = "stripe", transport: httpx.BaseTransport | None = None,
                 webhook_secret: str | Sequence[str] | None = None,
                 webhook_tolerance_s: int = signing.DEFAULT_TOLERANCE_S,
                 files_url: str = "https://files.stripe.com") -> None:
        """`webhook_secret`: the endpoint's signing secret (whsec_…), or several while one is being rolled;
        without one, every notification is refused."""
        if not api_key.startswith(("sk_", "rk_")):
            raise ValueError("Stripe needs a secret (sk_…) or restricted (rk_…) API key")
        self.name = name
        self.timeout_s = timeout_s
        secrets = [webhook_secret] if isinstance(webhook_secret, str) else list(webhook_secret or ())
        self._webhook_secrets = [secret for secret in secrets if secret]
        self.webhook_tolerance_s = webhook_tolerance_s
        self._files_url = files_url.rstrip("/")
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"), timeout=httpx.Timeout(timeout_s), transport=transport,
            follow_redirects=False,
            headers={"Authorization": f"Bearer {api_key}", "Stripe-Version": STRIPE_VERSION,
                     "User-Agent": "PayHub (stripe connector)"})

    def authorize(self, request: AuthorizeRequest) -> GatewayResult:
        form = wire.authorize_form(request)
        payment_method = wire.payment_method_id(request.method) or self._create_payment_method(request)
        intent = self._post("/v1/payment_intents", [*form, ("payment_method", payment_method)],
                            request.idempotency_key)
        return wire.authorized(intent, request)

    def _create_payment_method(self, request: AuthorizeRequest) -> str:
        form = wire.payment_method_form(request.method)
        try:  # its own key, derived from the payment's: a retried authorize reuses the same PaymentMethod
            created = self._post("/v1/payment_methods", form,
                                 f"{request.idempotency_key}:payment_method", required=("id",))
        except GatewayTimeout:
            # Creating a PaymentMethod moves no money: nothing is ambiguous yet.
            raise ProcessingError("Stripe did not confirm the card in time; no charge was attempted") from None
        return str(created["id"])

    def capture(self, reference: str, amount: Money, idempotency_key: str) -> GatewayResult:
        path = f"/v1/payment_intents/{_intent(reference)}/capture"
        return wire.captured(self._post(path, wire.capture_form(amount), idempotency_key))

    def void(self, reference: str, idempotency_key: str) -> GatewayResult:
        return wire.voided(self._post(f"/v1/payment_intents/{_intent(reference)}/cancel", [], idempotency_key))

    def refund(self, reference: str, amount: Money, idempotency_key: str) -> GatewayResult:
        return wire.refunded(self._post("/v1/refunds", wire.refund_form(_intent(reference), amount), idempotency_key))

    def settlement(self, reference: str) -> Settlement:
        intent = self._call("GET", f"/v1/payment_intents/{_intent(reference)}",
                            query=[("expand[]", "latest_charge.balance_transaction")])
        return wire.settlement(intent)

    def find_charge(self, idempotency_key: str) -> GatewayResult | None:
        """Search intents by the key PayHub stored in their metadata. Stripe's search index lags writes by up
        to a minute, so recovery asks only once a payment has been stuck longer than that."""
        key = idempotency_key.replace("\\", "\\\\").replace("'", "\\'")
        search = self._call("GET", "/v1/payment_intents/search", required=("object",),
                            query=[("query", f"metadata['payhub_key']:'{key}'"), ("expand[]", "data.latest_charge")])
        return wire.found(search)

    def close(self) -> None:
        self._http.close()

    # --- notifications, settlement files, dispute evidence ---------------------------------------------

    def read_notifications(self, headers: Mapping[str, str], body: bytes, now: datetime) -> list[Notification]:
        """One event per request, signed in the Stripe-Signature header."""
        signing.verify(headers, "stripe-signature", body, self._webhook_secrets, now, self.webhook_tolerance_s,
                       "Stripe")
        return [wire.notification(events.parse(body, "Stripe"))]

    def read_settlement_report(self, source: IO[bytes]) -> Iterator[SettlementLine]:
        """payout_reconciliation.itemized.5 (has automatic_payout_id) or balance_change_from_activity.itemized.3
        (has not), with their default columns or more; payment_metadata[payhub_key] names PayHub's payment."""
        for row in reports.rows(source, wire.REPORT_COLUMNS):
            yield wire.settlement_line(row, payouts=wire.PAYOUT_COLUMN in row.values)

    def submit_dispute_evidence(self, dispute_reference: str, evidence: Evidence, idempotency_key: str) -> str:
        """Each file is uploaded under its own key (derived from `idempotency_key`), so a retried submission
        reuses the files already uploaded; then the evidence is set and submitted in one update."""
        if not wire.DISPUTE_ID.fullmatch(dispute_reference):
            raise InvalidRequest(f"{dispute_reference!r} is not a Stripe dispute id")
        if not idempotency_key:
            raise InvalidRequest("An idempotency key is required for every Stripe POST")
        file_ids: dict[str, str] = {}
        for n, file in enumerate(wire.evidence_files(evidence)):
            uploaded = self._call("POST", f"{self._files_url}/v1/files", idempotency_key=f"{idempotency_key}:file:{n}",
                                  files={"file": (file.filename, file.content, file.content_type)},
                                  data={"purpose": "dispute_evidence"}, required=("id",))
            file_ids[file.purpose] = str(uploaded["id"])
        dispute = self._post(f"/v1/disputes/{dispute_reference}", wire.evidence_form(evidence, file_ids),
                             f"{idempotency_key}:submit")
        return str(dispute["status"])

    # --- HTTP ----------------------------------------------------------------------------------------

    def _post(self, path: str, form: wire.Form, idempotency_key: str,
              required: tuple[str, ...] = ("id", "status")) -> dict[str, Any]:
        if not idempotency_key:
            raise InvalidRequest("An idempotency key is required for every Stripe POST")
        return self._call("POST", path, form=form, idempotency_key=idempotency_key, required=required)

    def _call(self, method: str, path: str, form: wire.Form | None = None, idempotency_key: str = "",
              query: wire.Form | None = None, required: tuple[str, ...] = ("id", "status"),
              files: dict[str, tuple[str, bytes, str]] | None = None,
              data: dict[str, str] | None = None) -> dict[str, Any]:
        """`files` and `data` make a multipart upload (the Files API) instead of a form."""
        headers: dict[str, str] = {}
        if method == "POST":
            headers = {"Idempotency-Key": idempotency_key}
            if files is None:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        failure: GatewayError | None = None
        try:
            if files is not None:
                response = self._http.request(method, path, headers=headers, files=files, data=data)
            else:
                response = self._http.request(method, path, headers=headers,
                                              params=wire.encode(query).decode("ascii") if query else None,
                                              content=wire.encode(form or []) if method == "POST" else None)
        except httpx.HTTPError as error:
            failure = errors.from_transport(error, self.timeout_s)
        if failure is not None:  # raised here, outside `except`, so the httpx exception is not chained
            log.warning("stripe.call_failed", gateway=self.name, method=method, path=path,
                        idempotency_key=idempotency_key or None, error=failure.code, ms=_ms(started))
            raise failure

        log.info("stripe.call", gateway=self.name, method=method, path=path, status=response.status_code,
                 request_id=response.headers.get("request-id"), idempotency_key=idempotency_key or None,
                 replayed=response.headers.get("idempotent-replayed") == "true", ms=_ms(started))
        try:
            body = json.loads(response.content)
        except ValueError:
            body = None
        if not 200 <= response.status_code < 300:
            raise errors.from_response(response.status_code, body)
        if not isinstance(body, dict) or not all(isinstance(body.get(key), str) for key in required):
            # Stripe acted but we cannot tell how: for a POST that is as ambiguous as a timeout.
            if method == "POST":
                raise GatewayTimeout("Stripe's answer could not be read; the outcome is unknown")
            raise ProcessingError("Stripe's answer could not be read")
        return body


def _intent(reference: str) -> str:
    """The reference goes into a URL path: accept only a PaymentIntent id."""
    if not INTENT_ID.fullmatch(reference):
        raise InvalidRequest(f"{reference!r} is not a Stripe PaymentIntent id")
    return reference


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
