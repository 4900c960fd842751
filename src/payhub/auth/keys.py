"""API keys: random secrets shown once, stored as SHA-256 hashes, each with one scope.
Scopes nest: admin ⊃ payments ⊃ read."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from payhub.ids import new_id
from payhub.store import repo, staff
from payhub.store.cache import Caches, WouldBlock
from payhub.store.models import ApiKey, CustomerToken
from payhub.store.repo import hash_secret

SCOPES = ("read", "payments", "admin")
CUSTOMER_TOKEN_PREFIX = "pht_"
CUSTOMER_TOKEN_CHANNELS = ("widget", "portal", "terminal")


def allows(granted: str, needed: str) -> bool:
    return SCOPES.index(granted) >= SCOPES.index(needed)


@dataclass(frozen=True)
class KeyGrant:
    """What a request needs of its API key, cached (store/cache.py): a revocation is seen at once in the process
    that made it and within a second in the others; the expiry is checked on every use."""

    id: str
    entity_id: str | None
    scope: str
    rate_limit_per_s: int | None
    expires_at: datetime | None
    staff_user_id: str | None = None  # a virtual-terminal key: the staff user it acts for
    staff_role: str | None = None  # … and that user's role (terminal | terminal_refund)


def find_key(caches: Caches | None, readers: Callable[[], Session], secret: str, now: datetime, *,
             block: bool = True) -> KeyGrant | None:
    """The key of this secret if it exists, is not revoked and has not expired. With `block=False`, raises
    cache.WouldBlock rather than reading the database."""
    digest = hash_secret(secret)

    def load(s: Session) -> KeyGrant | None:
        key = repo.api_key_by_hash(s, digest)
        if key is None or key.revoked_at is not None:
            return None
        role = staff.staff_role(s, key.staff_user_id) if key.staff_user_id else None
        if key.staff_user_id and role is None:  # the staff user was deactivated
            return None
        return KeyGrant(key.id, key.entity_id, key.scope, key.rate_limit_per_s, key.expires_at,
                        key.staff_user_id, role)

    if caches is not None:
        grant = caches.get(("api_key", digest), load, block=block, keep_none=False)
    elif not block:
        raise WouldBlock
    else:
        with readers() as s:
            grant = load(s)
    if grant is None or (grant.expires_at is not None and grant.expires_at <= now):
        return None
    return grant


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
                          created_by: str, channel: str = "widget") -> tuple[CustomerToken, str]:
    """A customer-context token and its secret (shown once). `channel` is what its payments record:
    widget (a merchant's page), portal or terminal (PayHub's own pages)."""
    if channel not in CUSTOMER_TOKEN_CHANNELS:
        raise ValueError(f"channel must be one of {', '.join(CUSTOMER_TOKEN_CHANNELS)}")
    secret = f"{CUSTOMER_TOKEN_PREFIX}{secrets.token_urlsafe(32)}"
    token = CustomerToken(id=new_id("ctk"), entity_id=entity_id, customer_id=customer_id,
                          secret_hash=hash_secret(secret), invoice_ids=invoice_ids, max_amount=max_amount,
                          currency=currency, created_by=created_by, created_at=now, expires_at=expires_at,
                          channel=channel)
    s.add(token)
    return token, secret
