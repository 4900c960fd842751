"""Installed extensions, per-entity enablement and version pins, and the audit trail of changes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from payhub.api.deps import AdminKey, AuditPage, ServicesDep, envelope
from payhub.domain.errors import InvalidRequest, NotFound
from payhub.extensions import registry
from payhub.store import audit, repo
from payhub.store.models import AuditEvent, EntityExtension
from payhub.store.views import ts

router = APIRouter(tags=["extensions"])


class ExtensionNotFound(NotFound):
    code = "extension_not_found"
    title = "Extension not installed"


class ExtensionUpdate(BaseModel):
    model_config = {"extra": "forbid"}
    enabled: bool | None = None
    pinned_version: str | None = Field(None, description="Run exactly this installed version; null: the newest")


def _settings(row: EntityExtension | None) -> dict[str, Any]:
    return {"enabled": bool(row and row.enabled), "pinned_version": row.pinned_version if row else None}


def _view(name: str, row: EntityExtension | None) -> dict[str, Any]:
    versions = registry.installed().get(name, [])
    return {"name": name, "object": "extension", **_settings(row),
            "versions": [{"version": e.version, "hook_api": e.hook_api, "hooks": sorted(e.hooks),
                          "description": e.description} for e in versions]}


@router.get("/extensions", operation_id="list_extensions")
def list_extensions(key: AdminKey, svc: ServicesDep) -> dict[str, Any]:
    """Installed extensions with their versions, and whether each runs for this entity."""
    with svc.read() as s:
        rows = {r.name: r for r in s.scalars(select(EntityExtension).where(EntityExtension.entity_id == key.entity_id))}
    names = sorted(set(registry.installed()) | set(rows))
    return envelope([_view(n, rows.get(n)) for n in names])


@router.patch("/extensions/{name}", operation_id="update_extension")
def update_extension(name: str, body: ExtensionUpdate, request: Request, key: AdminKey,
                     svc: ServicesDep) -> dict[str, Any]:
    """Enable or disable an extension for this entity, or pin one of its installed versions. Audited."""
    versions = [e.version for e in registry.installed().get(name, [])]
    if not versions:
        raise ExtensionNotFound(f"No installed extension named {name}")
    changes = body.model_dump(exclude_unset=True)
    if changes.get("pinned_version") is not None and changes["pinned_version"] not in versions:
        raise InvalidRequest(f"{name} {changes['pinned_version']} is not installed (installed: {', '.join(versions)})",
                             field="pinned_version")
    with svc.transaction() as s:
        now = svc.clock.now()
        row = s.get(EntityExtension, (key.entity_id, name), with_for_update=True)
        before = _settings(row) if row else None
        if row is None:
            row = EntityExtension(entity_id=key.entity_id, name=name, enabled=False, updated_at=now)
            s.add(row)
        for field, value in changes.items():
            setattr(row, field, value)
        row.updated_at = now
        audit.record(s, entity_id=key.entity_id, key_id=key.key_id, action="extension.updated",
                     target=f"extension:{name}", before=before, after=_settings(row),
                     request_id=getattr(request.state, "request_id", None), now=now)
        return _view(name, row)


@router.get("/audit_events", operation_id="list_audit_events")
def list_audit_events(key: AdminKey, svc: ServicesDep, page: AuditPage) -> dict[str, Any]:
    """Every admin change, newest first: who (key id), what, before/after, when, request id."""
    with svc.read() as s:
        rows, has_more = repo.page(s, select(AuditEvent).where(AuditEvent.entity_id == key.entity_id),
                                   AuditEvent.id, page.limit, page.starting_after)
        return envelope([{"id": a.id, "object": "audit_event", "key": a.key_id, "action": a.action,
                          "target": a.target, "before": a.before, "after": a.after, "request_id": a.request_id,
                          "created_at": ts(a.created_at)} for a in rows], has_more)
