"""The Adyen connector: PayHub's `Gateway` port over Adyen's Checkout API v71 (JSON over HTTPS).

Every POST carries an Idempotency-Key, so a call retried after a timeout is answered with the first
result instead of charging again. Nothing here logs a request body: it may hold a card number.

Also: standard webhooks verified by HMAC (adyen/signature.py), the Settlement details report, and dispute defense
through the Disputes API v30 (supplyDefenseDocument, then defendDispute)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import IO, Any
from urllib.parse import quote

import httpx
import structlog

from payhub.domain.disputes import Evidence
from payhub.domain.errors import (
    CapabilityUnsupported,
    GatewayError,
    GatewayTimeout,
    InvalidRequest,
    LookupUnsupported,
    NotificationInvalid,
    NotificationRejected,
    ProcessingError,
)
from payhub.domain.methods import BankAccount
from payhub.domain.money import Money
from payhub.domain.settlement import SettlementLine
from payhub.gateways import events, reports
from payhub.gateways.adyen import signature
from payhub.gateways.adyen import transformers as wire
from payhub.gateways.adyen.errors import to_error
from payhub.ports import (
    DISPUTE_EVIDENCE,
    DISPUTES,
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

API_VERSION = "v71"
# Failures raised before any byte of the request left: Adyen cannot have acted, a retry is safe.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class AdyenGateway:
    """Implements ports.Gateway on Adyen. Thread-safe (one pooled httpx.Client)."""

    # No per-payment settlement query and no find_charge: Adyen tells both only by webhook and report files.
    capabilities = frozenset({REFUND_PARTIAL, LEVEL3, DISPUTES, NOTIFICATIONS, SETTLEMENT_FILES, DISPUTE_EVIDENCE})

    def __init__(self, api_key: str, merchant_account: str, base_url: str = "https://checkout-test.adyen.com",
                 timeout_s: float = 15.0, name: str = "adyen", transport: httpx.BaseTransport | None = None,
                 hmac_key: str | None = None,
                 disputes_url: str = "https://ca-test.adyen.com/ca/services/DisputeService/v30",
                 defense_reason_code: str = wire.DEFAULT_DEFENSE_REASON) -> None:
        """`hmac_key`: the webhook's HMAC key (hex); without one, every notification is refused.
        `defense_reason_code`: what defendDispute claims; the default, SupplyDefenseMaterial, is the generic
        defense Adyen offers for every scheme (retrieveApplicableDefenseReasons lists a dispute's others)."""
        self.name = name
        self.merchant_account = merchant_account
        self.timeout_s = timeout_s
        self._hmac_key = signature.key_bytes(hmac_key) if hmac_key else None
        self._disputes_url = disputes_url.rstrip("/")
        self.defense_reason_code = defense_reason_code
        self._http = httpx.Client(base_url=f"{base_url.rstrip('/')}/{API_VERSION}", timeout=timeout_s,
                                  transport=transport, headers={"X-API-Key": api_key})

    def close(self) -> None:
        self._http.close()

    def authorize(self, request: AuthorizeRequest) -> GatewayResult:
        body = wire.payment_request(request, self.merchant_account)
        status, answer = self._post("/payments", body, request.idempotency_key)
        if 200 <= status < 300 and wire.is_authorised(answer, request.method):
            return wire.payment_result(answer)
        raise to_error(status, answer, bank_account=isinstance(request.method, BankAccount))

    def capture(self, reference: str, amount: Money, idempotency_key: str) -> GatewayResult:
        return self._modify(reference, "captures", idempotency_key, amount)

    def void(self, reference: str, idempotency_key: str) -> GatewayResult:
        return self._modify(reference, "cancels", idempotency_key)

    def refund(self, reference: str, amount: Money, idempotency_key: str) -> GatewayResult:
        return self._modify(reference, "refunds", idempotency_key, amount)

    def settlement(self, reference: str) -> Settlement:
        """Adyen has no per-payment settlement query. It reports settlement in its Settlement details report
        (and a capture's success only by webhook), which this connector does not read: "not settled" would be a
        guess, and so would "settled" from the capture date (the capture may later fail)."""
        raise CapabilityUnsupported("Adyen reports settlement only in its Settlement details report",
                                    connector=self.name, capability=SETTLEMENT_REPORTS)

    def find_charge(self, idempotency_key: str) -> GatewayResult | None:
        """Adyen's Checkout API has no search by reference; it reports outcomes by webhook. A replay needs the
        original request (card data PayHub does not keep), so recovery hands such a payment to a person."""
        raise LookupUnsupported("Adyen cannot be asked what became of a payment; check the Customer Area")

    # --- notifications, settlement files, dispute evidence ---------------------------------------------

    def read_notifications(self, headers: Mapping[str, str], body: bytes, now: datetime) -> list[Notification]:
        """Every item must verify, or the whole request is refused. Adyen signs no timestamp, so there is no
        staleness check: a replayed item has the same event id (transformers.notification_id), and PayHub
        processes an event id once."""
        if self._hmac_key is None:
            raise NotificationRejected("No Adyen HMAC key is configured: nothing is accepted")
        data = events.parse(body, "Adyen")
        items = data.get("notificationItems")
        if not isinstance(items, list) or not items:
            raise NotificationInvalid("notificationItems is missing or empty")
        unwrapped = []
        for wrapper in items:
            item = wrapper.get("NotificationRequestItem") if isinstance(wrapper, Mapping) else None
            if not isinstance(item, Mapping):
                raise NotificationInvalid("A notification item has no NotificationRequestItem")
            signature.verify(item, self._hmac_key)
            unwrapped.append(item)
        return [wire.notification_item(item) for item in unwrapped]

    def read_settlement_report(self, source: IO[bytes]) -> Iterator[SettlementLine]:
        """The Settlement details report (CSV), its standard columns or more."""
        for row in reports.rows(source, wire.REPORT_COLUMNS):
            yield wire.settlement_line(row)

    def submit_dispute_evidence(self, dispute_reference: str, evidence: Evidence, idempotency_key: str) -> str:
        """supplyDefenseDocument, then defendDispute with `defense_reason_code`; each call under its own key
        derived from `idempotency_key`. Returns "under_review" (PayHub's status: the defense is with the scheme)."""
        if not dispute_reference:
            raise InvalidRequest("No Adyen dispute pspReference")
        supply = wire.supply_request(self.merchant_account, dispute_reference, evidence)
        self._dispute_call("supplyDefenseDocument", supply, f"{idempotency_key}:supply")
        defend = wire.defend_request(self.merchant_account, dispute_reference, self.defense_reason_code)
        self._dispute_call("defendDispute", defend, f"{idempotency_key}:defend")
        return "under_review"

    def _dispute_call(self, action: str, body: dict[str, Any], idempotency_key: str) -> None:
        status, answer = self._post(f"{self._disputes_url}/{action}", body, idempotency_key)
        if not 200 <= status < 300:
            raise to_error(status, answer)
        ok, message = wire.dispute_service_ok(answer)
        if not ok:
            raise GatewayError(f"Adyen refused {action}: {message or 'no reason given'}", gateway_code=action)

    def _modify(self, reference: str, kind: str, idempotency_key: str, amount: Money | None = None) -> GatewayResult:
        if not reference:
            raise GatewayError(f"No Adyen pspReference to {kind[:-1]}")
        body = wire.modification_request(self.merchant_account, idempotency_key, amount)
        status, answer = self._post(f"/payments/{quote(reference, safe='')}/{kind}", body, idempotency_key)
        if 200 <= status < 300:
            return wire.modification_result(answer)
        raise to_error(status, answer)

    def _post(self, path: str, body: dict[str, Any], idempotency_key: str) -> tuple[int, dict[str, Any]]:
        """POST and return (status, JSON object); transport failures become domain errors."""
        failure: GatewayError | None = None
        try:
            response = self._http.post(path, json=body, headers={"Idempotency-Key": idempotency_key})
        except NOT_SENT as error:
            failure = ProcessingError(f"Adyen is unreachable ({type(error).__name__}); nothing was sent")
        except httpx.HTTPError as error:  # sent, but no answer: Adyen may have acted
            failure = GatewayTimeout(f"Adyen did not answer within {self.timeout_s}s ({type(error).__name__})")
        if failure is not None:  # raised outside `except`: the httpx error's request holds the card number
            raise failure
        try:
            answer = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            answer = None
        if not isinstance(answer, dict):
            if response.is_success:  # a success we cannot read: the payment may exist
                raise GatewayTimeout(f"Adyen's answer to {path} was unreadable (HTTP {response.status_code})")
            answer = {}
        log.info("adyen.response", path=path, status=response.status_code, result_code=answer.get("resultCode"),
                 error_code=answer.get("errorCode"), psp_reference=answer.get("pspReference"))
        return response.status_code, answer
