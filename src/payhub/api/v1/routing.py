"""Routing rules (versioned, admin) and the routing simulator (no money moves)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from payhub import admin
from payhub.admin.routing_rules import (
    get_routing_rules,
    list_routing_rule_versions,
    put_routing_rules,
    routing_rules_view,
)
from payhub.api.deps import AdminActor, AdminKey, ReadKey, ServicesDep, VersionPage, envelope
from payhub.api.schemas import MoneyIn
from payhub.domain.methods import Channel, Method, bin_info, card_brand
from payhub.domain.routing import RoutingInput
from payhub.ids import new_id
from payhub.pipeline import route
from payhub.store import repo

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
    method: Method = Method.CARD
    card: SimulatedCard | None = None
    customer: str | None = None
    segment: str | None = None
    channel: Channel = Channel.API
    customer_metadata: dict[str, str] = Field(default_factory=dict)
    invoice_metadata: dict[str, str] = Field(default_factory=dict)
    payment_key: str = Field("simulated", description="Stands in for the payment id in volume splits")


@router.get("/rules", operation_id="get_routing_rules")
def get_rules(key: AdminKey, svc: ServicesDep) -> dict[str, Any]:
    with admin.reading(svc) as u:
        return routing_rules_view(get_routing_rules(u, key.entity_id))


@router.put("/rules", operation_id="put_routing_rules")
def put_rules(body: RuleSetIn, key: AdminKey, actor: AdminActor, svc: ServicesDep) -> dict[str, Any]:
    """Store a new version of the rules (validated: unique priorities, known gateways, positive weights …).
    Payments record the version that routed them."""
    with admin.transaction(svc) as u:
        return routing_rules_view(put_routing_rules(u, key.entity_id, body.model_dump(), actor))


@router.get("/rules/versions", operation_id="list_routing_rule_versions")
def list_versions(key: AdminKey, svc: ServicesDep, page: VersionPage) -> dict[str, Any]:
    before = int(page.starting_after) if page.starting_after else None
    with admin.reading(svc) as u:
        rows, has_more = list_routing_rule_versions(u, key.entity_id, page.limit, before)
        return envelope([{**routing_rules_view(r), "id": str(r.version)} for r in rows], has_more)


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
