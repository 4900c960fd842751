"""Annotated dependencies that keep route signatures short."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from payhub.admin import Actor
from payhub.admin.staff_users import REFUND_ROLE
from payhub.api.errors import NOT_FOUND_DETAIL, ApiError
from payhub.auth.keys import CUSTOMER_TOKEN_PREFIX, allows, find_key
from payhub.domain.errors import StaffRoleForbidden
from payhub.pipeline.pay import PayerLimit
from payhub.services import Services
from payhub.store.cache import WouldBlock
from payhub.store.repo import entity_key, entity_settings, find_customer_token, load_entity_settings
from payhub.web.origins import ORIGIN_NOT_ALLOWED, customer_origin_allowed


async def get_services(request: Request) -> Services:  # async: no threadpool hop to read an attribute
    return request.app.state.services  # type: ignore[no-any-return]


ServicesDep = Annotated[Services, Depends(get_services)]
T = TypeVar("T")


def local_read(endpoint: Callable[..., T]) -> Callable[..., Awaitable[T]]:
    """A read-only route (parameters `key` and `svc`) that runs on the event loop when all it reads is a local
    SQLite file (`Services.reads_locally`), else in the threadpool, so a network round trip (PostgreSQL, a
    remote ERP) never stalls the loop. The threadpool hop cost more than such a read: an invoice read under 16
    connections took 2.85 ms of server CPU in the threadpool and 1.35 ms on the loop."""
    @functools.wraps(endpoint)
    async def route(*args: Any, **kwargs: Any) -> T:
        if kwargs["svc"].reads_locally(kwargs["key"].entity_id):
            return endpoint(*args, **kwargs)
        return await run_in_threadpool(endpoint, *args, **kwargs)

    return route


@dataclass(frozen=True)
class Principal:
    key_id: str
    entity_id: str  # "" only for a platform key on an `any_entity` route without a PayHub-Entity header
    scope: str  # read | payments | admin | customer (a customer-context token)
    limit: PayerLimit | None = None  # what a customer token may see and pay
    platform: bool = False  # a platform key, acting for the entity its request names
    staff_user: str | None = None  # a virtual-terminal key: the staff user it acts for
    staff_role: str | None = None  # … and their role (terminal | terminal_refund)

    @property
    def customer_id(self) -> str | None:
        return self.limit.customer_id if self.limit else None

    def sees_invoice(self, customer_id: str, invoice_id: str) -> bool:
        return self.limit is None or (customer_id == self.limit.customer_id and (
            self.limit.invoice_ids is None or invoice_id in self.limit.invoice_ids))


def require(scope: str, customers: bool = False, any_entity: bool = False) -> Callable[..., Any]:
    """Authenticate the bearer (an API key, or with `customers` a customer-context token) and check it grants
    `scope`; then apply the caller's rate limit. With `any_entity` (operations across entities: creating
    entities, configuration as code) a platform key may leave out the PayHub-Entity header.

    The dependency is async: with the key cached (store/cache.py) and an in-process rate limiter it runs on the
    event loop; whatever needs the database or the network runs in the threadpool."""

    def authenticate(request: Request, svc: Services, block: bool = True) -> Principal:
        """With `block=False`, raises WouldBlock before anything that would wait on I/O (nothing done yet)."""
        header = request.headers.get("authorization", "")
        kind, _, secret = header.partition(" ")
        secret = secret.strip()
        if kind.lower() != "bearer" or not secret:
            raise ApiError(401, "unauthenticated", "Authentication required",
                           "Send an API key as 'Authorization: Bearer <key>'")
        now = svc.clock.now()
        if secret.startswith(CUSTOMER_TOKEN_PREFIX):
            if not block:
                raise WouldBlock
            principal = _customer(svc, secret, now, customers)
            if not customer_origin_allowed(svc, principal.entity_id, request.headers):
                raise ApiError(403, ORIGIN_NOT_ALLOWED, "Origin not allowed",
                               "This customer token's entity does not allow requests from this origin (portal "
                               "settings allowed_origins)")
            rate = svc.rate_limit_per_s
        else:
            key = find_key(svc.caches, svc.readers, secret, now, block=block)
            if key is None:
                raise ApiError(401, "invalid_api_key", "Invalid API key",
                               "The API key is unknown, revoked or expired")
            across = any_entity and key.entity_id is None and not request.headers.get("payhub-entity", "").strip()
            principal = Principal(key.id, "" if across else _entity_for(request, svc, key.entity_id, block),
                                  key.scope, platform=key.entity_id is None, staff_user=key.staff_user_id,
                                  staff_role=key.staff_role)
            rate = key.rate_limit_per_s or svc.rate_limit_per_s
        if not block and getattr(svc.limiter, "blocking", True):
            raise WouldBlock
        request.state.key_id = principal.key_id
        decision = svc.limiter.hit(principal.key_id, rate, burst=rate)
        if not decision.allowed:
            wait = max(1, math.ceil(decision.retry_after_s))
            raise ApiError(429, "rate_limited", "Too many requests",
                           f"This key may make {rate} requests per second; retry after {wait}s",
                           headers={"Retry-After": str(wait)})
        if principal.scope != "customer" and not allows(principal.scope, scope):
            raise ApiError(403, "insufficient_scope", "Insufficient scope",
                           f"This operation needs the '{scope}' scope; the key has '{principal.scope}'",
                           required_scope=scope)
        request.scope.setdefault("state", {})[_AUTHENTICATED] = (dependency, principal)
        return principal

    async def dependency(request: Request, svc: ServicesDep) -> Principal:
        done = request.scope.get("state", {}).get(_AUTHENTICATED)
        if done is not None and done[0] is dependency:  # BodyGuard ran it before reading the body
            return done[1]  # type: ignore[no-any-return]
        return await run_authenticator(authenticate, request, svc)

    dependency.required_scope = scope  # type: ignore[attr-defined]  # read by the scope-matrix test and BodyGuard
    dependency.authenticate = authenticate  # type: ignore[attr-defined]  # what BodyGuard runs (authenticator)
    return dependency


_AUTHENTICATED = "payhub_authenticated"  # scope state: (the require() dependency that ran, its Principal)


async def run_authenticator(check: Callable[..., Principal], request: Request, svc: Services) -> Principal:
    """Run an authenticator (see `authenticator`) on the event loop when it needs no I/O (a cached key, an
    in-process rate limiter), else in the threadpool."""
    try:
        return check(request, svc, block=False)
    except WouldBlock:
        return await run_in_threadpool(check, request, svc)


def authenticator(dependant: Any) -> Callable[[Request, Services], Principal] | None:
    """The route's authentication (the synchronous body of its `require(...)` dependency, which records its
    Principal for the dependency), found in its dependency tree; None for a public route."""
    for sub in dependant.dependencies:
        if getattr(sub.call, "required_scope", None):
            return sub.call.authenticate  # type: ignore[no-any-return]
        if (found := authenticator(sub)) is not None:
            return found
    return None


ENTITY_HEADER = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _entity_for(request: Request, svc: Services, own: str | None, block: bool = True) -> str:
    """The entity a request acts for: the key's own, or for a platform key the PayHub-Entity header.
    Naming another entity with an entity key gets 404: other entities do not exist for it."""
    named = request.headers.get("payhub-entity", "").strip()
    if own is not None:
        if named and named != own:
            raise ApiError(404, "entity_not_found", "Entity not found", NOT_FOUND_DETAIL)
        return own
    if not named:
        raise ApiError(400, "entity_required", "Entity required",
                       "A platform key names the entity it acts for in the PayHub-Entity header")
    if not ENTITY_HEADER.fullmatch(named):
        raise ApiError(404, "entity_not_found", "Entity not found", NOT_FOUND_DETAIL)
    if svc.caches is not None:
        exists = svc.caches.get(entity_key(named), lambda s: load_entity_settings(s, named), block=block,
                                keep_none=False) is not None
    elif not block:
        raise WouldBlock
    else:
        with svc.read() as s:
            exists = entity_settings(s, named) is not None
    if not exists:
        raise ApiError(404, "entity_not_found", "Entity not found", NOT_FOUND_DETAIL)
    return named


def _customer(svc: Services, secret: str, now: Any, allowed: bool) -> Principal:
    with svc.read() as s:
        token = find_customer_token(s, secret, now)
    if token is None:
        raise ApiError(401, "invalid_customer_token", "Invalid customer token",
                       "The customer token is unknown, revoked or expired")
    if not allowed:
        raise ApiError(403, "customer_token_not_allowed", "Not allowed with a customer token",
                       "Customer tokens can read their invoices and payments and pay; use an API key for this")
    limit = PayerLimit(token.customer_id, tuple(token.invoice_ids) if token.invoice_ids is not None else None,
                       token.max_amount, token.currency, token.channel)
    return Principal(token.id, token.entity_id, "customer", limit)


@dataclass(frozen=True)
class PageParams:
    limit: int
    starting_after: str | None


def paged(prefix: str | None) -> Callable[..., Awaitable[PageParams]]:
    """The page parameters of a list of `prefix_…` ids (None: of integer versions). A cursor that is not such
    an id gets 400 `invalid_cursor` rather than a silently wrong page."""
    pattern = re.compile(rf"{prefix}_[0-9a-z]{{1,64}}" if prefix else r"[1-9][0-9]{0,17}")

    async def page(limit: Annotated[int, Query(ge=1, le=100)] = 20,  # async: pure, no threadpool hop
                   starting_after: Annotated[str | None, Query(description="Cursor: the last id of the previous page",
                                                               max_length=100)] = None) -> PageParams:
        if starting_after is not None and not pattern.fullmatch(starting_after):
            raise ApiError(400, "invalid_cursor", "Invalid cursor",
                           "starting_after must be the id of an item of this list (a previous page's next_cursor)")
        return PageParams(limit, starting_after)

    page.cursor = prefix  # type: ignore[attr-defined]  # read by the invalid-cursor test over the route table
    return page


PageDep = Annotated[PageParams, Depends(paged(r"[a-z]{2,5}"))]  # any PayHub id; prefer a typed page below
PaymentPage = Annotated[PageParams, Depends(paged("pay"))]
EventPage = Annotated[PageParams, Depends(paged("evt"))]
DeliveryPage = Annotated[PageParams, Depends(paged("del"))]
AuditPage = Annotated[PageParams, Depends(paged("aud"))]
KeyPage = Annotated[PageParams, Depends(paged("key"))]
VersionPage = Annotated[PageParams, Depends(paged(None))]
BatchPage = Annotated[PageParams, Depends(paged("stb"))]
RunPage = Annotated[PageParams, Depends(paged("rcr"))]
ExceptionPage = Annotated[PageParams, Depends(paged("rce"))]


def accepts_upload(endpoint: Callable[..., T]) -> Callable[..., T]:
    """Mark a route that takes files: its body may reach PAYHUB_MAX_UPLOAD_BYTES (app.BodyGuard)."""
    endpoint.accepts_upload = True  # type: ignore[attr-defined]
    return endpoint


def envelope(data: list[dict[str, Any]], has_more: bool = False) -> dict[str, Any]:
    """The list shape every list endpoint returns."""
    return {"object": "list", "data": data, "has_more": has_more,
            "next_cursor": data[-1]["id"] if has_more and data else None}


def acting(authenticate: Callable[..., Awaitable[Principal]]) -> Callable[..., Awaitable[Actor]]:
    """The Actor of a change: the key `authenticate` (a `require(...)` dependency, run once per request however
    many parameters name it) found, and the request id."""
    # A default, not Annotated: annotations are strings here, and `authenticate` is not a module name.
    async def actor(request: Request, key: Principal = Depends(authenticate)) -> Actor:  # noqa: B008
        return Actor(key.key_id, getattr(request.state, "request_id", None), staff_user=key.staff_user)

    return actor


def refuse_unless_refunder(key: Principal) -> None:
    """Refunds and voids with a virtual-terminal key: only for a staff user of role `terminal_refund` (checked
    here, in the API, whatever the terminal page shows)."""
    if key.staff_user is not None and key.staff_role != REFUND_ROLE:
        raise StaffRoleForbidden(f"Staff user {key.staff_user} has role '{key.staff_role}'; refunds and voids "
                                 f"need the '{REFUND_ROLE}' role", required_role=REFUND_ROLE)


def actor_of(key: Principal, request: Request) -> Actor:
    return Actor(key.key_id, getattr(request.state, "request_id", None), staff_user=key.staff_user)


_admin = require("admin")
_admin_any_entity = require("admin", any_entity=True)
ReadKey = Annotated[Principal, Depends(require("read"))]
ReaderOrCustomer = Annotated[Principal, Depends(require("read", customers=True))]
PayerOrCustomer = Annotated[Principal, Depends(require("payments", customers=True))]
PaymentsKey = Annotated[Principal, Depends(require("payments"))]
AdminKey = Annotated[Principal, Depends(_admin)]
AdminAnyEntity = Annotated[Principal, Depends(_admin_any_entity)]  # platform: header optional
AdminActor = Annotated[Actor, Depends(acting(_admin))]  # who makes an admin change (with AdminKey)
AdminAnyEntityActor = Annotated[Actor, Depends(acting(_admin_any_entity))]  # … with AdminAnyEntity


