"""PayHub's own tables. Money columns are integers in minor units with a currency column."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from payhub.store.db import Base, UTCDateTime


class Entity(Base):
    __tablename__ = "entities"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    default_currency: Mapped[str] = mapped_column(String(3))
    gateway: Mapped[str] = mapped_column(String(40), default="simulator")
    posting_rules: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    timezone: Mapped[str] = mapped_column(String(60), default="UTC")
    branding: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # portal name, colours, logo URL
    portal: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # customer portal settings
    # this entity's ERP connector, when not the server's default: {"type": "tryton", …}; secrets sealed
    erp: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # how a partial capture splits between fees and invoices: proportional | fees_first
    capture_fee_allocation: Mapped[str] = mapped_column(String(20), default="proportional",
                                                        server_default="proportional")
    # how disputes book a loss ({"reopen_invoice_on_loss": bool}) and how reconciliation judges breaks
    # (domain.reconcile's settings: days before "posted but not settled", expected fees…)
    disputes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    reconciliation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ApiKey(Base):
    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    # None: a platform key, which names the entity it acts for in each request (PayHub-Entity header)
    entity_id: Mapped[str | None] = mapped_column(ForeignKey("entities.id"), nullable=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    scope: Mapped[str] = mapped_column(String(20))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    rate_limit_per_s: Mapped[int | None] = mapped_column(Integer, nullable=True)  # None: the default limit
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # set: a virtual-terminal credential, acting for this staff user (expires with the staff session)
    staff_user_id: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)


class CustomerToken(Base):
    """A short-lived token bound to one customer of one entity (widgets, pay links), optionally narrowed
    to a set of invoices and a maximum amount."""

    __tablename__ = "customer_tokens"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"), index=True)
    customer_id: Mapped[str] = mapped_column(String(40))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invoice_ids: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    max_amount: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    created_by: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # the channel its payments record: widget (a merchant's page) | portal | terminal
    channel: Mapped[str] = mapped_column(String(10), default="widget", server_default="widget")


class VaultToken(Base):
    """A card or bank account in the vault: sealed with AES-256-GCM (vault/crypto.py) under `key_id`, bound to
    this row's id; `summary` is what may be shown (brand, BIN, funding, country, last4, expiry). Single-use
    (`used_by` the payment that took it) unless a saved payment method keeps it (`saved_as`)."""

    __tablename__ = "vault_tokens"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"), index=True)
    customer_id: Mapped[str | None] = mapped_column(String(40), nullable=True)  # set: only this customer's
    kind: Mapped[str] = mapped_column(String(10))  # card | ach
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    key_id: Mapped[str] = mapped_column(String(40), index=True)
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # None once erased
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # None: saved
    used_by: Mapped[str | None] = mapped_column(String(40), nullable=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    saved_as: Mapped[str | None] = mapped_column(String(40), nullable=True)


class SavedPaymentMethod(Base):
    """A vault token a customer kept for later payments (portal, autopay), with the consent they accepted:
    its exact text and time, and for ACH the NACHA WEB authorization (amount or range, frequency, revocation)."""

    __tablename__ = "payment_methods"
    __table_args__ = (Index("ix_payment_methods_customer", "entity_id", "customer_id"),)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"))
    customer_id: Mapped[str] = mapped_column(String(40))
    token_id: Mapped[str] = mapped_column(ForeignKey("vault_tokens.id"))
    kind: Mapped[str] = mapped_column(String(10))
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    consent_text: Mapped[str] = mapped_column(Text)
    consent_accepted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    consent_ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    consent_user_agent: Mapped[str | None] = mapped_column(String(300), nullable=True)
    mandate: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Payment(Base):
    __tablename__ = "payments"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"))
    customer_id: Mapped[str] = mapped_column(String(40))
    # as the ERP named the customer when they paid (events and history carry it)
    customer_name: Mapped[str] = mapped_column(String(200), default="")
    customer_email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[int] = mapped_column(BigInteger)
    amount_captured: Mapped[int] = mapped_column(BigInteger, default=0)
    amount_refunded: Mapped[int] = mapped_column(BigInteger, default=0)
    capture_method: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20), default="api")
    method_type: Mapped[str] = mapped_column(String(10))
    card_brand: Mapped[str | None] = mapped_column(String(20), nullable=True)
    card_last4: Mapped[str | None] = mapped_column(String(4), nullable=True)
    card_exp_month: Mapped[int | None] = mapped_column(Integer, nullable=True)
    card_exp_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    bank_last4: Mapped[str | None] = mapped_column(String(4), nullable=True)
    bank_account_type: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # the vault token paid with (tok_…), and the saved method it came from (pm_…), if any
    vault_token: Mapped[str | None] = mapped_column(String(40), nullable=True)
    payment_method_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    gateway: Mapped[str] = mapped_column(String(40))
    gateway_reference: Mapped[str | None] = mapped_column(String(200), nullable=True)
    failure_code: Mapped[str | None] = mapped_column(String(60), nullable=True)
    failure_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    description: Mapped[str] = mapped_column(Text, default="")
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # as the gateway's settlement report booked the capture: its batch, and what it kept of the gross
    settlement_batch_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    settlement_gross: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    settlement_fee: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    settlement_net: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    fees: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the fee quote: amounts and explanation
    level3: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)  # as sent to the gateway
    routing_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    routing_rule: Mapped[str | None] = mapped_column(String(100), nullable=True)
    routing_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)  # e.g. a fallback and why
    attempts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # gateway calls, in order
    # the gateways routing chose, in order: a resumed or recovered payment asks exactly these, with the same keys
    gateway_candidates: Mapped[list[str]] = mapped_column(JSON, default=list)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    allocations: Mapped[list[Allocation]] = relationship(
        order_by="Allocation.position", cascade="all, delete-orphan", lazy="selectin")
    refunds: Mapped[list[Refund]] = relationship(order_by="Refund.id", lazy="selectin")
    postings: Mapped[list[Posting]] = relationship(order_by="Posting.id", lazy="selectin")
    disputes: Mapped[list[Dispute]] = relationship(order_by="Dispute.id", lazy="selectin", viewonly=True)

    __table_args__ = (
        Index("ix_payments_entity_id_id", "entity_id", "id"),
        Index("ix_payments_entity_id_customer_id", "entity_id", "customer_id"),
        Index("ix_payments_status_updated_at", "status", "updated_at"),
    )


class Allocation(Base):
    """One bucket of a payment: an invoice, or unapplied cash (invoice_id NULL)."""

    __tablename__ = "payment_allocations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    payment_id: Mapped[str] = mapped_column(ForeignKey("payments.id"))
    position: Mapped[int] = mapped_column(Integer)
    invoice_id: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    amount_captured: Mapped[int] = mapped_column(BigInteger, default=0)
    amount_refunded: Mapped[int] = mapped_column(BigInteger, default=0)
    amount_posted: Mapped[int] = mapped_column(BigInteger, default=0)  # net amount the ERP has confirmed


class PaymentOperation(Base):
    """The intent of a capture, void or refund, written before the gateway call. Its id is the gateway's
    idempotency key, so a retry or the recovery worker replays the same call and never makes a second one."""

    __tablename__ = "payment_operations"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"))
    payment_id: Mapped[str] = mapped_column(ForeignKey("payments.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # capture | void | refund
    status: Mapped[str] = mapped_column(String(20))  # pending | succeeded | failed
    amount: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    currency: Mapped[str] = mapped_column(String(3))
    split: Mapped[list[list[Any]]] = mapped_column(JSON, default=list)  # [[invoice id or bucket key, amount], …]
    refund_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    reason: Mapped[str] = mapped_column(String(200), default="")
    gateway_reference: Mapped[str | None] = mapped_column(String(200), nullable=True)
    error_code: Mapped[str | None] = mapped_column(String(60), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    __table_args__ = (Index("ix_payment_operations_status_updated_at", "status", "updated_at"),)


class Refund(Base):
    __tablename__ = "refunds"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"))
    payment_id: Mapped[str] = mapped_column(ForeignKey("payments.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(200), default="")
    gateway_reference: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Posting(Base):
    """One journal entry PayHub built for a money movement, and what the ERP did with it: a payment's capture
    or refund, a dispute's chargeback and outcome (both with `payment_id`), a settlement batch or a
    reconciliation write-off (`source_id`, no payment)."""

    __tablename__ = "postings"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"))
    payment_id: Mapped[str | None] = mapped_column(ForeignKey("payments.id"), index=True, nullable=True)
    # the settlement batch, dispute or reconciliation exception the entry books (stb_… / dsp_… / rce_…)
    source_id: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    refund_id: Mapped[str | None] = mapped_column(ForeignKey("refunds.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))  # pending | confirmed | failed
    erp: Mapped[str] = mapped_column(String(40))
    erp_reference: Mapped[str | None] = mapped_column(String(200), nullable=True)
    error_code: Mapped[str | None] = mapped_column(String(60), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    memo: Mapped[str | None] = mapped_column(Text, nullable=True)
    # hook failures after the ERP took the entry: the posting stands, these say what went wrong
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # one poster at a time
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    lines: Mapped[list[GLLineRow]] = relationship(order_by="GLLineRow.line_no", lazy="selectin",
                                                  cascade="all, delete-orphan")
    # known to the unit of work, so a refund and its posting flushed together are inserted in that order
    refund: Mapped[Refund | None] = relationship()
    __table_args__ = (Index("ix_postings_status_created_at", "status", "created_at"),)


class GLLineRow(Base):
    __tablename__ = "gl_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    posting_id: Mapped[str] = mapped_column(ForeignKey("postings.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    account: Mapped[str] = mapped_column(String(40))
    debit: Mapped[int] = mapped_column(BigInteger)
    credit: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    invoice_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    customer_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    dimensions: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)


class OutboxEvent(Base):
    """Written in the same transaction as the state change it describes; delivered by the worker."""

    __tablename__ = "outbox_events"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"))
    type: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # set when the worker has fanned the event out to the matching webhook endpoints
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # an alert about an endpoint goes to the entity's other endpoints, not to the failing one
    skip_endpoint_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # set when the event bus relay (webhooks/relay) has published the event; NULL: not yet
    relayed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    __table_args__ = (
        Index("ix_outbox_events_entity_id_id", "entity_id", "id"),
        Index("ix_outbox_events_dispatched_at", "dispatched_at"),
        Index("ix_outbox_events_relayed_at", "relayed_at"),
        Index("ix_outbox_events_created_at", "created_at"),  # retention
    )


class RelayLease(Base):
    """One row per relay: the process holding it until `lease_until` is the single publisher."""

    __tablename__ = "relay_leases"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(60))
    lease_until: Mapped[datetime] = mapped_column(UTCDateTime)


class WebhookEndpoint(Base):
    __tablename__ = "webhook_endpoints"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(500), default="")
    event_types: Mapped[list[str]] = mapped_column(JSON)  # ["*"] or names from the catalogue
    secret: Mapped[str] = mapped_column(Text)  # encrypted at rest
    previous_secret: Mapped[str | None] = mapped_column(Text, nullable=True)  # encrypted; still signs until…
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    retry_schedule: Mapped[list[int]] = mapped_column(JSON)  # seconds
    retry_schedules: Mapped[dict[str, list[int]]] = mapped_column(JSON, default=dict)  # per event type
    rate_limit_per_s: Mapped[int | None] = mapped_column(Integer, nullable=True)
    max_concurrency: Mapped[int] = mapped_column(Integer, default=10)
    failure_alert_threshold: Mapped[int] = mapped_column(Integer, default=5)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    disabled_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # the dated /v1 version its events' `data` is shaped for (PayHub-Version); None: the current one
    api_version: Mapped[str | None] = mapped_column(String(10), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WebhookDelivery(Base):
    """One event owed to one endpoint. Done only after a 2xx; a claimed row whose lease expires is due again."""

    __tablename__ = "webhook_deliveries"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"))
    event_id: Mapped[str] = mapped_column(ForeignKey("outbox_events.id"), index=True)
    endpoint_id: Mapped[str] = mapped_column(ForeignKey("webhook_endpoints.id"))
    status: Mapped[str] = mapped_column(String(20))  # pending | succeeded | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # which claim holds the lease: a worker sends only while its token is still there (fencing)
    lease_token: Mapped[str | None] = mapped_column(String(40), nullable=True)
    last_status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    __table_args__ = (
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_endpoint_id_id", "endpoint_id", "id"),
        Index("ix_webhook_deliveries_completed_at", "completed_at"),  # retention
    )


class WebhookAttempt(Base):
    __tablename__ = "webhook_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(ForeignKey("webhook_deliveries.id"), index=True)
    endpoint_id: Mapped[str] = mapped_column(String(40), index=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    latency_ms: Mapped[int] = mapped_column(Integer)
    response_excerpt: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str | None] = mapped_column(String(300), nullable=True)
    next_retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # the caller's entity; "" for a platform key acting across entities (no entity row: not a foreign key)
    entity_id: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(255))
    # who sent it: the API key's or the customer token's id. A key is scoped to its caller, so one
    # caller can never receive another's stored response.
    principal: Mapped[str] = mapped_column(String(40), default="")
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))  # in_flight | done
    # the last atomic phase that committed (started → intent_recorded → gateway_answered → finished)
    recovery_point: Mapped[str] = mapped_column(String(30), default="started")
    # the payment or operation id bound in the first phase: every gateway idempotency key derives from it
    resource_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    response_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    response_body: Mapped[str | None] = mapped_column(Text, nullable=True)
    locked_until: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (UniqueConstraint("entity_id", "principal", "key",
                                       name="uq_idempotency_keys_entity_id_principal_key"),)


class EntityExtension(Base):
    """Which installed extensions run for an entity, and at which pinned version."""

    __tablename__ = "entity_extensions"
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=False)
    pinned_version: Mapped[str | None] = mapped_column(String(40), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuditEvent(Base):
    """Who changed what, before and after, in which request."""

    __tablename__ = "audit_events"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"), index=True)
    key_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    staff_user_id: Mapped[str | None] = mapped_column(String(40), nullable=True)  # a virtual-terminal user
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(String(200))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    request_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RoutingRuleSet(Base):
    """Routing rules are stored as versions; a payment records the version that routed it."""

    __tablename__ = "routing_rule_sets"
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    key_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FeePolicyVersion(Base):
    """An entity's fee policy (convenience fees, surcharges, waivers), stored as versions."""

    __tablename__ = "fee_policies"
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy: Mapped[dict[str, Any]] = mapped_column(JSON)
    key_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ConfigVersion(Base):
    """One applied configuration-as-code document (payhub.config). The primary key on `version` makes
    concurrent applies from the same base version collide: one commits, the other gets a conflict."""

    __tablename__ = "config_versions"
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    document: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CustomerAccount(Base):
    """A customer's payment account in PayHub, linked to the ERP customer: contact, settings, portal access."""

    __tablename__ = "customer_accounts"
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(40), primary_key=True)  # the ERP customer's id
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    portal_status: Mapped[str] = mapped_column(String(20), default="none")  # none | invited
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AutopayEnrollment(Base):
    """A customer's standing instruction to pay their invoices with a saved method (domain/autopay.py's Rule).
    status: active | paused (a hard decline; resumes when the customer gives a new method) | cancelled."""

    __tablename__ = "autopay_enrollments"
    __table_args__ = (Index("ix_autopay_enrollments_customer", "entity_id", "customer_id"),
                      Index("ix_autopay_enrollments_status", "status"))
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"))
    customer_id: Mapped[str] = mapped_column(String(40))
    payment_method_id: Mapped[str] = mapped_column(ForeignKey("payment_methods.id"))
    status: Mapped[str] = mapped_column(String(20))
    currency: Mapped[str] = mapped_column(String(3))
    days_before_due: Mapped[int] = mapped_column(Integer, default=0)  # 0: on the due date
    terms: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)  # None: any terms
    min_amount: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    max_amount: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    max_per_invoice: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    max_per_month: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    paused_reason: Mapped[str | None] = mapped_column(String(60), nullable=True)
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AutopayAttempt(Base):
    """One attempt to pay one invoice under one enrollment for one due date. Its payment id is chosen when the
    row is written, before any money moves: a resumed attempt pays under the same id (and gateway key).
    outcome: pending | completed | failed (soft; next_retry_at set while the schedule lasts) | hard_declined |
    skipped (nothing left to pay)."""

    __tablename__ = "autopay_attempts"
    __table_args__ = (UniqueConstraint("enrollment_id", "invoice_id", "due_on", "attempt",
                                       name="uq_autopay_attempts_enrollment_invoice_due_attempt"),
                      Index("ix_autopay_attempts_retry", "outcome", "next_retry_at"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"))
    enrollment_id: Mapped[str] = mapped_column(ForeignKey("autopay_enrollments.id"), index=True)
    invoice_id: Mapped[str] = mapped_column(String(40))
    due_on: Mapped[str] = mapped_column(String(10))  # the local date the rule pays it (ISO): part of the key
    attempt: Mapped[int] = mapped_column(Integer)
    payment_id: Mapped[str] = mapped_column(String(40), unique=True)
    payment_method_id: Mapped[str] = mapped_column(String(40))  # this attempt pays with it, on every resume
    outcome: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # what was charged, once completed
    currency: Mapped[str] = mapped_column(String(3))
    failure_code: Mapped[str | None] = mapped_column(String(60), nullable=True)
    failure_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    next_retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    locked_until: Mapped[datetime] = mapped_column(UTCDateTime)  # a scheduler works on it until then
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AutopaySettings(Base):
    """An entity's autopay settings: the soft-decline retry schedule (days after each failed attempt)."""

    __tablename__ = "autopay_settings"
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"), primary_key=True)
    retry_days: Mapped[list[int]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StaffUser(Base):
    """A member of an entity's AR staff who signs in to the virtual terminal (`/terminal`): role `terminal` (take
    payments) or `terminal_refund` (also refund and void). A password (scrypt hash) or magic links only."""

    __tablename__ = "staff_users"
    __table_args__ = (UniqueConstraint("entity_id", "email", name="uq_staff_users_entity_id_email"),)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"), index=True)
    email: Mapped[str] = mapped_column(String(200))  # lower-cased
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))  # terminal | terminal_refund
    password_hash: Mapped[str | None] = mapped_column(String(300), nullable=True)  # None: magic link only
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | deactivated
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class StaffLoginLink(Base):
    """A one-time, short-lived terminal sign-in link sent to a staff user by email; only its SHA-256 is kept."""

    __tablename__ = "staff_login_links"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"))
    staff_user_id: Mapped[str] = mapped_column(ForeignKey("staff_users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


# --- browser sign-in (web/session.py, the customer portal, the virtual terminal) ---
class WebSession(Base):
    """A signed-in browser: the cookie holds a random id, this row its SHA-256 (`id_hash`). `kind` is customer
    (the portal; subject = the ERP customer id) or staff (the terminal; subject = the staff user id)."""

    __tablename__ = "web_sessions"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    subject_id: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PortalLoginLink(Base):
    """A one-time, short-lived sign-in link sent by email; only its SHA-256 is kept."""

    __tablename__ = "portal_login_links"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"))
    customer_id: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class PortalCredential(Base):
    """A portal customer's password, as a scrypt hash (portal/passwords.py), set from the invitation."""

    __tablename__ = "portal_credentials"
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime)


# --- gateway notifications, settlement, reconciliation and disputes ---
class GatewayNotification(Base):
    """An event a gateway posted, once verified: recorded once per provider event id, so a redelivery is
    acknowledged and changes nothing."""

    __tablename__ = "gateway_notifications"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    gateway: Mapped[str] = mapped_column(String(40))
    event_id: Mapped[str] = mapped_column(String(200))
    event_type: Mapped[str] = mapped_column(String(100))
    entity_id: Mapped[str | None] = mapped_column(String(40), nullable=True)  # of the payment it concerns
    # dispute | authorization | payout | payout_waiting (its batch not imported yet) | ignored | unmatched
    outcome: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str | None] = mapped_column(String(40), nullable=True)  # the dispute or payment it touched
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the normalized notice (no raw body)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (UniqueConstraint("gateway", "event_id", name="uq_gateway_notifications_gateway_event_id"),
                      Index("ix_gateway_notifications_gateway_outcome", "gateway", "outcome"))


class SettlementBatch(Base):
    """One batch (payout) of a gateway's settlement report, imported whole or not at all."""

    __tablename__ = "settlement_batches"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"))
    gateway: Mapped[str] = mapped_column(String(40))
    batch_ref: Mapped[str] = mapped_column(String(200))  # the provider's batch number or payout id
    filename: Mapped[str] = mapped_column(String(300), default="")
    file_sha256: Mapped[str] = mapped_column(String(64))
    settled_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the latest booking in the batch
    line_count: Mapped[int] = mapped_column(Integer)
    totals: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # per currency: gross, fees, net…
    matched: Mapped[int] = mapped_column(Integer, default=0)  # lines matched to a payment or refund on import
    # what the provider's payout notice said of the transfer to the bank: paid | failed | … (None: no notice yet)
    payout_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    payout_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    imported_by: Mapped[str | None] = mapped_column(String(40), nullable=True)  # the API key, or None (CLI)
    __table_args__ = (
        UniqueConstraint("entity_id", "gateway", "batch_ref", name="uq_settlement_batches_entity_gateway_ref"),
        Index("ix_settlement_batches_entity_id_id", "entity_id", "id"),
    )


class SettlementLineRow(Base):
    __tablename__ = "settlement_lines"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("settlement_batches.id"), index=True)
    entity_id: Mapped[str] = mapped_column(String(40))
    line_no: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(30))
    provider_type: Mapped[str] = mapped_column(String(60), default="")
    gateway_reference: Mapped[str | None] = mapped_column(String(200), nullable=True)
    merchant_reference: Mapped[str | None] = mapped_column(String(200), nullable=True)
    currency: Mapped[str] = mapped_column(String(3))
    gross: Mapped[int] = mapped_column(BigInteger)
    fee: Mapped[int] = mapped_column(BigInteger)
    net: Mapped[int] = mapped_column(BigInteger)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    description: Mapped[str] = mapped_column(Text, default="")
    dispute_reference: Mapped[str | None] = mapped_column(String(200), nullable=True)
    reason_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # the PayHub record the line settles (payment, refund or dispute id) and how it was matched
    record_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    match_method: Mapped[str | None] = mapped_column(String(30), nullable=True)
    __table_args__ = (Index("ix_settlement_lines_entity_id_gateway_reference", "entity_id", "gateway_reference"),)


class ReconciliationRun(Base):
    __tablename__ = "reconciliation_runs"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"))
    gateway: Mapped[str | None] = mapped_column(String(40), nullable=True)  # None: every gateway
    trigger: Mapped[str] = mapped_column(String(20))  # schedule | api | cli
    status: Mapped[str] = mapped_column(String(20))  # running | completed | failed
    as_of: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    __table_args__ = (Index("ix_reconciliation_runs_entity_id_id", "entity_id", "id"),)


class ReconciliationException(Base):
    """A break the matching engine found, open until a person resolves it (manual match, write-off, ignore).
    Found again by later runs through its `fingerprint`, never duplicated."""

    __tablename__ = "reconciliation_exceptions"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"))
    run_id: Mapped[str] = mapped_column(String(40))  # the run that found it
    last_run_id: Mapped[str] = mapped_column(String(40))  # the latest run that still saw it
    fingerprint: Mapped[str] = mapped_column(String(200))
    class_: Mapped[str] = mapped_column("class", String(40))
    status: Mapped[str] = mapped_column(String(20))  # open | resolved
    gateway: Mapped[str | None] = mapped_column(String(40), nullable=True)
    currency: Mapped[str] = mapped_column(String(3))
    difference: Mapped[int] = mapped_column(BigInteger, default=0)
    settlement_line_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    record_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    payment_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # both sides' data
    proposal: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # action, description, entry
    resolution: Mapped[str | None] = mapped_column(String(20), nullable=True)  # manual_match | write_off | ignore
    resolution_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(String(40), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    posting_id: Mapped[str | None] = mapped_column(String(40), nullable=True)  # a write-off's entry
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (
        UniqueConstraint("entity_id", "fingerprint", name="uq_reconciliation_exceptions_entity_fingerprint"),
        Index("ix_reconciliation_exceptions_entity_id_id", "entity_id", "id"),
    )


class Dispute(Base):
    __tablename__ = "disputes"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"))
    payment_id: Mapped[str] = mapped_column(ForeignKey("payments.id"), index=True)
    gateway: Mapped[str] = mapped_column(String(40))
    dispute_reference: Mapped[str] = mapped_column(String(200))  # the provider's dispute id
    status: Mapped[str] = mapped_column(String(30))  # domain.disputes.DisputeStatus
    raw_status: Mapped[str] = mapped_column(String(60))
    reason_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    reason: Mapped[str] = mapped_column(String(200), default="")
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    evidence_due_by: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    evidence: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # the standard fields
    evidence_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # a submission under way: its gateway idempotency key, written before the gateway call and cleared once the
    # answer is on record; one left behind by a crash is finished by `payhub worker` (disputes.evidence)
    evidence_submitting_key: Mapped[str | None] = mapped_column(String(100), nullable=True)
    evidence_submitting_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    outcome: Mapped[str | None] = mapped_column(String(10), nullable=True)  # won | lost
    source: Mapped[str] = mapped_column(String(20))  # notification | settlement
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    files: Mapped[list[DisputeEvidenceFile]] = relationship(order_by="DisputeEvidenceFile.id", lazy="selectin")
    __table_args__ = (
        UniqueConstraint("gateway", "dispute_reference", name="uq_disputes_gateway_dispute_reference"),
        Index("ix_disputes_entity_id_id", "entity_id", "id"),
    )


class DisputeEvidenceFile(Base):
    __tablename__ = "dispute_evidence_files"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    dispute_id: Mapped[str] = mapped_column(ForeignKey("disputes.id"), index=True)
    entity_id: Mapped[str] = mapped_column(String(40))
    purpose: Mapped[str] = mapped_column(String(40))  # the evidence field it backs
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
