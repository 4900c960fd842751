"""The webhook worker, a chain of stages:
fan out (outbox → deliveries) → claim (lease, SKIP LOCKED) → sign → send → record → reschedule.

At-least-once: a delivery is done only after a 2xx; a crashed worker's leases expire and its claimed
rows are due again. Retry state lives in the database, so restarts lose nothing.

Fencing: a claim leases a whole batch under one token, but a delivery may wait behind its endpoint's
concurrency gate or a slow database for longer than the lease. So right before each send the worker
re-checks, in one conditional UPDATE, that its token still holds the delivery and that the endpoint is
still enabled, and renews the lease to cover the attempt. A delivery another worker re-claimed meanwhile,
or whose endpoint was disabled (a 410, an exhausted schedule, an admin), is not sent; a disabled
endpoint's deliveries stay pending, unattempted, and go out if it is enabled again."""

from __future__ import annotations

import asyncio
import json
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
import structlog
from sqlalchemy.orm import Session

from payhub import metrics
from payhub.api.versions import CURRENT, shape
from payhub.auth.sealing import unseal
from payhub.domain.events import EventType
from payhub.pipeline.services import Network, Services
from payhub.store import webhooks as queue
from payhub.store.models import OutboxEvent, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from payhub.store.repo import add_event
from payhub.store.views import ts
from payhub.webhooks import signing, transport
from payhub.webhooks.retry import Verdict, next_try, verdict

log = structlog.get_logger(__name__)
RECORD_MARGIN_S = 5.0


@dataclass(frozen=True)
class WorkerSettings:
    batch_size: int = 200
    lease: timedelta = timedelta(seconds=60)
    timeout_s: float = 15.0
    allowed_networks: tuple[Network, ...] = ()
    poll_interval_s: float = 0.5

    @property
    def attempt_lease(self) -> timedelta:
        """The lease renewed at each send: never shorter than one attempt (the timeout) plus time to
        record it, or a slow receiver's delivery would be re-claimed and sent twice."""
        return max(self.lease, timedelta(seconds=self.timeout_s + RECORD_MARGIN_S))


@dataclass(frozen=True)
class Job:
    """Everything needed to send one delivery, read in the claim transaction."""

    delivery_id: str
    lease_token: str
    endpoint_id: str
    event_id: str
    url: str
    secrets: tuple[str, ...]
    body: bytes
    schedule: tuple[int, ...]
    max_concurrency: int
    rate_limit_per_s: int | None


def event_body(event: OutboxEvent, api_version: str | None = None) -> bytes:
    """The exact bytes that are signed and sent: `data` shaped for `api_version` (the endpoint's pin;
    None: the current version, the shape events are stored in)."""
    version = api_version or CURRENT
    envelope = {"id": event.id, "type": event.type, "created_at": ts(event.created_at),
                "api_version": version, "data": shape(version, event.payload.get("data", {}))}
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode()


def signing_secrets(svc: Services, endpoint: WebhookEndpoint, now: datetime) -> tuple[str, ...]:
    """The current secret, plus the previous one during a rotation's overlap window."""
    current = (unseal(svc.secret_key, endpoint.secret),)
    if endpoint.previous_secret and endpoint.previous_secret_expires_at and endpoint.previous_secret_expires_at > now:
        return current + (unseal(svc.secret_key, endpoint.previous_secret),)
    return current


class TokenBucket:
    def __init__(self, rate: int) -> None:
        self.rate, self.tokens, self.stamp = rate, float(rate), time.monotonic()

    def take(self) -> float:
        """0 if a token was taken, else the seconds until one is available."""
        now = time.monotonic()
        self.tokens = min(self.rate, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


class WebhookWorker:
    def __init__(self, svc: Services, settings: WorkerSettings | None = None,
                 http_transport: httpx.AsyncBaseTransport | None = None, rng: random.Random | None = None) -> None:
        self.svc = svc
        self.settings = settings or WorkerSettings()
        self.rng = rng or random.Random()
        self.client = httpx.AsyncClient(transport=http_transport, follow_redirects=False,
                                        limits=httpx.Limits(max_connections=200, max_keepalive_connections=50))
        self._gates: dict[str, asyncio.Semaphore] = {}
        self._buckets: dict[str, TokenBucket] = {}

    async def aclose(self) -> None:
        await self.client.aclose()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            if await self.run_once() == 0:
                try:
                    await asyncio.wait_for(stop.wait(), self.settings.poll_interval_s)
                except TimeoutError:
                    pass

    async def run_once(self) -> int:
        """One tick: fan out new events, then send one batch of due deliveries. Returns deliveries tried."""
        jobs = self.claim()
        await self.send(jobs)
        return len(jobs)

    def claim(self) -> list[Job]:
        """Fan out new events, then lease one batch of due deliveries."""
        now = self.svc.clock.now()
        with self.svc.transaction() as s:
            queue.fan_out(s, now, self.settings.batch_size)
        with self.svc.transaction() as s:
            token, rows = queue.claim_due(s, now, self.settings.lease, self.settings.batch_size)
            return [self._job(s, token, row, now) for row in rows]

    async def send(self, jobs: list[Job]) -> None:
        await asyncio.gather(*(self._deliver(job) for job in jobs))

    def _job(self, s: Session, token: str, delivery: WebhookDelivery, now: datetime) -> Job:
        endpoint = s.get(WebhookEndpoint, delivery.endpoint_id)
        event = s.get(OutboxEvent, delivery.event_id)
        assert endpoint is not None and event is not None
        schedule = endpoint.retry_schedules.get(event.type) or endpoint.retry_schedule
        return Job(delivery.id, token, endpoint.id, event.id, endpoint.url, signing_secrets(self.svc, endpoint, now),
                   event_body(event, endpoint.api_version), tuple(schedule), endpoint.max_concurrency,
                   endpoint.rate_limit_per_s)

    async def _deliver(self, job: Job) -> None:
        if job.rate_limit_per_s:
            bucket = self._buckets.setdefault(job.endpoint_id, TokenBucket(job.rate_limit_per_s))
            if wait := bucket.take():
                self._postpone(job, timedelta(seconds=wait))
                return
        gate = self._gates.setdefault(job.endpoint_id, asyncio.Semaphore(max(1, job.max_concurrency)))
        async with gate:
            if not self._start(job):
                return
            # The signature timestamp is wall-clock time: receivers compare it with theirs.
            headers = signing.headers(list(job.secrets), job.event_id, int(time.time()), job.body)
            answer = await transport.post(self.client, job.url, headers, job.body,
                                          self.settings.allowed_networks, self.settings.timeout_s)
        self._record(job, answer)

    def _start(self, job: Job) -> bool:
        """The fence before a send (see the module doc)."""
        with self.svc.transaction() as s:
            started = queue.start_attempt(s, job.delivery_id, job.lease_token, self.svc.clock.now(),
                                          self.settings.attempt_lease)
        if not started:
            log.debug("webhook.delivery_skipped", delivery=job.delivery_id, endpoint=job.endpoint_id,
                     reason="endpoint disabled or lease taken over")
        return started

    def _postpone(self, job: Job, delay: timedelta) -> None:
        """Over the endpoint's rate limit: try later, without counting an attempt."""
        with self.svc.transaction() as s:
            queue.release(s, job.delivery_id, job.lease_token, due=self.svc.clock.now() + delay)

    def _record(self, job: Job, answer: transport.Answer) -> None:
        with self.svc.transaction() as s:
            delivery = s.get(WebhookDelivery, job.delivery_id, with_for_update=True)
            endpoint = s.get(WebhookEndpoint, job.endpoint_id, with_for_update=True)
            if delivery is None or endpoint is None or delivery.status != "pending":
                return  # deleted meanwhile, or another worker finished it after our lease ran out
            now = self.svc.clock.now()
            outcome = verdict(answer.status)
            delivery.attempts += 1
            delivery.last_status_code = answer.status
            delivery.lease_until = delivery.lease_token = None
            attempt = WebhookAttempt(delivery_id=delivery.id, endpoint_id=endpoint.id, attempted_at=now,
                                     status_code=answer.status, latency_ms=answer.latency_ms,
                                     response_excerpt=answer.excerpt, error=answer.error)
            s.add(attempt)
            metrics.WEBHOOK_ATTEMPTS.labels(result=outcome.value).inc()
            if outcome is Verdict.DELIVERED:
                delivery.status, delivery.completed_at = "succeeded", now
                endpoint.consecutive_failures, endpoint.failing_since = 0, None
                return
            endpoint.consecutive_failures += 1
            if outcome is Verdict.GONE:
                delivery.status, delivery.completed_at = "failed", now
                disable(s, endpoint, "receiver answered 410 Gone", now)
                return
            retry = next_try(job.schedule, delivery.attempts, answer.status, answer.retry_after, self.rng)
            if retry.delay is None:
                delivery.status, delivery.completed_at = "failed", now
                disable(s, endpoint, f"retry schedule exhausted for event {job.event_id}", now)
                return
            delivery.next_attempt_at = attempt.next_retry_at = now + retry.delay
            if endpoint.failing_since is None and endpoint.consecutive_failures >= endpoint.failure_alert_threshold:
                endpoint.failing_since = now
                metrics.WEBHOOK_ENDPOINT_FAILING.inc()
                log.warning("webhook.endpoint_failing", endpoint=endpoint.id, url=endpoint.url,
                            consecutive_failures=endpoint.consecutive_failures)
                alert(s, endpoint, EventType.ENDPOINT_FAILING, now)


def endpoint_alert(endpoint: WebhookEndpoint) -> dict[str, object]:
    return {"id": endpoint.id, "object": "webhook_endpoint", "url": endpoint.url, "enabled": endpoint.enabled,
            "disabled_reason": endpoint.disabled_reason, "consecutive_failures": endpoint.consecutive_failures,
            "failing_since": ts(endpoint.failing_since)}


def alert(s: Session, endpoint: WebhookEndpoint, type_: EventType, now: datetime) -> None:
    """An event about an endpoint, delivered to the entity's other endpoints."""
    event = add_event(s, endpoint.entity_id, type_, endpoint_alert(endpoint), now)
    event.skip_endpoint_id = endpoint.id


def disable(s: Session, endpoint: WebhookEndpoint, reason: str, now: datetime) -> None:
    """Disable the endpoint and alert, once: a no-op if it is already disabled (by another 410 of the
    same batch, another worker or an admin)."""
    if not queue.disable_endpoint(s, endpoint, reason, now):
        return
    metrics.WEBHOOK_ENDPOINT_DISABLED.inc()
    log.warning("webhook.endpoint_disabled", endpoint=endpoint.id, url=endpoint.url, reason=reason)
    alert(s, endpoint, EventType.ENDPOINT_DISABLED, now)
