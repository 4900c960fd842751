"""HTTP delivery with the receiver protections (`payhub.webhooks.transport`): SSRF guard, timeout, no
redirects, truncated bodies. One pooled HTTP/1.1 client (aiohttp) per endpoint, keep-alive, no cookies; new
connections go to exactly the addresses the guard checked."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from payhub.domain.errors import UrlNotAllowed
from payhub.services import Network
from payhub.webhooks.transport import AddressGuard, Answer, check_url_shape, describe

EXCERPT_BYTES = 1024


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
