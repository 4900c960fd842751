"""API keys (admin): create (secret shown once), list, roll, revoke, expire. Every change is audited.
An entity key acts for its entity and makes keys for it; a platform key may also make platform keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from payhub import admin
from payhub.admin import keys
from payhub.admin.keys import key_view
from payhub.api.deps import AdminActor, AdminKey, KeyPage, ServicesDep, envelope

router = APIRouter(prefix="/api_keys", tags=["api keys"])


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


@router.post("", status_code=201, operation_id="create_api_key")
def create(body: KeyCreate, admin_key: AdminKey, actor: AdminActor, svc: ServicesDep) -> dict[str, Any]:
    """Create a key for this entity. Its secret is in this response only; PayHub keeps a hash."""
    with admin.transaction(svc) as u:
        key, secret = keys.create_api_key(u, admin_key.entity_id, admin_key.platform, body.model_dump(), actor)
        return {**key_view(key), "secret": secret}


@router.get("", operation_id="list_api_keys")
def list_keys(admin_key: AdminKey, svc: ServicesDep, page: KeyPage) -> dict[str, Any]:
    with admin.reading(svc) as u:
        rows, has_more = keys.list_api_keys(u, admin_key.entity_id, admin_key.platform, page.limit,
                                            page.starting_after)
        return envelope([key_view(k) for k in rows], has_more)


@router.patch("/{key_id}", operation_id="update_api_key")
def update(key_id: str, body: KeyUpdate, admin_key: AdminKey, actor: AdminActor, svc: ServicesDep) -> dict[str, Any]:
    """Rename, set or change the expiry, or the rate limit."""
    with admin.transaction(svc) as u:
        return key_view(keys.update_api_key(u, admin_key.entity_id, admin_key.platform, key_id,
                                            body.model_dump(exclude_unset=True), actor))


@router.post("/{key_id}/roll", status_code=201, operation_id="roll_api_key")
def roll(key_id: str, admin_key: AdminKey, actor: AdminActor, svc: ServicesDep,
         body: KeyRoll | None = None) -> dict[str, Any]:
    """A new secret with the same name, scope and limits; the old one expires after the overlap."""
    body = body or KeyRoll(overlap_seconds=3600)
    with admin.transaction(svc) as u:
        new, secret, old = keys.roll_api_key(u, admin_key.entity_id, admin_key.platform, key_id,
                                             body.overlap_seconds, actor)
        return {**key_view(new), "secret": secret, "replaces": old.id}


@router.post("/{key_id}/revoke", operation_id="revoke_api_key")
def revoke(key_id: str, admin_key: AdminKey, actor: AdminActor, svc: ServicesDep) -> dict[str, Any]:
    """Revoke at once: the next request with this key gets 401."""
    with admin.transaction(svc) as u:
        return key_view(keys.revoke_api_key(u, admin_key.entity_id, admin_key.platform, key_id, actor))
