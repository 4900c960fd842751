"""How PayHub ids map to Tryton records: configuration, not code (PAYHUB_TRYTON_MAPPING, or an entity's own ERP
settings)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from payhub.auth.sealing import seal, unseal
from payhub.domain.errors import InvalidRequest

if TYPE_CHECKING:
    from payhub.erp.settings import ErpSettings
    from payhub.settings import Settings


@dataclass(frozen=True, slots=True)
class TrytonEntity:
    """One PayHub entity's place in Tryton."""

    company: int  # company.company id
    accounts: Mapping[str, int]  # PayHub account code ("1150", "1200", "2150") → account.account id
    payment_method: int  # account.invoice.payment.method whose debit/credit account is the clearing account
    clearing_account: str = "1150"  # the PayHub code that the payment method books to


@dataclass(frozen=True, slots=True)
class TrytonMapping:
    """Configuration, not code: how PayHub ids map to Tryton records.

    Customer ids are `customer_prefix + party id` unless listed in `customers` (customer id → party id);
    invoice ids are `invoice_prefix + account.invoice id`."""

    entities: Mapping[str, TrytonEntity]
    customer_prefix: str = "cus_"
    customers: Mapping[str, int] = field(default_factory=dict)
    invoice_prefix: str = "inv_"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TrytonMapping:
        """From plain JSON-like settings: {"entities": {"ent_1": {"company": 1, "accounts": {...}, ...}}, ...}."""
        entities = {key: TrytonEntity(**value) for key, value in data["entities"].items()}
        rest = {k: v for k, v in data.items() if k != "entities"}
        return cls(entities=entities, **rest)

    def party_id(self, customer_id: str) -> int | None:
        if customer_id in self.customers:
            return self.customers[customer_id]
        return _suffix_id(customer_id, self.customer_prefix)

    def customer_id(self, party_id: int) -> str:
        for customer, party in self.customers.items():
            if party == party_id:
                return customer
        return f"{self.customer_prefix}{party_id}"

    def tryton_invoice_id(self, invoice_id: str) -> int | None:
        return _suffix_id(invoice_id, self.invoice_prefix)

    def invoice_id(self, tryton_id: int) -> str:
        return f"{self.invoice_prefix}{tryton_id}"


def _suffix_id(value: str, prefix: str) -> int | None:
    rest = value[len(prefix):] if value.startswith(prefix) else ""
    return int(rest) if rest.isdigit() and not rest.startswith("0") else None


# --- the connector's configuration: what TrytonErp(**…) is built with ---
def from_server(settings: Settings) -> dict[str, Any]:
    """The server's Tryton (PAYHUB_ERP=tryton): PAYHUB_TRYTON_URL, _DATABASE, _USER, _PASSWORD, _TIMEOUT_S, and
    PAYHUB_TRYTON_MAPPING as JSON or @file.json."""
    raw = settings.tryton_mapping
    mapping = json.loads(Path(raw[1:]).read_text() if raw.startswith("@") else raw or "{}")
    return {"url": settings.tryton_url, "database": settings.tryton_database, "user": settings.tryton_user,
            "password": settings.tryton_password, "mapping": TrytonMapping.from_dict(mapping),
            "timeout": settings.tryton_timeout_s}


def from_entity(stored: Mapping[str, Any], settings: Settings) -> dict[str, Any]:
    """An entity's own Tryton, from the settings `stored_settings` kept (the password sealed at rest)."""
    password = unseal(settings.secret_key, stored["password"]) if stored.get("password") else ""
    return {"url": stored["url"], "database": stored["database"], "user": stored.get("user", "admin"),
            "password": password, "mapping": TrytonMapping.from_dict(stored["mapping"]),
            "timeout": float(stored.get("timeout_s", settings.tryton_timeout_s))}


def stored_settings(erp: ErpSettings, secret_key: str, entity_id: str) -> dict[str, Any]:
    """Validate an entity's Tryton settings and seal the password, for storing with the entity."""
    if not (erp.url and erp.database and erp.mapping):
        raise InvalidRequest("A Tryton connector needs url, database and mapping", field="erp")
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
