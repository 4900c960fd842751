"""Annotated dependencies that keep route signatures short."""

from __future__ import annotations

from collections.abc import Callable
import math
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Request

from payhub.api.errors import ApiError
from payhub.auth.keys import allows
from payhub.pipeline.services import Services
from payhub.store.repo import find_api_key


def get_services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


ServicesDep = Annotated[Services, Depends(get_services)]


@dataclass(frozen=True)
class Principal:
    key_id: str
    entity_id: str
    scope: str


def require(scope: str) -> Callable[..., Principal]:
    """Authenticate the bearer key and check it grants `scope`."""

    def dependency(request: Request, svc: ServicesDep) -> Principal:
        header = request.headers.get("authorization", "")
        kind, _, secret = header.partition(" ")
        if kind.lower() != "bearer" or not secret:
            raise ApiError(401, "unauthenticated", "Authentication required",
                           "Send an API key as 'Authorization: Bearer <key>'")
        with svc.read() as s:
            key = find_api_key(s, secret.strip(), svc.clock.now())
        if key is None:
            raise ApiError(401, "invalid_api_key", "Invalid API key", "The API key is unknown, revoked or expired")
        request.state.key_id = key.id
        rate = key.rate_limit_per_s or svc.rate_limit_per_s
        decision = svc.limiter.hit(key.id, rate, burst=rate)
        if not decision.allowed:
            wait = max(1, math.ceil(decision.retry_after_s))
            raise ApiError(429, "rate_limited", "Too many requests",
                           f"This key may make {rate} requests per second; retry after {wait}s",
                           headers={"Retry-After": str(wait)})
        if not allows(key.scope, scope):
            raise ApiError(403, "insufficient_scope", "Insufficient scope",
                           f"This operation needs the '{scope}' scope; the key has '{key.scope}'",
                           required_scope=scope)
        return Principal(key.id, key.entity_id, key.scope)

    dependency.required_scope = scope  # type: ignore[attr-defined]  # read by the scope-matrix test
    return dependency


@dataclass(frozen=True)
class PageParams:
    limit: int
    starting_after: str | None


def _page(limit: Annotated[int, Query(ge=1, le=100)] = 20,
          starting_after: Annotated[str | None, Query(description="Cursor: the last id of the previous page")] = None,
          ) -> PageParams:
    return PageParams(limit, starting_after)


PageDep = Annotated[PageParams, Depends(_page)]


def envelope(data: list[dict[str, Any]], has_more: bool = False) -> dict[str, Any]:
    """The list shape every list endpoint returns."""
    return {"object": "list", "data": data, "has_more": has_more,
            "next_cursor": data[-1]["id"] if has_more and data else None}


ReadKey = Annotated[Principal, Depends(require("read"))]
PaymentsKey = Annotated[Principal, Depends(require("payments"))]
AdminKey = Annotated[Principal, Depends(require("admin"))]


