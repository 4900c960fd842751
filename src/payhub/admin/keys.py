"""API keys: create (secret shown once), change, roll, revoke; every change audited. An entity key acts for
its entity and makes keys for it; a platform key may also make and manage platform keys (`platform`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from payhub.admin.work import Actor, UnitOfWork
from payhub.auth.keys import create_key
from payhub.domain.errors import Forbidden, InvalidRequest, KeyNotFound
from payhub.store import repo
from payhub.store.models import ApiKey
from payhub.views import ts


def key_view(k: ApiKey) -> dict[str, Any]:
    return {"id": k.id, "object": "api_key", "name": k.name, "scope": k.scope, "prefix": k.prefix,
            "entity": k.entity_id, "created_at": ts(k.created_at), "expires_at": ts(k.expires_at),
            "revoked_at": ts(k.revoked_at), "rate_limit_per_s": k.rate_limit_per_s}


def _future(now: datetime, when: datetime | None) -> None:
    if when is not None and (when.tzinfo is None or when <= now):
        raise InvalidRequest("expires_at must be a future time with a timezone", field="expires_at")


def _get(u: UnitOfWork, entity_id: str, platform: bool, key_id: str) -> ApiKey:
    key = u.s.get(ApiKey, key_id, with_for_update=True)
    if key is None or not (key.entity_id == entity_id or (platform and key.entity_id is None)):
        raise KeyNotFound(f"No API key {key_id}")
    return key


def _audit(u: UnitOfWork, actor: Actor, entity_id: str, action: str, key: ApiKey,
           before: dict[str, Any] | None) -> None:
    u.audit(actor, entity_id, action, f"api_key:{key.id}", before, key_view(key))


def list_api_keys(u: UnitOfWork, entity_id: str, platform: bool, limit: int,
                  starting_after: str | None) -> tuple[Sequence[ApiKey], bool]:
    """The entity's keys (and the platform keys, for a platform key), newest first."""
    return repo.api_keys_page(u.s, entity_id, platform, limit, starting_after)


def create_api_key(u: UnitOfWork, entity_id: str, platform: bool, fields: dict[str, Any],
                   actor: Actor) -> tuple[ApiKey, str]:
    """A key (`fields`: scope, and name, expires_at, rate_limit_per_s, platform) and its secret, in clear:
    the only time anyone sees it; PayHub keeps a hash."""
    _future(u.now, fields.get("expires_at"))
    if fields.get("platform") and not platform:
        raise Forbidden("Only a platform key can create platform keys")
    key, secret = create_key(u.s, None if fields.get("platform") else entity_id, fields["scope"], u.now,
                             fields.get("name", ""), fields.get("expires_at"), fields.get("rate_limit_per_s"))
    u.s.flush()
    _audit(u, actor, entity_id, "api_key.created", key, None)
    return key, secret


def update_api_key(u: UnitOfWork, entity_id: str, platform: bool, key_id: str, changes: dict[str, Any],
                   actor: Actor) -> ApiKey:
    """Rename, set or change the expiry, or the rate limit."""
    _future(u.now, changes.get("expires_at"))
    key = _get(u, entity_id, platform, key_id)
    before = key_view(key)
    for name, value in changes.items():
        setattr(key, name, value)
    _audit(u, actor, entity_id, "api_key.updated", key, before)
    return key


def roll_api_key(u: UnitOfWork, entity_id: str, platform: bool, key_id: str, overlap_seconds: int,
                 actor: Actor) -> tuple[ApiKey, str, ApiKey]:
    """A new key with the same name, scope and limits, its secret, and the old key, which expires after the
    overlap."""
    old = _get(u, entity_id, platform, key_id)
    if old.revoked_at is not None:
        raise InvalidRequest("A revoked key cannot be rolled", field="key_id")
    before = key_view(old)
    new, secret = create_key(u.s, old.entity_id, old.scope, u.now, old.name, old.expires_at, old.rate_limit_per_s)
    old.expires_at = min(filter(None, [old.expires_at, u.now + timedelta(seconds=overlap_seconds)]))
    u.s.flush()
    _audit(u, actor, entity_id, "api_key.rolled", old, before)
    _audit(u, actor, entity_id, "api_key.created", new, None)
    return new, secret, old


def revoke_api_key(u: UnitOfWork, entity_id: str, platform: bool, key_id: str, actor: Actor) -> ApiKey:
    """Revoke at once: the next request with this key gets 401."""
    key = _get(u, entity_id, platform, key_id)
    before = key_view(key)
    key.revoked_at = key.revoked_at or u.now
    _audit(u, actor, entity_id, "api_key.revoked", key, before)
    return key
