"""The relay's port (Publisher) and its NATS JetStream adapter."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit, urlunsplit

import structlog

if TYPE_CHECKING:
    from nats.aio.client import Client
    from nats.js.client import JetStreamContext

log = structlog.get_logger(__name__)


class Publisher(Protocol):
    async def publish(self, subject: str, event_id: str, body: bytes) -> None:
        """Publish `body` and return once the bus has stored it durably; raise otherwise. The bus must
        deduplicate on `event_id` (the relay is at-least-once)."""
        ...

    async def aclose(self) -> None: ...


def redact_url(url: str) -> str:
    """The URL without user info (credentials or a token), for logs."""
    parts = urlsplit(url)
    if not parts.hostname:
        return "<unparsable url>"
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


class NatsPublisher:
    """Publishes to JetStream with the `Nats-Msg-Id` header, which the stream dedupes on within its
    duplicate window; waits for the stream's ack. Connects lazily, so a bus that is down at start-up is
    retried by the relay's loop instead of failing the worker."""

    def __init__(self, url: str, timeout_s: float = 5.0, stream: str | None = None,
                 stream_subjects: list[str] | None = None) -> None:
        self._url, self._timeout_s = url, timeout_s
        self._stream, self._stream_subjects = stream, stream_subjects or []
        self._nc: Client | None = None
        self._js: JetStreamContext | None = None

    async def _connect(self) -> JetStreamContext:
        if self._js is not None and self._nc is not None and not self._nc.is_closed:
            return self._js
        import nats
        from nats.js.errors import NotFoundError

        async def on_error(error: Exception) -> None:
            # the type only: a connection error's text may echo the URL and its credentials
            log.warning("relay.nats_error", error=type(error).__name__, server=redact_url(self._url))

        self._nc = await nats.connect(self._url, error_cb=on_error, connect_timeout=int(max(1, self._timeout_s)),
                                      max_reconnect_attempts=-1)
        self._js = self._nc.jetstream(timeout=self._timeout_s)
        if self._stream:  # optional: create the stream if the bus's owner has not
            try:
                await self._js.stream_info(self._stream)
            except NotFoundError:
                await self._js.add_stream(name=self._stream, subjects=self._stream_subjects)
                log.info("relay.stream_created", stream=self._stream, subjects=self._stream_subjects)
        log.info("relay.connected", server=redact_url(self._url))
        return self._js

    async def publish(self, subject: str, event_id: str, body: bytes) -> None:
        js = await self._connect()
        ack: Any = await js.publish(subject, body, timeout=self._timeout_s, headers={"Nats-Msg-Id": event_id})
        if ack.duplicate:
            log.debug("relay.duplicate", event_id=event_id, stream=ack.stream)

    async def aclose(self) -> None:
        if self._nc is not None and not self._nc.is_closed:
            await self._nc.drain()
        self._nc = self._js = None
