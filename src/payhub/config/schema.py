"""The configuration file's shape, as pydantic models; the published JSON Schema is generated from them.

Structural checks live here (types, unknown keys, ranges). The semantic checks (fee policies, routing rules,
webhook URLs, installed extensions, gateways, currencies) are the ones the admin APIs run, applied in plan.py.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from payhub.admin.portal_settings import PortalSettings
from payhub.erp.settings import ErpSettings, ErpType
from payhub.webhooks.retry import DEFAULT_SCHEDULE

FORMAT_VERSION = 1
SCHEMA_ID = "https://payhub.dev/schemas/config/v1.json"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class PostingRulesConfig(_Strict):
    """The entity's GL account codes for payment postings (omitted: PayHub's default chart)."""

    gateway_clearing: str | None = None
    accounts_receivable: str | None = None
    customer_credit: str | None = None
    convenience_fee_revenue: str | None = None
    surcharge_revenue: str | None = None
    bank: str | None = None
    processor_fees: str | None = None
    chargebacks_receivable: str | None = None
    chargeback_losses: str | None = None
    settlement_suspense: str | None = None


class DisputeSettingsConfig(_Strict):
    """How a lost dispute is booked."""

    reopen_invoice_on_loss: bool = Field(False, description="Reopen the paid invoices' balance in the ERP (the "
                                                            "customer owes it again) instead of booking a loss")


class ReconciliationSettingsConfig(_Strict):
    """How reconciliation judges breaks (amounts in minor units)."""

    date_window_days: int = Field(3, ge=0, le=60, description="Match by amount within this many days")
    unsettled_after_days: int = Field(5, ge=1, le=365, description="A posted payment no batch paid out after "
                                                                   "this long is a break")
    lookback_days: int = Field(90, ge=1, le=3650, description="How far back a run reads")
    every_hours: int = Field(24, ge=0, le=720, description="How often `payhub worker` runs it (0: on demand)")
    fee_rate_bps: int | None = Field(None, ge=0, le=10_000, description="The processor's expected rate; null: "
                                                                        "any transaction fee is expected")
    fee_fixed: int = Field(0, ge=0, le=1_000_000, description="… plus this per transaction")
    fee_tolerance: int = Field(0, ge=0, le=1_000_000, description="A fee above expected + this is unexpected")


class RoutingConfig(_Strict):
    """Same shape as PUT /v1/routing/rules."""

    default: list[str] = Field(description="The entity's default route: gateways in order")
    rules: list[dict[str, Any]] = Field(default_factory=list, description=(
        'Each: {"id", "priority", "when": {conditions}, "gateways": [..] | "split": {"gw": weight}}'))
    success_rate_routing: bool = False
    exploration_percent: int = 5


class WebhookEndpointConfig(_Strict):
    """One webhook endpoint, matched to the installed ones by `url`. Its secret is never in the file: a new
    endpoint's secret is generated and shown once in the apply result."""

    url: str = Field(max_length=2000)
    description: str = Field("", max_length=500)
    event_types: list[str] = Field(default_factory=lambda: ["*"],
                                   description='Names from GET /v1/event_types, or ["*"]')
    retry_schedule: list[int] = Field(default_factory=lambda: list(DEFAULT_SCHEDULE),
                                      description="Seconds before each attempt")
    retry_schedules: dict[str, list[int]] = Field(default_factory=dict, description="Per event type schedules")
    rate_limit_per_s: int | None = Field(None, ge=1, le=10_000)
    max_concurrency: int = Field(10, ge=1, le=100)
    failure_alert_threshold: int = Field(5, ge=1, le=1000)
    enabled: bool = True


class ExtensionConfig(_Strict):
    enabled: bool = False
    pinned_version: str | None = Field(None, description="Run exactly this installed version; null: the newest")


class ErpConfig(BaseModel):
    """The entity's own ERP connector (the fields of the entities API's `erp`, but never a password: the file
    is kept verbatim as a config version, so `password_env` names the environment variable that holds it when
    the file is applied, and a `password` is refused with secret_in_document)."""

    model_config = ConfigDict(extra="forbid")
    type: ErpType
    url: str | None = None
    database: str | None = None
    user: str = "admin"
    password_env: str | None = Field(None, description="The environment variable that holds the password")
    mapping: dict[str, Any] | None = Field(None, description="This entity's company, accounts and payment method "
                                                             "in the ERP")
    timeout_s: float = Field(10.0, gt=0, le=120)

    def settings(self) -> ErpSettings:
        return ErpSettings.model_validate(self.model_dump())


class EntityConfig(_Strict):
    """An entity's whole configuration. A section that is left out (or null) is not managed by the file: it is
    left as it is. `webhook_endpoints` and `extensions`, when given, are complete: installed ones not listed are
    deleted. Entities are never deleted by a file."""

    name: str | None = Field(None, min_length=1, max_length=200, description="Required to create the entity")
    default_currency: str | None = Field(None, pattern=r"^[A-Z]{3}$", description="ISO 4217; required to create")
    gateway: str | None = Field(None, description="The default gateway (used when there are no routing rules)")
    timezone: str | None = Field(None, description="IANA time zone, e.g. America/New_York")
    capture_fee_allocation: Literal["proportional", "fees_first"] | None = Field(
        None, description="How a partial capture splits between fees and invoices (refunds mirror it): "
                          "proportional (the default) or fees_first")
    branding: dict[str, str] | None = Field(None, description="Portal name, colours, logo URL")
    portal: PortalSettings | None = None
    erp: ErpConfig | None = Field(None, description="The entity's own ERP (the password by password_env only)")
    posting_rules: PostingRulesConfig | None = None
    disputes: DisputeSettingsConfig | None = None
    reconciliation: ReconciliationSettingsConfig | None = None
    fee_policy: dict[str, Any] | None = Field(None, description="Same shape as PUT /v1/fee_policy")
    routing: RoutingConfig | None = None
    webhook_endpoints: dict[str, WebhookEndpointConfig | None] | None = Field(
        None, description="By a stable name of your choice; matched to installed endpoints by url. "
                          "A null removes an endpoint inherited from `defaults`")
    extensions: dict[str, ExtensionConfig | None] | None = Field(
        None, description="By extension name; a null removes one inherited from `defaults`")


class ConfigDocument(_Strict):
    """A PayHub configuration file. `defaults` is merged (deep: mappings merge, lists and values are replaced)
    into each entry of `entities`; the entity's own values win."""

    version: Literal[1] = 1
    defaults: EntityConfig | None = None
    entities: dict[str, EntityConfig] = Field(description="By entity id, e.g. ent_acme")


def json_schema() -> dict[str, Any]:
    schema = ConfigDocument.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema,
            "title": "PayHub configuration"}


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"
