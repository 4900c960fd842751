"""The webhook worker, a chain of stages:
fan out (outbox → deliveries) → claim (lease, SKIP LOCKED) → fence → sign → send → record → reschedule.

At-least-once: a delivery is done only after a 2xx; a crashed worker's leases expire and its claimed
rows are due again. Retry state lives in the database, so restarts lose nothing.

Fencing: a claim leases a whole batch under one token, but a delivery may wait behind its endpoint's
concurrency gate or a slow database for longer than the lease. So before sending, the worker re-checks,
in one conditional UPDATE for all the deliveries about to go out, that its token still holds each of
them and that their endpoint is still enabled, and renews their lease to cover the attempt. A delivery
waits at most FENCE_S between that check and its send; one that waited longer (behind its endpoint's
concurrency gate) is checked again. A delivery another worker re-claimed meanwhile, or whose endpoint
was disabled (a 410, an exhausted schedule, an admin), is not sent; a disabled endpoint's deliveries stay
pending, unattempted, and go out if it is enabled again. A 410 or an exhausted schedule seen by this
worker stops the rest of the batch for that endpoint at once.

Throughput: each step is one statement per batch (see store/webhooks.py); in the run loop the claim
of a batch is also its fence; the attempts answered within a few milliseconds are recorded in one
transaction; database work runs in threads, so answers are read meanwhile, and a batch's last records
are written while the next batch is claimed; each endpoint has its own keep-alive connection pool; the
poll loop does not sleep while there is work.

Housekeeping: finished deliveries, their attempts and fanned-out events older than the retention
are purged in batches, so the queue tables do not grow with history."""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

import structlog
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from payhub import metrics
from payhub.api.versions import CURRENT, shape
from payhub.auth.sealing import unseal
from payhub.domain.events import EventType
from payhub.services import Network, Services
from payhub.store import webhooks as queue
from payhub.store.models import OutboxEvent, WebhookEndpoint
from payhub.store.repo import add_event
from payhub.views import ts
from payhub.webhooks import signing, transport
from payhub.webhooks.retry import Verdict, next_try, verdict

log = structlog.get_logger(__name__)
RECORD_MARGIN_S = 5.0
FENCE_S = 1.0  # the longest a delivery may wait between its fence and its send
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class WorkerSettings:
    batch_size: int = 500
    lease: timedelta = timedelta(seconds=60)
    timeout_s: float = 15.0
    allowed_networks: tuple[Network, ...] = ()
    poll_interval_s: float = 0.25  # the longest idle pause between polls
    min_poll_s: float = 0.005  # the first pause after the queue ran empty; doubles up to poll_interval_s
    # attempts answered within record_delay_s are recorded in one transaction (at most record_most)
    record_delay_s: float = 0.02
    record_most: int = 250
    retention: timedelta | None = timedelta(days=30)  # finished deliveries and events older are purged
    housekeeping_s: float = 60.0
    purge_batch: int = 1000
    keep_unrelayed: bool = False  # the event bus relay is on: keep events until it has published them

    @property
    def attempt_lease(self) -> timedelta:
        """The lease renewed at the fence: never shorter than the wait up to the send, one attempt (the
        timeout) and time to record it, or a slow receiver's delivery would be re-claimed and sent twice."""
        return max(self.lease, timedelta(seconds=FENCE_S + self.timeout_s + RECORD_MARGIN_S))


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
    failing: bool = False  # the endpoint had failures counted when claimed: a 2xx resets them


def envelope_body(event_id: str, type_: str, created_at: datetime, payload: dict[str, Any],
                  api_version: str | None = None) -> bytes:
    """The exact bytes that are signed and sent: `data` shaped for `api_version` (the endpoint's pin;
    None: the current version, the shape events are stored in)."""
    version = api_version or CURRENT
    envelope = {"id": event_id, "type": type_, "created_at": ts(created_at),
                "api_version": version, "data": shape(version, payload.get("data", {}))}
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode()


def event_body(event: OutboxEvent, api_version: str | None = None) -> bytes:
    return envelope_body(event.id, event.type, event.created_at, event.payload, api_version)


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


class Coalescer(Generic[T, R]):
    """Requests made while the event loop is busy are served by one call of `flush(items) -> results`
    (one database transaction for many deliveries), in a thread, so that the answers of the requests in
    flight are read meanwhile; one flush at a time, in order. An error reaches every request of that flush."""

    def __init__(self, flush: Callable[[list[T]], list[R]], delay_s: float = 0.0, most: int = 1 << 30) -> None:
        self._flush, self._delay_s, self._most = flush, delay_s, most
        self._waiting: list[tuple[T, asyncio.Future[R]]] = []
        self._gathering: asyncio.Task[None] | None = None  # the flush still collecting requests
        self._tasks: set[asyncio.Task[None]] = set()
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()

    def submit(self, item: T) -> asyncio.Future[R]:
        """A future of item's result: flushed after delay_s, or as soon as `most` are waiting."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._gathering is None:
            self._gathering = task = asyncio.create_task(self._run())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        elif len(self._waiting) >= self._most:
            self._wake.set()
        return future

    async def _run(self) -> None:
        try:
            await asyncio.wait_for(self._wake.wait(), self._delay_s)
        except TimeoutError:
            pass
        self._wake.clear()
        self._gathering = None
        async with self._lock:
            waiting, self._waiting = self._waiting, []
            if not waiting:
                return
            try:
                results = await asyncio.to_thread(self._flush, [item for item, _ in waiting])
            except Exception as error:
                for _, future in waiting:
                    future.set_exception(error)
                return
            for (_, future), result in zip(waiting, results, strict=True):
                future.set_result(result)

    async def drain(self) -> None:
        """Flush what is waiting now, and wait for every flush."""
        self._wake.set()
        while self._tasks:
            await asyncio.gather(*self._tasks)


class Batch:
    """One claimed batch on its way out: which deliveries passed the fence and when, which endpoints
    stopped during the batch, and the attempts and releases waiting to be written."""

    def __init__(self, worker: WebhookWorker, token: str, jobs: list[Job], fenced_at: float | None = None) -> None:
        self.worker, self.token = worker, token
        self.fenced_at: dict[str, float] = {}
        self.admitted: set[str] = set()  # passed the fence; the others were released by it, or are not ours
        self.stopped: set[str] = set()  # endpoints this batch saw disabled: send nothing more to them
        self.released: list[str] = []
        self.postponed: list[tuple[str, datetime]] = []
        self.fences = Coalescer(self._fence)
        self.records = Coalescer(self._record, worker.settings.record_delay_s, worker.settings.record_most)
        self.recorded: list[asyncio.Future[bool]] = []
        if fenced_at is None:
            self._fence(jobs)  # the whole batch in one statement; only stragglers are fenced again
        else:  # claimed with the attempt's lease a moment ago: the claim was the fence
            self.admitted = {job.delivery_id for job in jobs}
            self.fenced_at = dict.fromkeys(self.admitted, fenced_at)

    def _fence(self, jobs: list[Job]) -> list[bool]:
        started = self.worker._start([job.delivery_id for job in jobs], self.token)
        at = time.monotonic()
        for job in jobs:
            if job.delivery_id in started:
                self.fenced_at[job.delivery_id] = at
                self.admitted.add(job.delivery_id)
            else:
                self.admitted.discard(job.delivery_id)
        return [job.delivery_id in started for job in jobs]

    async def fenced(self, job: Job) -> bool:
        """True if the delivery may be sent now: fenced less than FENCE_S ago, or fenced again now."""
        if job.delivery_id not in self.admitted:
            return False
        if time.monotonic() - self.fenced_at[job.delivery_id] <= FENCE_S:
            return True
        return await self.fences.submit(job)

    def _record(self, answered: list[tuple[Job, transport.Answer]]) -> list[bool]:
        for attempt in range(3):
            try:
                recorded, disabled = self.worker._record(answered)
                break
            except OperationalError:  # a deadlock or a serialization failure: rolled back, safe to redo
                if attempt == 2:
                    raise
                log.warning("webhook.record_retried", deliveries=len(answered))
        self.stopped |= disabled
        return recorded

    def record(self, job: Job, answer: transport.Answer) -> None:
        self.recorded.append(self.records.submit((job, answer)))

    async def close(self) -> None:
        """Write what is still waiting: the attempts, the releases and the postponements."""
        await self.fences.drain()
        await self.records.drain()
        if self.released or self.postponed:
            with self.worker.svc.transaction() as s:
                queue.release(s, self.token, self.released)
                queue.postpone(s, self.token, self.postponed)
        for outcome in await asyncio.gather(*self.recorded, return_exceptions=True):
            if isinstance(outcome, BaseException):
                raise outcome


class WebhookWorker:
    def __init__(self, svc: Services, settings: WorkerSettings | None = None,
                 rng: random.Random | None = None) -> None:
        self.svc = svc
        self.settings = settings or WorkerSettings()
        self.rng = rng or random.Random()
        # here, not at the top: the API imports this module (event_body) and never delivers, so it need not
        # import aiohttp
        from payhub.webhooks.client import Client

        self.http = Client(lambda: self.settings.allowed_networks)
        self._gates: dict[tuple[str, int], asyncio.Semaphore] = {}
        self._buckets: dict[tuple[str, int], TokenBucket] = {}
        self._closing: asyncio.Task[None] | None = None  # the previous batch's last records, being written

    async def aclose(self) -> None:
        closing, self._closing = self._closing, None
        try:
            if closing is not None:
                await closing
        finally:
            await self.http.aclose()

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until stopped: poll again at once while there is work, then back off up to
        poll_interval_s; purge old history every housekeeping_s."""
        pause, next_housekeeping = 0.0, 0.0
        while not stop.is_set():
            if time.monotonic() >= next_housekeeping:
                done = await asyncio.to_thread(self.housekeep)
                next_housekeeping = time.monotonic() + (self.settings.housekeeping_s if done else 1.0)
            if await self.run_once(overlap=True):
                pause = 0.0
                continue
            pause = min(max(pause * 2, self.settings.min_poll_s), self.settings.poll_interval_s)
            try:
                await asyncio.wait_for(stop.wait(), pause)
            except TimeoutError:
                pass

    async def run_once(self, overlap: bool = False) -> int:
        """One tick: fan out new events, then send one batch of due deliveries. Returns deliveries tried.
        With `overlap` (the run loop), the batch's last records are still being written when this returns,
        while the next tick claims and sends (their leases cover it); the tick after waits for them."""
        fenced_at = time.monotonic()
        jobs = await asyncio.to_thread(self.claim, True)  # meanwhile the loop reads answers, threads write
        previous, self._closing = self._closing, None
        try:
            if jobs:
                batch = await self._lanes(jobs, jobs[0].lease_token, fenced_at)
                if overlap:
                    self._closing = asyncio.create_task(batch.close())
                else:
                    await batch.close()
        finally:
            if previous is not None:
                await previous  # at most one batch behind; its errors surface here
        return len(jobs)

    def claim(self, fence: bool = False) -> list[Job]:
        """Fan out new events, then lease one batch of due deliveries, in one transaction. With `fence`,
        the claim is also the batch's fence (it checks the same conditions right before the send): the
        lease covers an attempt and the caller sends at once."""
        now = self.svc.clock.now()
        lease = self.settings.attempt_lease if fence else self.settings.lease
        with self.svc.transaction() as s:
            queue.fan_out(s, now, self.settings.batch_size)
            token, rows = queue.claim_due(s, now, lease, self.settings.batch_size)
            if not rows:
                return []
            endpoints = queue.load_endpoints(s, {r.endpoint_id for r in rows})
            events = queue.load_events(s, {r.event_id for r in rows})
        secrets = {e.id: signing_secrets(self.svc, e, now) for e in endpoints.values()}
        bodies: dict[tuple[str, str | None], bytes] = {}
        jobs = []
        for row in rows:
            endpoint, event = endpoints[row.endpoint_id], events[row.event_id]
            key = (event.id, endpoint.api_version)
            body = bodies.get(key)
            if body is None:
                body = bodies[key] = envelope_body(event.id, event.type, event.created_at, event.payload,
                                                   endpoint.api_version)
            schedule = endpoint.retry_schedules.get(event.type) or endpoint.retry_schedule
            jobs.append(Job(row.id, token, endpoint.id, event.id, endpoint.url, secrets[endpoint.id], body,
                            tuple(schedule), endpoint.max_concurrency, endpoint.rate_limit_per_s,
                            bool(endpoint.consecutive_failures or endpoint.failing_since)))
        return jobs

    async def send(self, jobs: list[Job]) -> None:
        """Fence the batch, then send it: per endpoint, as many lanes as its max_concurrency."""
        for token in {job.lease_token for job in jobs}:
            await self._send([job for job in jobs if job.lease_token == token], token)

    async def _send(self, jobs: list[Job], token: str) -> None:
        batch = await self._lanes(jobs, token, None)
        await batch.close()

    async def _lanes(self, jobs: list[Job], token: str, fenced_at: float | None) -> Batch:
        """Send a batch (fenced now, unless the claim that just leased it was the fence): per endpoint, as
        many lanes as its max_concurrency. Returns it with its last records still to be written (close)."""
        batch = Batch(self, token, jobs, fenced_at)
        lanes: dict[str, deque[Job]] = {}
        for job in jobs:
            lanes.setdefault(job.endpoint_id, deque()).append(job)
        try:
            await asyncio.gather(*(self._lane(batch, waiting) for waiting in lanes.values()
                                   for _ in range(min(len(waiting), max(1, waiting[0].max_concurrency)))))
        except BaseException:
            await batch.close()
            raise
        return batch

    async def _lane(self, batch: Batch, waiting: deque[Job]) -> None:
        while waiting:
            job = waiting.popleft()
            if job.delivery_id not in batch.admitted:
                continue  # refused by the fence: not ours any more, or its endpoint is disabled
            if job.endpoint_id in batch.stopped:
                batch.released.append(job.delivery_id)
                continue
            if job.rate_limit_per_s:
                bucket = self._buckets.setdefault((job.endpoint_id, job.rate_limit_per_s),
                                                  TokenBucket(job.rate_limit_per_s))
                if wait := bucket.take():  # over the endpoint's rate limit: later, not counted as an attempt
                    batch.postponed.append((job.delivery_id, self.svc.clock.now() + timedelta(seconds=wait)))
                    continue
            gate = self._gates.setdefault((job.endpoint_id, job.max_concurrency),
                                          asyncio.Semaphore(max(1, job.max_concurrency)))
            async with gate:
                if job.endpoint_id in batch.stopped:
                    batch.released.append(job.delivery_id)
                    continue
                if not await batch.fenced(job):
                    log.debug("webhook.delivery_skipped", delivery=job.delivery_id, endpoint=job.endpoint_id,
                              reason="endpoint disabled or lease taken over")
                    continue
                # The signature timestamp is wall-clock time: receivers compare it with theirs.
                headers = signing.headers(list(job.secrets), job.event_id, int(time.time()), job.body)
                answer = await self.http.post(job.endpoint_id, job.url, headers, job.body, self.settings.timeout_s)
            if verdict(answer.status) is Verdict.GONE:
                batch.stopped.add(job.endpoint_id)
            batch.record(job, answer)

    def _start(self, ids: list[str], token: str) -> set[str]:
        """The fence before a send (see the module doc)."""
        with self.svc.transaction() as s:
            return queue.start_attempts(s, token, ids, self.svc.clock.now(), self.settings.attempt_lease)

    def _record(self, answered: list[tuple[Job, transport.Answer]]) -> tuple[list[bool], set[str]]:
        """Record many attempts in one transaction, in the order they were answered. Returns, for each,
        whether it was recorded (False: another worker finished the delivery after our lease ran out),
        and the endpoints disabled here."""
        now = self.svc.clock.now()
        outcomes = [(job, answer, verdict(answer.status)) for job, answer in answered]
        with self.svc.transaction() as s:
            succeeded = queue.mark_succeeded(s, [(job.delivery_id, answer.status or 0) for job, answer, outcome
                                                 in outcomes if outcome is Verdict.DELIVERED], now)
            failed = [job for job, _, outcome in outcomes if outcome is not Verdict.DELIVERED]
            made = queue.lock_pending(s, [job.delivery_id for job in failed])
            # Endpoint rows are locked (in id order, one statement) only where a counter changes: failures,
            # and 2xx answers of an endpoint that was failing when claimed. A failure another worker counts
            # after our claim is reset by the next 2xx claimed after it.
            touched = {job.endpoint_id for job in failed} | {
                job.endpoint_id for job, _, outcome in outcomes if outcome is Verdict.DELIVERED and job.failing}
            endpoints = queue.load_endpoints(s, touched, lock=True) if touched else {}
            history: list[dict[str, Any]] = []
            changes: list[dict[str, Any]] = []
            recorded: list[bool] = []
            disabled: set[str] = set()
            for job, answer, outcome in outcomes:
                endpoint = endpoints.get(job.endpoint_id)
                if outcome is Verdict.DELIVERED:
                    recorded.append(job.delivery_id in succeeded)
                    if recorded[-1]:
                        history.append(self._attempt(job, answer, now, None))
                        if endpoint is not None:  # in the order answered, between this flush's failures
                            endpoint.consecutive_failures, endpoint.failing_since = 0, None
                    continue
                recorded.append(job.delivery_id in made and endpoint is not None)
                if endpoint is None or job.delivery_id not in made:
                    continue  # deleted meanwhile, or another worker finished it after our lease ran out
                made[job.delivery_id] += 1
                change, next_at = self._failure(s, job, answer, outcome, endpoint, made[job.delivery_id], now)
                changes.append(change)
                if not endpoint.enabled:
                    disabled.add(endpoint.id)
                history.append(self._attempt(job, answer, now, next_at))
            queue.update_failed(s, changes)
            queue.add_attempts(s, history)
        for (_, _, outcome), done in zip(outcomes, recorded, strict=True):
            if done:
                metrics.WEBHOOK_ATTEMPTS.labels(result=outcome.value).inc()
        return recorded, disabled

    def _failure(self, s: Session, job: Job, answer: transport.Answer, outcome: Verdict, endpoint: WebhookEndpoint,
                 attempts: int, now: datetime) -> tuple[dict[str, Any], datetime | None]:
        """A failed attempt: the delivery's new state and when it is tried next (None: never); disables
        the endpoint on a 410 or an exhausted schedule, alerts when it starts failing."""
        change: dict[str, Any] = {"id": job.delivery_id, "attempts": attempts, "last_status_code": answer.status,
                                  "status": "failed", "completed_at": now, "next_attempt_at": None}
        endpoint.consecutive_failures += 1
        if outcome is Verdict.GONE:
            disable(s, endpoint, "receiver answered 410 Gone", now)
            return change, None
        retry = next_try(job.schedule, attempts, answer.status, answer.retry_after, self.rng)
        if retry.delay is None:
            disable(s, endpoint, f"retry schedule exhausted for event {job.event_id}", now)
            return change, None
        next_at = now + retry.delay
        change.update(status="pending", completed_at=None, next_attempt_at=next_at)
        if endpoint.failing_since is None and endpoint.consecutive_failures >= endpoint.failure_alert_threshold:
            endpoint.failing_since = now
            metrics.WEBHOOK_ENDPOINT_FAILING.inc()
            log.warning("webhook.endpoint_failing", endpoint=endpoint.id, url=endpoint.url,
                        consecutive_failures=endpoint.consecutive_failures)
            alert(s, endpoint, EventType.ENDPOINT_FAILING, now)
        return change, next_at

    @staticmethod
    def _attempt(job: Job, answer: transport.Answer, now: datetime, next_at: datetime | None) -> dict[str, Any]:
        return {"delivery_id": job.delivery_id, "endpoint_id": job.endpoint_id, "attempted_at": now,
                "status_code": answer.status, "latency_ms": answer.latency_ms, "response_excerpt": answer.excerpt,
                "error": answer.error, "next_retry_at": next_at}

    def housekeep(self) -> bool:
        """Retention: purge finished history older than settings.retention, a batch per transaction, for
        at most about half a second. True if nothing is left to purge."""
        if self.settings.retention is None:
            return True
        before = self.svc.clock.now() - self.settings.retention
        deadline = time.monotonic() + 0.5
        while True:
            with self.svc.transaction() as s:
                purged = queue.purge(s, before, self.settings.purge_batch, self.settings.keep_unrelayed)
            if purged != (0, 0):
                log.info("webhook.purged", deliveries=purged[0], events=purged[1], before=ts(before))
            if max(purged) < self.settings.purge_batch:
                return True
            if time.monotonic() > deadline:
                return False


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
