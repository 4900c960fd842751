"""An entity's own ERP connector settings: validated, with the password sealed at rest."""

from __future__ import annotations

import os
from typing import Any, Literal

from pydantic import BaseModel, Field

from payhub.auth.sealing import seal
from payhub.domain.errors import InvalidRequest


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
    """Validate an entity's ERP settings and seal the password; {} means the server's default ERP."""
    if erp is None or erp.type == "default":
        return {}
    if not (erp.url and erp.database and erp.mapping):
        raise InvalidRequest("A Tryton connector needs url, database and mapping", field="erp")
    from payhub.erp.tryton import TrytonMapping  # here: the connector (and its HTTP client) only when named

    try:
        mapping = TrytonMapping.from_dict(erp.mapping)
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidRequest(f"The Tryton mapping is invalid: {error}", field="erp.mapping") from None
    if entity_id not in mapping.entities:
        raise InvalidRequest(f"The mapping has no entry for {entity_id}", field="erp.mapping")
    password = erp.password
    if password is None and erp.password_env:
        password = os.environ.get(erp.password_env)
        if password is None:
            raise InvalidRequest(f"Environment variable {erp.password_env} is not set", field="erp.password_env")
    stored = erp.model_dump(exclude={"password"}, exclude_none=True)
    if password:
        stored["password"] = seal(secret_key, password)
    return stored


def public_erp(stored: dict[str, Any]) -> dict[str, Any]:
    """Stored settings without the sealed password (views, exported configuration)."""
    return {k: v for k, v in stored.items() if k != "password"}
