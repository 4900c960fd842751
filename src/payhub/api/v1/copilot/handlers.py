"""The copilot's webhook handlers and triggered events over HTTP."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from payhub.api.deps import AdminKey, ServicesDep
from payhub.copilot.handlers import FRAMEWORKS, SCENARIOS, UnknownChoice, generate
from payhub.copilot.trigger import UnknownEventType, endpoint_targets, trigger_targets
from payhub.domain.errors import InvalidRequest

router = APIRouter()


@router.get("/handlers", operation_id="copilot_webhook_handler")
def webhook_handler(key: AdminKey,
                    framework: Annotated[str, Query(description=" | ".join(FRAMEWORKS))],
                    scenario: Annotated[str, Query(description=" | ".join(SCENARIOS))] = "plain") -> dict[str, Any]:
    """A webhook handler for a framework: verifies Standard Webhooks signatures on the raw body in constant time,
    dedupes on `webhook-id`, skips events older than the object's latest, answers 2xx and works in the background;
    with a scenario's work (a chat notification, a CRM activity, an ERP workflow)."""
    try:
        files = generate(framework, scenario)
    except UnknownChoice as error:
        raise InvalidRequest(str(error), field="framework" if "framework" in str(error) else "scenario") from None
    return {"framework": framework, "scenario": scenario,
            "files": [{"filename": f.filename, "code": f.code} for f in files]}


class TriggerBody(BaseModel):
    model_config = {"extra": "forbid"}
    event_type: str = Field(description="An event type of the catalogue (GET /v1/event_types)")
    url: str | None = Field(None, description="The URL of one of the entity's webhook endpoints")
    endpoint: str | None = Field(None, description="Or the endpoint's id (we_…); with neither, every enabled "
                                                   "endpoint that subscribes to the type")
    data: dict[str, Any] = Field(default_factory=dict, description="Deep-merged into the event's `data`")


@router.post("/trigger", operation_id="copilot_trigger_event")
async def trigger_event(body: TriggerBody, key: AdminKey, svc: ServicesDep) -> dict[str, Any]:
    """Send a realistic event of any catalogue type, with `data` overrides, to the entity's webhook endpoints, each
    signed with its own secret, now (not queued, not stored: it is never replayed or relayed). The answer has each
    receiver's status. Receivers are reached through the same protections as deliveries."""
    try:
        targets = await run_in_threadpool(endpoint_targets, svc, key.entity_id, body.event_type, body.endpoint,
                                          body.url)
    except UnknownEventType as error:
        raise InvalidRequest(str(error), field="event_type") from None
    if not targets:
        raise InvalidRequest(f"No enabled webhook endpoint subscribes to {body.event_type}", field="event_type")
    sent = await trigger_targets(svc, body.event_type, body.data, targets)
    return {"event": sent[0].event.id, "type": body.event_type, "deliveries": [
        {"endpoint": one.endpoint, "url": one.url, "status_code": one.answer.status, "error": one.answer.error,
         "latency_ms": one.answer.latency_ms, "response_excerpt": one.answer.excerpt} for one in sent]}
