"""HTTP delivery with the receiver protections: SSRF guard, timeout, no redirects, truncated bodies.

One pooled HTTP/1.1 client (aiohttp) per endpoint, keep-alive, no cookies. Every host's addresses are
resolved and checked by one guard, whose answers are cached for a few seconds; new connections are
made to exactly the addresses it checked (no second lookup a rebinding DNS server could answer
differently), and every request re-checks its host against the cache, so a pooled connection is not
used after the operator narrowed the allowed networks."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from payhub.domain.errors import InvalidRequest

if TYPE_CHECKING:  # a type only: the transport sits below the pipeline
    from payhub.pipeline.services import Network

EXCERPT_BYTES = 1024
GUARD_TTL_S = 10.0


class UrlNotAllowed(InvalidRequest):
    code = "url_not_allowed"
    title = "Webhook URL is not allowed"


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


class GuardedResolver(AbstractResolver):
    """aiohttp's resolver for hostnames (literal addresses skip it): only the guard's checked addresses."""

    def __init__(self, guard: AddressGuard) -> None:
        self.guard = guard

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        return [ResolveResult(hostname=host, host=address, port=port, family=fam, proto=0,
                              flags=socket.AI_NUMERICHOST)
                for address, fam in await self.guard.addresses(host, port)
                if family in (socket.AF_UNSPEC, fam)]

    async def close(self) -> None:
        pass


class Client:
    """The worker's HTTP side: one keep-alive connection pool per endpoint, created on first use (inside
    the event loop that sends), closed by `aclose`."""

    def __init__(self, allowed: Callable[[], tuple[Network, ...]]) -> None:
        self.guard = AddressGuard(allowed)
        self._sessions: dict[str, aiohttp.ClientSession] = {}

    def session(self, endpoint_id: str) -> aiohttp.ClientSession:
        session = self._sessions.get(endpoint_id)
        if session is None or session.closed:
            connector = aiohttp.TCPConnector(limit=0, use_dns_cache=False, resolver=GuardedResolver(self.guard),
                                             keepalive_timeout=30)
            session = aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar(),
                                            auto_decompress=False, skip_auto_headers=("Accept-Encoding",))
            self._sessions[endpoint_id] = session
        return session

    async def aclose(self) -> None:
        sessions, self._sessions = list(self._sessions.values()), {}
        for session in sessions:
            await session.close()

    async def post(self, endpoint_id: str, url: str, headers: dict[str, str], body: bytes,
                   timeout_s: float) -> Answer:
        started = time.perf_counter()

        def elapsed() -> int:
            return int((time.perf_counter() - started) * 1000)

        try:
            parts = urlsplit(url)
            host = check_url_shape(url)
            await self.guard.addresses(host, parts.port or (443 if parts.scheme == "https" else 80))
            async with self.session(endpoint_id).post(
                    url, data=body, allow_redirects=False, timeout=aiohttp.ClientTimeout(total=timeout_s),
                    headers={**headers, "content-type": "application/json",
                             "user-agent": "PayHub-Webhooks/1"}) as response:
                excerpt = await read_excerpt(response)
                return Answer(response.status, elapsed(), excerpt.decode("utf-8", "replace"),
                              response.headers.get("retry-after"))
        except UrlNotAllowed as blocked:
            return Answer(None, elapsed(), error=f"blocked: {blocked.detail}")
        except TimeoutError:
            return Answer(None, elapsed(), error=f"timeout after {timeout_s:g}s")
        except (aiohttp.ClientError, OSError, ValueError) as failure:
            return Answer(None, elapsed(), error=describe(failure))


async def read_excerpt(response: aiohttp.ClientResponse) -> bytes:
    """At most EXCERPT_BYTES of the body: never read more from a receiver (the unread rest closes the
    connection instead of returning it to the pool)."""
    excerpt = b""
    while len(excerpt) < EXCERPT_BYTES:
        chunk = await response.content.read(EXCERPT_BYTES - len(excerpt))
        if not chunk:
            break
        excerpt += chunk
    return excerpt


def describe(failure: Any) -> str:
    return f"{type(failure).__name__}: {failure}"[:300]
