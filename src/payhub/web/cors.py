"""CORS for the API: open to the origins on some entity's allow-list, and only to them.

A browser asks before a cross-origin API call (a preflight: every widget call sends `Authorization`); PayHub
answers 204 with the allowed methods and headers for an allow-listed origin, and 403 `origin_not_allowed` with no
CORS headers for any other, so the browser never sends the call. An actual response carries
`Access-Control-Allow-Origin: <that origin>` only for an allow-listed origin. Which entity's list applies is known
only once the customer token is read: `api/deps` refuses a customer token used from an origin its own entity does
not list (403 `origin_not_allowed`). No credentials: widgets send bearer tokens, never cookies.

The union of the allow-lists is cached (store/cache.py): a change to any entity's portal settings is seen at once
in this process and within a second in the others."""

from __future__ import annotations

import json

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from payhub.services import Services
from payhub.store.cache import WouldBlock
from payhub.web.origins import ORIGIN_NOT_ALLOWED, allowed_anywhere, is_own, request_origin

API_PREFIXES = ("/v1/", "/v2/")
ALLOW_METHODS = "GET, POST, PUT, PATCH, DELETE"
ALLOW_HEADERS = "Authorization, Content-Type, Idempotency-Key, PayHub-Version"
EXPOSE_HEADERS = "X-Request-Id, Idempotent-Replayed, Retry-After"
MAX_AGE_S = "600"


class Cors:
    """Pure ASGI middleware answering preflights and adding CORS headers to API responses."""

    def __init__(self, app: ASGIApp, services: Services) -> None:
        self.app = app
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIXES):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = request_origin(headers)
        if origin is None:
            await self.app(scope, receive, send)
            return
        allowed = is_own(origin, headers) or await self._allowed(origin)
        if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            await self._preflight(origin, allowed, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = message.setdefault("headers", [])
                out.append((b"vary", b"Origin"))
                if allowed and not any(k.lower() == b"access-control-allow-origin" for k, _ in out):
                    out.append((b"access-control-allow-origin", origin.encode("latin-1")))
                    out.append((b"access-control-expose-headers", EXPOSE_HEADERS.encode()))
            await send(message)

        await self.app(scope, receive, send_with_cors)

    async def _allowed(self, origin: str) -> bool:
        try:
            return allowed_anywhere(self.services, origin, block=False)
        except WouldBlock:
            return await run_in_threadpool(allowed_anywhere, self.services, origin)

    @staticmethod
    async def _preflight(origin: str, allowed: bool, send: Send) -> None:
        vary = (b"vary", b"Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
        if not allowed:
            body = json.dumps({"type": f"/problems/{ORIGIN_NOT_ALLOWED}", "title": "Origin not allowed",
                               "status": 403, "code": ORIGIN_NOT_ALLOWED,
                               "detail": "This origin is not on any entity's allow-list (portal settings "
                                         "allowed_origins)"}).encode()
            await send({"type": "http.response.start", "status": 403, "headers": [
                (b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode()),
                vary]})
            await send({"type": "http.response.body", "body": body})
            return
        await send({"type": "http.response.start", "status": 204, "headers": [
            (b"access-control-allow-origin", origin.encode("latin-1")),
            (b"access-control-allow-methods", ALLOW_METHODS.encode()),
            (b"access-control-allow-headers", ALLOW_HEADERS.encode()),
            (b"access-control-max-age", MAX_AGE_S.encode()), vary]})
        await send({"type": "http.response.body", "body": b""})
