"""Leases and fencing: a worker sends a leased delivery only while its claim still holds it and the
endpoint is still enabled; a disabling is announced once."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from payhub.services import Services
from payhub.store import webhooks as queue
from payhub.store.models import OutboxEvent, WebhookDelivery, WebhookEndpoint
from payhub.webhooks.worker import FENCE_S, WebhookWorker, WorkerSettings
from tests.webhooks.conftest import FakeClock, Received, Receiver, drain
from tests.webhooks.test_retries import endpoint


def queue_tests(admin: TestClient, endpoint_id: str, n: int) -> None:
    for _ in range(n):
        assert admin.post(f"/v1/webhook_endpoints/{endpoint_id}/test").status_code == 202


def disabled_events(services: Services) -> int:
    with services.read() as s:
        return s.scalar(select(func.count()).select_from(OutboxEvent)
                        .where(OutboxEvent.type == "endpoint.disabled")) or 0


def rows(services: Services, endpoint_id: str) -> list[WebhookDelivery]:
    with services.read() as s:
        return list(s.scalars(select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)))


@pytest.mark.parametrize("concurrency", [1, 4])
def test_a_410_stops_the_leased_batch_and_alerts_once(admin: TestClient, services: Services, receiver: Receiver,
                                                      worker: WebhookWorker, concurrency: int) -> None:
    receiver.respond = lambda r: (410, {}, b"gone") if r.path.endswith("/gone") else (200, {}, b"ok")
    gone = endpoint(admin, receiver.url + "/gone", max_concurrency=concurrency, event_types=["webhook.test"])
    endpoint(admin, receiver.url + "/watcher", event_types=["endpoint.disabled"])
    queue_tests(admin, gone["id"], 30)

    jobs = worker.claim()
    assert len(jobs) == 30                                   # all leased at once, as in the report
    worker.runner.run(worker.send(jobs))  # type: ignore[attr-defined]
    drain(worker)                                            # fans out and delivers the alert

    gone_hits = [r for r in receiver.requests if r.path.endswith("/gone")]
    assert 1 <= len(gone_hits) <= concurrency                # only the attempts already in flight
    assert disabled_events(services) == 1                    # one disabling, one event
    assert [r.path for r in receiver.requests].count("/hooks/watcher") == 1
    state = admin.get(f"/v1/webhook_endpoints/{gone['id']}").json()
    assert state["enabled"] is False and "410" in state["disabled_reason"]
    unsent = [d for d in rows(services, gone["id"]) if d.attempts == 0]
    assert len(unsent) == 30 - len(gone_hits)
    assert all(d.status == "pending" and d.lease_until is None for d in unsent)  # kept, released

    # enabled again by an admin: what was owed goes out, nothing twice
    receiver.respond = lambda r: (200, {}, b"ok")
    assert admin.patch(f"/v1/webhook_endpoints/{gone['id']}", json={"enabled": True}).status_code == 200
    drain(worker)
    assert {d.status for d in rows(services, gone["id"])} == {"succeeded", "failed"}
    ids = [r.headers["webhook-id"] for r in receiver.requests if r.path.endswith("/gone")]
    assert len(ids) == len(set(ids)) == 30
    assert disabled_events(services) == 1


def test_a_delivery_leased_before_an_admin_disables_the_endpoint_is_not_sent(
        admin: TestClient, services: Services, receiver: Receiver, worker: WebhookWorker) -> None:
    ep = endpoint(admin, receiver.url)
    queue_tests(admin, ep["id"], 5)
    jobs = worker.claim()
    assert len(jobs) == 5
    admin.patch(f"/v1/webhook_endpoints/{ep['id']}", json={"enabled": False})
    worker.runner.run(worker.send(jobs))  # type: ignore[attr-defined]
    assert receiver.requests == []
    assert all(d.status == "pending" and d.attempts == 0 and d.lease_until is None for d in rows(services, ep["id"]))


def test_a_lease_taken_over_by_another_worker_is_not_sent_twice(
        admin: TestClient, services: Services, receiver: Receiver, worker: WebhookWorker, clock: FakeClock) -> None:
    """The cause of duplicate deliveries on a busy machine: a batch waits longer than its lease (behind the
    endpoint's concurrency gate, or a slow database), another worker re-claims the rows, and both send."""
    ep = endpoint(admin, receiver.url)
    queue_tests(admin, ep["id"], 10)
    late = worker.claim()
    clock.advance(worker.settings.lease.total_seconds() + 1)  # the first batch's lease runs out unsent
    other = WebhookWorker(services, worker.settings)
    try:
        taken = other.claim()
        assert len(taken) == 10
        worker.runner.run(worker.send(late))  # type: ignore[attr-defined]
        assert receiver.requests == []                       # fenced: the claim no longer holds them
        worker.runner.run(other.send(taken))  # type: ignore[attr-defined]
    finally:
        worker.runner.run(other.aclose())  # type: ignore[attr-defined]
    assert len(receiver.requests) == len(set(receiver.ids())) == 10
    assert {d.status for d in rows(services, ep["id"])} == {"succeeded"}


def test_the_lease_covers_a_slow_attempt(admin: TestClient, services: Services, receiver: Receiver,
                                         allow_loopback: None, clock: FakeClock) -> None:
    """A lease shorter than one attempt let another worker send the same delivery while the first was still
    waiting for the receiver: the lease renewed at the send covers the timeout."""
    settings = WorkerSettings(lease=timedelta(seconds=1), timeout_s=2.0,
                              allowed_networks=services.webhook_allowed_networks)
    claimed_meanwhile: list[int] = []

    def slow(_: Received) -> tuple[int, dict[str, str], bytes]:
        clock.advance(1.5)  # past the claim's lease, within the attempt's
        with services.transaction() as s:
            claimed_meanwhile.append(len(queue.claim_due(s, clock.now(), settings.lease, 10)[1]))
        return 200, {}, b"ok"

    receiver.respond = slow
    ep = endpoint(admin, receiver.url)
    queue_tests(admin, ep["id"], 1)
    w = WebhookWorker(services, settings)

    async def once() -> int:
        try:
            return await w.run_once()
        finally:
            await w.aclose()

    assert asyncio.run(once()) == 1
    assert claimed_meanwhile == [0] and len(receiver.requests) == 1
    assert settings.attempt_lease >= timedelta(seconds=settings.timeout_s)


def test_an_endpoint_disabled_during_a_long_batch_gets_nothing_after_the_fence_goes_stale(
        admin: TestClient, services: Services, receiver: Receiver, worker: WebhookWorker) -> None:
    """The batch is fenced in one statement; a delivery still waiting FENCE_S later (behind a concurrency of
    1 and a slow receiver) is fenced again before its send, and sees the endpoint an admin disabled."""
    ep = endpoint(admin, receiver.url, max_concurrency=1)

    def slow_then_disable(request: Received) -> tuple[int, dict[str, str], bytes]:
        if len(receiver.requests) == 1:
            with services.transaction() as s:
                s.execute(update(WebhookEndpoint).where(WebhookEndpoint.id == ep["id"]).values(enabled=False))
        time.sleep(0.25)
        return 200, {}, b"ok"

    receiver.respond = slow_then_disable
    queue_tests(admin, ep["id"], 12)
    drain(worker, rounds=1)
    sent = len(receiver.requests)
    assert 1 <= sent <= 1 + int(FENCE_S / 0.25)        # sends 0.25 s apart, none after the fence went stale
    left = [d for d in rows(services, ep["id"]) if d.status == "pending"]
    assert len(left) == 12 - sent and all(d.attempts == 0 and d.lease_until is None for d in left)
