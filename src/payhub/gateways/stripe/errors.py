"""Stripe's errors → PayHub's domain errors, in one place.

Stripe answers errors as JSON `{"error": {"type", "code", "decline_code", "message", "payment_intent"}}`:
402 for card errors, 400 invalid request (and idempotency misuse), 401/403 credentials, 409 a concurrent request
with the same Idempotency-Key, 429 rate limit, 5xx its own failures. Transport failures are split by whether the
request can have reached Stripe: a refused or timed-out *connect* never did (safe to retry), anything after the
request was sent is ambiguous.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from payhub.domain.errors import (
    Declined,
    GatewayAuthFailed,
    GatewayError,
    GatewayTimeout,
    InsufficientFunds,
    KeyConflict,
    ProcessingError,
)


def from_response(status: int, body: object) -> GatewayError:
    """Map an HTTP error answer (status and decoded JSON body, or None when it was not JSON)."""
    error: Mapping[str, Any] = {}
    if isinstance(body, Mapping) and isinstance(body.get("error"), Mapping):
        error = body["error"]
    kind, code, decline = (_text(error.get(k)) for k in ("type", "code", "decline_code"))
    message = _text(error.get("message")) or f"Stripe answered HTTP {status}"
    extra = {k: v for k, v in (("gateway_code", code), ("decline_code", decline),
                               ("gateway_reference", _intent_id(error))) if v}

    if status in (401, 403):
        # Stripe's own message quotes part of the key: keep it out of the error.
        return GatewayAuthFailed(f"Stripe refused the API key (HTTP {status})", **extra)
    if status == 409 or kind == "idempotency_error":
        # Another request under this Idempotency-Key is in flight, or was made with other parameters: it may
        # have charged, so this is an unknown outcome, never a reason to fail over.
        return KeyConflict(f"Stripe: {message}", **extra)
    if status == 429 or status >= 500 or kind == "api_error":
        # 429: rate limited; 5xx: Stripe failed.
        return ProcessingError(f"Stripe: {message}", **extra)
    if kind == "card_error":
        if decline == "insufficient_funds" or code == "insufficient_funds":
            return InsufficientFunds(message, **extra)
        if code == "processing_error":  # the issuer could not be reached: a retry may well succeed
            return ProcessingError(message, **extra)
        return Declined(message, **extra)
    # invalid_request_error and anything unknown: a fault in what we sent, which the same request cannot fix.
    return GatewayError(f"Stripe: {message}", **extra)


def from_transport(error: httpx.HTTPError, timeout_s: float) -> GatewayError:
    """Map an httpx exception. Callers raise the result outside their `except` block, so the httpx exception
    (whose request holds the form, card number included) is not chained to the domain error."""
    if isinstance(error, httpx.ConnectTimeout | httpx.PoolTimeout):
        return ProcessingError(f"Could not connect to Stripe within {timeout_s:g}s; nothing was sent")
    if isinstance(error, httpx.ConnectError | httpx.UnsupportedProtocol):
        return ProcessingError(f"Could not connect to Stripe ({type(error).__name__}); nothing was sent")
    if isinstance(error, httpx.TimeoutException):
        return GatewayTimeout(f"Stripe did not answer within {timeout_s:g}s; the outcome is unknown")
    return GatewayTimeout(f"The connection to Stripe failed mid-request ({type(error).__name__}); "
                          "the outcome is unknown")


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _intent_id(error: Mapping[str, Any]) -> str:
    intent = error.get("payment_intent")
    return _text(intent.get("id")) if isinstance(intent, Mapping) else ""
