"""API keys (admin): create (secret shown once), list, roll, revoke, expire. Every change is audited.
An entity key acts for its entity and makes keys for it; a platform key may also make platform keys."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from payhub.api.deps import AdminKey, KeyPage, ServicesDep, envelope
from payhub.auth.keys import create_key
from payhub.domain.errors import Forbidden, InvalidRequest, NotFound
from payhub.store import audit, repo
from payhub.store.models import ApiKey
from payhub.store.views import ts

router = APIRouter(prefix="/api_keys", tags=["api keys"])


class KeyNotFound(NotFound):
    code = "api_key_not_found"
    title = "API key not found"


class KeyCreate(BaseModel):
    model_config = {"extra": "forbid"}
    name: str = Field("", max_length=200)
    scope: Literal["read", "payments", "admin"]
    expires_at: datetime | None = None
    rate_limit_per_s: int | None = Field(None, ge=1, le=100_000, description="Default: the server's limit")
    platform: bool = Field(False, description="A key for every entity (only a platform key may make one)")


class KeyUpdate(BaseModel):
    model_config = {"extra": "forbid"}
    name: str | None = Field(None, max_length=200)
    expires_at: datetime | None = None
    rate_limit_per_s: int | None = Field(None, ge=1, le=100_000)


class KeyRoll(BaseModel):
    model_config = {"extra": "forbid"}
    overlap_seconds: int = Field(3600, ge=0, le=30 * 86_400,
                                 description="How long the old secret keeps working, so clients can switch")


def key_view(k: ApiKey) -> dict[str, Any]:
    return {"id": k.id, "object": "api_key", "name": k.name, "scope": k.scope, "prefix": k.prefix,
            "entity": k.entity_id, "created_at": ts(k.created_at), "expires_at": ts(k.expires_at),
            "revoked_at": ts(k.revoked_at), "rate_limit_per_s": k.rate_limit_per_s}


def _future(svc_now: datetime, when: datetime | None) -> None:
    if when is not None and (when.tzinfo is None or when <= svc_now):
        raise InvalidRequest("expires_at must be a future time with a timezone", field="expires_at")


def _get(s: Any, admin: Any, key_id: str) -> ApiKey:
    key = s.get(ApiKey, key_id, with_for_update=True)
    if key is None or not (key.entity_id == admin.entity_id or (admin.platform and key.entity_id is None)):
        raise KeyNotFound(f"No API key {key_id}")
    return key  # type: ignore[no-any-return]


def _audit(s: Any, request: Request, admin: Any, action: str, key: ApiKey, before: dict[str, Any] | None,
           now: datetime) -> None:
    audit.record(s, entity_id=admin.entity_id, key_id=admin.key_id, action=action, target=f"api_key:{key.id}",
                 before=before, after=key_view(key), request_id=getattr(request.state, "request_id", None), now=now)


@router.post("", status_code=201, operation_id="create_api_key")
def create(body: KeyCreate, request: Request, admin: AdminKey, svc: ServicesDep) -> dict[str, Any]:
    """Create a key for this entity. Its secret is in this response only; PayHub keeps a hash."""
    now = svc.clock.now()
    _future(now, body.expires_at)
    if body.platform and not admin.platform:
        raise Forbidden("Only a platform key can create platform keys")
    with svc.transaction() as s:
        key, secret = create_key(s, None if body.platform else admin.entity_id, body.scope, now, body.name,
                                 body.expires_at, body.rate_limit_per_s)
        s.flush()
        _audit(s, request, admin, "api_key.created", key, None, now)
        return {**key_view(key), "secret": secret}


@router.get("", operation_id="list_api_keys")
def list_keys(admin: AdminKey, svc: ServicesDep, page: KeyPage) -> dict[str, Any]:
    with svc.read() as s:
        mine = ApiKey.entity_id == admin.entity_id
        rows, has_more = repo.page(s, select(ApiKey).where(mine | ApiKey.entity_id.is_(None) if admin.platform
                                                           else mine), ApiKey.id, page.limit, page.starting_after)
        return envelope([key_view(k) for k in rows], has_more)


@router.patch("/{key_id}", operation_id="update_api_key")
def update(key_id: str, body: KeyUpdate, request: Request, admin: AdminKey, svc: ServicesDep) -> dict[str, Any]:
    """Rename, set or change the expiry, or the rate limit."""
    now = svc.clock.now()
    changes = body.model_dump(exclude_unset=True)
    _future(now, changes.get("expires_at"))
    with svc.transaction() as s:
        key = _get(s, admin, key_id)
        before = key_view(key)
        for name, value in changes.items():
            setattr(key, name, value)
        _audit(s, request, admin, "api_key.updated", key, before, now)
        return key_view(key)


@router.post("/{key_id}/roll", status_code=201, operation_id="roll_api_key")
def roll(key_id: str, request: Request, admin: AdminKey, svc: ServicesDep,
         body: KeyRoll | None = None) -> dict[str, Any]:
    """A new secret with the same name, scope and limits; the old one expires after the overlap."""
    body = body or KeyRoll(overlap_seconds=3600)
    now = svc.clock.now()
    with svc.transaction() as s:
        old = _get(s, admin, key_id)
        if old.revoked_at is not None:
            raise InvalidRequest("A revoked key cannot be rolled", field="key_id")
        before = key_view(old)
        new, secret = create_key(s, old.entity_id, old.scope, now, old.name, old.expires_at, old.rate_limit_per_s)
        old.expires_at = min(filter(None, [old.expires_at, now + timedelta(seconds=body.overlap_seconds)]))
        s.flush()
        _audit(s, request, admin, "api_key.rolled", old, before, now)
        _audit(s, request, admin, "api_key.created", new, None, now)
        return {**key_view(new), "secret": secret, "replaces": old.id}


@router.post("/{key_id}/revoke", operation_id="revoke_api_key")
def revoke(key_id: str, request: Request, admin: AdminKey, svc: ServicesDep) -> dict[str, Any]:
    """Revoke at once: the next request with this key gets 401."""
    now = svc.clock.now()
    with svc.transaction() as s:
        key = _get(s, admin, key_id)
        before = key_view(key)
        key.revoked_at = key.revoked_at or now
        _audit(s, request, admin, "api_key.revoked", key, before, now)
        return key_view(key)
