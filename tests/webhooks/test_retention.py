"""Retention: the worker's housekeeping purges finished deliveries, their attempts and delivered events
once they are older than the retention, and nothing that is still owed or needed."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from payhub.demo import DEMO_ENTITY
from payhub.services import Services
from payhub.store.models import OutboxEvent, WebhookAttempt, WebhookDelivery
from payhub.store.repo import add_event
from payhub.webhooks.worker import WebhookWorker
from tests.helpers import pay_body
from tests.webhooks.conftest import FakeClock, Receiver, drain
from tests.webhooks.test_retries import deliveries, endpoint

DAY = 24 * 3600


def count(services: Services, model: type) -> int:
    with services.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def event_ids(services: Services) -> set[str]:
    with services.read() as s:
        return set(s.scalars(select(OutboxEvent.id)))


def test_finished_history_is_purged_after_the_retention_and_what_is_owed_is_kept(
        admin: TestClient, services: Services, receiver: Receiver, worker: WebhookWorker, clock: FakeClock) -> None:
    receiver.respond = lambda r: (500, {}, b"down") if r.path.endswith("/down") else \
        (410, {}, b"") if r.path.endswith("/gone") else (200, {}, b"ok")
    ok = endpoint(admin, receiver.url + "/ok", event_types=["payment.completed", "posting.confirmed"])
    down = endpoint(admin, receiver.url + "/down", event_types=["webhook.test"], retry_schedule=[0, 3600])
    gone = endpoint(admin, receiver.url + "/gone", event_types=["webhook.test"])
    admin.post("/v1/payments", json=pay_body("inv_acme_1001", 2_500))
    owed = admin.post(f"/v1/webhook_endpoints/{down['id']}/test").json()["event"]
    admin.post(f"/v1/webhook_endpoints/{gone['id']}/test")
    drain(worker)
    admin.patch(f"/v1/webhook_endpoints/{down['id']}", json={"enabled": False})  # its delivery stays owed
    paid = {e["id"] for e in admin.get("/v1/events").json()["data"]
            if e["type"] in ("payment.completed", "posting.confirmed")}
    assert [d["status"] for d in deliveries(admin, ok["id"])] == ["succeeded", "succeeded"]
    assert deliveries(admin, down["id"])[0]["status"] == "pending"
    assert deliveries(admin, gone["id"])[0]["status"] == "failed"
    before = event_ids(services)  # the payment's 2, the 2 tests, endpoint.disabled
    assert len(before) == 5 and len(paid) == 2
    assert count(services, WebhookDelivery) == 4 and count(services, WebhookAttempt) == 4

    clock.advance(29 * DAY)  # within the retention: everything is still listed and can be replayed
    assert worker.housekeep() is True
    assert event_ids(services) == before and count(services, WebhookAttempt) == 4
    assert len(deliveries(admin, ok["id"])[0]["attempts"]) == 1
    since = (clock.now() - timedelta(days=30)).isoformat()
    assert admin.post(f"/v1/webhook_endpoints/{ok['id']}/replay", params={"since": since}).json()["replayed"] == 2
    drain(worker)  # the replays succeed now: their deliveries are 29 days younger
    with services.transaction() as s:  # written long ago but never fanned out (e.g. no worker ran since)
        undispatched = add_event(s, DEMO_ENTITY, "payment.completed", {"id": "pay_x"},
                                 clock.now() - timedelta(days=60)).id

    clock.advance(2 * DAY)  # the first deliveries are 31 days old
    assert worker.housekeep() is True
    assert [d["status"] for d in deliveries(admin, ok["id"])] == ["succeeded", "succeeded"]  # the replays
    assert deliveries(admin, gone["id"]) == []
    pending = deliveries(admin, down["id"])
    assert [d["status"] for d in pending] == ["pending"] and len(pending[0]["attempts"]) == 1
    # kept: events with a delivery (the replayed ones, the owed one) and the one never fanned out
    assert event_ids(services) == paid | {owed, undispatched}
    assert admin.get(f"/v1/events/{owed}").status_code == 200
    assert count(services, WebhookAttempt) == 3

    clock.advance(30 * DAY)
    assert worker.housekeep() is True
    assert event_ids(services) == {owed, undispatched}
    assert count(services, WebhookDelivery) == 1 and count(services, WebhookAttempt) == 1
    assert sorted(e["id"] for e in admin.get("/v1/events").json()["data"]) == sorted([owed, undispatched])
    assert deliveries(admin, down["id"])[0]["status"] == "pending"


def test_purge_runs_in_batches_and_waits_for_the_event_bus_relay(
        admin: TestClient, services: Services, receiver: Receiver, worker: WebhookWorker, clock: FakeClock) -> None:
    ep = endpoint(admin, receiver.url)
    for _ in range(7):
        admin.post(f"/v1/webhook_endpoints/{ep['id']}/test")
    drain(worker)
    with services.transaction() as s:  # an event no endpoint wants: fanned out to nobody
        add_event(s, DEMO_ENTITY, "payment.completed", {"id": "pay_y"}, clock.now())
    admin.patch(f"/v1/webhook_endpoints/{ep['id']}", json={"event_types": ["webhook.test"]})
    drain(worker)
    assert count(services, WebhookDelivery) == 7 and count(services, OutboxEvent) == 8

    worker.settings = dataclasses.replace(worker.settings, purge_batch=3, keep_unrelayed=True)
    clock.advance(31 * DAY)
    assert worker.housekeep() is True  # 3 + 3 + 1 deliveries, one transaction each
    assert count(services, WebhookDelivery) == 0 and count(services, WebhookAttempt) == 0
    assert count(services, OutboxEvent) == 8  # the relay has not published them yet

    with services.transaction() as s:
        s.execute(update(OutboxEvent).where(OutboxEvent.type == "webhook.test").values(relayed_at=clock.now()))
    assert worker.housekeep() is True
    assert event_types(services) == ["payment.completed"]

    worker.settings = dataclasses.replace(worker.settings, retention=None)  # 0 days: kept forever
    with services.transaction() as s:
        s.execute(update(OutboxEvent).values(relayed_at=clock.now()))
    assert worker.housekeep() is True and count(services, OutboxEvent) == 1


def event_types(services: Services) -> list[str]:
    with services.read() as s:
        return list(s.scalars(select(OutboxEvent.type)))
