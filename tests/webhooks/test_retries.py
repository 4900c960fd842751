"""Retry schedules on an injected clock, alerting, disabling, and the status codes of the spec."""

from __future__ import annotations

import random
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from payhub.services import Services
from payhub.store.models import OutboxEvent, WebhookDelivery
from payhub.webhooks.retry import DEFAULT_SCHEDULE, Verdict, next_try, verdict
from payhub.webhooks.worker import WebhookWorker
from tests.webhooks.conftest import FakeClock, Receiver, drain


def endpoint(admin: TestClient, url: str, **fields: object) -> dict:  # type: ignore[type-arg]
    response = admin.post("/v1/webhook_endpoints", json={"url": url, **fields})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def deliveries(admin: TestClient, endpoint_id: str) -> list[dict]:  # type: ignore[type-arg]
    return admin.get(f"/v1/webhook_endpoints/{endpoint_id}/deliveries").json()["data"]  # type: ignore[no-any-return]


def event_types(services: Services) -> list[str]:
    with services.read() as s:
        return list(s.scalars(select(OutboxEvent.type).order_by(OutboxEvent.id)))


def test_default_schedule_is_svix_documented() -> None:
    assert DEFAULT_SCHEDULE == (0, 5, 300, 1800, 7200, 18000, 36000, 36000)


def test_next_try_jitter_and_retry_after() -> None:
    rng = random.Random(7)
    delays = [next_try(DEFAULT_SCHEDULE, 2, rng=rng).delay for _ in range(200)]
    assert all(d is not None and timedelta(seconds=240) <= d <= timedelta(seconds=360) for d in delays)
    assert len(set(delays)) > 100  # jittered, not fixed
    assert next_try(DEFAULT_SCHEDULE, 8).delay is None
    assert next_try((0, 1), 1, status=429, retry_after="120").delay == timedelta(seconds=120)
    assert next_try((0, 1), 1, status=503, retry_after="120").delay <= timedelta(seconds=1.2)  # type: ignore[operator]
    assert next_try((0, 1000), 1, status=502, retry_after="5").delay >= timedelta(seconds=800)  # type: ignore[operator]
    assert [verdict(s) for s in (200, 204, 299, 301, 302, 400, 410, 500, None)] == [
        Verdict.DELIVERED] * 3 + [Verdict.RETRY] * 3 + [Verdict.GONE, Verdict.RETRY, Verdict.RETRY]


def test_schedule_is_honoured_then_endpoint_disabled_and_others_alerted(
        admin: TestClient, services: Services, receiver: Receiver, worker: WebhookWorker, clock: FakeClock) -> None:
    receiver.respond = lambda r: (500, {}, b"boom") if "/failing" in r.path else (200, {}, b"ok")
    failing = endpoint(admin, receiver.url + "/failing", retry_schedule=[0, 100, 1000],
                       failure_alert_threshold=2, event_types=["webhook.test"])
    watcher = endpoint(admin, receiver.url + "/watcher", event_types=["endpoint.failing", "endpoint.disabled"])
    admin.post(f"/v1/webhook_endpoints/{failing['id']}/test")

    assert drain(worker) == 1                       # attempt 1 at t=0
    clock.advance(79)
    assert drain(worker) == 0                       # 100 s −20 % not reached
    clock.advance(42)
    assert drain(worker) == 2                       # attempt 2 at ~t=100, alert to the watcher
    alerts = [r for r in receiver.requests if r.path.endswith("/watcher")]
    assert len(alerts) == 1 and b'"endpoint.failing"' in alerts[0].body
    assert admin.get(f"/v1/webhook_endpoints/{failing['id']}").json()["failing_since"]
    clock.advance(799)
    assert drain(worker) == 0
    clock.advance(1200 - 799 + 1)
    assert drain(worker) == 2                       # attempt 3, schedule exhausted → disabled, alert
    state = admin.get(f"/v1/webhook_endpoints/{failing['id']}").json()
    assert state["enabled"] is False and "exhausted" in state["disabled_reason"]
    assert [r.path.rsplit("/", 1)[1] for r in receiver.requests].count("failing") == 3
    assert b'"endpoint.disabled"' in receiver.requests[-1].body
    delivery = deliveries(admin, failing["id"])[0]
    assert delivery["status"] == "failed" and [a["status_code"] for a in delivery["attempts"]] == [500] * 3
    assert delivery["attempts"][0]["next_retry_at"] and delivery["attempts"][-1]["next_retry_at"] is None
    assert delivery["attempts"][0]["response_excerpt"] == "boom"
    assert {"endpoint.failing", "endpoint.disabled"} <= set(event_types(services))
    assert admin.get(f"/v1/webhook_endpoints/{watcher['id']}").json()["enabled"] is True

    # re-enabled by an admin: it receives again, failures counted afresh
    receiver.respond = lambda r: (200, {}, b"ok")
    admin.patch(f"/v1/webhook_endpoints/{failing['id']}", json={"enabled": True})
    admin.post(f"/v1/webhook_endpoints/{failing['id']}/test")
    drain(worker)
    assert deliveries(admin, failing["id"])[0]["status"] == "succeeded"
    assert admin.get(f"/v1/webhook_endpoints/{failing['id']}").json()["consecutive_failures"] == 0


def test_gone_disables_at_once(admin: TestClient, receiver: Receiver, worker: WebhookWorker) -> None:
    receiver.respond = lambda r: (410, {}, b"")
    ep = endpoint(admin, receiver.url)
    admin.post(f"/v1/webhook_endpoints/{ep['id']}/test")
    drain(worker)
    state = admin.get(f"/v1/webhook_endpoints/{ep['id']}").json()
    assert state["enabled"] is False and "410" in state["disabled_reason"]


def test_retry_after_is_honoured_on_429(admin: TestClient, receiver: Receiver, worker: WebhookWorker,
                                        clock: FakeClock) -> None:
    answers = iter([(429, {"Retry-After": "600"}, b"slow down"), (200, {}, b"ok")])
    receiver.respond = lambda r: next(answers)
    ep = endpoint(admin, receiver.url, retry_schedule=[0, 5, 5])
    admin.post(f"/v1/webhook_endpoints/{ep['id']}/test")
    drain(worker)
    clock.advance(60)
    assert drain(worker) == 0  # the schedule says 5 s, the receiver asked for 600 s
    clock.advance(541)
    assert drain(worker) == 1
    assert deliveries(admin, ep["id"])[0]["status"] == "succeeded"


def test_redirect_is_a_failure_and_not_followed(admin: TestClient, receiver: Receiver,
                                                worker: WebhookWorker) -> None:
    receiver.respond = lambda r: (302, {"Location": receiver.url + "/elsewhere"}, b"") \
        if not r.path.endswith("elsewhere") else (200, {}, b"ok")
    ep = endpoint(admin, receiver.url, retry_schedule=[0, 3600])
    admin.post(f"/v1/webhook_endpoints/{ep['id']}/test")
    drain(worker)
    assert [r.path for r in receiver.requests] == ["/hooks"]
    delivery = deliveries(admin, ep["id"])[0]
    assert delivery["status"] == "pending" and delivery["attempts"][0]["status_code"] == 302


def test_huge_response_bodies_are_truncated(admin: TestClient, receiver: Receiver, worker: WebhookWorker) -> None:
    receiver.respond = lambda r: (200, {}, b"x" * 200_000)
    ep = endpoint(admin, receiver.url)
    admin.post(f"/v1/webhook_endpoints/{ep['id']}/test")
    drain(worker)
    assert len(deliveries(admin, ep["id"])[0]["attempts"][0]["response_excerpt"]) == 1024


def test_rate_limit_defers_without_counting_attempts(admin: TestClient, services: Services, receiver: Receiver,
                                                     worker: WebhookWorker) -> None:
    ep = endpoint(admin, receiver.url, rate_limit_per_s=2)
    for _ in range(5):
        admin.post(f"/v1/webhook_endpoints/{ep['id']}/test")
    drain(worker, rounds=1)
    assert len(receiver.requests) == 2
    with services.read() as s:
        waiting = s.scalars(select(WebhookDelivery).where(WebhookDelivery.status == "pending")).all()
    assert len(waiting) == 3 and all(d.attempts == 0 for d in waiting)


def test_receiver_timeout_is_a_retryable_failure(admin: TestClient, receiver: Receiver, services: Services,
                                                 worker: WebhookWorker) -> None:
    import time

    def slow(_: object) -> tuple[int, dict[str, str], bytes]:
        time.sleep(1.0)
        return 200, {}, b"late"

    receiver.respond = slow
    worker.settings = type(worker.settings)(timeout_s=0.2, allowed_networks=services.webhook_allowed_networks)
    ep = endpoint(admin, receiver.url)
    admin.post(f"/v1/webhook_endpoints/{ep['id']}/test")
    drain(worker, rounds=1)
    attempt = deliveries(admin, ep["id"])[0]["attempts"][0]
    assert attempt["status_code"] is None and "timeout" in attempt["error"]


def test_a_success_after_failures_makes_the_endpoint_healthy_again(
        admin: TestClient, receiver: Receiver, worker: WebhookWorker, clock: FakeClock) -> None:
    receiver.respond = lambda r: (503, {}, b"busy")
    ep = endpoint(admin, receiver.url, retry_schedule=[0, 10, 10], failure_alert_threshold=2,
                  event_types=["webhook.test"])
    admin.post(f"/v1/webhook_endpoints/{ep['id']}/test")
    drain(worker)
    clock.advance(13)
    drain(worker)
    failing = admin.get(f"/v1/webhook_endpoints/{ep['id']}").json()
    assert failing["consecutive_failures"] == 2 and failing["failing_since"]
    receiver.respond = lambda r: (200, {}, b"ok")
    clock.advance(13)
    assert drain(worker) == 1
    healthy = admin.get(f"/v1/webhook_endpoints/{ep['id']}").json()
    assert healthy["consecutive_failures"] == 0 and healthy["failing_since"] is None and healthy["enabled"]
    assert deliveries(admin, ep["id"])[0]["status"] == "succeeded"
