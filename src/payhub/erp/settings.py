"""An entity's own ERP connector settings: validated, with the password sealed at rest."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class ErpSettings(BaseModel):
    """The entity's own ERP connector; {"type": "default"} (or nothing) uses the server's."""

    model_config = {"extra": "forbid"}
    type: Literal["default", "tryton"]
    url: str | None = Field(None, examples=["https://erp.example.com"])
    database: str | None = None
    user: str = "admin"
    password: str | None = Field(None, description="Stored sealed; never shown again")
    password_env: str | None = Field(None, description="Configuration as code: the environment variable that "
                                     "holds the password when the file is applied")
    mapping: dict[str, Any] | None = Field(None, description="As PAYHUB_TRYTON_MAPPING: this entity's company, "
                                           "accounts and payment method in Tryton")
    timeout_s: float = Field(10.0, gt=0, le=120)



def stored_erp(secret_key: str, entity_id: str, erp: ErpSettings | None) -> dict[str, Any]:
    """Validate an entity's ERP settings (by their connector) and seal the password; {} means the server's ERP."""
    from payhub.erp import registry  # its connectors load when named

    return registry.stored_settings(erp, secret_key, entity_id)


def public_erp(stored: dict[str, Any]) -> dict[str, Any]:
    """Stored settings without the sealed password (views, exported configuration)."""
    return {k: v for k, v in stored.items() if k != "password"}
