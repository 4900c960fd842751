"""Webhook endpoints, events and the event catalogue."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import AwareDatetime, BaseModel, Field, field_validator
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from payhub.api.deps import AdminKey, DeliveryPage, EventPage, Principal, ReadKey, ServicesDep, envelope
from payhub.api.versions import VERSIONS
from payhub.auth.sealing import seal
from payhub.domain.errors import InvalidRequest
from payhub.domain.events import EventType
from payhub.ids import new_id
from payhub.pipeline.services import Services
from payhub.store import audit, repo
from payhub.store import webhooks as queue
from payhub.store.models import OutboxEvent, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from payhub.store.repo import add_event
from payhub.store.views import ts
from payhub.webhooks import catalogue, signing
from payhub.webhooks.catalogue import event_types_problem
from payhub.webhooks.retry import DEFAULT_SCHEDULE, schedule_problem
from payhub.webhooks.transport import check_literal
from payhub.webhooks.worker import event_body

router = APIRouter(tags=["webhooks"])
MAX_REPLAY = 10_000


def _schedule(value: list[int] | None) -> list[int] | None:
    if value is not None and (problem := schedule_problem(value)):
        raise ValueError(problem)
    return value


def _event_types(value: list[str] | None) -> list[str] | None:
    if value is not None and (problem := event_types_problem(value)):
        raise ValueError(problem)
    return value


def _api_version(value: str | None) -> str | None:
    if value is not None and value not in VERSIONS:
        raise ValueError(f"not one of {', '.join(VERSIONS)}")
    return value


class EndpointFields(BaseModel):
    model_config = {"extra": "forbid"}
    description: str | None = Field(None, max_length=500)
    event_types: list[str] | None = Field(None, description='Names from GET /v1/event_types, or ["*"]')
    retry_schedule: list[int] | None = Field(None, description="Seconds before each attempt; default "
                                             "[0, 5, 300, 1800, 7200, 18000, 36000, 36000]")
    retry_schedules: dict[str, list[int]] | None = Field(None, description="Per event type schedules")
    rate_limit_per_s: int | None = Field(None, ge=1, le=10_000)
    max_concurrency: int | None = Field(None, ge=1, le=100)
    failure_alert_threshold: int | None = Field(None, ge=1, le=1000)
    api_version: str | None = Field(None, description="The dated version (PayHub-Version) events' `data` is "
                                    "shaped for. Default: the creating request's PayHub-Version if it sent one, "
                                    "else null: always the current version")

    _check_schedule = field_validator("retry_schedule")(_schedule)
    _check_types = field_validator("event_types")(_event_types)
    _check_version = field_validator("api_version")(_api_version)

    @field_validator("retry_schedules")
    @classmethod
    def _check_schedules(cls, value: dict[str, list[int]] | None) -> dict[str, list[int]] | None:
        for name, schedule in (value or {}).items():
            _event_types([name])
            _schedule(schedule)
        return value


class EndpointCreate(EndpointFields):
    url: str = Field(max_length=2000)
    enabled: bool = True


class EndpointUpdate(EndpointFields):
    url: str | None = Field(None, max_length=2000)
    enabled: bool | None = None


class SecretRotation(BaseModel):
    model_config = {"extra": "forbid"}
    overlap_seconds: int = Field(86_400, ge=0, le=7 * 86_400,
                                 description="How long the old secret keeps signing beside the new one")


class Redelivery(BaseModel):
    model_config = {"extra": "forbid"}
    endpoint: str | None = Field(None, description="Only to this endpoint; default every matching endpoint")


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


def event_view(e: OutboxEvent) -> dict[str, Any]:
    view: dict[str, Any] = json.loads(event_body(e))  # exactly what receivers get
    return view


def attempt_view(a: WebhookAttempt) -> dict[str, Any]:
    return {"attempted_at": ts(a.attempted_at), "status_code": a.status_code, "latency_ms": a.latency_ms,
            "response_excerpt": a.response_excerpt, "error": a.error, "next_retry_at": ts(a.next_retry_at)}


def _apply(svc: Services, endpoint: WebhookEndpoint, fields: EndpointFields, now: datetime) -> None:
    data = fields.model_dump(exclude_unset=True)
    if data.get("url") is not None:
        check_literal(data["url"], svc.webhook_allowed_networks)
    for name, value in data.items():
        if value is not None or name in ("rate_limit_per_s", "api_version"):
            setattr(endpoint, name, value)
    if data.get("enabled") is True:  # re-enabled by an admin: failures start afresh
        endpoint.disabled_reason, endpoint.consecutive_failures, endpoint.failing_since = None, 0, None
    endpoint.updated_at = now


def _audit(s: Session, request: Request, key: Principal, action: str, endpoint_id: str, now: datetime,
           before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    audit.record(s, entity_id=key.entity_id, key_id=key.key_id, action=action, before=before, after=after,
                 target=f"webhook_endpoint:{endpoint_id}", request_id=getattr(request.state, "request_id", None),
                 now=now)


# --- endpoints ---
@router.post("/webhook_endpoints", status_code=201, operation_id="create_webhook_endpoint")
def create_endpoint(body: EndpointCreate, request: Request, key: AdminKey, svc: ServicesDep) -> dict[str, Any]:
    """Create an endpoint. Its signing secret is in this response only."""
    secret = signing.new_secret()
    now = svc.clock.now()
    endpoint = WebhookEndpoint(
        id=new_id("we"), entity_id=key.entity_id, url=body.url, description="", event_types=["*"],
        secret=seal(svc.secret_key, secret), retry_schedule=list(DEFAULT_SCHEDULE), retry_schedules={},
        max_concurrency=10, failure_alert_threshold=5, consecutive_failures=0, enabled=True, created_at=now)
    _apply(svc, endpoint, body, now)
    if "api_version" not in body.model_fields_set and request.headers.get("payhub-version"):
        endpoint.api_version = request.state.api_version  # a pinned integration gets pinned events
    with svc.transaction() as s:
        s.add(endpoint)
        _audit(s, request, key, "webhook_endpoint.created", endpoint.id, now, None, endpoint_view(endpoint))
    return {**endpoint_view(endpoint), "secret": secret}


@router.get("/webhook_endpoints", operation_id="list_webhook_endpoints")
def list_endpoints(key: AdminKey, svc: ServicesDep) -> dict[str, Any]:
    with svc.read() as s:
        rows = s.scalars(select(WebhookEndpoint).where(WebhookEndpoint.entity_id == key.entity_id)
                         .order_by(WebhookEndpoint.id)).all()
        return envelope([endpoint_view(e) for e in rows])


@router.get("/webhook_endpoints/{endpoint_id}", operation_id="get_webhook_endpoint")
def get_endpoint(endpoint_id: str, key: AdminKey, svc: ServicesDep) -> dict[str, Any]:
    with svc.read() as s:
        return endpoint_view(queue.get_endpoint(s, key.entity_id, endpoint_id))


@router.patch("/webhook_endpoints/{endpoint_id}", operation_id="update_webhook_endpoint")
def update_endpoint(endpoint_id: str, body: EndpointUpdate, request: Request, key: AdminKey,
                    svc: ServicesDep) -> dict[str, Any]:
    with svc.transaction() as s:
        endpoint = queue.get_endpoint(s, key.entity_id, endpoint_id, lock=True)
        before, now = endpoint_view(endpoint), svc.clock.now()
        _apply(svc, endpoint, body, now)
        _audit(s, request, key, "webhook_endpoint.updated", endpoint.id, now, before, endpoint_view(endpoint))
        return endpoint_view(endpoint)


@router.delete("/webhook_endpoints/{endpoint_id}", status_code=204, operation_id="delete_webhook_endpoint")
def delete_endpoint(endpoint_id: str, request: Request, key: AdminKey, svc: ServicesDep) -> Response:
    """Delete an endpoint with its delivery history; undelivered events are not sent to it."""
    with svc.transaction() as s:
        endpoint = queue.get_endpoint(s, key.entity_id, endpoint_id, lock=True)
        _audit(s, request, key, "webhook_endpoint.deleted", endpoint.id, svc.clock.now(), endpoint_view(endpoint), None)
        deliveries = select(WebhookDelivery.id).where(WebhookDelivery.endpoint_id == endpoint.id)
        s.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(deliveries)))
        s.execute(delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id))
        s.delete(endpoint)
    return Response(status_code=204)


@router.post("/webhook_endpoints/{endpoint_id}/rotate_secret", operation_id="rotate_webhook_secret")
def rotate_secret(endpoint_id: str, request: Request, key: AdminKey, svc: ServicesDep,
                  body: SecretRotation | None = None) -> dict[str, Any]:
    """New signing secret (shown once). The old one keeps signing beside it for the overlap window,
    so receivers can switch without missing a delivery."""
    body = body or SecretRotation(overlap_seconds=86_400)
    secret = signing.new_secret()
    with svc.transaction() as s:
        endpoint = queue.get_endpoint(s, key.entity_id, endpoint_id, lock=True)
        now = svc.clock.now()
        endpoint.previous_secret = endpoint.secret if body.overlap_seconds else None
        endpoint.previous_secret_expires_at = now + timedelta(seconds=body.overlap_seconds) \
            if body.overlap_seconds else None
        endpoint.secret, endpoint.updated_at = seal(svc.secret_key, secret), now
        _audit(s, request, key, "webhook_endpoint.secret_rotated", endpoint.id, now, None, endpoint_view(endpoint))
        return {**endpoint_view(endpoint), "secret": secret}


@router.get("/webhook_endpoints/{endpoint_id}/deliveries", operation_id="list_webhook_deliveries")
def list_deliveries(endpoint_id: str, key: AdminKey, svc: ServicesDep, page: DeliveryPage) -> dict[str, Any]:
    """Deliveries to this endpoint, newest first, each with every attempt (time, status code, latency,
    response excerpt, next retry)."""
    with svc.read() as s:
        queue.get_endpoint(s, key.entity_id, endpoint_id)
        rows, has_more = repo.page(s, select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id),
                                   WebhookDelivery.id, page.limit, page.starting_after)
        attempts: dict[str, list[WebhookAttempt]] = {}
        for a in s.scalars(select(WebhookAttempt).where(WebhookAttempt.delivery_id.in_([d.id for d in rows]))
                           .order_by(WebhookAttempt.id)):
            attempts.setdefault(a.delivery_id, []).append(a)
        events = {e.id: e.type for e in s.scalars(select(OutboxEvent).where(
            OutboxEvent.id.in_([d.event_id for d in rows])))}
        return envelope([
            {"id": d.id, "object": "webhook_delivery", "event": d.event_id, "event_type": events.get(d.event_id),
             "status": d.status, "attempts": [attempt_view(a) for a in attempts.get(d.id, [])],
             "next_attempt_at": ts(d.next_attempt_at) if d.status == "pending" else None,
             "created_at": ts(d.created_at), "completed_at": ts(d.completed_at)} for d in rows], has_more)


@router.post("/webhook_endpoints/{endpoint_id}/test", status_code=202, operation_id="test_webhook_endpoint")
def send_test(endpoint_id: str, key: AdminKey, svc: ServicesDep) -> dict[str, Any]:
    """Queue a signed `webhook.test` event to this endpoint only."""
    with svc.transaction() as s:
        endpoint = queue.get_endpoint(s, key.entity_id, endpoint_id)
        now = svc.clock.now()
        event = add_event(s, key.entity_id, EventType.WEBHOOK_TEST,
                          {"message": "PayHub test event", "endpoint": endpoint.id}, now)
        event.dispatched_at = now  # addressed to this endpoint only, not fanned out
        delivery = queue.add_delivery(s, event, endpoint, now)
        return {"event": event.id, "delivery": delivery.id}


@router.post("/webhook_endpoints/{endpoint_id}/replay", status_code=202, operation_id="replay_webhook_endpoint")
def replay(endpoint_id: str, key: AdminKey, svc: ServicesDep,
           since: Annotated[AwareDatetime, Query(description="Resend events created at or after this time")],
           until: Annotated[AwareDatetime | None, Query(description="…and before this time")] = None) -> dict[str, Any]:
    """Resend every event in a time range that this endpoint subscribes to (e.g. after an outage)."""
    with svc.transaction() as s:
        endpoint = queue.get_endpoint(s, key.entity_id, endpoint_id)
        q = select(OutboxEvent).where(OutboxEvent.entity_id == key.entity_id, OutboxEvent.created_at >= since)
        if until is not None:
            q = q.where(OutboxEvent.created_at < until)
        events = [e for e in s.scalars(q.order_by(OutboxEvent.id).limit(MAX_REPLAY + 1))
                  if queue.wants(endpoint, e.type) and e.skip_endpoint_id != endpoint.id]
        if len(events) > MAX_REPLAY:
            raise InvalidRequest(f"More than {MAX_REPLAY} events in range; replay a shorter window", field="until")
        now = svc.clock.now()
        for event in events:
            queue.add_delivery(s, event, endpoint, now)
        return {"replayed": len(events)}


# --- events ---
@router.get("/event_types", operation_id="list_event_types")
def list_event_types(key: ReadKey) -> dict[str, Any]:
    """Every event type with a JSON Schema of its `data`."""
    return envelope(catalogue.event_types())


@router.get("/events", operation_id="list_events")
def list_events(key: ReadKey, svc: ServicesDep, page: EventPage, type: str | None = None,
                created_gte: AwareDatetime | None = None, created_lt: AwareDatetime | None = None) -> dict[str, Any]:
    with svc.read() as s:
        q = repo.created_between(select(OutboxEvent).where(OutboxEvent.entity_id == key.entity_id),
                                 OutboxEvent.created_at, created_gte, created_lt)
        if type:
            q = q.where(OutboxEvent.type == type)
        rows, has_more = repo.page(s, q, OutboxEvent.id, page.limit, page.starting_after)
        return envelope([event_view(e) for e in rows], has_more)


@router.get("/events/{event_id}", operation_id="get_event")
def get_event(event_id: str, key: ReadKey, svc: ServicesDep) -> dict[str, Any]:
    with svc.read() as s:
        event = queue.get_event(s, key.entity_id, event_id)
        deliveries = s.scalars(select(WebhookDelivery).where(WebhookDelivery.event_id == event.id)
                               .order_by(WebhookDelivery.id)).all()
        return {**event_view(event), "deliveries": [
            {"id": d.id, "endpoint": d.endpoint_id, "status": d.status, "attempts": d.attempts} for d in deliveries]}


@router.post("/events/{event_id}/redeliver", status_code=202, operation_id="redeliver_event")
def redeliver(event_id: str, key: AdminKey, svc: ServicesDep, body: Redelivery | None = None) -> dict[str, Any]:
    """Send the event again (same `webhook-id`, so receivers that already have it can dedupe)."""
    body = body or Redelivery(endpoint=None)
    with svc.transaction() as s:
        event = queue.get_event(s, key.entity_id, event_id)
        if body.endpoint:
            endpoints = [queue.get_endpoint(s, key.entity_id, body.endpoint)]
        else:
            endpoints = [e for e in s.scalars(select(WebhookEndpoint).where(
                WebhookEndpoint.entity_id == key.entity_id, WebhookEndpoint.enabled.is_(True)))
                if queue.wants(e, event.type) and e.id != event.skip_endpoint_id]
        now = svc.clock.now()
        return {"deliveries": [queue.add_delivery(s, event, e, now).id for e in endpoints]}
