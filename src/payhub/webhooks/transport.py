"""HTTP delivery with the receiver protections: SSRF guard, timeout, no redirects, truncated bodies."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from payhub.domain.errors import InvalidRequest
from payhub.pipeline.services import Network

EXCERPT_BYTES = 1024


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


async def resolve_and_check(url: str, allowed: tuple[Network, ...]) -> None:
    """At delivery: every address the host resolves to must be public (or allowed)."""
    host = check_url_shape(url)
    port = urlsplit(url).port or (443 if url.startswith("https") else 80)
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    for info in infos:
        check_address(str(info[4][0]), allowed)


async def post(client: httpx.AsyncClient, url: str, headers: dict[str, str], body: bytes,
               allowed: tuple[Network, ...], timeout_s: float) -> Answer:
    started = time.perf_counter()

    def elapsed() -> int:
        return int((time.perf_counter() - started) * 1000)

    try:
        await resolve_and_check(url, allowed)
        async with client.stream("POST", url, content=body, timeout=timeout_s, follow_redirects=False,
                                 headers={**headers, "content-type": "application/json",
                                          "user-agent": "PayHub-Webhooks/1"}) as response:
            excerpt = bytearray()
            async for chunk in response.aiter_raw():
                excerpt += chunk[: EXCERPT_BYTES - len(excerpt)]
                if len(excerpt) >= EXCERPT_BYTES:
                    break  # never read more than the excerpt from a receiver
            return Answer(response.status_code, elapsed(), excerpt.decode("utf-8", "replace"),
                          response.headers.get("retry-after"))
    except UrlNotAllowed as blocked:
        return Answer(None, elapsed(), error=f"blocked: {blocked.detail}")
    except httpx.TimeoutException:
        return Answer(None, elapsed(), error=f"timeout after {timeout_s:g}s")
    except (httpx.HTTPError, OSError) as failure:
        return Answer(None, elapsed(), error=f"{type(failure).__name__}: {failure}"[:300])
