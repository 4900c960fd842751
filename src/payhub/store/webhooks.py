"""Webhook queries: fan-out of outbox events, claiming due deliveries, recording attempts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from payhub.domain.errors import NotFound
from payhub.ids import new_id
from payhub.store.models import OutboxEvent, WebhookDelivery, WebhookEndpoint


class EndpointNotFound(NotFound):
    code = "webhook_endpoint_not_found"
    title = "Webhook endpoint not found"


class EventNotFound(NotFound):
    code = "event_not_found"
    title = "Event not found"


def wants(endpoint: WebhookEndpoint, event_type: str) -> bool:
    return "*" in endpoint.event_types or event_type in endpoint.event_types


def get_endpoint(s: Session, entity_id: str, endpoint_id: str, lock: bool = False) -> WebhookEndpoint:
    endpoint = s.get(WebhookEndpoint, endpoint_id, with_for_update=lock, populate_existing=lock)
    if endpoint is None or endpoint.entity_id != entity_id:
        raise EndpointNotFound(f"No webhook endpoint {endpoint_id}")
    return endpoint


def get_event(s: Session, entity_id: str, event_id: str) -> OutboxEvent:
    event = s.get(OutboxEvent, event_id)
    if event is None or event.entity_id != entity_id:
        raise EventNotFound(f"No event {event_id}")
    return event


def add_delivery(s: Session, event: OutboxEvent, endpoint: WebhookEndpoint, now: datetime) -> WebhookDelivery:
    delivery = WebhookDelivery(id=new_id("del"), entity_id=event.entity_id, event_id=event.id,
                               endpoint_id=endpoint.id, status="pending", attempts=0, next_attempt_at=now,
                               created_at=now)
    s.add(delivery)
    return delivery


def fan_out(s: Session, now: datetime, batch: int) -> int:
    """Turn undispatched outbox events into one delivery per matching enabled endpoint."""
    events = s.scalars(select(OutboxEvent).where(OutboxEvent.dispatched_at.is_(None))
                       .order_by(OutboxEvent.id).limit(batch).with_for_update(skip_locked=True)).all()
    if not events:
        return 0
    entity_ids = {e.entity_id for e in events}
    endpoints = s.scalars(select(WebhookEndpoint).where(WebhookEndpoint.entity_id.in_(entity_ids),
                                                        WebhookEndpoint.enabled.is_(True))).all()
    for event in events:
        for endpoint in endpoints:
            if endpoint.entity_id == event.entity_id and endpoint.id != event.skip_endpoint_id \
                    and wants(endpoint, event.type):
                add_delivery(s, event, endpoint, now)
        event.dispatched_at = now
    return len(events)


def claim_due(s: Session, now: datetime, lease: timedelta, batch: int) -> tuple[str, Sequence[WebhookDelivery]]:
    """Lease due deliveries of enabled endpoints under a new lease token, returned with the rows. On
    PostgreSQL, SKIP LOCKED lets any number of workers share the queue; on SQLite the writer's BEGIN
    IMMEDIATE makes the claim atomic. A crashed worker's leases expire and the rows become due again."""
    token = new_id("lse")
    rows = s.scalars(
        select(WebhookDelivery).join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now,
               (WebhookDelivery.lease_until.is_(None)) | (WebhookDelivery.lease_until < now),
               WebhookEndpoint.enabled.is_(True))
        .order_by(WebhookDelivery.next_attempt_at).limit(batch)
        .with_for_update(skip_locked=True, of=WebhookDelivery)).all()
    if rows:
        s.execute(update(WebhookDelivery).where(WebhookDelivery.id.in_([r.id for r in rows]))
                  .values(lease_until=now + lease, lease_token=token).execution_options(synchronize_session=False))
    return token, rows


def start_attempt(s: Session, delivery_id: str, token: str, now: datetime, lease: timedelta) -> bool:
    """The fence right before a send: true, with the lease renewed to cover this attempt, only if this
    claim still holds the delivery (no other worker re-claimed it after our lease ran out), it is still
    pending and its endpoint is still enabled. Otherwise the caller must not send; a delivery of a
    disabled endpoint is released, still pending, for when the endpoint is enabled again."""
    endpoint_enabled = select(WebhookEndpoint.id).where(WebhookEndpoint.id == WebhookDelivery.endpoint_id,
                                                        WebhookEndpoint.enabled.is_(True)).exists()
    ours = (WebhookDelivery.id == delivery_id, WebhookDelivery.lease_token == token,
            WebhookDelivery.status == "pending")
    started = s.execute(update(WebhookDelivery).where(*ours, endpoint_enabled).values(lease_until=now + lease)
                        .execution_options(synchronize_session=False))
    if started.rowcount == 1:  # type: ignore[attr-defined]
        return True
    release(s, delivery_id, token)
    return False


def release(s: Session, delivery_id: str, token: str, due: datetime | None = None) -> None:
    """Give up this claim's lease (if it still holds it), optionally moving the next attempt."""
    values: dict[str, object] = {"lease_until": None, "lease_token": None}
    if due is not None:
        values["next_attempt_at"] = due
    s.execute(update(WebhookDelivery).where(WebhookDelivery.id == delivery_id, WebhookDelivery.lease_token == token,
                                            WebhookDelivery.status == "pending")
              .values(**values).execution_options(synchronize_session=False))


def disable_endpoint(s: Session, endpoint: WebhookEndpoint, reason: str, now: datetime) -> bool:
    """Disable an enabled endpoint. Conditional (… WHERE enabled), so however many workers see its 410s
    at once, exactly one call disables it and returns true: one `endpoint.disabled` per disabling."""
    done = s.execute(update(WebhookEndpoint).where(WebhookEndpoint.id == endpoint.id, WebhookEndpoint.enabled.is_(True))
                     .values(enabled=False, disabled_reason=reason, updated_at=now)
                     .execution_options(synchronize_session=False))
    if done.rowcount != 1:  # type: ignore[attr-defined]
        return False
    for name, value in (("enabled", False), ("disabled_reason", reason), ("updated_at", now)):
        set_committed_value(endpoint, name, value)  # the row already says so; nothing left to flush
    return True
