"""Adyen's HMAC signature of a standard webhook's NotificationRequestItem (Adyen's "Verify HMAC signatures"): the
base64 HMAC-SHA256, keyed with the hex-decoded HMAC key, of

    pspReference:originalReference:merchantAccountCode:merchantReference:value:currency:eventCode:success

(a missing field is an empty string), sent in the item's additionalData.hmacSignature. Pure."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from payhub.domain.errors import NotificationRejected

FIELDS = ("pspReference", "originalReference", "merchantAccountCode", "merchantReference")


def signing_string(item: Mapping[str, Any]) -> str:
    amount = item.get("amount")
    if not isinstance(amount, Mapping):
        amount = {}
    values = [*(item.get(name) for name in FIELDS), amount.get("value"), amount.get("currency"),
              item.get("eventCode"), item.get("success")]
    return ":".join("" if value is None else str(value) for value in values)


def sign(item: Mapping[str, Any], hmac_key: str) -> str:
    digest = hmac.new(key_bytes(hmac_key), signing_string(item).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def key_bytes(hmac_key: str) -> bytes:
    try:
        return binascii.unhexlify(hmac_key)
    except (binascii.Error, ValueError):
        raise ValueError("The Adyen HMAC key is hexadecimal") from None


def verify(item: Mapping[str, Any], key: bytes) -> None:
    """Raises NotificationRejected unless the item carries a signature made with `key`."""
    data = item.get("additionalData")
    given = data.get("hmacSignature") if isinstance(data, Mapping) else None
    if not isinstance(given, str) or not given:
        raise NotificationRejected("An Adyen notification item has no hmacSignature")
    expected = base64.b64encode(hmac.new(key, signing_string(item).encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(expected, given.encode()):
        raise NotificationRejected("An Adyen notification item's HMAC signature does not verify")
