"""Legal entities: create (with the ERP's company when the ERP provisions one), change settings. Audited.
`entity_problems` is the one check of an entity's fields: the entities API and config plan both run it."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import available_timezones

from payhub.admin.work import Actor, UnitOfWork
from payhub.auth.keys import create_key
from payhub.domain.disputes import DisputeSettings
from payhub.domain.errors import EntityExists, EntityNotFound, InvalidRequest
from payhub.domain.ledger import PostingRules
from payhub.domain.money import exponent
from payhub.domain.payments import FeeAllocation
from payhub.domain.settlement import ReconciliationSettings
from payhub.erp.settings import ErpSettings, public_erp, stored_erp
from payhub.store import repo
from payhub.store.models import ApiKey, Entity
from payhub.views import ts

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
DEFAULTS: dict[str, Any] = {"gateway": "simulator", "timezone": "UTC",
                            "capture_fee_allocation": FeeAllocation.PROPORTIONAL.value, "branding": {}}





@dataclass(frozen=True)
class Problem:
    """What is wrong with one field: `code` is stable (config plan reports it), `error` is what an API
    request that sent the field gets."""

    field: str
    code: str
    error: InvalidRequest


def _invalid(field: str, code: str, message: str) -> Problem:
    return Problem(field, code, InvalidRequest(message, field=field))


def timezone_problem(timezone: str) -> str | None:
    return None if timezone in available_timezones() else f"{timezone!r} is not an IANA time zone"


def entity_problems(gateways: Collection[str], fields: Mapping[str, Any]) -> list[Problem]:
    """Every problem of an entity's settings (those given: create and update alike)."""
    found: list[Problem] = []
    if isinstance(fields.get("name"), str) and CONTROL_CHARACTERS.search(fields["name"]):
        found.append(_invalid("name", "name_invalid", "name has control characters"))
    if fields.get("default_currency") is not None:
        try:
            exponent(fields["default_currency"])  # refuses currencies PayHub cannot represent
        except InvalidRequest as error:
            found.append(Problem("default_currency", error.code, error))
    gateway = fields.get("gateway")
    if gateway is not None and gateway not in gateways:
        found.append(_invalid("gateway", "gateway_unknown", f"Gateway {gateway!r} is not configured "
                                                            f"(configured: {', '.join(sorted(gateways))})"))
    if fields.get("timezone") is not None and (message := timezone_problem(fields["timezone"])) is not None:
        found.append(_invalid("timezone", "timezone_unknown", message))
    return found


def check_entity(gateways: Collection[str], fields: Mapping[str, Any]) -> None:
    """Raise the first problem's error, if any."""
    if problems := entity_problems(gateways, fields):
        raise problems[0].error


def entity_view(e: Entity) -> dict[str, Any]:
    erp = public_erp(e.erp or {}) or {"type": "default"}
    if (e.erp or {}).get("password"):
        erp["password_set"] = True
    return {"id": e.id, "object": "entity", "name": e.name, "default_currency": e.default_currency,
            "timezone": e.timezone, "capture_fee_allocation": e.capture_fee_allocation,
            "gateway": e.gateway, "posting_rules": PostingRules.from_dict(e.posting_rules)
            .as_dict(), "branding": e.branding or {}, "erp": erp, "disputes": dispute_settings(e.disputes),
            "reconciliation": reconciliation_settings(e.reconciliation), "created_at": ts(e.created_at)}


def dispute_settings(raw: dict[str, Any] | None) -> dict[str, Any]:
    return DisputeSettings.from_dict(raw).as_dict()


def reconciliation_settings(raw: dict[str, Any] | None) -> dict[str, Any]:
    return ReconciliationSettings.from_dict(raw).as_dict()


def get_entity(u: UnitOfWork, entity_id: str, lock: bool = False) -> Entity:
    entity = u.s.get(Entity, entity_id, with_for_update=lock)
    if entity is None:
        raise EntityNotFound(f"No entity {entity_id}")
    return entity


def list_entities(u: UnitOfWork) -> list[Entity]:
    return repo.all_entities(u.s)


def _provision_erp(u: UnitOfWork, entity: Entity) -> None:
    """The one place that asks the ERP to set a new entity up (the embedded ERP adds its company and chart of
    accounts in this transaction); an ERP without provisioning is set up by its operator."""
    provision = getattr(u.svc.erp, "provision_entity", None)
    if provision is not None:
        provision(u.s, entity.id, entity.name, entity.default_currency)


def create_entity(u: UnitOfWork, entity_id: str, fields: Mapping[str, Any], actor: Actor) -> Entity:
    """A new entity: `fields` are name and default_currency and any other settings (`erp` as ErpSettings,
    `posting_rules` as GL roles → account codes); what is left out gets PayHub's defaults."""
    check_entity(u.svc.gateways, fields)
    if u.s.get(Entity, entity_id) is not None:
        raise EntityExists(f"Entity {entity_id} exists")
    values = {**DEFAULTS, **{k: v for k, v in fields.items() if v is not None}}
    values["posting_rules"] = PostingRules.from_dict(fields.get("posting_rules")).as_dict()
    values["erp"] = stored_erp(u.svc.secret_key, entity_id, fields.get("erp"))
    entity = Entity(id=entity_id, created_at=u.now, **values)
    u.s.add(entity)
    u.s.flush()
    _provision_erp(u, entity)
    # The new entity's trail only: an entity a platform key acts for must not learn of it.
    u.audit(actor, entity_id, "entity.created", f"entity:{entity_id}", None, entity_view(entity))
    return entity


def first_admin_key(u: UnitOfWork, entity_id: str) -> tuple[ApiKey, str]:
    """A new entity's first admin key and its secret (in clear, once): part of creating the entity over the
    API, recorded by its `entity.created` event."""
    return create_key(u.s, entity_id, "admin", u.now, name="bootstrap")


def update_entity(u: UnitOfWork, entity_id: str, changes: Mapping[str, Any], actor: Actor, *,
                  keep_erp_password: bool = False) -> Entity:
    """Change the given settings (`posting_rules` merge into the current ones). With `keep_erp_password`, new
    ERP settings without a password keep the stored one (a configuration file never holds passwords)."""
    check_entity(u.svc.gateways, changes)
    entity = get_entity(u, entity_id, lock=True)
    before = entity_view(entity)
    values = dict(changes)
    if "erp" in values:
        erp: ErpSettings | None = values["erp"]
        values["erp"] = stored_erp(u.svc.secret_key, entity_id, erp)
        if keep_erp_password and values["erp"] and "password" not in values["erp"] \
                and (entity.erp or {}).get("password"):
            values["erp"]["password"] = entity.erp["password"]
    if "posting_rules" in values:
        values["posting_rules"] = PostingRules.from_dict({**entity.posting_rules, **values["posting_rules"]}).as_dict()
    for section in ("disputes", "reconciliation"):  # settings merge into the current ones
        if section in values:
            values[section] = {**(getattr(entity, section) or {}), **values[section]}
    for name, value in values.items():
        setattr(entity, name, value)
    u.audit(actor, entity_id, "entity.updated", f"entity:{entity_id}", before, entity_view(entity))
    return entity
