"""Webhook queries: fan-out of outbox events, claiming due deliveries, recording attempts, retention.

The worker's hot path is set-based Core SQL: one statement per batch for each step, never one ORM
transaction per delivery."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, delete, exists, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from payhub.domain.errors import EndpointNotFound, EventNotFound
from payhub.ids import new_id
from payhub.store.models import OutboxEvent, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from payhub.store.repo import created_between, page

deliveries = cast(Table, WebhookDelivery.__table__)
attempts = cast(Table, WebhookAttempt.__table__)
endpoints = cast(Table, WebhookEndpoint.__table__)
events = cast(Table, OutboxEvent.__table__)






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


def list_endpoints(s: Session, entity_id: str, enabled_only: bool = False) -> list[WebhookEndpoint]:
    q = select(WebhookEndpoint).where(WebhookEndpoint.entity_id == entity_id)
    if enabled_only:
        q = q.where(WebhookEndpoint.enabled.is_(True))
    return list(s.scalars(q.order_by(WebhookEndpoint.id)))


def delete_endpoint(s: Session, endpoint: WebhookEndpoint) -> None:
    """The endpoint with its delivery history."""
    ids = select(WebhookDelivery.id).where(WebhookDelivery.endpoint_id == endpoint.id)
    s.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(ids)))
    s.execute(delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id))
    s.delete(endpoint)


def attempts_of(s: Session, delivery_ids: Sequence[str]) -> dict[str, list[WebhookAttempt]]:
    """Each delivery's attempts, oldest first."""
    found: dict[str, list[WebhookAttempt]] = {}
    for a in s.scalars(select(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(delivery_ids))
                       .order_by(WebhookAttempt.id)):
        found.setdefault(a.delivery_id, []).append(a)
    return found


def event_types_of(s: Session, event_ids: Sequence[str]) -> dict[str, str]:
    return {e.id: e.type for e in s.scalars(select(OutboxEvent).where(OutboxEvent.id.in_(event_ids)))}


def deliveries_of_event(s: Session, event_id: str) -> list[WebhookDelivery]:
    return list(s.scalars(select(WebhookDelivery).where(WebhookDelivery.event_id == event_id)
                          .order_by(WebhookDelivery.id)))


def deliveries_page(s: Session, entity_id: str, endpoint_id: str, limit: int,
                    starting_after: str | None) -> tuple[Sequence[WebhookDelivery], bool]:
    """One page of the deliveries to the entity's endpoint, newest first (EndpointNotFound for another's)."""
    get_endpoint(s, entity_id, endpoint_id)
    return page(s, select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id), WebhookDelivery.id,
                limit, starting_after)


def events_page(s: Session, entity_id: str, type_: str | None, created_gte: datetime | None,
                created_lt: datetime | None, limit: int,
                starting_after: str | None) -> tuple[Sequence[OutboxEvent], bool]:
    """One page of the entity's events, newest first, of one type and in a time range if given."""
    q = created_between(select(OutboxEvent).where(OutboxEvent.entity_id == entity_id), OutboxEvent.created_at,
                        created_gte, created_lt)
    if type_:
        q = q.where(OutboxEvent.type == type_)
    return page(s, q, OutboxEvent.id, limit, starting_after)


def events_between(s: Session, entity_id: str, since: datetime, until: datetime | None,
                   limit: int) -> list[OutboxEvent]:
    """At most `limit` of the entity's events created in [since, until), oldest first."""
    q = select(OutboxEvent).where(OutboxEvent.entity_id == entity_id, OutboxEvent.created_at >= since)
    if until is not None:
        q = q.where(OutboxEvent.created_at < until)
    return list(s.scalars(q.order_by(OutboxEvent.id).limit(limit)))


def add_delivery(s: Session, event: OutboxEvent, endpoint: WebhookEndpoint, now: datetime) -> WebhookDelivery:
    delivery = WebhookDelivery(id=new_id("del"), entity_id=event.entity_id, event_id=event.id,
                               endpoint_id=endpoint.id, status="pending", attempts=0, next_attempt_at=now,
                               created_at=now)
    s.add(delivery)
    return delivery


def fan_out(s: Session, now: datetime, batch: int) -> int:
    """Turn undispatched outbox events into one delivery per matching enabled endpoint."""
    rows = s.execute(select(events.c.id, events.c.entity_id, events.c.type, events.c.skip_endpoint_id)
                     .where(events.c.dispatched_at.is_(None)).order_by(events.c.id).limit(batch)
                     .with_for_update(skip_locked=True)).all()
    if not rows:
        return 0
    entity_ids = {e.entity_id for e in rows}
    enabled = s.scalars(select(WebhookEndpoint).where(WebhookEndpoint.entity_id.in_(entity_ids),
                                                      WebhookEndpoint.enabled.is_(True))).all()
    owed = [{"id": new_id("del"), "entity_id": event.entity_id, "event_id": event.id, "endpoint_id": endpoint.id,
             "status": "pending", "attempts": 0, "next_attempt_at": now, "created_at": now}
            for event in rows for endpoint in enabled
            if endpoint.entity_id == event.entity_id and endpoint.id != event.skip_endpoint_id
            and wants(endpoint, event.type)]
    if owed:
        s.execute(insert(deliveries), owed)
    s.execute(update(events).where(events.c.id.in_([e.id for e in rows])).values(dispatched_at=now))
    return len(rows)


def claim_due(s: Session, now: datetime, lease: timedelta, batch: int) -> tuple[str, Sequence[Row[Any]]]:
    """Lease due deliveries of enabled endpoints under a new lease token, in one statement; returns the
    token and the rows (id, endpoint_id, event_id). On PostgreSQL, SKIP LOCKED lets any number of workers
    share the queue; on SQLite the writer's BEGIN IMMEDIATE makes the claim atomic. A crashed worker's
    leases expire and the rows become due again."""
    token = new_id("lse")
    due = (select(deliveries.c.id).join(endpoints, endpoints.c.id == deliveries.c.endpoint_id)
           .where(deliveries.c.status == "pending", deliveries.c.next_attempt_at <= now,
                  deliveries.c.lease_until.is_(None) | (deliveries.c.lease_until < now),
                  endpoints.c.enabled.is_(True))
           .order_by(deliveries.c.next_attempt_at).limit(batch)
           .with_for_update(skip_locked=True, of=deliveries))
    rows = s.execute(update(deliveries).where(deliveries.c.id.in_(due))
                     .values(lease_until=now + lease, lease_token=token)
                     .returning(deliveries.c.id, deliveries.c.endpoint_id, deliveries.c.event_id)).all()
    return token, rows


def start_attempts(s: Session, token: str, ids: Sequence[str], now: datetime, lease: timedelta) -> set[str]:
    """The fence right before sending (one statement for many deliveries): the ids this claim still
    holds (no other worker re-claimed them after our lease ran out), still pending, of an endpoint still
    enabled, with the lease renewed to cover the attempt. The caller must not send the others; those of
    a disabled endpoint are released, still pending, for when the endpoint is enabled again."""
    if not ids:
        return set()
    endpoint_enabled = (select(endpoints.c.id).where(endpoints.c.id == deliveries.c.endpoint_id,
                                                     endpoints.c.enabled.is_(True)).exists())
    started = set(s.scalars(update(deliveries).where(deliveries.c.id.in_(ids), deliveries.c.lease_token == token,
                                                     deliveries.c.status == "pending", endpoint_enabled)
                            .values(lease_until=now + lease).returning(deliveries.c.id)))
    if len(started) < len(ids):
        release(s, token, [i for i in ids if i not in started])
    return started


def release(s: Session, token: str, ids: Sequence[str], due: datetime | None = None) -> None:
    """Give up this claim's lease on these deliveries (where it still holds it), optionally moving
    their next attempt."""
    if not ids:
        return
    values: dict[str, object] = {"lease_until": None, "lease_token": None}
    if due is not None:
        values["next_attempt_at"] = due
    s.execute(update(deliveries).where(deliveries.c.id.in_(ids), deliveries.c.lease_token == token,
                                       deliveries.c.status == "pending").values(**values))


def postpone(s: Session, token: str, due: Sequence[tuple[str, datetime]]) -> None:
    """Release these deliveries, each due again at its own time, without counting an attempt."""
    if due:
        s.execute(update(deliveries).where(deliveries.c.id == bindparam("d_id"), deliveries.c.lease_token == token,
                                           deliveries.c.status == "pending")
                  .values(lease_until=None, lease_token=None, next_attempt_at=bindparam("d_due")),
                  [{"d_id": i, "d_due": at} for i, at in due])


def load_endpoints(s: Session, ids: Iterable[str], lock: bool = False) -> dict[str, WebhookEndpoint]:
    q = select(WebhookEndpoint).where(WebhookEndpoint.id.in_(sorted(set(ids))))
    if lock:  # in id order, so that two workers' record transactions cannot deadlock
        q = q.order_by(WebhookEndpoint.id).with_for_update().execution_options(populate_existing=True)
    return {e.id: e for e in s.scalars(q)}


def load_events(s: Session, ids: Iterable[str]) -> dict[str, Row[Any, Any, Any, Any]]:
    """(id, type, created_at, payload) of these events."""
    rows = s.execute(select(events.c.id, events.c.type, events.c.created_at, events.c.payload)
                     .where(events.c.id.in_(set(ids)))).all()
    return {r.id: r for r in rows}


def mark_succeeded(s: Session, done: Sequence[tuple[str, int]], now: datetime) -> set[str]:
    """Deliveries (id, status code) answered with a 2xx: done, with one more attempt. Only those still
    pending are changed (another worker may have finished one after our lease ran out); returns their ids."""
    by_code: dict[int, list[str]] = {}
    for delivery_id, code in done:
        by_code.setdefault(code, []).append(delivery_id)
    changed: set[str] = set()
    for code, ids in by_code.items():
        changed.update(s.scalars(
            update(deliveries).where(deliveries.c.id.in_(ids), deliveries.c.status == "pending")
            .values(status="succeeded", completed_at=now, attempts=deliveries.c.attempts + 1,
                    last_status_code=code, lease_until=None, lease_token=None)
            .returning(deliveries.c.id)))
    return changed


def lock_pending(s: Session, ids: Sequence[str]) -> dict[str, int]:
    """{id: attempts made} of the deliveries among ids that are still pending, locked."""
    if not ids:
        return {}
    rows = s.execute(select(deliveries.c.id, deliveries.c.attempts)
                     .where(deliveries.c.id.in_(ids), deliveries.c.status == "pending")
                     .order_by(deliveries.c.id).with_for_update()).all()
    return {r.id: r.attempts for r in rows}


def update_failed(s: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Failed attempts: each row {id, status, attempts, last_status_code, completed_at, next_attempt_at}."""
    if rows:
        s.execute(update(deliveries).where(deliveries.c.id == bindparam("d_id"))
                  .values(status=bindparam("d_status"), attempts=bindparam("d_attempts"),
                          last_status_code=bindparam("d_code"), completed_at=bindparam("d_completed"),
                          next_attempt_at=bindparam("d_next"), lease_until=None, lease_token=None),
                  [{"d_id": r["id"], "d_status": r["status"], "d_attempts": r["attempts"],
                    "d_code": r["last_status_code"], "d_completed": r["completed_at"],
                    "d_next": r["next_attempt_at"]} for r in rows])


def add_attempts(s: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Attempt history rows {delivery_id, endpoint_id, attempted_at, status_code, latency_ms,
    response_excerpt, error, next_retry_at}, in one executemany."""
    if rows:
        s.execute(insert(attempts), list(rows))


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


def purge(s: Session, before: datetime, limit: int, keep_unrelayed: bool = False) -> tuple[int, int]:
    """Retention, one batch: delete up to `limit` finished (succeeded or failed) deliveries completed
    before `before`, with their attempts, and up to `limit` outbox events created before `before` that
    have been fanned out and no longer have any delivery (pending deliveries keep their event, and so
    does the event bus relay until it has published it, if `keep_unrelayed`). Returns (deliveries,
    events) deleted. SKIP LOCKED: workers purging at once take different rows."""
    done = s.scalars(select(deliveries.c.id).where(deliveries.c.status != "pending",
                                                   deliveries.c.completed_at < before)
                     .order_by(deliveries.c.completed_at).limit(limit).with_for_update(skip_locked=True)).all()
    if done:
        s.execute(delete(attempts).where(attempts.c.delivery_id.in_(done)))
        s.execute(delete(deliveries).where(deliveries.c.id.in_(done)))
    old = select(events.c.id).where(events.c.created_at < before, events.c.dispatched_at.is_not(None),
                                    ~exists().where(deliveries.c.event_id == events.c.id))
    if keep_unrelayed:
        old = old.where(events.c.relayed_at.is_not(None))
    gone = s.scalars(old.order_by(events.c.created_at).limit(limit).with_for_update(skip_locked=True)).all()
    if gone:
        s.execute(delete(events).where(events.c.id.in_(gone)))
    return len(done), len(gone)


def unrelayed_events(s: Session, limit: int) -> Sequence[OutboxEvent]:
    """The oldest events the event bus relay has not published yet."""
    return s.scalars(select(OutboxEvent).where(OutboxEvent.relayed_at.is_(None))
                     .order_by(OutboxEvent.id).limit(limit)).all()


def mark_relayed(s: Session, event_ids: Sequence[str], now: datetime) -> None:
    s.execute(update(OutboxEvent).where(OutboxEvent.id.in_(event_ids))
              .values(relayed_at=now).execution_options(synchronize_session=False))
