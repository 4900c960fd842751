"""Customer-portal settings (admin): what the AR portal offers this entity's customers."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from payhub.api.deps import AdminKey, ServicesDep
from payhub.config.schema import PortalSettings
from payhub.store import audit, repo

router = APIRouter(prefix="/portal_settings", tags=["portal"])


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
