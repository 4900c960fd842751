"""Customer-portal settings: what the AR portal offers an entity's customers. Audited."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError
from sqlalchemy.orm import Session

from payhub.admin.work import Actor, UnitOfWork
from payhub.domain import methods
from payhub.domain.errors import EntityNotFound
from payhub.store import repo
from payhub.store.cache import Caches, WouldBlock

T = TypeVar("T")
Method = Literal["card", "ach"]  # a Literal, not the enum: these settings validate strictly from plain JSON values
assert set(get_args(Method)) == {m.value for m in methods.Method}  # the domain's Method is the one list


def _all_methods() -> list[Method]:
    return ["card", "ach"]


MAX_ORIGINS = 20
NETLOC = re.compile(r"(?P<host>(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
                    r"|\[(?P<ipv6>[0-9a-f:.]+)\])(?::(?P<port>[0-9]{1,5}))?")
DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_origin(text: str) -> str | None:
    """`scheme://host[:port]` as a browser sends it in an Origin header (lowercase, no default port), or None if
    `text` is not such a bare origin (a path other than "/", a query, fragment, user info or wildcard is not)."""
    if not isinstance(text, str) or len(text) > 300:
        return None
    scheme, sep, rest = text.lower().partition("://")
    netloc = rest[:-1] if rest.endswith("/") else rest
    match = NETLOC.fullmatch(netloc)
    if not sep or scheme not in DEFAULT_PORTS or match is None:
        return None
    host = match["host"]
    if match["ipv6"] is not None:
        try:
            host = f"[{ipaddress.IPv6Address(match['ipv6']).compressed}]"
        except ValueError:
            return None
    port = int(match["port"]) if match["port"] is not None else DEFAULT_PORTS[scheme]
    if not 0 < port < 65536:
        return None
    return f"{scheme}://{host}" + (f":{port}" if port != DEFAULT_PORTS[scheme] else "")


def _origin(text: str) -> str:
    origin = normalize_origin(text)
    if origin is None:
        raise PydanticCustomError("invalid_origin", "Not an origin: scheme http or https, a host and an optional "
                                  "port, with no path, query or wildcard (e.g. https://portal.example.com)")
    return origin


Origin = Annotated[str, AfterValidator(_origin)]


class PortalSettings(BaseModel):
    """What the customer portal offers (PUT /v1/portal_settings)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    enabled: bool = False
    payment_methods: list[Method] = Field(default_factory=_all_methods, min_length=1)
    show_paid_invoices: bool = True
    allow_partial_payments: bool = True
    allow_autopay: bool = False
    support_email: str | None = Field(None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    invite_ttl_days: int = Field(7, ge=1, le=30)
    allowed_origins: list[Origin] = Field(
        default_factory=list, max_length=MAX_ORIGINS,
        description="Origins (scheme://host[:port]) of the pages that may embed the widgets and the hosted card "
                    "fields: CORS, the hosted-field page's Content-Security-Policy frame-ancestors and its "
                    "postMessage checks use this list")

    @field_validator("allowed_origins")
    @classmethod
    def _distinct(cls, origins: list[str]) -> list[str]:
        return list(dict.fromkeys(origins))


def portal_settings(stored: dict[str, Any] | None) -> dict[str, Any]:
    """The stored settings with every default filled in (validated)."""
    return PortalSettings.model_validate(stored or {}).model_dump()


def get_portal_settings(u: UnitOfWork, entity_id: str) -> dict[str, Any]:
    return portal_settings(repo.get_entity(u.s, entity_id).portal)


def put_portal_settings(u: UnitOfWork, entity_id: str, settings: PortalSettings, actor: Actor) -> dict[str, Any]:
    """Replace the entity's portal settings."""
    entity = repo.get_entity(u.s, entity_id)
    before = portal_settings(entity.portal)
    entity.portal = settings.model_dump()
    after = portal_settings(entity.portal)
    u.audit(actor, entity_id, "portal_settings.updated", f"entity:{entity_id}", {"object": "portal_settings", **before},
            {"object": "portal_settings", **after})
    return after


# --- the allow-lists, cached (store/cache.py: a change to any entity's settings is seen at once in this process,
# within a second in the others) ---
def _entity_origins(s: Session, entity_id: str) -> frozenset[str] | None:
    try:
        entity = repo.get_entity(s, entity_id)
    except EntityNotFound:
        return None
    return frozenset((entity.portal or {}).get("allowed_origins") or ())


def _all_origins(s: Session) -> frozenset[str]:
    return frozenset(o for e in repo.all_entities(s) for o in (e.portal or {}).get("allowed_origins") or ())


def _through(caches: Caches | None, readers: Callable[[], Session], key: tuple[str, ...],
             load: Callable[[Session], T], block: bool) -> T:
    if caches is not None:
        return caches.get(key, load, block=block)
    if not block:
        raise WouldBlock
    with readers() as s:
        return load(s)


def entity_origins(caches: Caches | None, readers: Callable[[], Session], entity_id: str, *,
                   block: bool = True) -> frozenset[str] | None:
    """The entity's allowed origins; None if there is no such entity. With `block=False`, raises WouldBlock
    rather than reading the database."""
    return _through(caches, readers, ("allowed_origins", entity_id), lambda s: _entity_origins(s, entity_id), block)


def any_entity_origins(caches: Caches | None, readers: Callable[[], Session], *,
                       block: bool = True) -> frozenset[str]:
    """Every origin some entity allows (what CORS answers before it knows the caller's entity)."""
    return _through(caches, readers, ("allowed_origins",), _all_origins, block)
