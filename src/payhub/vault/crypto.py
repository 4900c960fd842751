"""AES-256-GCM under named keys. Each sealed value records the id of the key that sealed it, so keys rotate
without a flag day: new values use the active key, old ones open with theirs until `payhub vault rotate-key`
re-seals them. The associated data binds a ciphertext to its row: moved to another row, it no longer opens."""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from payhub.domain.errors import VaultKeyMissing, VaultTampered

NONCE_BYTES = 12
KEY_ID = re.compile(r"[A-Za-z0-9_.-]{1,40}")
DERIVED_KEY_ID = "derived-v1"


@dataclass(frozen=True)
class Sealed:
    key_id: str
    blob: bytes  # nonce || ciphertext || tag


@dataclass(frozen=True)
class Keyring:
    """The vault's keys by id, and the one new values are sealed with."""

    keys: Mapping[str, bytes] = field(repr=False)
    active: str

    def __post_init__(self) -> None:
        if self.active not in self.keys:
            raise ValueError(f"the active vault key {self.active!r} is not among the keys")
        for key_id, key in self.keys.items():
            if not KEY_ID.fullmatch(key_id):
                raise ValueError(f"vault key id {key_id!r}: letters, digits, '_', '.', '-' only")
            if len(key) != 32:
                raise ValueError(f"vault key {key_id!r} must be 32 bytes (AES-256), not {len(key)}")

    @classmethod
    def parse(cls, keys: Mapping[str, str], active: str | None) -> Keyring:
        """From configuration: {key id: base64 of 32 random bytes}; the active one named, or the only one."""
        if not keys:
            raise ValueError("no vault keys")
        if active is None:
            if len(keys) > 1:
                raise ValueError("several vault keys: name the active one (PAYHUB_VAULT_ACTIVE_KEY)")
            active = next(iter(keys))
        decoded: dict[str, bytes] = {}
        for key_id, text in keys.items():
            try:
                decoded[key_id] = base64.b64decode(text, validate=True)
            except (binascii.Error, ValueError):
                raise ValueError(f"vault key {key_id!r} is not base64") from None
        return cls(decoded, active)

    @classmethod
    def derived(cls, secret: str) -> Keyring:
        """A key derived from the server's secret key: for development and tests, when no vault keys are set
        (production refuses to start without them, see settings.py)."""
        key = HKDF(hashes.SHA256(), 32, salt=b"payhub-vault", info=b"aes-256-gcm").derive(secret.encode())
        return cls({DERIVED_KEY_ID: key}, DERIVED_KEY_ID)

    def seal(self, plaintext: bytes, bound_to: bytes) -> Sealed:
        nonce = os.urandom(NONCE_BYTES)
        return Sealed(self.active, nonce + AESGCM(self.keys[self.active]).encrypt(nonce, plaintext, bound_to))

    def open(self, sealed: Sealed, bound_to: bytes) -> bytes:
        key = self.keys.get(sealed.key_id)
        if key is None:
            raise VaultKeyMissing(f"Vault key {sealed.key_id!r} is not configured")
        nonce, body = sealed.blob[:NONCE_BYTES], sealed.blob[NONCE_BYTES:]
        try:
            return AESGCM(key).decrypt(nonce, body, bound_to)
        except InvalidTag:
            raise VaultTampered("A vault value failed its integrity check") from None

    def reseal(self, sealed: Sealed, bound_to: bytes) -> Sealed:
        """The same plaintext under the active key (rotation)."""
        return self.seal(self.open(sealed, bound_to), bound_to)


def new_key() -> str:
    """A fresh key, as configuration takes it."""
    return base64.b64encode(os.urandom(32)).decode()
