"""The FastAPI application: routers, problem+json errors, request ids and access logs."""

from __future__ import annotations

import secrets
import time
from typing import Any

import structlog
from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from payhub import __version__, metrics
from payhub.api import errors, openapi
from payhub.api.v1 import (
    config,
    customer_tokens,
    customers,
    entities,
    extensions,
    fees,
    health,
    invoices,
    keys,
    payments,
    portal,
    refunds,
    routing,
    webhooks,
)
from payhub.api.v2 import payments as payments_v2
from payhub.api.versions import VersionHeaders
from payhub.pipeline.services import Services

log = structlog.get_logger("payhub.access")


class RequestContext:
    """Pure ASGI middleware: an X-Request-Id on every response and one access-log line per request
    (method, route, status, latency, key id; never bodies, so never card data)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if 0 < len(incoming) <= 128 and incoming.isprintable() else f"req_{secrets.token_hex(12)}"
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode("latin-1")))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            state: dict[str, Any] = scope.get("state", {})
            seconds = time.perf_counter() - started
            route = getattr(scope.get("route"), "name", "unmatched")  # the operation: bounded label values
            metrics.HTTP_REQUESTS.labels(scope["method"], route, str(status)).inc()
            metrics.HTTP_LATENCY.labels(scope["method"], route).observe(seconds)
            log.info("request", request_id=request_id, method=scope["method"], path=scope["path"], route=route,
                     status=status, key_id=state.get("key_id"), ms=round(seconds * 1000, 2))


def create_app(services: Services) -> FastAPI:
    app = FastAPI(
        title="PayHub API", version=__version__,
        description="One REST API for the payment lifecycle, wired to your gateways and your ERP. "
                    "Money is integer minor units; errors are RFC 9457 problem+json with a stable `code`.",
    )
    app.state.services = services
    for module in (invoices, payments, refunds, webhooks, extensions, routing, fees, keys, customer_tokens,
                   entities, config, customers, portal):
        app.include_router(module.router, prefix="/v1")
    app.include_router(payments_v2.router, prefix="/v2")
    app.include_router(health.router)
    errors.install(app)
    openapi.install(app)  # the spec documents auth, every error status and links
    app.add_middleware(VersionHeaders)
    app.add_middleware(RequestContext)
    return app
