"""Legal entities (admin): settings, posting account map and portal branding. An entity key acts for its
entity; creating entities is a platform operation (a platform key, PayHub-Entity not needed), answered with
the new entity's first admin key (its secret shown once)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field, field_validator

from payhub import admin
from payhub.admin import entities
from payhub.admin.entities import CONTROL_CHARACTERS, entity_view, timezone_problem
from payhub.api.deps import AdminAnyEntity, AdminAnyEntityActor, Principal, ServicesDep, envelope
from payhub.config import record_baseline
from payhub.config.schema import DisputeSettingsConfig, ReconciliationSettingsConfig
from payhub.domain.errors import EntityNotFound, Forbidden
from payhub.domain.ledger import PostingRules
from payhub.domain.payments import FeeAllocation
from payhub.erp.settings import ErpSettings
from payhub.ids import new_id

router = APIRouter(prefix="/entities", tags=["entities"])


class PlatformKeyRequired(Forbidden):
    code = "platform_key_required"
    title = "A platform key is required"


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
    disputes: DisputeSettingsConfig | None = Field(None, description="How a lost dispute is booked")
    reconciliation: ReconciliationSettingsConfig | None = Field(None, description="How reconciliation judges "
                                                                                  "breaks, and how often it runs")

    @field_validator("name")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        if value is not None and CONTROL_CHARACTERS.search(value):  # as on create, so on update
            raise ValueError("name has control characters")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None and timezone_problem(value) is not None:
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


@router.post("", status_code=201, operation_id="create_entity")
def create_entity(body: EntityCreate, key: AdminAnyEntity, actor: AdminAnyEntityActor,
                  svc: ServicesDep) -> dict[str, Any]:
    """A new legal entity, with its company in the embedded ERP and a baseline config version; the answer
    holds its first admin key. Platform keys only (403 `platform_key_required`)."""
    if not key.platform:  # refused before anything is looked up: the answer says nothing about other ids
        raise PlatformKeyRequired("Creating entities needs a platform key (payhub keys create --platform)")
    fields = body.model_dump(mode="json", exclude={"id"}, exclude_unset=True)
    fields["erp"] = body.erp
    with admin.transaction(svc) as u:
        entity = entities.create_entity(u, body.id or new_id("ent"), fields, actor)
        first_key, secret = entities.first_admin_key(u, entity.id)
        record_baseline(u.s, entity.id, actor.key_id, u.now)
        return {**entity_view(entity), "admin_key": {"id": first_key.id, "secret": secret}}


@router.get("", operation_id="list_entities")
def list_entities(key: AdminAnyEntity, svc: ServicesDep) -> dict[str, Any]:
    """The entities this key may act for: its own, or all of them for a platform key."""
    with admin.reading(svc) as u:
        if key.platform:
            return envelope([entity_view(e) for e in entities.list_entities(u)])
        return envelope([entity_view(entities.get_entity(u, key.entity_id))])


def _visible(key: Principal, entity_id: str) -> None:
    if not (key.platform or entity_id == key.entity_id):  # other entities do not exist for it
        raise EntityNotFound(f"No entity {entity_id}")


@router.get("/{entity_id}", operation_id="get_entity")
def get_entity(entity_id: str, key: AdminAnyEntity, svc: ServicesDep) -> dict[str, Any]:
    _visible(key, entity_id)
    with admin.reading(svc) as u:
        return entity_view(entities.get_entity(u, entity_id))


@router.patch("/{entity_id}", operation_id="update_entity")
def update_entity(entity_id: str, body: EntityFields, key: AdminAnyEntity, actor: AdminAnyEntityActor,
                  svc: ServicesDep) -> dict[str, Any]:
    changes = body.model_dump(mode="json", exclude_unset=True, exclude_none=True)
    if "erp" in changes:
        changes["erp"] = body.erp
    _visible(key, entity_id)
    with admin.transaction(svc) as u:
        return entity_view(entities.update_entity(u, entity_id, changes, actor))
