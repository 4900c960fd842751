"""Installed extensions, per-entity enablement and version pins, and the audit trail of changes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from payhub import admin
from payhub.admin.extensions import extension_settings, list_extension_settings, update_extension
from payhub.api.deps import AdminActor, AdminKey, AuditPage, ServicesDep, envelope
from payhub.extensions import registry
from payhub.store import repo
from payhub.views import ts

router = APIRouter(tags=["extensions"])


class ExtensionUpdate(BaseModel):
    model_config = {"extra": "forbid"}
    enabled: bool | None = None
    pinned_version: str | None = Field(None, description="Run exactly this installed version; null: the newest")


def _view(name: str, settings: dict[str, Any]) -> dict[str, Any]:
    versions = registry.installed().get(name, [])
    return {"name": name, "object": "extension", **settings,
            "versions": [{"version": e.version, "hook_api": e.hook_api, "hooks": sorted(e.hooks),
                          "description": e.description} for e in versions]}


@router.get("/extensions", operation_id="list_extensions")
def list_extensions(key: AdminKey, svc: ServicesDep) -> dict[str, Any]:
    """Installed extensions with their versions, and whether each runs for this entity."""
    with admin.reading(svc) as u:
        rows = list_extension_settings(u, key.entity_id)
        names = sorted(set(registry.installed()) | set(rows))
        return envelope([_view(n, extension_settings(rows.get(n))) for n in names])


@router.patch("/extensions/{name}", operation_id="update_extension")
def patch_extension(name: str, body: ExtensionUpdate, key: AdminKey, actor: AdminActor,
                    svc: ServicesDep) -> dict[str, Any]:
    """Enable or disable an extension for this entity, or pin one of its installed versions. Audited."""
    with admin.transaction(svc) as u:
        row = update_extension(u, key.entity_id, name, body.model_dump(exclude_unset=True), actor)
        return _view(name, extension_settings(row))


@router.get("/audit_events", operation_id="list_audit_events")
def list_audit_events(key: AdminKey, svc: ServicesDep, page: AuditPage) -> dict[str, Any]:
    """Every admin change, newest first: who (key id), what, before/after, when, request id."""
    with svc.read() as s:
        rows, has_more = repo.audit_events_page(s, key.entity_id, page.limit, page.starting_after)
        return envelope([{"id": a.id, "object": "audit_event", "key": a.key_id,
                          "staff_user": a.staff_user_id, "action": a.action,
                          "target": a.target, "before": a.before, "after": a.after, "request_id": a.request_id,
                          "created_at": ts(a.created_at)} for a in rows], has_more)
