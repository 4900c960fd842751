"""API keys: random secrets shown once, stored as SHA-256 hashes, each with one scope.
Scopes nest: admin ⊃ payments ⊃ read."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy.orm import Session

from payhub.ids import new_id
from payhub.store.models import ApiKey
from payhub.store.repo import hash_secret

SCOPES = ("read", "payments", "admin")


def allows(granted: str, needed: str) -> bool:
    return SCOPES.index(granted) >= SCOPES.index(needed)


def create_key(s: Session, entity_id: str, scope: str, now: datetime, name: str = "",
               expires_at: datetime | None = None, rate_limit_per_s: int | None = None) -> tuple[ApiKey, str]:
    """Returns the stored key and its secret; the secret is not recoverable afterwards."""
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {', '.join(SCOPES)}")
    secret = f"phk_{scope}_{secrets.token_urlsafe(32)}"
    key = ApiKey(id=new_id("key"), entity_id=entity_id, name=name, scope=scope, secret_hash=hash_secret(secret),
                 prefix=secret[:16], created_at=now, expires_at=expires_at, rate_limit_per_s=rate_limit_per_s)
    s.add(key)
    return key, secret
