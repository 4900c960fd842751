"""An entity's own ERP connector settings: validated, with the password sealed at rest."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field

from payhub.erp.registry import CONFIGS


def _configurable(name: str) -> str:
    if name != "default" and name not in CONFIGS:
        raise ValueError(f"must be one of: {', '.join(['default', *CONFIGS])}")
    return name


# "default" (the server's ERP) or a connector that takes an entity's own settings (erp/registry.py's CONFIGS)
ErpType = Annotated[str, AfterValidator(_configurable), Field(json_schema_extra={"enum": ["default", *CONFIGS]})]


class ErpSettings(BaseModel):
    """The entity's own ERP connector; {"type": "default"} (or nothing) uses the server's."""

    model_config = {"extra": "forbid"}
    type: ErpType
    url: str | None = Field(None, examples=["https://erp.example.com"])
    database: str | None = None
    user: str = "admin"
    password: str | None = Field(None, description="Stored sealed; never shown again")
    password_env: str | None = Field(None, description="Configuration as code: the environment variable that "
                                     "holds the password when the file is applied")
    mapping: dict[str, Any] | None = Field(None, description="The connector's mapping of this entity to the ERP's "
                                           "records (for Tryton: company, accounts and payment method)")
    timeout_s: float = Field(10.0, gt=0, le=120)



def stored_erp(secret_key: str, entity_id: str, erp: ErpSettings | None) -> dict[str, Any]:
    """Validate an entity's ERP settings (by their connector) and seal the password; {} means the server's ERP."""
    from payhub.erp import registry  # its connectors load when named

    return registry.stored_settings(erp, secret_key, entity_id)


def public_erp(stored: dict[str, Any]) -> dict[str, Any]:
    """Stored settings without the sealed password (views, exported configuration)."""
    return {k: v for k, v in stored.items() if k != "password"}
