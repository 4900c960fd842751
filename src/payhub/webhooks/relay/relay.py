"""The relay loop: outbox → bus, in id order, at least once.

Progress is durable per event (`outbox_events.relayed_at`), set only after the bus acknowledged it: a
relay killed between the ack and that write publishes the event again on restart, and the bus drops
the copy (JetStream dedupes on `Nats-Msg-Id` = event id within the stream's duplicate window). Events
whose transaction committed after a later id was relayed are still published (nothing is skipped),
so order is by id but not strict across concurrently committed events.

Single leader: a lease row (`relay_leases`) held by one process and renewed before each batch (and
during a slow one, which stops if the lease was lost), with the same conditional UPDATE on PostgreSQL
and SQLite; another relay takes over when it expires."""

from __future__ import annotations

import asyncio
import re
import socket
import uuid
from dataclasses import dataclass
from datetime import timedelta

import structlog

from payhub import metrics
from payhub.services import Services
from payhub.settings import Settings
from payhub.store import webhooks as queue
from payhub.store.leases import release_lease, take_lease
from payhub.webhooks.relay.publisher import NatsPublisher, Publisher
from payhub.webhooks.worker import event_body

log = structlog.get_logger(__name__)
_NOT_A_TOKEN = re.compile(r"[^A-Za-z0-9_\-]")  # NATS subject tokens: no dots, wildcards or spaces


def subject_for(prefix: str, entity_id: str, event_type: str) -> str:
    """`<prefix>.<entity>.<event type>`, e.g. payhub.ent_demo.payment.completed."""
    return f"{prefix}.{_NOT_A_TOKEN.sub('_', entity_id)}.{event_type}"


@dataclass(frozen=True)
class RelaySettings:
    subject_prefix: str = "payhub"
    name: str = "nats"  # the lease's name: one leader per bus
    batch_size: int = 100
    lease: timedelta = timedelta(seconds=30)
    poll_interval_s: float = 0.5
    max_backoff_s: float = 30.0


@dataclass(frozen=True)
class Outgoing:
    id: str
    subject: str
    body: bytes


class Relay:
    def __init__(self, svc: Services, publisher: Publisher, settings: RelaySettings | None = None,
                 holder: str | None = None) -> None:
        self.svc, self.publisher = svc, publisher
        self.settings = settings or RelaySettings()
        self.holder = holder or f"{socket.gethostname()[:40]}:{uuid.uuid4().hex[:12]}"

    async def run(self, stop: asyncio.Event) -> None:
        """Relay until `stop`; a failing bus or database is retried with backoff, never fatal."""
        failures = 0
        try:
            while not stop.is_set():
                try:
                    busy = await self.run_once() > 0
                    failures = 0
                except Exception as error:  # noqa: BLE001 (the loop must outlive an outage)
                    failures += 1
                    busy = False
                    log.warning("relay.failed", error=type(error).__name__, failures=failures)
                if busy:
                    continue
                wait = min(self.settings.max_backoff_s, self.settings.poll_interval_s * 2 ** min(failures, 10))
                try:
                    await asyncio.wait_for(stop.wait(), wait)
                except TimeoutError:
                    pass
        finally:
            await self.aclose()

    async def aclose(self) -> None:
        try:
            with self.svc.transaction() as s:
                release_lease(s, self.settings.name, self.holder, self.svc.clock.now())
        finally:
            await self.publisher.aclose()

    async def run_once(self) -> int:
        """Publish one batch if this relay leads; returns the events published."""
        batch = self._claim()
        published: list[str] = []
        renew_at = self.svc.clock.now() + self.settings.lease / 3
        try:
            for event in batch:
                if self.svc.clock.now() >= renew_at:  # a slow batch: keep the lead, or stop if it was lost
                    if not self._renew():
                        log.warning("relay.lease_lost", holder=self.holder, left=len(batch) - len(published))
                        break
                    renew_at = self.svc.clock.now() + self.settings.lease / 3
                await self.publisher.publish(event.subject, event.id, event.body)
                published.append(event.id)
                metrics.RELAY_PUBLISHED.inc()
        finally:
            if published:  # what the bus acknowledged, even if a later publish failed
                with self.svc.transaction() as s:
                    queue.mark_relayed(s, published, self.svc.clock.now())
        return len(published)

    def _renew(self) -> bool:
        with self.svc.transaction() as s:
            return take_lease(s, self.settings.name, self.holder, self.svc.clock.now(), self.settings.lease)

    def _claim(self) -> list[Outgoing]:
        now = self.svc.clock.now()
        with self.svc.transaction() as s:
            if not take_lease(s, self.settings.name, self.holder, now, self.settings.lease):
                return []
            events = queue.unrelayed_events(s, self.settings.batch_size)
            return [Outgoing(e.id, subject_for(self.settings.subject_prefix, e.entity_id, e.type), event_body(e))
                    for e in events]


def build_relay(svc: Services, settings: Settings) -> Relay | None:
    """The relay the settings ask for; None when PAYHUB_RELAY_NATS_URL is unset (the default)."""
    if not settings.relay_nats_url:
        return None
    prefix = settings.relay_subject_prefix
    publisher = NatsPublisher(settings.relay_nats_url, timeout_s=settings.relay_timeout_s,
                              stream=settings.relay_nats_stream or None, stream_subjects=[f"{prefix}.>"])
    return Relay(svc, publisher, RelaySettings(subject_prefix=prefix, lease=timedelta(seconds=settings.relay_lease_s)))
