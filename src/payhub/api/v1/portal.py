"""Customer-portal settings (admin): what the AR portal offers this entity's customers."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from payhub import admin
from payhub.admin.portal_settings import PortalSettings, get_portal_settings, put_portal_settings
from payhub.api.deps import AdminActor, AdminKey, ServicesDep

router = APIRouter(prefix="/portal_settings", tags=["portal"])


def view(settings: dict[str, Any]) -> dict[str, Any]:
    return {"object": "portal_settings", **settings}


@router.get("", operation_id="get_portal_settings")
def get_settings(key: AdminKey, svc: ServicesDep) -> dict[str, Any]:
    with admin.reading(svc) as u:
        return view(get_portal_settings(u, key.entity_id))


@router.put("", operation_id="put_portal_settings")
def put_settings(body: PortalSettings, key: AdminKey, actor: AdminActor, svc: ServicesDep) -> dict[str, Any]:
    """Replace the entity's portal settings (validated; audited)."""
    with admin.transaction(svc) as u:
        return view(put_portal_settings(u, key.entity_id, body, actor))
