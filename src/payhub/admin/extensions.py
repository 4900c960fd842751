"""Extensions per entity: enable, disable or pin an installed version; remove the entity's setting. Audited."""

from __future__ import annotations

from typing import Any

from payhub.admin.work import Actor, UnitOfWork
from payhub.domain.errors import ExtensionNotFound, InvalidRequest
from payhub.extensions import registry
from payhub.store.models import EntityExtension
from payhub.store.repo import extension_rows


def installed_versions(name: str) -> list[str]:
    return [e.version for e in registry.installed().get(name, [])]


def extension_problem(name: str, pinned_version: str | None) -> tuple[str, str, str] | None:
    """(field, message, code) of what is wrong with enabling `name` at `pinned_version`, None if nothing."""
    versions = installed_versions(name)
    if not versions:
        return "", f"No installed extension named {name}", ExtensionNotFound.code
    if pinned_version is not None and pinned_version not in versions:
        return ("pinned_version", f"{name} {pinned_version} is not installed (installed: {', '.join(versions)})",
                "extension_version_not_installed")
    return None


def extension_settings(row: EntityExtension | None) -> dict[str, Any]:
    return {"enabled": bool(row and row.enabled), "pinned_version": row.pinned_version if row else None}


def list_extension_settings(u: UnitOfWork, entity_id: str) -> dict[str, EntityExtension]:
    return {r.name: r for r in extension_rows(u.s, entity_id)}


def update_extension(u: UnitOfWork, entity_id: str, name: str, changes: dict[str, Any],
                     actor: Actor) -> EntityExtension:
    """Set `enabled` and/or `pinned_version` of an installed extension for the entity."""
    if (problem := extension_problem(name, changes.get("pinned_version"))) is not None:
        field, message, code = problem
        raise ExtensionNotFound(message) if code == ExtensionNotFound.code else InvalidRequest(message, field=field)
    row = u.s.get(EntityExtension, (entity_id, name), with_for_update=True)
    before = extension_settings(row) if row else None
    if row is None:
        row = EntityExtension(entity_id=entity_id, name=name, enabled=False, updated_at=u.now)
        u.s.add(row)
    for field, value in changes.items():
        setattr(row, field, value)
    row.updated_at = u.now
    u.audit(actor, entity_id, "extension.updated", f"extension:{name}", before, extension_settings(row))
    return row


def remove_extension(u: UnitOfWork, entity_id: str, name: str, actor: Actor) -> None:
    """Forget the entity's setting for `name` (it then runs as not enabled)."""
    row = u.s.get(EntityExtension, (entity_id, name), with_for_update=True)
    if row is not None:
        u.s.delete(row)
    u.audit(actor, entity_id, "extension.updated", f"extension:{name}", extension_settings(row) if row else None,
            None)
