"""Routing rules (versioned, admin) and the routing simulator (no money moves)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from payhub.api.deps import AdminKey, ReadKey, ServicesDep, VersionPage, envelope
from payhub.api.schemas import MoneyIn
from payhub.domain.methods import bin_info, card_brand
from payhub.domain.routing import RoutingInput, parse_ruleset
from payhub.ids import new_id
from payhub.pipeline import route
from payhub.store import audit, repo
from payhub.store.models import RoutingRuleSet
from payhub.store.views import ts

router = APIRouter(prefix="/routing", tags=["routing"])


class RuleSetIn(BaseModel):
    model_config = {"extra": "forbid"}
    default: list[str] = Field(description="The entity's default route: gateways in order")
    rules: list[dict[str, Any]] = Field(default_factory=list, description=(
        'Each: {"id", "priority", "when": {conditions}, "gateways": [..] | "split": {"gw": weight}}. Conditions: '
        "amount_min, amount_max, currencies, methods, card_brands, bin_ranges, card_countries, customers, "
        "segments, customer_metadata, invoice_metadata, channels"))
    success_rate_routing: bool = False
    exploration_percent: int = 5


class SimulatedCard(BaseModel):
    model_config = {"extra": "forbid"}
    number: str | None = Field(None, description="A test PAN, or give bin/brand/country")
    bin: str | None = None
    brand: str | None = None
    country: str | None = None


class SimulateIn(BaseModel):
    model_config = {"extra": "forbid"}
    amount: MoneyIn
    method: Literal["card", "ach"] = "card"
    card: SimulatedCard | None = None
    customer: str | None = None
    segment: str | None = None
    channel: Literal["api", "widget", "portal", "terminal", "autopay"] = "api"
    customer_metadata: dict[str, str] = Field(default_factory=dict)
    invoice_metadata: dict[str, str] = Field(default_factory=dict)
    payment_key: str = Field("simulated", description="Stands in for the payment id in volume splits")


def _view(row: RoutingRuleSet | None) -> dict[str, Any]:
    if row is None:
        return {"object": "routing_rules", "version": 0, "rules": [], "default": None, "created_at": None}
    return {"object": "routing_rules", "version": row.version, **row.rules, "created_at": ts(row.created_at),
            "key": row.key_id}


@router.get("/rules", operation_id="get_routing_rules")
def get_rules(key: AdminKey, svc: ServicesDep) -> dict[str, Any]:
    with svc.read() as s:
        return _view(repo.latest(s, RoutingRuleSet, key.entity_id))


@router.put("/rules", operation_id="put_routing_rules")
def put_rules(body: RuleSetIn, request: Request, key: AdminKey, svc: ServicesDep) -> dict[str, Any]:
    """Store a new version of the rules (validated: unique priorities, known gateways, positive weights …).
    Payments record the version that routed them."""
    data = body.model_dump()
    with svc.transaction() as s:
        latest = s.scalar(select(func.max(RoutingRuleSet.version)).where(RoutingRuleSet.entity_id == key.entity_id))
        version = (latest or 0) + 1
        parse_ruleset(data, svc.gateways.keys(), version)  # raises routing_rules_invalid with the field
        now = svc.clock.now()
        row = RoutingRuleSet(entity_id=key.entity_id, version=version, rules=data, key_id=key.key_id,
                             created_at=now)
        s.add(row)
        audit.record(s, entity_id=key.entity_id, key_id=key.key_id, action="routing_rules.updated",
                     target=f"routing_rules:{version}", before={"version": latest or 0}, after=data,
                     request_id=getattr(request.state, "request_id", None), now=now)
        return _view(row)


@router.get("/rules/versions", operation_id="list_routing_rule_versions")
def list_versions(key: AdminKey, svc: ServicesDep, page: VersionPage) -> dict[str, Any]:
    with svc.read() as s:
        q = select(RoutingRuleSet).where(RoutingRuleSet.entity_id == key.entity_id)
        if page.starting_after:
            q = q.where(RoutingRuleSet.version < int(page.starting_after))
        rows = s.scalars(q.order_by(RoutingRuleSet.version.desc()).limit(page.limit + 1)).all()
        data = [{**_view(r), "id": str(r.version)} for r in rows[: page.limit]]
        return envelope(data, len(rows) > page.limit)


@router.post("/simulate", operation_id="simulate_routing")
def simulate(body: SimulateIn, key: ReadKey, svc: ServicesDep) -> dict[str, Any]:
    """Which gateways a payment would try, in order, which rule matched and why. No money moves."""
    card = body.card or SimulatedCard(number=None)
    bin_ = card.bin or (card.number[:6] if card.number else None)
    funding, country = bin_info(bin_ or "")
    with svc.read() as s:
        rules = route.current_rules(s, repo.get_entity(s, key.entity_id), dict(svc.gateways))
    decision = route.decide(rules, RoutingInput(
        payment_key=body.payment_key or new_id("pay"), amount=body.amount.amount, currency=body.amount.currency,
        method=body.method, channel=body.channel,
        card_brand=card.brand or (card_brand(card.number) if card.number else None), card_bin=bin_,
        card_country=card.country or country, customer_id=body.customer, customer_segment=body.segment,
        customer_metadata=body.customer_metadata, invoice_metadata=body.invoice_metadata),
        dict(svc.gateways), svc.health, svc.rng, explain=True)
    now = svc.clock.now()
    health = svc.health.states(now)
    return {"object": "routing_decision", "candidates": list(decision.candidates), "rule": decision.rule,
            "rule_set_version": decision.version, "reasons": list(decision.reasons),
            "circuits": {g: health.get(g, "closed") for g in decision.candidates}}
