"""Routing rules: stored as numbered versions (payments record the version that routed them), each write
audited."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from payhub.admin.work import Actor, UnitOfWork
from payhub.domain.routing import parse_ruleset
from payhub.store import repo
from payhub.store.models import RoutingRuleSet
from payhub.views import ts


def validate_routing_rules(rules: dict[str, Any], gateways: Collection[str], version: int = 1) -> None:
    """InvalidRequest `routing_rules_invalid` with the field: unique priorities, known gateways, positive
    weights …"""
    parse_ruleset(rules, gateways, version)


def routing_rules_view(row: RoutingRuleSet | None) -> dict[str, Any]:
    if row is None:
        return {"object": "routing_rules", "version": 0, "rules": [], "default": None, "created_at": None}
    return {"object": "routing_rules", "version": row.version, **row.rules, "created_at": ts(row.created_at),
            "key": row.key_id}


def get_routing_rules(u: UnitOfWork, entity_id: str) -> RoutingRuleSet | None:
    return repo.latest(u.s, RoutingRuleSet, entity_id)


def list_routing_rule_versions(u: UnitOfWork, entity_id: str, limit: int,
                               before: int | None) -> tuple[list[RoutingRuleSet], bool]:
    return repo.versions_page(u.s, RoutingRuleSet, entity_id, limit, before)


def put_routing_rules(u: UnitOfWork, entity_id: str, rules: dict[str, Any], actor: Actor) -> RoutingRuleSet:
    """Validate the rules against the configured gateways and store them as the entity's next version."""
    latest = repo.latest_version(u.s, RoutingRuleSet, entity_id)
    validate_routing_rules(rules, u.svc.gateways.keys(), latest + 1)
    row = RoutingRuleSet(entity_id=entity_id, version=latest + 1, rules=rules, key_id=actor.key_id,
                         created_at=u.now)
    u.s.add(row)
    u.audit(actor, entity_id, "routing_rules.updated", f"routing_rules:{row.version}", {"version": latest}, rules)
    return row
