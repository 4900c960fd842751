"""API keys: random secrets shown once, stored as SHA-256 hashes, each with one scope.
Scopes nest: admin ⊃ payments ⊃ read."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy.orm import Session

from payhub.ids import new_id
from payhub.store.models import ApiKey, CustomerToken
from payhub.store.repo import hash_secret

SCOPES = ("read", "payments", "admin")
CUSTOMER_TOKEN_PREFIX = "pht_"


def allows(granted: str, needed: str) -> bool:
    return SCOPES.index(granted) >= SCOPES.index(needed)


def create_key(s: Session, entity_id: str | None, scope: str, now: datetime, name: str = "",
               expires_at: datetime | None = None, rate_limit_per_s: int | None = None) -> tuple[ApiKey, str]:
    """Returns the stored key and its secret; the secret is not recoverable afterwards. A key without an
    entity is a platform key: it may act for any entity, named per request in the PayHub-Entity header."""
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {', '.join(SCOPES)}")
    secret = f"phk_{scope}_{secrets.token_urlsafe(32)}"
    key = ApiKey(id=new_id("key"), entity_id=entity_id, name=name, scope=scope, secret_hash=hash_secret(secret),
                 prefix=secret[:16], created_at=now, expires_at=expires_at, rate_limit_per_s=rate_limit_per_s)
    s.add(key)
    return key, secret


def create_customer_token(s: Session, entity_id: str, customer_id: str, now: datetime, expires_at: datetime, *,
                          invoice_ids: list[str] | None, max_amount: int | None, currency: str | None,
                          created_by: str) -> tuple[CustomerToken, str]:
    secret = f"{CUSTOMER_TOKEN_PREFIX}{secrets.token_urlsafe(32)}"
    token = CustomerToken(id=new_id("ctk"), entity_id=entity_id, customer_id=customer_id,
                          secret_hash=hash_secret(secret), invoice_ids=invoice_ids, max_amount=max_amount,
                          currency=currency, created_by=created_by, created_at=now, expires_at=expires_at)
    s.add(token)
    return token, secret
