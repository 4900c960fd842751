"""Adyen's answers → PayHub domain errors, in one place.

Adyen reports a refused payment as HTTP 200 with a `resultCode` and a `refusalReason`; a request it
could not process as a non-2xx status with `errorCode`, `message` and `errorType`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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

NOT_ENOUGH_BALANCE = ("Not enough balance", "12")  # refusalReason, refusalReasonCode
# Failures on the acquirer's or issuer's side, not the shopper's: a later attempt may go through.
TRANSIENT_REFUSALS = {"Acquirer Error", "Issuer Unavailable"}
# 422 validation codes about the card or token itself: the request is wrong, nothing was charged.
CARD_VALIDATION_CODES = {"101", "102", "103", "153", "800"}
IN_PROGRESS_CODE = "704"  # same Idempotency-Key still being processed: retry later with the same key
PENDING_RESULTS = {"Received", "Pending"}  # accepted, outcome not decided yet (webhook follows)
SHOPPER_ACTION_RESULTS = {"RedirectShopper", "IdentifyShopper", "ChallengeShopper", "PresentToShopper"}


def to_error(status: int, body: Mapping[str, Any], *, bank_account: bool = False) -> DomainError:
    """The domain error for an Adyen answer that is not a success (HTTP status, parsed JSON body)."""
    if 200 <= status < 300:
        return _payment_error(body, bank_account)
    code = str(body.get("errorCode") or "")
    message = str(body.get("message") or "")
    extra: dict[str, object] = {"gateway_code": code, "http_status": status}
    if body.get("pspReference"):
        extra["gateway_reference"] = str(body["pspReference"])
    detail = f"Adyen answered HTTP {status}" + (f" ({code}: {message})" if code or message else "")
    if status in (401, 403):
        return GatewayAuthFailed(detail, **extra)
    if status == 429 or status >= 500:
        return ProcessingError(detail, **extra)
    if code == IN_PROGRESS_CODE:
        return ProcessingError(detail, **extra)
    if status == 422 and code in CARD_VALIDATION_CODES:
        return InvalidCard(detail, **extra)
    return GatewayError(detail, **extra)


def _payment_error(body: Mapping[str, Any], bank_account: bool) -> DomainError:
    result = str(body.get("resultCode") or "")
    reason = str(body.get("refusalReason") or "")
    reason_code = str(body.get("refusalReasonCode") or "")
    extra: dict[str, object] = {"gateway_code": reason or result}
    if body.get("pspReference"):
        extra["gateway_reference"] = str(body["pspReference"])
    if result == "Error" or reason in TRANSIENT_REFUSALS:
        return ProcessingError(f"Adyen could not process the payment ({reason or result})", **extra)
    if result == "Refused":
        if reason in NOT_ENOUGH_BALANCE or reason_code == NOT_ENOUGH_BALANCE[1]:
            return InsufficientFunds("The account has insufficient funds", **extra)
        refused = BankAccountDeclined if bank_account else Declined
        return refused(f"The payment was refused ({reason or 'no reason given'})", **extra)
    if result == "Cancelled":
        return Declined("The payment was cancelled by the acquirer", **extra)
    if result in PENDING_RESULTS:
        # Adyen holds the payment and will decide later: it may still be charged.
        return GatewayTimeout(f"Adyen has not decided the payment yet ({result})", **extra)
    if result in SHOPPER_ACTION_RESULTS:
        # 3-D Secure and redirects need the shopper's browser; a server-side payment cannot complete them.
        return Declined(f"The payment needs shopper authentication ({result})", **extra)
    return GatewayError(f"Unexpected Adyen resultCode {result!r}", **extra)
