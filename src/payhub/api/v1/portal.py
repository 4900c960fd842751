"""Customer-portal settings (admin): what the AR portal offers this entity's customers."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from payhub.api.deps import AdminKey, ServicesDep
from payhub.store import audit, repo

router = APIRouter(prefix="/portal_settings", tags=["portal"])


Method = Literal["card", "ach"]


def _all_methods() -> list[Method]:
    return ["card", "ach"]


class PortalSettings(BaseModel):
    model_config = {"extra": "forbid"}
    enabled: bool = False
    payment_methods: list[Method] = Field(default_factory=_all_methods, min_length=1)
    show_paid_invoices: bool = True
    allow_partial_payments: bool = True
    allow_autopay: bool = False
    support_email: str | None = Field(None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    invite_ttl_days: int = Field(7, ge=1, le=30)


def view(stored: dict[str, Any] | None) -> dict[str, Any]:
    return {"object": "portal_settings", **PortalSettings.model_validate(stored or {}).model_dump()}


@router.get("", operation_id="get_portal_settings")
def get_settings(key: AdminKey, svc: ServicesDep) -> dict[str, Any]:
    with svc.read() as s:
        return view(repo.get_entity(s, key.entity_id).portal)


@router.put("", operation_id="put_portal_settings")
def put_settings(body: PortalSettings, request: Request, key: AdminKey, svc: ServicesDep) -> dict[str, Any]:
    """Replace the entity's portal settings (validated; audited)."""
    with svc.transaction() as s:
        entity = repo.get_entity(s, key.entity_id)
        before = view(entity.portal)
        entity.portal = body.model_dump()
        audit.record(s, entity_id=key.entity_id, key_id=key.key_id, action="portal_settings.updated",
                     target=f"entity:{key.entity_id}", before=before, after=view(entity.portal),
                     request_id=getattr(request.state, "request_id", None), now=svc.clock.now())
        return view(entity.portal)
