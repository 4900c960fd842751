"""Legal entities (admin): settings, posting account map and portal branding. An entity key acts for its
entity; creating entities is a platform operation (a platform key, PayHub-Entity not needed), answered with
the new entity's first admin key (its secret shown once)."""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import available_timezones

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select

from payhub.api.deps import AdminAnyEntity, ServicesDep, envelope
from payhub.auth.keys import create_key
from payhub.config import record_baseline
from payhub.domain.errors import Conflict, Forbidden, InvalidRequest, NotFound
from payhub.domain.ledger import PostingRules
from payhub.domain.money import exponent
from payhub.domain.payments import FeeAllocation
from payhub.erp.embedded import ErpCompany, create_company
from payhub.erp.settings import ErpSettings, public_erp, stored_erp
from payhub.ids import new_id
from payhub.store import audit
from payhub.store.models import Entity
from payhub.store.views import ts

router = APIRouter(prefix="/entities", tags=["entities"])


class EntityNotFound(NotFound):
    code = "entity_not_found"
    title = "Entity not found"


class PlatformKeyRequired(Forbidden):
    code = "platform_key_required"
    title = "A platform key is required"


class EntityExists(Conflict):
    code = "entity_exists"
    title = "An entity with this id exists"


class EntityFields(BaseModel):
    model_config = {"extra": "forbid"}
    name: str | None = Field(None, min_length=1, max_length=200)
    timezone: str | None = Field(None, examples=["America/New_York"])
    capture_fee_allocation: FeeAllocation | None = Field(
        None, description="How a partial capture splits between fees and invoices (refunds mirror it): "
                          "proportional (the default: the fees get their share, rounded half to even) or "
                          "fees_first")
    gateway: str | None = Field(None, description="The default gateway (routing rules may override it)")
    posting_rules: dict[str, str] | None = Field(None, description="PayHub GL roles → the ERP's account codes")
    branding: dict[str, str] | None = Field(None, description="Portal name, colours, logo URL")
    erp: ErpSettings | None = None

    @field_validator("name")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        if value is not None and re.search(r"[\x00-\x1f\x7f]", value):  # as on create, so on update
            raise ValueError("name has control characters")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None and value not in available_timezones():
            raise ValueError("not an IANA time zone name")
        return value

    @field_validator("posting_rules")
    @classmethod
    def _rules(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value is not None and (unknown := sorted(set(value) - set(PostingRules.__dataclass_fields__))):
            raise ValueError(f"unknown posting roles {unknown}; known: {sorted(PostingRules.__dataclass_fields__)}")
        return value


class EntityCreate(EntityFields):
    id: str | None = Field(None, pattern=r"^ent_[a-z0-9_]{1,36}$")
    name: str = Field(min_length=1, max_length=200)
    default_currency: str = Field(pattern=r"^[A-Z]{3}$")


def entity_view(e: Entity) -> dict[str, Any]:
    erp = public_erp(e.erp or {}) or {"type": "default"}
    if (e.erp or {}).get("password"):
        erp["password_set"] = True
    return {"id": e.id, "object": "entity", "name": e.name, "default_currency": e.default_currency,
            "timezone": e.timezone, "capture_fee_allocation": e.capture_fee_allocation,
            "gateway": e.gateway, "posting_rules": PostingRules.from_dict(e.posting_rules)
            .as_dict(), "branding": e.branding or {}, "erp": erp, "created_at": ts(e.created_at)}


def _check_gateway(svc: Any, gateway: str | None) -> None:
    if gateway is not None and gateway not in svc.gateways:
        raise InvalidRequest(f"Gateway {gateway!r} is not configured (configured: {', '.join(sorted(svc.gateways))})",
                             field="gateway")


@router.post("", status_code=201, operation_id="create_entity")
def create_entity(body: EntityCreate, request: Request, key: AdminAnyEntity, svc: ServicesDep) -> dict[str, Any]:
    """A new legal entity, with its company in the embedded ERP and a baseline config version; the answer
    holds its first admin key. Platform keys only (403 `platform_key_required`)."""
    if not key.platform:  # refused before anything is looked up: the answer says nothing about other ids
        raise PlatformKeyRequired("Creating entities needs a platform key (payhub keys create --platform)")
    exponent(body.default_currency)  # refuses currencies PayHub cannot represent
    _check_gateway(svc, body.gateway)
    entity_id = body.id or new_id("ent")
    now = svc.clock.now()
    with svc.transaction() as s:
        if s.get(Entity, entity_id) is not None:
            raise EntityExists(f"Entity {entity_id} exists")
        entity = Entity(id=entity_id, name=body.name, default_currency=body.default_currency,
                        gateway=body.gateway or "simulator", timezone=body.timezone or "UTC",
                        capture_fee_allocation=body.capture_fee_allocation or FeeAllocation.PROPORTIONAL.value,
                        posting_rules=PostingRules.from_dict(body.posting_rules).as_dict(),
                        branding=body.branding or {}, erp=stored_erp(svc.secret_key, entity_id, body.erp),
                        created_at=now)
        s.add(entity)
        s.flush()
        if svc.erp.name == "embedded" and s.get(ErpCompany, entity_id) is None:
            create_company(s, entity_id, body.name, body.default_currency)
        admin, secret = create_key(s, entity_id, "admin", now, name="bootstrap")
        # The new entity's trail only: the entity a platform key named in PayHub-Entity must not learn of it.
        audit.record(s, entity_id=entity_id, key_id=key.key_id, action="entity.created", target=f"entity:{entity_id}",
                     before=None, after=entity_view(entity), request_id=getattr(request.state, "request_id", None),
                     now=now)
        record_baseline(s, entity_id, key.key_id, now)
        return {**entity_view(entity), "admin_key": {"id": admin.id, "secret": secret}}


@router.get("", operation_id="list_entities")
def list_entities(key: AdminAnyEntity, svc: ServicesDep) -> dict[str, Any]:
    """The entities this key may act for: its own, or all of them for a platform key."""
    with svc.read() as s:
        if key.platform:
            return envelope([entity_view(e) for e in s.scalars(select(Entity).order_by(Entity.id))])
        entity = s.get(Entity, key.entity_id)
        return envelope([entity_view(entity)] if entity else [])


@router.get("/{entity_id}", operation_id="get_entity")
def get_entity(entity_id: str, key: AdminAnyEntity, svc: ServicesDep) -> dict[str, Any]:
    with svc.read() as s:
        entity = s.get(Entity, entity_id)
        if entity is None or not (key.platform or entity_id == key.entity_id):  # others do not exist for it
            raise EntityNotFound(f"No entity {entity_id}")
        return entity_view(entity)


@router.patch("/{entity_id}", operation_id="update_entity")
def update_entity(entity_id: str, body: EntityFields, request: Request, key: AdminAnyEntity,
                  svc: ServicesDep) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    _check_gateway(svc, changes.get("gateway"))
    if re.search(r"[\x00-\x1f]", changes.get("name", "")):
        raise InvalidRequest("name has control characters", field="name")
    with svc.transaction() as s:
        entity = s.get(Entity, entity_id, with_for_update=True)
        if entity is None or not (key.platform or entity_id == key.entity_id):
            raise EntityNotFound(f"No entity {entity_id}")
        before = entity_view(entity)
        if "erp" in changes:
            changes["erp"] = stored_erp(svc.secret_key, entity_id, body.erp)
        if "posting_rules" in changes:
            changes["posting_rules"] = PostingRules.from_dict({**entity.posting_rules,
                                                               **changes["posting_rules"]}).as_dict()
        for name, value in changes.items():
            setattr(entity, name, value)
        now = svc.clock.now()
        audit.record(s, entity_id=entity_id, key_id=key.key_id, action="entity.updated", target=f"entity:{entity_id}",
                     before=before, after=entity_view(entity), request_id=getattr(request.state, "request_id", None),
                     now=now)
        return entity_view(entity)
