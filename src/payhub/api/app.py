"""The FastAPI application: routers, problem+json errors, request ids, access logs and input limits."""

from __future__ import annotations

import json
import re
import secrets
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import structlog
from fastapi import FastAPI, Request
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from payhub import __version__, metrics
from payhub.api import errors, idempotency, openapi
from payhub.api.deps import authenticator, run_authenticator
from payhub.api.v1 import (
    autopay,
    config,
    copilot,
    customer_search,
    customer_tokens,
    customers,
    disputes,
    entities,
    extensions,
    fees,
    gateway_notifications,
    health,
    invoices,
    keys,
    payment_methods,
    payments,
    portal,
    postings,
    reconciliation,
    refunds,
    routing,
    settlements,
    staff_users,
    tokens,
    webhooks,
)
from payhub.api.v2 import payments as payments_v2
from payhub.api.versions import VersionHeaders
from payhub.copilot import llm
from payhub.domain.money import MAX_SAFE_MINOR_UNITS
from payhub.mail import Mailer
from payhub.portal import routes as portal_pages
from payhub.services import Services
from payhub.settings import DEFAULT_SECRET_KEY, Settings
from payhub.terminal import routes as terminal_pages
from payhub.web import routes as web
from payhub.web.assets import Assets
from payhub.web.cors import Cors

log = structlog.get_logger("payhub.access")

SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# Refused in paths and query strings: any control character (on PostgreSQL a NUL would fail the query).
PATH_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Refused in body text: control characters except tab and line breaks, and lone surrogates (not encodable).
TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
MAX_ERRORS = 10


class RequestContext:
    """Pure ASGI middleware: an X-Request-Id on every response and one access-log line per request
    (method, operation, status, latency, key id; never bodies, so never card data). Paths and query strings
    with control characters are refused here, `/metrics` asks for its token when one is set, and an unexpected
    error becomes a problem+json 500 (not a re-raise, which would make the server drop the connection)."""

    def __init__(self, app: ASGIApp, metrics_token: str | None = None) -> None:
        self.app = app
        self.metrics_token = metrics_token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        # Echo a client's id only if it is harmless anywhere it is shown (logs, HTML consoles).
        request_id = incoming if SAFE_REQUEST_ID.fullmatch(incoming) else f"req_{secrets.token_hex(12)}"
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status, response_started = message["status"], True
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode("latin-1")))
            await send(message)

        try:
            refusal = self._refusal(scope)
            await (refusal or self.app)(scope, receive, send_with_id)
        except Exception as error:
            if response_started:  # too late for a 500: the server must close the connection
                raise
            await errors.internal_error(error)(scope, receive, send_with_id)
        finally:
            state: dict[str, Any] = scope.get("state", {})
            seconds = time.perf_counter() - started
            route = operation(scope.get("route"))
            metrics.HTTP_REQUESTS.labels(scope["method"], route, str(status)).inc()
            metrics.HTTP_LATENCY.labels(scope["method"], route).observe(seconds)
            log.info("request", request_id=request_id, method=scope["method"], path=scope["path"], route=route,
                     status=status, key_id=state.get("key_id"), ms=round(seconds * 1000, 2))

    def _refusal(self, scope: Scope) -> ASGIApp | None:
        if PATH_CONTROL.search(scope["path"]):
            return errors.problem(404, errors.problem_body(404, "not_found", "Not Found", errors.NOT_FOUND_DETAIL))
        query = scope.get("query_string", b"").decode("latin-1")
        if PATH_CONTROL.search(unquote(query, errors="replace")):
            return errors.validation_problem([{"field": "query", "code": "control_characters",
                                               "message": "Query parameters must not hold control characters"}])
        if self.metrics_token and scope["path"] == "/metrics":
            header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
            if not secrets.compare_digest(header.encode(), f"Bearer {self.metrics_token}".encode()):
                return errors.problem(401, errors.problem_body(
                    401, "unauthenticated", "Authentication required",
                    "Send the metrics token as 'Authorization: Bearer <token>'"), {"WWW-Authenticate": "Bearer"})
        return None


def operation(route: Any) -> str:
    """The metrics label of a route: its operation id (unique across routers), bounded in number."""
    if route is None:
        return "unmatched"
    return str(getattr(route, "operation_id", None) or getattr(route, "unique_id", None) or route.name)


class BodyGuard:
    """Pure ASGI middleware around the request body. When the application first reads the body (FastAPI reads
    it before running any dependency), the route's authentication runs first, so an anonymous caller gets 401
    whatever it sends; then the body is read up to `max_bytes` (413 beyond, by Content-Length or by counting a
    streamed body) and refused with 422 if its text holds control characters or its numbers are beyond what
    JavaScript represents exactly. Errors are ApiErrors (HTTP exceptions), which FastAPI passes through."""

    def __init__(self, app: ASGIApp, max_bytes: int, upload_bytes: int | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_bytes = upload_bytes or max_bytes  # routes marked deps.accepts_upload (files)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        delivered = False

        async def guarded() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            await _authenticate(scope)
            message = await self._read(scope, receive)
            if message["type"] == "http.request":
                _scan(scope, message["body"])
            return message

        await self.app(scope, guarded, send)

    async def _read(self, scope: Scope, receive: Receive) -> Message:
        endpoint = getattr(scope.get("route"), "endpoint", None)
        limit = self.upload_bytes if getattr(endpoint, "accepts_upload", False) else self.max_bytes
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            raise self._too_large(limit)
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return message  # a disconnect: Starlette handles it
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise self._too_large(limit)
            chunks.append(chunk)
            if not message.get("more_body", False):
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

    def _too_large(self, limit: int) -> errors.ApiError:
        return errors.ApiError(413, "payload_too_large", "Payload too large",
                               f"Request bodies are at most {limit} bytes")


async def _authenticate(scope: Scope) -> None:
    route = scope.get("route")
    check = authenticator(route.dependant) if route is not None and hasattr(route, "dependant") else None
    if check is None:
        return
    request = Request(scope)
    try:
        await run_authenticator(check, request, request.app.state.services)
    except StarletteHTTPException:
        raise
    except Exception as error:  # FastAPI would report it as a 400 "error parsing the body"
        raise errors.Unexpected(error) from error


def _scan(scope: Scope, body: bytes) -> None:
    kind = dict(scope["headers"]).get(b"content-type", b"").decode("latin-1").split(";")[0].strip().lower()
    found: list[dict[str, Any]] = []
    if kind == "application/json" or kind.endswith("+json"):
        try:
            document = json.loads(body)
        except ValueError:
            return  # FastAPI answers malformed JSON
        _walk(document, (), found)
    elif kind.startswith("text/"):
        try:
            text = body.decode()
        except UnicodeDecodeError:
            return
        if TEXT_CONTROL.search(text):
            found.append(_bad_text(()))
    if found:
        raise errors.ApiError(422, found[0]["code"] if len({f["code"] for f in found}) == 1 else "validation_error",
                              "Request is invalid", "; ".join(f"{f['field']}: {f['message']}" for f in found),
                              errors=found)


def _walk(value: Any, at: tuple[str, ...], found: list[dict[str, Any]]) -> None:
    if len(found) >= MAX_ERRORS:
        return
    if isinstance(value, str):
        if TEXT_CONTROL.search(value):
            found.append(_bad_text(at))
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        if abs(value) > MAX_SAFE_MINOR_UNITS:
            found.append({"field": ".".join(at) or "body", "code": "number_too_large",
                          "message": f"Integers are at most {MAX_SAFE_MINOR_UNITS} (2^53 - 1) in magnitude"})
    elif isinstance(value, dict):
        for key, item in value.items():
            if TEXT_CONTROL.search(key):
                found.append(_bad_text(at))
            else:
                _walk(item, (*at, key), found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, (*at, str(index)), found)


def _bad_text(at: tuple[str, ...]) -> dict[str, Any]:
    return {"field": ".".join(at) or "body", "code": "control_characters",
            "message": "Text must not hold control characters (tab and line breaks excepted)"}


def create_app(services: Services, settings: Settings | None = None) -> FastAPI:
    """The API over `services`; `settings` gives the HTTP limits (default: from the environment)."""
    settings = settings or Settings()
    if services.secret_key == DEFAULT_SECRET_KEY:
        log.warning("insecure_secret_key", message="PAYHUB_SECRET_KEY is the built-in default: idempotency "
                    "fingerprints and sealed secrets are not protected. Set a random secret (PAYHUB_ENV=production "
                    "refuses to start without one).")
    app = FastAPI(
        title="PayHub API", version=__version__,
        description="One REST API for the payment lifecycle, wired to your gateways and your ERP. "
                    "Money is integer minor units; errors are RFC 9457 problem+json with a stable `code`.",
    )
    app.state.services = services
    app.state.copilot_llm = llm.configured(settings.copilot_llm_url, settings.copilot_llm_model,
                                           settings.copilot_llm_key)
    for module in (invoices, payments, refunds, webhooks, extensions, routing, fees, keys, customer_tokens,
                   entities, config, customers, portal, tokens, payment_methods, autopay, staff_users,
                   customer_search, settlements, reconciliation, disputes, gateway_notifications, copilot,
                   postings):
        app.include_router(module.router, prefix="/v1")
    app.include_router(autopay.settings_router, prefix="/v1")
    app.include_router(web.api_router, prefix="/v1")
    app.include_router(payments_v2.router, prefix="/v2")
    app.include_router(health.router)
    app.include_router(web.router)  # widget scripts, the hosted-field and embed pages
    app.include_router(portal_pages.router)  # the customer portal, /portal/{entity}
    app.include_router(terminal_pages.router)  # the virtual terminal, /terminal
    app.state.mailer = Mailer(settings.smtp_url, settings.mail_from)
    app.state.widget_assets = Assets(Path(settings.widgets_dir) if settings.widgets_dir else None)
    errors.install(app)
    openapi.install(app)  # the spec documents auth, every error status and links
    app.add_exception_handler(idempotency.Answered, idempotency.answered)
    app.add_middleware(BodyGuard, max_bytes=settings.max_body_bytes, upload_bytes=settings.max_upload_bytes)
    app.add_middleware(idempotency.StoredResponses)  # every POST takes an Idempotency-Key, once authenticated
    app.add_middleware(VersionHeaders)
    app.add_middleware(Cors, services=services)  # open to the entities' allowed origins only
    app.add_middleware(RequestContext, metrics_token=settings.metrics_token)  # outermost
    return app
