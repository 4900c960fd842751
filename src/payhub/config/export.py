"""Export the installed configuration as a configuration file (deterministic: the same state always gives
the same bytes, so export → apply to an empty install → export is identical)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import yaml
from sqlalchemy.orm import Session

from payhub.admin.extensions import extension_settings
from payhub.config.document import deep_merge, load
from payhub.config.plan import (
    NO_FEES,
    endpoint_settings,
    endpoints,
    entity_settings,
    implicit_routing,
    latest_fee_policy,
    latest_routing,
    routing_settings,
)
from payhub.config.schema import FORMAT_VERSION
from payhub.domain.errors import ConfigInvalid, EntityNotFound
from payhub.domain.fees import parse_policy
from payhub.services import Services
from payhub.store import repo
from payhub.store.models import Entity
from payhub.store.repo import extension_rows

HEADER = ("# PayHub configuration (payhub config export). JSON Schema: GET /v1/config/schema\n"
          "# Webhook secrets are never exported; endpoints are matched by url.\n")


class _Dumper(yaml.SafeDumper):
    """Block style, except lists of plain values (`[card, ach]`, retry schedules) on one line."""


def _list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(not isinstance(item, dict | list) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(list, _list)


def _endpoint_names(s: Session, entity_ids: Sequence[str]) -> dict[tuple[str, str], str]:
    """(entity, url) → the endpoint's name in the newest applied file that configured the entity, so names
    survive a round trip."""
    names: dict[tuple[str, str], str] = {}
    wanted = set(entity_ids)
    for row in repo.config_versions(s):
        if not wanted:
            break
        found = wanted & set((row.summary or {}).get("entities") or [])
        if not found:
            continue
        wanted -= found
        try:
            data = load(row.document).data
        except ConfigInvalid:
            continue
        defaults = data.get("defaults") or {}
        for entity_id, raw in (data.get("entities") or {}).items():
            if str(entity_id) not in found:
                continue
            merged = deep_merge(defaults, raw or {})
            for name, endpoint in ((merged or {}).get("webhook_endpoints") or {}).items():
                if isinstance(endpoint, dict) and isinstance(endpoint.get("url"), str):
                    names[(str(entity_id), endpoint["url"])] = str(name)
    return names


def _slug(url: str) -> str:
    parts = urlsplit(url)
    return re.sub(r"[^a-z0-9]+", "-", f"{parts.hostname or ''}{parts.path}".lower()).strip("-")[:60] or "endpoint"


def _entity(s: Session, row: Entity, names: dict[tuple[str, str], str], complete: bool) -> dict[str, Any]:
    out = entity_settings(row)
    fee = latest_fee_policy(s, row.id)
    if fee is not None or complete:
        out["fee_policy"] = parse_policy(fee.policy).to_dict() if fee else NO_FEES
    routing = latest_routing(s, row.id)
    if routing is not None or complete:
        out["routing"] = routing_settings(routing) if routing else implicit_routing(row.gateway)
    hooks: dict[str, dict[str, Any]] = {}
    for e in endpoints(s, row.id):
        name = names.get((row.id, e.url)) or _slug(e.url)
        base, n = name, 2
        while name in hooks:
            name, n = f"{base}-{n}", n + 1
        hooks[name] = endpoint_settings(e)
    out["webhook_endpoints"] = dict(sorted(hooks.items()))
    out["extensions"] = {r.name: extension_settings(r) for r in extension_rows(s, row.id)}
    return out


def document(s: Session, rows: Sequence[Entity], *, complete: bool = False, header: str = HEADER) -> str:
    """The file for these entities. `complete`: also state "no fees" and "no routing rules" where there are
    none (a baseline: re-applying it later undoes fee policies and routing rules added since)."""
    names = _endpoint_names(s, [row.id for row in rows])
    data = {"version": FORMAT_VERSION, "entities": {row.id: _entity(s, row, names, complete) for row in rows}}
    return header + dump(data)


def dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)


def export(svc: Services, entity_ids: Sequence[str] | None = None) -> str:
    """YAML of the given entities' configuration (all entities if None), sorted by entity id."""
    with svc.read() as s:
        if entity_ids:
            rows = []
            for entity_id in sorted(set(entity_ids)):
                row = s.get(Entity, entity_id)
                if row is None:
                    raise EntityNotFound(f"No entity {entity_id}")
                rows.append(row)
        else:
            rows = repo.all_entities(s)
        return document(s, rows)
