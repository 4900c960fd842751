"""Queries of disputes, their evidence files and postings, and of inbound gateway notifications."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from payhub.domain.disputes import FINAL
from payhub.domain.errors import DisputeNotFound
from payhub.store.models import Dispute, GatewayNotification, Payment, Posting
from payhub.store.repo import page

FINAL_STATUSES = tuple(sorted(set(s.value for s in FINAL)))


def payment_by_reference(s: Session, gateway: str, gateway_reference: str, *, lock: bool = False) -> Payment | None:
    """The payment a gateway knows by `gateway_reference` (with `lock`, its row locked for this transaction:
    notices about one payment's disputes are applied one at a time)."""
    if not gateway_reference:
        return None
    q = select(Payment).where(Payment.gateway == gateway, Payment.gateway_reference == gateway_reference).limit(1)
    return s.scalar(q.with_for_update() if lock else q)


def payment_by_id(s: Session, payment_id: str, *, lock: bool = False) -> Payment | None:
    """A payment by id whatever its entity (an inbound notification names no entity)."""
    return s.get(Payment, payment_id, with_for_update=lock)


def by_reference(s: Session, gateway: str, dispute_reference: str) -> Dispute | None:
    return s.scalar(select(Dispute).where(Dispute.gateway == gateway,
                                          Dispute.dispute_reference == dispute_reference))


def latest_undecided(s: Session, payment_id: str, amount: int) -> Dispute | None:
    """The payment's newest dispute of this amount that is not final: where a chargeback line of a settlement
    file, which names no dispute, belongs."""
    return s.scalar(select(Dispute).where(Dispute.payment_id == payment_id, Dispute.amount == amount,
                                          Dispute.status.not_in(FINAL_STATUSES))
                    .order_by(Dispute.created_at.desc(), Dispute.id.desc()).limit(1))


def get(s: Session, entity_id: str, dispute_id: str, *, lock: bool = False) -> Dispute:
    """One of the entity's disputes; another entity's does not exist (DisputeNotFound)."""
    q = select(Dispute).where(Dispute.id == dispute_id, Dispute.entity_id == entity_id)
    dispute = s.scalar(q.with_for_update() if lock else q)
    if dispute is None:
        raise DisputeNotFound(f"No dispute {dispute_id}")
    return dispute


def postings_of(s: Session, dispute_id: str) -> list[Posting]:
    """The GL postings a dispute booked, oldest first."""
    return list(s.scalars(select(Posting).where(Posting.source_id == dispute_id)
                          .order_by(Posting.created_at, Posting.id)))


def list_disputes(s: Session, entity_id: str, *, status: str | None, payment_id: str | None, gateway: str | None,
                  limit: int, starting_after: str | None) -> tuple[Sequence[Dispute], bool]:
    q = select(Dispute).where(Dispute.entity_id == entity_id)
    if status:
        q = q.where(Dispute.status == status)
    if payment_id:
        q = q.where(Dispute.payment_id == payment_id)
    if gateway:
        q = q.where(Dispute.gateway == gateway)
    return page(s, q, Dispute.id, limit, starting_after)


def notifications_with_outcome(s: Session, gateway: str, outcome: str) -> list[GatewayNotification]:
    """The gateway's notifications of one outcome, oldest first (the payout notices waiting for their file)."""
    return list(s.scalars(select(GatewayNotification).where(
        GatewayNotification.gateway == gateway, GatewayNotification.outcome == outcome)
        .order_by(GatewayNotification.occurred_at, GatewayNotification.id)))


def claim_notification(s: Session, row: GatewayNotification) -> bool:
    """Record a notification once per (gateway, event id). False when it is on record already: a redelivery,
    or the same event delivered twice at once (the second insert waits for the first on PostgreSQL, then
    meets the unique constraint). Only the savepoint is undone, never the caller's transaction."""
    if s.scalar(select(GatewayNotification.id).where(GatewayNotification.gateway == row.gateway,
                                                     GatewayNotification.event_id == row.event_id)) is not None:
        return False
    try:
        with s.begin_nested():
            s.add(row)
            s.flush()
    except IntegrityError:
        return False
    return True


def abandoned_submissions(s: Session, before: datetime, limit: int) -> list[tuple[str, str, str]]:
    """(entity, dispute, key) of evidence submissions whose intent is older than `before` and still open."""
    rows = s.execute(select(Dispute.entity_id, Dispute.id, Dispute.evidence_submitting_key)
                     .where(Dispute.evidence_submitting_key.is_not(None), Dispute.evidence_submitting_at < before)
                     .order_by(Dispute.evidence_submitting_at).limit(limit)).all()
    return [(e, d, k) for e, d, k in rows if k]
