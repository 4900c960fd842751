"""Password hashes: scrypt (RFC 7914, `cryptography`), stored as `scrypt$<log2 n>$<r>$<p>$<salt>$<hash>` in base64,
so the cost can be raised later and old hashes still verify."""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidKey
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

LOG2_N, R, P, LENGTH = 15, 8, 1, 32  # 32 MiB of memory per hash: OWASP's minimum for scrypt
MIN_LENGTH, MAX_LENGTH = 12, 200


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = Scrypt(salt=salt, length=LENGTH, n=2**LOG2_N, r=R, p=P).derive(password.encode())
    return f"scrypt${LOG2_N}${R}${P}${_b64(salt)}${_b64(digest)}"


def verify_password(stored: str | None, password: str) -> bool:
    """Whether `password` matches `stored`. With no stored hash (an unknown user, or magic links only) a dummy
    hash is still computed, so the answer takes as long either way."""
    if not stored:
        hash_password(password)
        return False
    try:
        scheme, log2_n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        Scrypt(salt=base64.b64decode(salt), length=len(base64.b64decode(digest)), n=2 ** int(log2_n), r=int(r),
               p=int(p)).verify(password.encode(), base64.b64decode(digest))
        return True
    except (InvalidKey, ValueError):
        return False
