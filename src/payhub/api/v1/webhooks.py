"""Webhook endpoints, events and the event catalogue."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import AwareDatetime, BaseModel, Field, field_validator

from payhub import admin
from payhub.admin import webhook_endpoints as endpoints
from payhub.admin.webhook_endpoints import attempt_view, endpoint_view
from payhub.api.deps import AdminActor, AdminKey, DeliveryPage, EventPage, ReadKey, ServicesDep, envelope
from payhub.api.versions import VERSIONS
from payhub.store import webhooks as queue
from payhub.views import ts
from payhub.webhooks import catalogue
from payhub.webhooks.catalogue import event_types_problem
from payhub.webhooks.retry import schedule_problem
from payhub.webhooks.worker import event_body

if TYPE_CHECKING:  # a type only: the API reads no tables
    from payhub.store.models import OutboxEvent

router = APIRouter(tags=["webhooks"])


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


def event_view(e: OutboxEvent) -> dict[str, Any]:
    view: dict[str, Any] = json.loads(event_body(e))  # exactly what receivers get
    return view


# --- endpoints ---
@router.post("/webhook_endpoints", status_code=201, operation_id="create_webhook_endpoint")
def create_endpoint(body: EndpointCreate, request: Request, key: AdminKey, actor: AdminActor,
                    svc: ServicesDep) -> dict[str, Any]:
    """Create an endpoint. Its signing secret is in this response only."""
    fields = body.model_dump(exclude_unset=True)
    if "api_version" not in fields and request.headers.get("payhub-version"):
        fields["api_version"] = request.state.api_version  # a pinned integration gets pinned events
    with admin.transaction(svc) as u:
        endpoint, secret = endpoints.create_webhook_endpoint(u, key.entity_id, fields, actor)
        return {**endpoint_view(endpoint), "secret": secret}


@router.get("/webhook_endpoints", operation_id="list_webhook_endpoints")
def list_endpoints(key: AdminKey, svc: ServicesDep) -> dict[str, Any]:
    with admin.reading(svc) as u:
        return envelope([endpoint_view(e) for e in endpoints.list_webhook_endpoints(u, key.entity_id)])


@router.get("/webhook_endpoints/{endpoint_id}", operation_id="get_webhook_endpoint")
def get_endpoint(endpoint_id: str, key: AdminKey, svc: ServicesDep) -> dict[str, Any]:
    with admin.reading(svc) as u:
        return endpoint_view(endpoints.get_webhook_endpoint(u, key.entity_id, endpoint_id))


@router.patch("/webhook_endpoints/{endpoint_id}", operation_id="update_webhook_endpoint")
def update_endpoint(endpoint_id: str, body: EndpointUpdate, key: AdminKey, actor: AdminActor,
                    svc: ServicesDep) -> dict[str, Any]:
    with admin.transaction(svc) as u:
        return endpoint_view(endpoints.update_webhook_endpoint(u, key.entity_id, endpoint_id,
                                                               body.model_dump(exclude_unset=True), actor))


@router.delete("/webhook_endpoints/{endpoint_id}", status_code=204, operation_id="delete_webhook_endpoint")
def delete_endpoint(endpoint_id: str, key: AdminKey, actor: AdminActor, svc: ServicesDep) -> Response:
    """Delete an endpoint with its delivery history; undelivered events are not sent to it."""
    with admin.transaction(svc) as u:
        endpoints.delete_webhook_endpoint(u, key.entity_id, endpoint_id, actor)
    return Response(status_code=204)


@router.post("/webhook_endpoints/{endpoint_id}/rotate_secret", operation_id="rotate_webhook_secret")
def rotate_secret(endpoint_id: str, key: AdminKey, actor: AdminActor, svc: ServicesDep,
                  body: SecretRotation | None = None) -> dict[str, Any]:
    """New signing secret (shown once). The old one keeps signing beside it for the overlap window,
    so receivers can switch without missing a delivery."""
    body = body or SecretRotation(overlap_seconds=86_400)
    with admin.transaction(svc) as u:
        endpoint, secret = endpoints.rotate_webhook_secret(u, key.entity_id, endpoint_id, body.overlap_seconds,
                                                           actor)
        return {**endpoint_view(endpoint), "secret": secret}


@router.get("/webhook_endpoints/{endpoint_id}/deliveries", operation_id="list_webhook_deliveries")
def list_deliveries(endpoint_id: str, key: AdminKey, svc: ServicesDep, page: DeliveryPage) -> dict[str, Any]:
    """Deliveries to this endpoint, newest first, each with every attempt (time, status code, latency,
    response excerpt, next retry)."""
    with svc.read() as s:
        rows, has_more = queue.deliveries_page(s, key.entity_id, endpoint_id, page.limit, page.starting_after)
        attempts = queue.attempts_of(s, [d.id for d in rows])
        events = queue.event_types_of(s, [d.event_id for d in rows])
        return envelope([
            {"id": d.id, "object": "webhook_delivery", "event": d.event_id, "event_type": events.get(d.event_id),
             "status": d.status, "attempts": [attempt_view(a) for a in attempts.get(d.id, [])],
             "next_attempt_at": ts(d.next_attempt_at) if d.status == "pending" else None,
             "created_at": ts(d.created_at), "completed_at": ts(d.completed_at)} for d in rows], has_more)


@router.post("/webhook_endpoints/{endpoint_id}/test", status_code=202, operation_id="test_webhook_endpoint")
def send_test(endpoint_id: str, key: AdminKey, svc: ServicesDep) -> dict[str, Any]:
    """Queue a signed `webhook.test` event to this endpoint only."""
    with admin.transaction(svc) as u:
        event, delivery = endpoints.send_test_event(u, key.entity_id, endpoint_id)
        return {"event": event, "delivery": delivery}


@router.post("/webhook_endpoints/{endpoint_id}/replay", status_code=202, operation_id="replay_webhook_endpoint")
def replay(endpoint_id: str, key: AdminKey, svc: ServicesDep,
           since: Annotated[AwareDatetime, Query(description="Resend events created at or after this time")],
           until: Annotated[AwareDatetime | None, Query(description="…and before this time")] = None) -> dict[str, Any]:
    """Resend every event in a time range that this endpoint subscribes to (e.g. after an outage)."""
    with admin.transaction(svc) as u:
        return {"replayed": endpoints.replay_events(u, key.entity_id, endpoint_id, since, until)}


# --- events ---
@router.get("/event_types", operation_id="list_event_types")
def list_event_types(key: ReadKey) -> dict[str, Any]:
    """Every event type with a JSON Schema of its `data`."""
    return envelope(catalogue.event_types())


@router.get("/events", operation_id="list_events")
def list_events(key: ReadKey, svc: ServicesDep, page: EventPage, type: str | None = None,
                created_gte: AwareDatetime | None = None, created_lt: AwareDatetime | None = None) -> dict[str, Any]:
    with svc.read() as s:
        rows, has_more = queue.events_page(s, key.entity_id, type, created_gte, created_lt, page.limit,
                                           page.starting_after)
        return envelope([event_view(e) for e in rows], has_more)


@router.get("/events/{event_id}", operation_id="get_event")
def get_event(event_id: str, key: ReadKey, svc: ServicesDep) -> dict[str, Any]:
    with svc.read() as s:
        event = queue.get_event(s, key.entity_id, event_id)
        return {**event_view(event), "deliveries": [
            {"id": d.id, "endpoint": d.endpoint_id, "status": d.status, "attempts": d.attempts}
            for d in queue.deliveries_of_event(s, event.id)]}


@router.post("/events/{event_id}/redeliver", status_code=202, operation_id="redeliver_event")
def redeliver(event_id: str, key: AdminKey, svc: ServicesDep, body: Redelivery | None = None) -> dict[str, Any]:
    """Send the event again (same `webhook-id`, so receivers that already have it can dedupe)."""
    body = body or Redelivery(endpoint=None)
    with admin.transaction(svc) as u:
        return {"deliveries": endpoints.redeliver_event(u, key.entity_id, event_id, body.endpoint)}
