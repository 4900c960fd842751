"""Secrets PayHub must read back (webhook signing secrets) are sealed at rest with a key derived
from PAYHUB_SECRET_KEY (Fernet: AES-128-CBC + HMAC-SHA256)."""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet


@lru_cache(maxsize=4)
def _fernet(secret_key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"payhub-seal:" + secret_key.encode()).digest()))


def seal(secret_key: str, plaintext: str) -> str:
    return _fernet(secret_key).encrypt(plaintext.encode()).decode()


def unseal(secret_key: str, token: str) -> str:
    return _fernet(secret_key).decrypt(token.encode()).decode()
