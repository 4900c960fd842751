"""Origins: the ones an entity allows to embed its widgets (portal settings `allowed_origins`), and PayHub's own.

An origin is compared in the form a browser sends it in an `Origin` header (admin/portal_settings.normalize_origin
stores the allow-lists in that form)."""

from __future__ import annotations

from collections.abc import Mapping

from payhub.admin.portal_settings import any_entity_origins, entity_origins, normalize_origin
from payhub.services import Services

ORIGIN_NOT_ALLOWED = "origin_not_allowed"


def own_hosts(host_header: str) -> set[str]:
    """PayHub's own origins for a request that came in with this Host header: both schemes, since a proxy that
    terminates TLS may hand PayHub plain HTTP (a page PayHub served from the same host is PayHub's own)."""
    host = host_header.strip().lower()
    return {o for o in (normalize_origin(f"{scheme}://{host}") for scheme in ("http", "https")) if o}


def request_origin(headers: Mapping[str, str]) -> str | None:
    """The request's `Origin` header (None when absent: not a cross-origin browser request)."""
    origin = headers.get("origin")
    return origin.strip().lower() if origin is not None else None


def is_own(origin: str, headers: Mapping[str, str]) -> bool:
    return origin in own_hosts(headers.get("host", ""))


def customer_origin_allowed(svc: Services, entity_id: str, headers: Mapping[str, str]) -> bool:
    """May a request with this entity's customer token come from the origin it names? Yes without an Origin (a
    server's request, or a browser's same-origin GET), from PayHub's own pages, and from the entity's
    allow-list; never from anywhere else."""
    origin = request_origin(headers)
    if origin is None or is_own(origin, headers):
        return True
    return origin in (entity_origins(svc.caches, svc.readers, entity_id) or ())


def allowed_anywhere(svc: Services, origin: str, *, block: bool = True) -> bool:
    """Is the origin on some entity's allow-list (what CORS answers, before the caller is known)?"""
    return origin in any_entity_origins(svc.caches, svc.readers, block=block)
