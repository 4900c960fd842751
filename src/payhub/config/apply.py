"""Apply a configuration file: every entity in ONE database transaction (all or nothing), guarded by the
config version the plan was made against (optimistic concurrency), recorded as a new config version."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from payhub.admin.entities import create_entity, update_entity
from payhub.admin.extensions import remove_extension, update_extension
from payhub.admin.fee_policies import put_fee_policy
from payhub.admin.routing_rules import put_routing_rules
from payhub.admin.webhook_endpoints import (
    create_webhook_endpoint,
    delete_webhook_endpoint,
    update_webhook_endpoint,
)
from payhub.admin.work import Actor, UnitOfWork
from payhub.config.document import deep_merge, load
from payhub.config.export import document, dump
from payhub.config.plan import Change, build, current_version
from payhub.config.schema import FORMAT_VERSION
from payhub.domain.errors import ConfigConflict, ConfigVersionNotFound
from payhub.erp.settings import ErpSettings
from payhub.services import Services
from payhub.store import repo
from payhub.store.models import (
    ConfigVersion,
    Entity,
)


def _conflict(base: int, current: int | None) -> ConfigConflict:
    now = f"is now {current}" if current is not None else "was applied concurrently"
    return ConfigConflict(f"The plan was made against config version {base}, but the configuration {now}; "
                          "plan again and review the changes", base_version=base, current_version=current)


# Each section of a configuration file is written by the admin function the API calls for it: a (kind,
# action) of the plan maps to one writer. A writer returns a new webhook endpoint's secret (shown once), or None.
Writer = Callable[[UnitOfWork, Actor, Change], dict[str, Any] | None]


def none(_: object) -> None:
    """A writer's answer when the write shows nothing to the caller."""
    return None


def _after(c: Change) -> dict[str, Any]:
    assert c.after is not None
    return c.after


def _entity_values(c: Change) -> dict[str, Any]:
    values = dict(_after(c))
    if "erp" in values:  # the file names the password's environment variable; the row keeps it sealed
        values["erp"] = ErpSettings.model_validate(values["erp"]) if values["erp"] else None
    return values


def _new_endpoint(u: UnitOfWork, actor: Actor, c: Change) -> dict[str, Any]:
    endpoint, secret = create_webhook_endpoint(u, c.entity, _after(c), actor)
    return {"entity": c.entity, "name": c.name, "url": endpoint.url, "id": endpoint.id, "secret": secret}


def _changed_endpoint(u: UnitOfWork, actor: Actor, c: Change) -> None:
    assert c.ref is not None and c.before is not None
    changed = {k: v for k, v in _after(c).items() if c.before.get(k) != v}  # `enabled` only when it flips
    update_webhook_endpoint(u, c.entity, c.ref, changed, actor)


WRITERS: dict[tuple[str, str], Writer] = {
    ("entity", "create"): lambda u, actor, c: none(create_entity(u, c.entity, _entity_values(c), actor)),
    ("entity", "update"): lambda u, actor, c: none(update_entity(u, c.entity, _entity_values(c), actor,
                                                                 keep_erp_password=True)),
    ("fee_policy", "create"): lambda u, actor, c: none(put_fee_policy(u, c.entity, _after(c), actor)),
    ("fee_policy", "update"): lambda u, actor, c: none(put_fee_policy(u, c.entity, _after(c), actor)),
    ("routing", "create"): lambda u, actor, c: none(put_routing_rules(u, c.entity, _after(c), actor)),
    ("routing", "update"): lambda u, actor, c: none(put_routing_rules(u, c.entity, _after(c), actor)),
    ("webhook_endpoint", "create"): _new_endpoint,
    ("webhook_endpoint", "update"): _changed_endpoint,
    ("webhook_endpoint", "delete"): lambda u, actor, c: delete_webhook_endpoint(u, c.entity, c.ref or "", actor),
    ("extension", "create"): lambda u, actor, c: none(update_extension(u, c.entity, c.target, _after(c), actor)),
    ("extension", "update"): lambda u, actor, c: none(update_extension(u, c.entity, c.target, _after(c), actor)),
    ("extension", "delete"): lambda u, actor, c: remove_extension(u, c.entity, c.target, actor),
}


def apply(svc: Services, text: str, base_version: int, key_id: str | None, *, scope: str | None = None,
          request_id: str | None = None) -> dict[str, Any]:
    """Validate, diff and write `text` in one transaction; record it as config version base_version + 1.
    ConfigConflict if the configuration is no longer at `base_version`; ConfigInvalid (nothing written) if
    any entity is invalid. A file identical to the current version with nothing to change is a no-op."""
    source = load(text)
    with svc.transaction() as s:
        current = current_version(s)
        if current != base_version:
            raise _conflict(base_version, current)
        plan, _ = build(s, svc, source, scope)
        latest = s.get(ConfigVersion, current) if current else None
        if plan.empty and latest is not None and text in (latest.document, _part(latest, scope)):
            return {"object": "config_apply_result", "version": current, "base_version": base_version,
                    "applied": False, "changes": [], "webhook_secrets": []}
        now = svc.clock.now()
        # Claim the next version first: a concurrent apply from the same base blocks on this primary key
        # (PostgreSQL) and fails here, before writing anything else. SQLite serializes writers up front.
        record = ConfigVersion(version=current + 1, document=text, key_id=key_id, summary=plan.summary(),
                               created_at=now)
        s.add(record)
        try:
            s.flush()
        except IntegrityError:
            raise _conflict(base_version, None) from None
        u, actor = UnitOfWork(s, svc, now), Actor(key_id, request_id)
        secrets = [secret for change in plan.changes
                   if (secret := WRITERS[change.kind, change.action](u, actor, change)) is not None]
        return {"object": "config_apply_result", "version": record.version, "base_version": base_version,
                "applied": True, "changes": [c.as_dict() for c in plan.changes], "webhook_secrets": secrets}


def _touches(row: ConfigVersion, entity_id: str) -> bool:
    return entity_id in ((row.summary or {}).get("entities") or [])


def _part(row: ConfigVersion, entity_id: str | None) -> str | None:
    """The version's file as one entity may see it: that entity alone, `defaults` merged in (None: the
    version did not configure it). entity_id None: the whole file."""
    if entity_id is None:
        return row.document
    if not _touches(row, entity_id):
        return None
    data = load(row.document).data
    raw = (data.get("entities") or {}).get(entity_id)
    merged = deep_merge(data.get("defaults") or {}, raw or {})
    return PART_HEADER.format(version=row.version, entity=entity_id) + dump(
        {"version": data.get("version", FORMAT_VERSION), "entities": {entity_id: merged}})


PART_HEADER = "# Config version {version}, the part that configures {entity} (defaults merged in)\n"


def _visible(row: ConfigVersion, entity_id: str | None) -> ConfigVersion | None:
    return row if entity_id is None or _touches(row, entity_id) else None


def rollback(svc: Services, version: int, key_id: str | None, *, base_version: int | None = None,
             scope: str | None = None, request_id: str | None = None) -> dict[str, Any]:
    """Apply the document stored with `version` again, as a new version. With `scope` (an entity key) only
    that entity's part of it; a version that did not configure the entity does not exist for it."""
    with svc.read() as s:
        row = s.get(ConfigVersion, version)
        current = current_version(s)
        text = _part(row, scope) if row is not None else None
    if text is None:
        raise ConfigVersionNotFound(f"No config version {version}")
    result = apply(svc, text, current if base_version is None else base_version, key_id, scope=scope,
                   request_id=request_id)
    return {**result, "rolled_back_to": version}


def _summary(row: ConfigVersion, entity_id: str | None) -> dict[str, Any]:
    summary = dict(row.summary or {})
    if entity_id is None:
        return summary
    changes = [c for c in summary.get("changes") or [] if c.get("entity") == entity_id]
    counts = {a: sum(1 for c in changes if c.get("action") == a) for a in ("create", "update", "delete")}
    return {**summary, "entities": [entity_id], "counts": counts, "changes": changes}


def _view(row: ConfigVersion, entity_id: str | None, own_keys: set[str]) -> dict[str, Any]:
    # An entity sees its own keys' ids; a platform key's id is the operator's business.
    key = row.key_id if entity_id is None or row.key_id in own_keys else None
    return {"version": row.version, "created_at": row.created_at.isoformat(), "key": key,
            "summary": _summary(row, entity_id)}


def _own_keys(s: Session, entity_id: str | None) -> set[str]:
    if entity_id is None:
        return set()
    return set(repo.api_key_ids(s, entity_id))


def versions(svc: Services, limit: int = 20, entity_id: str | None = None) -> list[dict[str, Any]]:
    """Config versions, newest first: all of them, or (entity_id) those that configured that entity, each
    cut down to that entity's part."""
    with svc.read() as s:
        own = _own_keys(s, entity_id)
        out: list[dict[str, Any]] = []
        for row in repo.config_versions(s):
            if _visible(row, entity_id) is not None:
                out.append(_view(row, entity_id, own))
                if len(out) == limit:
                    break
        return out


def version(svc: Services, number: int, entity_id: str | None = None) -> dict[str, Any]:
    """One config version with its file (for an entity: its part of it)."""
    with svc.read() as s:
        row = s.get(ConfigVersion, number)
        text = _part(row, entity_id) if row is not None else None
        if row is None or text is None:
            raise ConfigVersionNotFound(f"No config version {number}")
        return {**_view(row, entity_id, _own_keys(s, entity_id)), "document": text}


def record_baseline(s: Session, entity_id: str, key_id: str | None, now: datetime) -> ConfigVersion:
    """A config version holding a new entity's whole configuration as created (no fees, no routing rules,
    no endpoints, no extensions stated explicitly), so the first apply after it can be rolled back."""
    row = s.get(Entity, entity_id)
    assert row is not None
    text = document(s, [row], complete=True,
                    header=f"# Baseline: {entity_id} as created (payhub records it when an entity is created)\n")
    changes = [{"entity": entity_id, "kind": "entity", "target": entity_id, "action": "create"}]
    summary = {"entities": [entity_id], "counts": {"create": 1, "update": 0, "delete": 0}, "changes": changes,
               "baseline": True}
    for _ in range(20):  # a concurrent apply or baseline may claim the same number: take the next one
        record = ConfigVersion(version=current_version(s) + 1, document=text, key_id=key_id, summary=summary,
                               created_at=now)
        try:
            with s.begin_nested():
                s.add(record)
        except IntegrityError:
            continue
        return record
    raise ConfigConflict("Could not record the entity's baseline config version: too many concurrent applies")
