"""Inbound gateway notifications (POST /v1/gateways/{gateway}/notifications).

The connector verifies the request the provider's way and reads it (ports.NotificationSource); a request that
does not verify is refused (NotificationRejected, 400) and nothing is recorded. Each notification is then
handled once per (gateway, provider event id), in a transaction of its own: a redelivery, or the same event
delivered twice at once, is acknowledged and changes nothing.

    dispute notices        → disputes.service.apply (the dispute, its GL postings, its events)
    authorization notices  → a payment whose outcome PayHub does not know (processing / unknown) is resolved
                             the way the recovery worker resolves it (pipeline.pay.recover_payment: the
                             gateway is asked what became of the payment's key)
    payout notices         → the settlement batch the payout is shows its payout status (the settlement file's
                             import books the money); a notice before its file waits (`payout_waiting`) and
                             the file's import applies it

Every notification is recorded (GatewayNotification) with its outcome (dispute | authorization | payout |
payout_waiting | ignored | unmatched) and a normalized summary, never the raw body."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import datetime
from enum import Enum
from typing import Any, cast

import structlog
from sqlalchemy.orm import Session

from payhub import faults
from payhub.disputes import service
from payhub.domain.errors import GatewayNotConfigured, PaymentLocked
from payhub.domain.payments import IN_FLIGHT
from payhub.ids import new_id
from payhub.pipeline import pay
from payhub.ports import NOTIFICATIONS, AuthorizationNotice, Notification, NotificationSource, supports
from payhub.services import Services
from payhub.store import disputes as store
from payhub.store import settlement
from payhub.store.models import GatewayNotification, Payment, SettlementBatch

log = structlog.get_logger(__name__)
PAYOUT_WAITING = "payout_waiting"  # a payout notice whose batch is not imported yet
IN_FLIGHT_VALUES = frozenset(s.value for s in IN_FLIGHT)


def receive(svc: Services, gateway_name: str, headers: Mapping[str, str], body: bytes) -> list[dict[str, Any]]:
    """Verify, read and handle one request of the gateway's provider. One result per notification:
    {event_id, type, outcome, subject, duplicate} (and `recovery` for a late authorization)."""
    gateway = svc.gateways.get(gateway_name)
    if gateway is None or not supports(gateway, NOTIFICATIONS):  # no such endpoint
        raise GatewayNotConfigured(f"No gateway {gateway_name!r} takes notifications")
    lowered = {name.lower(): value for name, value in headers.items()}
    notifications = cast(NotificationSource, gateway).read_notifications(lowered, body, svc.clock.now())
    return [_handle(svc, gateway_name, n) for n in notifications]


def _handle(svc: Services, gateway: str, n: Notification) -> dict[str, Any]:
    result: dict[str, Any] = {"event_id": n.event_id, "type": n.event_type, "outcome": None, "subject": None,
                              "duplicate": False}
    postings, unknown_payment = [], None
    with svc.transaction() as s:
        now = svc.clock.now()
        row = GatewayNotification(id=new_id("gwn"), gateway=gateway, event_id=n.event_id[:200],
                                  event_type=n.event_type[:100], entity_id=None, outcome="ignored", subject_id=None,
                                  summary=summary(n), occurred_at=n.occurred_at, received_at=now)
        if not store.claim_notification(s, row):
            return {**result, "duplicate": True}
        if n.dispute is not None:
            applied = service.apply(svc, s, gateway, n.dispute, "notification", now)
            if applied is None:
                row.outcome = "unmatched"
            else:
                row.outcome, row.entity_id, row.subject_id = "dispute", applied.dispute.entity_id, applied.dispute.id
                postings = applied.postings
        elif n.authorization is not None:
            payment = _payment_of(s, gateway, n.authorization)
            if payment is None:
                row.outcome = "unmatched"
            else:
                row.entity_id, row.subject_id = payment.entity_id, payment.id
                if payment.status in IN_FLIGHT_VALUES:
                    row.outcome, unknown_payment = "authorization", (payment.entity_id, payment.id)
                else:  # PayHub knows this payment's outcome already
                    row.summary = {**row.summary, "payment_status": payment.status}
        elif n.payout is not None:
            row.outcome = PAYOUT_WAITING
            for batch in settlement.batches_paid_out_as(s, gateway, n.payout.payout_reference):
                _paid_out(row, batch, n.payout.status, n.payout.arrival_at or n.occurred_at)
        result.update(outcome=row.outcome, subject=row.subject_id)
    faults.point("notification.after_commit")
    service.post(svc, postings)
    if unknown_payment is not None:
        result["recovery"] = _recover(svc, *unknown_payment)
    log.info("gateway_notification", gateway=gateway, event_id=n.event_id, type=n.event_type,
             outcome=result["outcome"], subject=result["subject"], recovery=result.get("recovery"))
    return result


def apply_waiting_payouts(s: Session, gateway: str, batches: Sequence[SettlementBatch]) -> None:
    """Payout notices that came before their batch's file: the batches being imported show them, the latest
    notice last."""
    by_reference = {b.batch_ref: b for b in batches}
    for row in store.notifications_with_outcome(s, gateway, PAYOUT_WAITING):
        payout = row.summary.get("payout") or {}
        batch = by_reference.get(payout.get("payout_reference", ""))
        if batch is not None:
            arrival = payout.get("arrival_at")
            _paid_out(row, batch, payout["status"], datetime.fromisoformat(arrival) if arrival else row.occurred_at)


def _paid_out(row: GatewayNotification, batch: SettlementBatch, status: str, at: datetime) -> None:
    batch.payout_status, batch.payout_at = status, at
    row.outcome, row.entity_id, row.subject_id = "payout", batch.entity_id, batch.id


def _payment_of(s: Session, gateway: str, notice: AuthorizationNotice) -> Payment | None:
    """The payment a late authorization result is about: by the gateway's reference, else by the merchant
    reference PayHub sent (the payment's id, or its gateway idempotency key `pay_…:<gateway>`)."""
    found = store.payment_by_reference(s, gateway, notice.gateway_reference)
    if found is not None:
        return found
    payment_id = (notice.merchant_reference or "").split(":", 1)[0]
    if not payment_id.startswith("pay_"):
        return None
    payment = store.payment_by_id(s, payment_id)
    if payment is None or gateway not in (payment.gateway, *(payment.gateway_candidates or ())):
        return None
    return payment


def _recover(svc: Services, entity_id: str, payment_id: str) -> str:
    """Resolve the payment as the recovery worker does: completed, failed, unresolved or already_final; busy
    when a live request holds it (that request learns the outcome itself)."""
    try:
        return pay.recover_payment(svc, entity_id, payment_id)
    except PaymentLocked:
        return "busy"
    except Exception:  # the notification stays recorded; the recovery worker tries again later
        log.exception("gateway_notification.recovery_error", payment=payment_id)
        return "error"


def summary(n: Notification) -> dict[str, Any]:
    """What PayHub understood of the notification, as JSON: the normalized notice, never the raw body."""
    notice = n.dispute or n.authorization or n.payout
    kind = "dispute" if n.dispute else "authorization" if n.authorization else "payout" if n.payout else None
    return {"kind": kind, "occurred_at": _plain(n.occurred_at),
            **({kind: {k: _plain(v) for k, v in asdict(notice).items()}} if kind and notice else {})}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value
