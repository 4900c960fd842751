"""Inbound notifications from payment gateways' providers (Stripe events, Adyen notification items, the
simulator's). No API key: the provider calls this, and the connector's signature check is the authentication.
A request that does not verify gets 400 and changes nothing; a redelivered event is acknowledged again."""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from payhub.api.deps import ServicesDep
from payhub.api.errors import ApiError
from payhub.disputes import notifications
from payhub.services import Services

router = APIRouter(prefix="/gateways", tags=["gateway notifications"])


class NotificationsReceived(BaseModel):
    object: str = "notification_receipt"
    received: int = Field(description="Notifications in the request, all acknowledged")
    duplicates: int = Field(description="Of those, events already on record (redeliveries): nothing changed")


@router.post(
    "/{gateway}/notifications", response_model=NotificationsReceived, operation_id="receive_gateway_notifications",
    openapi_extra={
        "requestBody": {"required": True, "description": "The provider's notification, exactly as it sent it "
                        "(its signature covers the raw bytes)",
                        "content": {"application/json": {"schema": {"type": "object"}}}},
        "responses": {"429": {"$ref": "#/components/responses/429"}},
    })
async def receive_notifications(gateway: Annotated[str, Path(max_length=40)], request: Request,
                                svc: ServicesDep) -> dict[str, Any]:
    """Called by the gateway's provider. Verified by the connector (Stripe-Signature, Adyen's HMAC, the
    simulator's Simulator-Signature); 404 for a gateway that is not configured or takes no notifications.
    Disputes are opened and resolved, late authorization results resolve payments whose outcome was unknown,
    payouts are recorded. Each provider event is handled once."""
    body = await request.body()  # the raw bytes: the signature is over them (BodyGuard bounds their size)
    client = request.client.host if request.client else "unknown"
    handled = await run_in_threadpool(_receive, svc, client, gateway, dict(request.headers), body)
    return {"object": "notification_receipt", "received": len(handled),
            "duplicates": sum(1 for h in handled if h["duplicate"])}


def _receive(svc: Services, client: str, gateway: str, headers: dict[str, str], body: bytes) -> list[dict[str, Any]]:
    # Per calling address, as no key identifies the caller; at a key's default rate.
    decision = svc.limiter.hit(f"notifications:{client}", svc.rate_limit_per_s, burst=svc.rate_limit_per_s)
    if not decision.allowed:
        wait = max(1, math.ceil(decision.retry_after_s))
        raise ApiError(429, "rate_limited", "Too many requests", f"Retry after {wait}s",
                       headers={"Retry-After": str(wait)})
    return notifications.receive(svc, gateway, headers, body)
