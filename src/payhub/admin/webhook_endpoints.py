"""Webhook endpoints: create (the signing secret shown once), change, delete, rotate the secret; and the
operator's deliveries (a test event, a replay of a time range, a redelivery). Every change is audited."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from payhub.admin.work import Actor, UnitOfWork
from payhub.auth.sealing import seal
from payhub.domain.errors import InvalidRequest
from payhub.domain.events import EventType
from payhub.ids import new_id
from payhub.store import webhooks as queue
from payhub.store.models import OutboxEvent, WebhookAttempt, WebhookEndpoint
from payhub.store.repo import add_event
from payhub.views import ts
from payhub.webhooks import signing
from payhub.webhooks.retry import DEFAULT_SCHEDULE
from payhub.webhooks.transport import check_literal

MAX_REPLAY = 10_000
NULLABLE = ("rate_limit_per_s", "api_version")  # fields a change may set to null; others ignore a null


def endpoint_view(e: WebhookEndpoint) -> dict[str, Any]:
    return {
        "id": e.id, "object": "webhook_endpoint", "url": e.url, "description": e.description,
        "event_types": e.event_types, "retry_schedule": e.retry_schedule, "retry_schedules": e.retry_schedules,
        "rate_limit_per_s": e.rate_limit_per_s, "max_concurrency": e.max_concurrency,
        "failure_alert_threshold": e.failure_alert_threshold, "api_version": e.api_version, "enabled": e.enabled,
        "disabled_reason": e.disabled_reason, "consecutive_failures": e.consecutive_failures,
        "failing_since": ts(e.failing_since), "previous_secret_expires_at": ts(e.previous_secret_expires_at),
        "created_at": ts(e.created_at), "updated_at": ts(e.updated_at),
    }


def attempt_view(a: WebhookAttempt) -> dict[str, Any]:
    return {"attempted_at": ts(a.attempted_at), "status_code": a.status_code, "latency_ms": a.latency_ms,
            "response_excerpt": a.response_excerpt, "error": a.error, "next_retry_at": ts(a.next_retry_at)}


def _target(endpoint: WebhookEndpoint) -> str:
    return f"webhook_endpoint:{endpoint.id}"


def _set(u: UnitOfWork, endpoint: WebhookEndpoint, fields: dict[str, Any]) -> None:
    if fields.get("url") is not None:
        check_literal(fields["url"], u.svc.webhook_allowed_networks)
    for name, value in fields.items():
        if value is not None or name in NULLABLE:
            setattr(endpoint, name, value)
    if fields.get("enabled") is True:  # (re-)enabled: failures start afresh
        endpoint.disabled_reason, endpoint.consecutive_failures, endpoint.failing_since = None, 0, None
    endpoint.updated_at = u.now


def list_webhook_endpoints(u: UnitOfWork, entity_id: str) -> list[WebhookEndpoint]:
    return queue.list_endpoints(u.s, entity_id)


def get_webhook_endpoint(u: UnitOfWork, entity_id: str, endpoint_id: str) -> WebhookEndpoint:
    return queue.get_endpoint(u.s, entity_id, endpoint_id)


def create_webhook_endpoint(u: UnitOfWork, entity_id: str, fields: dict[str, Any],
                            actor: Actor) -> tuple[WebhookEndpoint, str]:
    """A new endpoint (`fields`: url and any of the endpoint's settings) and its signing secret, in clear:
    the only time anyone sees it."""
    secret = signing.new_secret()
    endpoint = WebhookEndpoint(
        id=new_id("we"), entity_id=entity_id, url=fields["url"], description="", event_types=["*"],
        secret=seal(u.svc.secret_key, secret), retry_schedule=list(DEFAULT_SCHEDULE), retry_schedules={},
        max_concurrency=10, failure_alert_threshold=5, consecutive_failures=0, enabled=True, created_at=u.now)
    _set(u, endpoint, fields)
    u.s.add(endpoint)
    u.audit(actor, entity_id, "webhook_endpoint.created", _target(endpoint), None, endpoint_view(endpoint))
    return endpoint, secret


def update_webhook_endpoint(u: UnitOfWork, entity_id: str, endpoint_id: str, changes: dict[str, Any],
                            actor: Actor) -> WebhookEndpoint:
    """Change the given settings; `enabled: true` also clears the failure count."""
    endpoint = queue.get_endpoint(u.s, entity_id, endpoint_id, lock=True)
    before = endpoint_view(endpoint)
    _set(u, endpoint, changes)
    u.audit(actor, entity_id, "webhook_endpoint.updated", _target(endpoint), before, endpoint_view(endpoint))
    return endpoint


def delete_webhook_endpoint(u: UnitOfWork, entity_id: str, endpoint_id: str, actor: Actor) -> None:
    """Delete an endpoint with its delivery history; undelivered events are not sent to it."""
    endpoint = queue.get_endpoint(u.s, entity_id, endpoint_id, lock=True)
    u.audit(actor, entity_id, "webhook_endpoint.deleted", _target(endpoint), endpoint_view(endpoint), None)
    queue.delete_endpoint(u.s, endpoint)


def rotate_webhook_secret(u: UnitOfWork, entity_id: str, endpoint_id: str, overlap_seconds: int,
                          actor: Actor) -> tuple[WebhookEndpoint, str]:
    """A new signing secret (in clear, once); the old one keeps signing beside it for the overlap."""
    secret = signing.new_secret()
    endpoint = queue.get_endpoint(u.s, entity_id, endpoint_id, lock=True)
    endpoint.previous_secret = endpoint.secret if overlap_seconds else None
    endpoint.previous_secret_expires_at = u.now + timedelta(seconds=overlap_seconds) if overlap_seconds else None
    endpoint.secret, endpoint.updated_at = seal(u.svc.secret_key, secret), u.now
    u.audit(actor, entity_id, "webhook_endpoint.secret_rotated", _target(endpoint), None, endpoint_view(endpoint))
    return endpoint, secret


def send_test_event(u: UnitOfWork, entity_id: str, endpoint_id: str) -> tuple[str, str]:
    """Queue a `webhook.test` event to this endpoint only: (event id, delivery id)."""
    endpoint = queue.get_endpoint(u.s, entity_id, endpoint_id)
    event = add_event(u.s, entity_id, EventType.WEBHOOK_TEST,
                      {"message": "PayHub test event", "endpoint": endpoint.id}, u.now)
    event.dispatched_at = u.now  # addressed to this endpoint only, not fanned out
    return event.id, queue.add_delivery(u.s, event, endpoint, u.now).id


def replay_events(u: UnitOfWork, entity_id: str, endpoint_id: str, since: datetime,
                  until: datetime | None) -> int:
    """Queue again every event in [since, until) the endpoint subscribes to; how many."""
    endpoint = queue.get_endpoint(u.s, entity_id, endpoint_id)
    events = [e for e in queue.events_between(u.s, entity_id, since, until, MAX_REPLAY + 1)
              if queue.wants(endpoint, e.type) and e.skip_endpoint_id != endpoint.id]
    if len(events) > MAX_REPLAY:
        raise InvalidRequest(f"More than {MAX_REPLAY} events in range; replay a shorter window", field="until")
    for event in events:
        queue.add_delivery(u.s, event, endpoint, u.now)
    return len(events)


def redeliver_event(u: UnitOfWork, entity_id: str, event_id: str, endpoint_id: str | None) -> list[str]:
    """Queue the event again (same id) to one endpoint, or to every enabled endpoint that wants it."""
    event: OutboxEvent = queue.get_event(u.s, entity_id, event_id)
    if endpoint_id:
        endpoints = [queue.get_endpoint(u.s, entity_id, endpoint_id)]
    else:
        endpoints = [e for e in queue.list_endpoints(u.s, entity_id, enabled_only=True)
                     if queue.wants(e, event.type) and e.id != event.skip_endpoint_id]
    return [queue.add_delivery(u.s, event, e, u.now).id for e in endpoints]
