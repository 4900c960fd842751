"""Timestamped HMAC signatures, Stripe's scheme: a header `t=<unix>,v1=<hex>[,v1=<hex>…]` whose v1 values are
HMAC-SHA256 over `f"{t}.{raw body}"` keyed with the endpoint secret (its full text, `whsec_…` included). Stripe
signs this way and so does the simulator (under its own header name). Pure: no I/O, no clock of its own."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from datetime import datetime

from payhub.domain.errors import NotificationRejected, NotificationStale

DEFAULT_TOLERANCE_S = 300  # Stripe's libraries' default


def signature(secret: str, body: bytes, timestamp: int) -> str:
    """The hex v1 signature of `body` sent at `timestamp`."""
    return hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, timestamp: int) -> str:
    return f"t={timestamp},v1={signature(secret, body, timestamp)}"


def verify(headers: Mapping[str, str], header: str, body: bytes, secrets: Sequence[str], now: datetime,
           tolerance_s: int, provider: str) -> int:
    """Check the signature header (lower-cased name `header`) against every configured secret; returns the signed
    timestamp. The signature is checked before the timestamp, so only a genuine but old request is "stale".

    Raises NotificationRejected (no secret configured, header missing or malformed, no v1 matches) or
    NotificationStale (more than `tolerance_s` from `now`, either way: a replay, or a clock far off)."""
    if not secrets:
        raise NotificationRejected(f"No {provider} notification secret is configured: nothing is accepted")
    value = headers.get(header)
    if not value:
        raise NotificationRejected(f"The {provider} notification has no {header} header")
    timestamp, candidates = _parse(value, provider)
    signed = str(timestamp).encode() + b"." + body
    expected = [hmac.new(s.encode(), signed, hashlib.sha256).hexdigest() for s in secrets]
    # Every pair is compared, in constant time, so the time taken says nothing about which one matched.
    matched = False
    for candidate in candidates:
        for wanted in expected:
            matched |= hmac.compare_digest(candidate.encode(), wanted.encode())
    if not matched:
        raise NotificationRejected(f"The {provider} notification's signature does not verify")
    age = now.timestamp() - timestamp
    if abs(age) > tolerance_s:
        raise NotificationStale(f"The {provider} notification was signed {int(age)}s from now; the tolerance is "
                                f"{tolerance_s}s", age_s=int(age))
    return timestamp


def _parse(value: str, provider: str) -> tuple[int, list[str]]:
    timestamp: int | None = None
    candidates: list[str] = []
    for part in value.split(","):
        key, _, item = part.strip().partition("=")
        if key == "t" and item.isascii() and item.isdigit():
            timestamp = int(item)
        elif key == "v1" and item:
            candidates.append(item)
    if timestamp is None or not candidates:
        raise NotificationRejected(f"The {provider} signature header is not t=…,v1=…")
    return timestamp, candidates
