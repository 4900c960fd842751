"""The receiver protections of HTTP delivery: which URLs and addresses a webhook may reach (SSRF guard), and
what a delivery attempt answers. The aiohttp client that applies them is `payhub.webhooks.client`, apart so
that validating a URL (the API, `payhub config plan`) does not import aiohttp.

Every host's addresses are resolved and checked by one guard, whose answers are cached for a few seconds; new
connections are made to exactly the addresses it checked (no second lookup a rebinding DNS server could answer
differently), and every request re-checks its host against the cache, so a pooled connection is not used after
the operator narrowed the allowed networks."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from payhub.domain.errors import UrlNotAllowed

if TYPE_CHECKING:  # a type only: the transport sits below the pipeline
    from payhub.services import Network

GUARD_TTL_S = 10.0




@dataclass(frozen=True)
class Answer:
    status: int | None
    latency_ms: int
    excerpt: str = ""
    retry_after: str | None = None
    error: str | None = None


def parse_networks(values: list[str]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(v, strict=False) for v in values)


def check_url_shape(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UrlNotAllowed("Webhook URLs must be absolute http(s) URLs", field="url")
    if parts.username or parts.password:
        raise UrlNotAllowed("Webhook URLs must not embed credentials", field="url")
    return parts.hostname


def check_address(address: str, allowed: tuple[Network, ...]) -> None:
    ip = ipaddress.ip_address(address)
    if ip.is_global and not ip.is_multicast:
        return
    if any(ip in net for net in allowed):
        return
    raise UrlNotAllowed(f"{address} is a private, loopback or reserved address; the operator has not allowed it",
                        field="url")


def check_literal(url: str, allowed: tuple[Network, ...]) -> None:
    """At create/update: refuse URLs whose host is a literal non-public address."""
    host = check_url_shape(url)
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if host == "localhost" or host.endswith(".localhost"):
            check_address("127.0.0.1", allowed)
        return
    check_address(host, allowed)


class AddressGuard:
    """At delivery: every address a host resolves to must be public (or allowed). Answers that passed
    are cached for `ttl_s` per (host, port, allowed networks); refusals and lookup errors are not."""

    def __init__(self, allowed: Callable[[], tuple[Network, ...]], ttl_s: float = GUARD_TTL_S) -> None:
        self.allowed, self.ttl_s = allowed, ttl_s
        self._cache: dict[tuple[str, int, tuple[Network, ...]], tuple[float, list[tuple[str, int]]]] = {}

    async def addresses(self, host: str, port: int) -> list[tuple[str, int]]:
        """[(address, family)] of host, every one checked; raises UrlNotAllowed."""
        allowed = self.allowed()
        key = (host, port, allowed)
        hit = self._cache.get(key)
        now = time.monotonic()
        if hit is not None and hit[0] > now:
            return hit[1]
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        found: list[tuple[str, int]] = []
        for family, _type, _proto, _name, sockaddr in infos:
            address = str(sockaddr[0])
            check_address(address, allowed)
            if (address, family) not in found:
                found.append((address, family))
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[key] = (now + self.ttl_s, found)
        return found


def describe(failure: Any) -> str:
    return f"{type(failure).__name__}: {failure}"[:300]
