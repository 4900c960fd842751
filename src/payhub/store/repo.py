"""Repository functions over a Session. The API, admin and pipeline layers query through the store (this module,
webhooks.py, idempotency.py, cache.py, audit.py); the embedded ERP keeps its own ledger's statements."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any, TypeVar

from sqlalchemy import Row, Select, and_, bindparam, case, func, or_, select, text, update
from sqlalchemy.orm import Session, defer, object_session

from payhub.domain.errors import EntityNotFound, PaymentNotFound, RefundNotFound
from payhub.domain.fees import EMPTY_POLICY, FeePolicy, parse_policy
from payhub.domain.ledger import FEE_BUCKETS, GLLine, JournalEntry, PostingRules
from payhub.domain.payments import Bucket, FeeAllocation, PaymentState, PaymentStatus
from payhub.ids import new_id
from payhub.store.cache import cached
from payhub.store.models import (
    Allocation,
    ApiKey,
    AuditEvent,
    ConfigVersion,
    CustomerAccount,
    CustomerToken,
    Entity,
    EntityExtension,
    FeePolicyVersion,
    GLLineRow,
    OutboxEvent,
    Payment,
    PaymentOperation,
    Posting,
    Refund,
    RoutingRuleSet,
    WebhookEndpoint,
)

T = TypeVar("T")
AUTH_HOLDING = (PaymentStatus.PROCESSING.value, PaymentStatus.UNKNOWN.value, PaymentStatus.REQUIRES_CAPTURE.value)
UNCONFIRMED = ("pending", "failed")  # posting statuses the ERP may or may not have


# --- entities and keys ---
def get_entity(s: Session, entity_id: str) -> Entity:
    entity = s.get(Entity, entity_id)
    if entity is None:
        raise EntityNotFound(f"No entity {entity_id}")
    return entity


@dataclass(frozen=True)
class EntitySettings:
    """What the payment path reads of an entity, cached (store/cache.py). Shared between threads: read only."""

    id: str
    gateway: str
    posting_rules: PostingRules
    capture_fee_allocation: str
    erp: Mapping[str, Any]  # {} for the server's default ERP


def entity_settings(s: Session, entity_id: str) -> EntitySettings | None:
    """The entity's settings, None if it does not exist. Cached (store/cache.py)."""
    return cached(s, entity_key(entity_id), lambda r: load_entity_settings(r, entity_id))


def settings_of(s: Session, entity_id: str) -> EntitySettings:
    """`entity_settings` of an entity that must exist (the caller's key belongs to it)."""
    settings = entity_settings(s, entity_id)
    if settings is None:
        raise EntityNotFound(f"No entity {entity_id}")
    return settings


def entity_key(entity_id: str) -> tuple[str, str]:
    return ("entity", entity_id)


def load_entity_settings(s: Session, entity_id: str) -> EntitySettings | None:
    row = s.get(Entity, entity_id)
    if row is None:
        return None
    return EntitySettings(row.id, row.gateway, PostingRules.from_dict(row.posting_rules),
                          row.capture_fee_allocation or FeeAllocation.PROPORTIONAL.value,
                          MappingProxyType(dict(row.erp or {})))


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def find_api_key(s: Session, secret: str, now: datetime) -> ApiKey | None:
    """The key, if it exists, is not revoked and has not expired."""
    key = s.scalar(select(ApiKey).where(ApiKey.secret_hash == hash_secret(secret)))
    if key is None or key.revoked_at is not None or (key.expires_at is not None and key.expires_at <= now):
        return None
    return key


# --- payments ---
def get_payment(s: Session, entity_id: str, payment_id: str) -> Payment:
    payment = s.get(Payment, payment_id, populate_existing=True)
    if payment is None or payment.entity_id != entity_id:  # another entity's payment does not exist
        raise PaymentNotFound(f"No payment {payment_id}")
    return payment


def payment_status(s: Session, payment_id: str, *, lock: bool = False) -> str | None:
    """The payment's status only (with `lock`, its row locked for this transaction); None if it does not exist."""
    q = select(Payment.status).where(Payment.id == payment_id)
    return s.scalar(q.with_for_update() if lock else q)


def delete_payment(s: Session, payment_id: str) -> None:
    """An intent that never reached a gateway (it refused the request itself), with its allocations."""
    row = s.get(Payment, payment_id)
    if row is not None:
        s.delete(row)


def get_operation(s: Session, op_id: str, *, lock: bool = False) -> PaymentOperation | None:
    """A capture, void or refund intent as stored now (with `lock`, locked for this transaction)."""
    return s.get(PaymentOperation, op_id, with_for_update=lock, populate_existing=True)


def find_operation(s: Session, op_id: str) -> PaymentOperation | None:
    return s.get(PaymentOperation, op_id)


def get_posting(s: Session, posting_id: str, *, lock: bool = False) -> Posting | None:
    """The posting as stored now (with `lock`, locked for this transaction)."""
    return s.get(Posting, posting_id, with_for_update=lock, populate_existing=True)


def latest_routing_rules(s: Session, entity_id: str) -> RoutingRuleSet | None:
    return s.scalar(select(RoutingRuleSet).where(RoutingRuleSet.entity_id == entity_id)
                    .order_by(RoutingRuleSet.version.desc()).limit(1))


def settlement_candidates(s: Session, gateways: Sequence[str], entity_id: str | None,
                          limit: int) -> Sequence[Row[str, str, str, str | None]]:
    """Captured payments on these gateways (one entity's, or all): (id, entity_id, gateway, gateway_reference)."""
    q = select(Payment.id, Payment.entity_id, Payment.gateway, Payment.gateway_reference).where(
        Payment.status == PaymentStatus.CAPTURED.value, Payment.gateway.in_(gateways))
    if entity_id:
        q = q.where(Payment.entity_id == entity_id)
    return s.execute(q.order_by(Payment.id).limit(limit)).all()


def stuck_payments(s: Session, statuses: Sequence[str], untouched_since: datetime, now: datetime,
                   limit: int) -> list[tuple[str, str]]:
    """(entity_id, payment_id) of payments in these statuses, untouched since then, whose lock has expired."""
    rows = s.execute(select(Payment.entity_id, Payment.id).where(
        Payment.status.in_(statuses), Payment.updated_at < untouched_since,
        (Payment.locked_until.is_(None)) | (Payment.locked_until < now),
    ).order_by(Payment.updated_at).limit(limit)).all()
    return [(r.entity_id, r.id) for r in rows]


def stuck_operations(s: Session, untouched_since: datetime, limit: int) -> Sequence[PaymentOperation]:
    return s.scalars(select(PaymentOperation).where(
        PaymentOperation.status == "pending", PaymentOperation.updated_at < untouched_since,
    ).order_by(PaymentOperation.updated_at).limit(limit)).all()


def get_refund(s: Session, entity_id: str, refund_id: str) -> tuple[Refund, Posting | None]:
    refund = s.get(Refund, refund_id)
    if refund is None or refund.entity_id != entity_id:
        raise RefundNotFound(f"No refund {refund_id}")
    return refund, s.scalar(select(Posting).where(Posting.refund_id == refund_id))


def page(s: Session, q: Select[T], id_column: Any, limit: int,
         starting_after: str | None) -> tuple[Sequence[T], bool]:
    """One page of a cursor-paginated list, newest first (ids sort by creation time)."""
    if starting_after:
        q = q.where(id_column < starting_after)
    rows = s.scalars(q.order_by(id_column.desc()).limit(limit + 1)).all()
    return rows[:limit], len(rows) > limit


def created_between(q: Select[T], column: Any, gte: datetime | None, lt: datetime | None) -> Select[T]:
    if gte:
        q = q.where(column >= gte)
    if lt:
        q = q.where(column < lt)
    return q


def list_payments(s: Session, entity_id: str, *, customer_id: str | None, status: str | None,
                  created_gte: datetime | None, created_lt: datetime | None, limit: int,
                  starting_after: str | None) -> tuple[Sequence[Payment], bool]:
    q = created_between(select(Payment).where(Payment.entity_id == entity_id), Payment.created_at,
                        created_gte, created_lt)
    if customer_id:
        q = q.where(Payment.customer_id == customer_id)
    if status:
        q = q.where(Payment.status == status)
    return page(s, q, Payment.id, limit, starting_after)


def state_of(p: Payment) -> PaymentState:
    """The payment as the state machine sees it, with its entity's rule for splitting partial amounts
    between fees and invoices (read in the payment's session, and only when the payment carries fees)."""
    return PaymentState(PaymentStatus(p.status), p.currency, tuple(
        Bucket(a.invoice_id, a.amount, a.amount_captured, a.amount_refunded) for a in p.allocations),
        _fee_allocation(p))


def _fee_allocation(p: Payment) -> FeeAllocation:
    s = object_session(p)
    if s is None or not any(a.invoice_id in FEE_BUCKETS for a in p.allocations):
        return FeeAllocation.PROPORTIONAL  # without fees the rule changes nothing
    settings = entity_settings(s, p.entity_id)
    return FeeAllocation(settings.capture_fee_allocation if settings else FeeAllocation.PROPORTIONAL)


def apply_state(p: Payment, state: PaymentState, now: datetime) -> None:
    p.status = state.status.value
    for row, bucket in zip(p.allocations, state.buckets, strict=True):
        row.amount_captured, row.amount_refunded = bucket.captured, bucket.refunded
    p.amount_captured = state.captured.amount
    p.amount_refunded = state.refunded.amount
    p.updated_at = now


def lock_invoices(s: Session, invoice_ids: Iterable[str]) -> None:
    """Serialize payments against the same invoices. SQLite already holds the database write lock
    (BEGIN IMMEDIATE); PostgreSQL takes a transaction-scoped advisory lock per invoice."""
    if s.get_bind().dialect.name != "postgresql":
        return
    for invoice_id in sorted(set(invoice_ids)):
        s.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"), {"k": invoice_id})


def held_amounts(s: Session, entity_id: str, invoice_ids: Sequence[str],
                 erp_has: Collection[str] = ()) -> dict[str, int]:
    """What PayHub holds against each invoice that the ERP's balance does not show yet:
    open authorizations plus captured-and-not-refunded money whose posting is not confirmed.
    `erp_has`: unconfirmed postings the ERP is known to have booked (an attempt whose answer was lost);
    their amounts are in the ERP's balance already, so they are not held again.
    The ERP-aware entry point is pipeline.posting.held_amounts."""
    if not invoice_ids:
        return {}
    core = s.connection()  # plain Core: the ORM's statement machinery cost more than these queries
    totals = {inv: int(total or 0) for inv, total in core.execute(_HELD, {"entity": entity_id,
                                                                           "invoices": list(invoice_ids)})}
    if erp_has:  # as if confirmed: the same net amounts the confirmation adds to amount_posted
        # Read after the totals, and only while still unconfirmed: a confirmation committed before the totals
        # is in amount_posted already and must not be subtracted twice (PostgreSQL reads each statement's
        # own snapshot); one committed in between is then held twice, which under-offers, safely.
        booked = core.execute(_BOOKED, {"postings": list(erp_has), "invoices": list(invoice_ids)})
        for inv, net in booked:
            totals[inv] = totals.get(inv, 0) - int(net or 0)
    return {inv: max(0, total) for inv, total in totals.items()}


# Built once: these run on every payment and every invoice read, and building them cost more than running them.
_HELD = (select(Allocation.invoice_id, func.sum(
    case((Payment.status.in_(AUTH_HOLDING), Allocation.amount - Allocation.amount_captured), else_=0)
    + (Allocation.amount_captured - Allocation.amount_refunded - Allocation.amount_posted)))
    .join(Payment).where(Allocation.invoice_id.in_(bindparam("invoices", expanding=True)),
                         Payment.entity_id == bindparam("entity"))  # two ERPs may reuse an invoice id
    .group_by(Allocation.invoice_id))
_BOOKED = (select(GLLineRow.invoice_id, func.sum(GLLineRow.credit - GLLineRow.debit))
           .join(Posting, Posting.id == GLLineRow.posting_id)
           .where(GLLineRow.posting_id.in_(bindparam("postings", expanding=True)),
                  GLLineRow.invoice_id.in_(bindparam("invoices", expanding=True)), Posting.status.in_(UNCONFIRMED))
           .group_by(GLLineRow.invoice_id))


def claim_payment(s: Session, entity_id: str, payment_id: str, now: datetime, until: datetime) -> bool:
    """Take the payment's operation lock if it is free or expired. True when taken."""
    result = s.execute(update(Payment).where(
        Payment.id == payment_id, Payment.entity_id == entity_id,
        (Payment.locked_until.is_(None)) | (Payment.locked_until < now),
    ).values(locked_until=until).execution_options(synchronize_session=False))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def pending_operations(s: Session, payment_id: str) -> Sequence[PaymentOperation]:
    return s.scalars(select(PaymentOperation).where(PaymentOperation.payment_id == payment_id,
                                                    PaymentOperation.status == "pending")
                     .order_by(PaymentOperation.created_at, PaymentOperation.id)).all()


def release_payment(s: Session, payment_id: str) -> None:
    s.execute(update(Payment).where(Payment.id == payment_id).values(locked_until=None)
              .execution_options(synchronize_session=False))


def find_customer_token(s: Session, secret: str, now: datetime) -> CustomerToken | None:
    token = s.scalar(select(CustomerToken).where(CustomerToken.secret_hash == hash_secret(secret)))
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        return None
    return token


def get_customer_token(s: Session, token_id: str) -> CustomerToken:
    token = s.get(CustomerToken, token_id)
    assert token is not None  # the request authenticated with it
    return token


Versioned = TypeVar("Versioned", FeePolicyVersion, RoutingRuleSet)


def latest(s: Session, model: type[Versioned], entity_id: str) -> Versioned | None:
    """An entity's newest version of a versioned setting (fee policy, routing rules)."""
    return s.scalar(select(model).where(model.entity_id == entity_id).order_by(model.version.desc()).limit(1))


def api_keys_page(s: Session, entity_id: str, with_platform_keys: bool, limit: int,
                  starting_after: str | None) -> tuple[Sequence[ApiKey], bool]:
    mine = ApiKey.entity_id == entity_id
    return page(s, select(ApiKey).where(mine | ApiKey.entity_id.is_(None) if with_platform_keys else mine),
                ApiKey.id, limit, starting_after)


def ping(s: Session) -> None:
    """A round trip to the database (health checks)."""
    s.execute(text("SELECT 1"))


def audit_events_page(s: Session, entity_id: str, limit: int,
                      starting_after: str | None) -> tuple[Sequence[AuditEvent], bool]:
    """An entity's audit trail, newest first, one page."""
    return page(s, select(AuditEvent).where(AuditEvent.entity_id == entity_id), AuditEvent.id, limit,
                starting_after)


def customer_accounts(s: Session, entity_id: str) -> list[CustomerAccount]:
    return list(s.scalars(select(CustomerAccount).where(CustomerAccount.entity_id == entity_id)
                          .order_by(CustomerAccount.customer_id)))


def all_entities(s: Session) -> list[Entity]:
    return list(s.scalars(select(Entity).order_by(Entity.id)))


def extension_rows(s: Session, entity_id: str) -> list[EntityExtension]:
    """An entity's extension settings, by name."""
    return list(s.scalars(select(EntityExtension).where(EntityExtension.entity_id == entity_id)
                          .order_by(EntityExtension.name)))


def latest_version(s: Session, model: type[Versioned], entity_id: str) -> int:
    """The number of an entity's newest version of a versioned setting; 0 if it has none."""
    return s.scalar(select(func.max(model.version)).where(model.entity_id == entity_id)) or 0


def versions_page(s: Session, model: type[Versioned], entity_id: str, limit: int,
                  before: int | None) -> tuple[list[Versioned], bool]:
    """An entity's versions of a setting, newest first, below version `before`; and whether more follow."""
    q = select(model).where(model.entity_id == entity_id)
    if before is not None:
        q = q.where(model.version < before)
    rows = list(s.scalars(q.order_by(model.version.desc()).limit(limit + 1)))
    return rows[:limit], len(rows) > limit


def fee_policy(s: Session, entity_id: str) -> FeePolicy:
    """The entity's newest fee policy (no fees until an admin sets one); cached, parsed once per version."""
    def load(r: Session) -> FeePolicy:
        row = latest(r, FeePolicyVersion, entity_id)
        return parse_policy(row.policy) if row is not None else EMPTY_POLICY
    return cached(s, ("fee_policy", entity_id), load)


# --- postings and events ---
def add_posting(s: Session, payment: Payment, entry: JournalEntry, erp: str, now: datetime,
                refund: Refund | None = None, source_id: str | None = None) -> Posting:
    """A payment's posting, pending: its capture or refund, or an entry of its dispute (`source_id`)."""
    posting = new_posting(payment.entity_id, entry, erp, now, payment_id=payment.id, source_id=source_id,
                          refund=refund)
    s.add(posting)
    payment.postings.append(posting)
    return posting


def add_source_posting(s: Session, entity_id: str, source_id: str, entry: JournalEntry, erp: str,
                       now: datetime) -> Posting:
    """A pending posting that books no payment: a settlement batch or a reconciliation write-off."""
    posting = new_posting(entity_id, entry, erp, now, source_id=source_id)
    s.add(posting)
    return posting


def new_posting(entity_id: str, entry: JournalEntry, erp: str, now: datetime, *, payment_id: str | None = None,
                source_id: str | None = None, refund: Refund | None = None) -> Posting:
    posting = Posting(id=new_id("pst"), entity_id=entity_id, payment_id=payment_id, source_id=source_id,
                      refund_id=refund.id if refund else None, kind=entry.kind, status="pending", erp=erp,
                      attempts=0, created_at=now, refund=refund)
    posting.lines = [GLLineRow(line_no=i, account=l.account, debit=l.debit, credit=l.credit, currency=l.currency,
                               invoice_id=l.invoice_id, customer_id=l.customer_id, dimensions=dict(l.dimensions))
                     for i, l in enumerate(entry.lines, 1)]
    return posting


def postings_of(s: Session, entity_id: str, source_id: str) -> Sequence[Posting]:
    """The postings that book a settlement batch, a dispute or a write-off."""
    return s.scalars(select(Posting).where(Posting.entity_id == entity_id, Posting.source_id == source_id)
                     .order_by(Posting.id)).all()


def lease_posting(s: Session, posting_id: str, now: datetime, until: datetime) -> bool:
    """Take the posting's lease if it is not confirmed and nobody holds it. True when taken."""
    result = s.execute(update(Posting).where(
        Posting.id == posting_id, Posting.status != "confirmed", _lease_free(now),
    ).values(lease_until=until).execution_options(synchronize_session=False))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _lease_free(now: datetime) -> Any:
    return or_(Posting.lease_until.is_(None), Posting.lease_until < now)


def next_due_posting(s: Session, now: datetime, pending_before: datetime) -> Posting | None:
    """The oldest posting the recovery job should post now, row-locked (PostgreSQL skips rows another worker
    holds): a failed one whose retry is due, or a pending one created before `pending_before` (abandoned).
    Either only while no attempt holds its lease. The caller takes the lease in the same transaction."""
    due = or_(and_(Posting.status == "failed", Posting.next_retry_at <= now),
              and_(Posting.status == "pending", Posting.created_at <= pending_before))
    return s.scalar(select(Posting).where(due, _lease_free(now)).order_by(Posting.created_at, Posting.id)
                    .limit(1).with_for_update(skip_locked=True))


def uncertain_postings(s: Session, entity_id: str, invoice_ids: Sequence[str]) -> Sequence[Posting]:
    """Unconfirmed postings on these invoices that an attempt may have brought to the ERP (attempted before,
    or under way now): only the ERP can say whether it has them."""
    if not invoice_ids:
        return []
    params = {"entity": entity_id, "invoices": list(invoice_ids)}
    # Almost always none: ask with a plain Core query first, and load postings (with their lines) only if any.
    if s.connection().execute(_ANY_UNCERTAIN, params).first() is None:
        return []
    return s.scalars(_UNCERTAIN, params).all()


# few postings are unconfirmed: find them by status, then check their lines (indexed by posting)
_UNCERTAIN_WHERE = (
    Posting.status.in_(UNCONFIRMED), Posting.entity_id == bindparam("entity"),
    or_(Posting.attempts > 0, Posting.lease_until.is_not(None)),
    select(GLLineRow.id).where(GLLineRow.posting_id == Posting.id,
                               GLLineRow.invoice_id.in_(bindparam("invoices", expanding=True))).exists(),
)
_ANY_UNCERTAIN = select(Posting.id).where(*_UNCERTAIN_WHERE).limit(1)
_UNCERTAIN = select(Posting).where(*_UNCERTAIN_WHERE).order_by(Posting.id)


def entry_of(posting: Posting) -> JournalEntry:
    return JournalEntry(posting.kind, tuple(
        GLLine(l.account, l.debit, l.credit, l.currency, l.invoice_id, l.customer_id, dimensions=dict(l.dimensions))
        for l in posting.lines))


def add_event(s: Session, entity_id: str, type_: str, data: dict[str, Any], now: datetime) -> OutboxEvent:
    event = OutboxEvent(id=new_id("evt"), entity_id=entity_id, type=type_, created_at=now,
                        payload={"data": data})
    s.add(event)
    return event


# --- configuration as code, extensions and key lookups (their modules keep the rules, the queries are here) ---
def enabled_extensions(s: Session, entity_id: str) -> list[tuple[str, str | None]]:
    """(name, pinned version) of the entity's enabled extensions, by name."""
    rows = s.execute(select(EntityExtension.name, EntityExtension.pinned_version)
                     .where(EntityExtension.entity_id == entity_id, EntityExtension.enabled.is_(True))
                     .order_by(EntityExtension.name))
    return [(name, pinned) for name, pinned in rows]


def api_key_by_hash(s: Session, secret_hash: str) -> ApiKey | None:
    return s.scalar(select(ApiKey).where(ApiKey.secret_hash == secret_hash))


def api_key_ids(s: Session, entity_id: str) -> list[str]:
    return list(s.scalars(select(ApiKey.id).where(ApiKey.entity_id == entity_id)))


def config_versions(s: Session) -> Iterator[ConfigVersion]:
    """Applied configuration versions, newest first, their documents loaded only when read."""
    yield from s.scalars(select(ConfigVersion).options(defer(ConfigVersion.document))
                         .order_by(ConfigVersion.version.desc()).execution_options(yield_per=100))


def latest_config_version(s: Session) -> int:
    return s.scalar(select(func.max(ConfigVersion.version))) or 0


def webhook_endpoints(s: Session, entity_id: str) -> list[WebhookEndpoint]:
    return list(s.scalars(select(WebhookEndpoint).where(WebhookEndpoint.entity_id == entity_id)
                          .order_by(WebhookEndpoint.id)))
