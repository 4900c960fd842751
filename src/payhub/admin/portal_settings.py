"""Customer-portal settings: what the AR portal offers an entity's customers. Audited."""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from payhub.admin.work import Actor, UnitOfWork
from payhub.domain import methods
from payhub.store import repo

Method = Literal["card", "ach"]  # a Literal, not the enum: these settings validate strictly from plain JSON values
assert set(get_args(Method)) == {m.value for m in methods.Method}  # the domain's Method is the one list


def _all_methods() -> list[Method]:
    return ["card", "ach"]


class PortalSettings(BaseModel):
    """What the customer portal offers (PUT /v1/portal_settings)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    enabled: bool = False
    payment_methods: list[Method] = Field(default_factory=_all_methods, min_length=1)
    show_paid_invoices: bool = True
    allow_partial_payments: bool = True
    allow_autopay: bool = False
    support_email: str | None = Field(None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    invite_ttl_days: int = Field(7, ge=1, le=30)


def portal_settings(stored: dict[str, Any] | None) -> dict[str, Any]:
    """The stored settings with every default filled in (validated)."""
    return PortalSettings.model_validate(stored or {}).model_dump()


def get_portal_settings(u: UnitOfWork, entity_id: str) -> dict[str, Any]:
    return portal_settings(repo.get_entity(u.s, entity_id).portal)


def put_portal_settings(u: UnitOfWork, entity_id: str, settings: PortalSettings, actor: Actor) -> dict[str, Any]:
    """Replace the entity's portal settings."""
    entity = repo.get_entity(u.s, entity_id)
    before = portal_settings(entity.portal)
    entity.portal = settings.model_dump()
    after = portal_settings(entity.portal)
    u.audit(actor, entity_id, "portal_settings.updated", f"entity:{entity_id}", {"object": "portal_settings", **before},
            {"object": "portal_settings", **after})
    return after
