"""At-least-once under a flaky receiver and a worker killed with SIGKILL mid-batch."""

from __future__ import annotations

import random
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from payhub.services import Services
from payhub.store.models import WebhookDelivery
from payhub.webhooks.worker import WebhookWorker
from tests.processes import PAYHUB, payhub_env
from tests.webhooks.conftest import FakeClock, Received, Receiver, drain


def admin_client(app: FastAPI, keys: dict[str, str]) -> TestClient:
    return TestClient(app, headers={"Authorization": f"Bearer {keys['admin']}"})


def pending(services: Services) -> int:
    with services.read() as s:
        return s.scalar(select(func.count()).select_from(WebhookDelivery)
                        .where(WebhookDelivery.status == "pending")) or 0


def queue_events(admin: TestClient, endpoint_id: str, n: int) -> set[str]:
    return {admin.post(f"/v1/webhook_endpoints/{endpoint_id}/test").json()["event"] for _ in range(n)}


def test_flaky_receiver_gets_every_event(app: FastAPI, keys: dict[str, str], services: Services,
                                         receiver: Receiver, worker: WebhookWorker, clock: FakeClock) -> None:
    rng = random.Random(2026)
    delivered: list[str] = []

    def flaky(request: Received) -> tuple[int, dict[str, str], bytes]:
        if rng.random() < 0.3:
            return 503, {}, b"try later"
        delivered.append(request.headers["webhook-id"])
        return 200, {}, b"ok"

    receiver.respond = flaky
    admin = admin_client(app, keys)
    endpoint = admin.post("/v1/webhook_endpoints", json={"url": receiver.url, "retry_schedule": [0] + [1] * 19,
                                                         "failure_alert_threshold": 1000}).json()
    expected = queue_events(admin, endpoint["id"], 60)
    for _ in range(40):
        drain(worker, rounds=1)
        if not pending(services):
            break
        clock.advance(2)
    assert pending(services) == 0
    assert set(delivered) == expected                  # none lost
    assert len(receiver.requests) > len(expected)      # some attempts failed and were retried
    failures = len(receiver.requests) - len(delivered)
    assert 0.15 < failures / len(receiver.requests) < 0.45


def test_concurrency_cap_per_endpoint(app: FastAPI, keys: dict[str, str], receiver: Receiver,
                                      worker: WebhookWorker) -> None:
    lock = threading.Lock()
    state = {"now": 0, "max": 0}

    def slow(_: Received) -> tuple[int, dict[str, str], bytes]:
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        time.sleep(0.05)
        with lock:
            state["now"] -= 1
        return 200, {}, b"ok"

    receiver.respond = slow
    admin = admin_client(app, keys)
    endpoint = admin.post("/v1/webhook_endpoints", json={"url": receiver.url, "max_concurrency": 3}).json()
    queue_events(admin, endpoint["id"], 15)
    drain(worker)
    assert len(receiver.requests) == 15 and 1 < state["max"] <= 3


def _start_worker(db_url: str) -> subprocess.Popen[bytes]:
    env = payhub_env(db_url, PAYHUB_WEBHOOK_ALLOWED_NETWORKS='["127.0.0.0/8"]', PAYHUB_WEBHOOK_LEASE_S="2",
                     PAYHUB_WEBHOOK_TIMEOUT_S="3")  # an in-flight lease is ≥ timeout + 5 s
    return subprocess.Popen([PAYHUB, "worker", "--housekeeping-s", "3600"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _slow(seconds: float) -> Callable[[Received], tuple[int, dict[str, str], bytes]]:
    def answer(_: Received) -> tuple[int, dict[str, str], bytes]:
        time.sleep(seconds)
        return 200, {}, b"ok"

    return answer


def _run_until_drained(workers: list[subprocess.Popen[bytes]], services: Services, timeout_s: float = 60) -> None:
    """Let the worker processes run until no delivery is pending (or the timeout), then stop them."""
    try:
        deadline = time.monotonic() + timeout_s
        while pending(services) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
            worker.wait(10)


def test_worker_killed_mid_batch_loses_nothing(app: FastAPI, keys: dict[str, str], services: Services,
                                               receiver: Receiver, db_url: str, allow_loopback: None) -> None:
    receiver.respond = _slow(0.2)
    admin = admin_client(app, keys)
    endpoint = admin.post("/v1/webhook_endpoints", json={"url": receiver.url, "max_concurrency": 4}).json()
    expected = queue_events(admin, endpoint["id"], 40)

    first = _start_worker(db_url)
    try:
        deadline = time.monotonic() + 30
        while len(receiver.requests) < 6 and time.monotonic() < deadline:
            time.sleep(0.02)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    assert 0 < len(receiver.requests) < len(expected)
    assert pending(services) > 0                     # killed mid-batch: leases still held

    # what the next worker sends goes to another path, so each receipt says which worker sent it
    moved = admin.patch(f"/v1/webhook_endpoints/{endpoint['id']}", json={"url": receiver.url + "?after=kill"})
    assert moved.status_code == 200, moved.text
    _run_until_drained([_start_worker(db_url)], services)
    assert pending(services) == 0
    killed = Counter(r.headers["webhook-id"] for r in receiver.requests if r.path == "/hooks")
    survivor = Counter(r.headers["webhook-id"] for r in receiver.requests if r.path == "/hooks?after=kill")
    assert killed.total() + survivor.total() == len(receiver.requests)  # every receipt is at one of the two
    assert set(killed) | set(survivor) == expected   # nothing lost
    assert set(killed.values()) == set(survivor.values()) == {1}  # no worker sent a webhook twice
    # a duplicate is only the survivor redelivering, byte for byte, what the killed worker sent and never recorded
    bodies: dict[str, set[bytes]] = {}
    for r in receiver.requests:
        bodies.setdefault(r.headers["webhook-id"], set()).add(r.body)
    assert all(len(b) == 1 for b in bodies.values())


def test_two_workers_share_the_queue(app: FastAPI, keys: dict[str, str], services: Services,
                                     receiver: Receiver, db_url: str, allow_loopback: None) -> None:
    """Leases (SKIP LOCKED on PostgreSQL) keep two workers from claiming the same delivery."""
    receiver.respond = _slow(0.02)
    admin = admin_client(app, keys)
    endpoint = admin.post("/v1/webhook_endpoints", json={"url": receiver.url, "max_concurrency": 5}).json()
    expected = queue_events(admin, endpoint["id"], 80)
    _run_until_drained([_start_worker(db_url), _start_worker(db_url)], services)
    assert pending(services) == 0
    assert sorted(receiver.ids()) == sorted(expected)  # each exactly once
