"""End to end: payment events reach a real receiver, signed so that `standardwebhooks` verifies them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from payhub.webhooks.worker import WebhookWorker
from tests.helpers import pay_body
from tests.webhooks.conftest import Receiver, drain


def create_endpoint(admin: TestClient, url: str, **fields: object) -> dict:  # type: ignore[type-arg]
    response = admin.post("/v1/webhook_endpoints", json={"url": url, **fields})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_payment_events_arrive_signed_and_verifiable(admin: TestClient, receiver: Receiver,
                                                     worker: WebhookWorker) -> None:
    endpoint = create_endpoint(admin, receiver.url)
    assert endpoint["secret"].startswith("whsec_")
    assert "secret" not in admin.get(f"/v1/webhook_endpoints/{endpoint['id']}").json()  # shown once
    payment = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 2_500)).json()

    assert drain(worker) == 2
    verifier = Webhook(endpoint["secret"])
    # deliveries go out concurrently, so arrival order is not event order: order by event id (time-ordered)
    events = sorted((verifier.verify(r.body, r.headers) for r in receiver.requests), key=lambda e: e["id"])
    assert [e["type"] for e in events] == ["payment.completed", "posting.confirmed"]
    completed, confirmed = events
    assert set(completed) == {"id", "type", "created_at", "api_version", "data"}
    assert completed["data"]["id"] == payment["id"] and completed["data"]["customer"] == "cus_acme"
    assert completed["data"]["customer_details"] == {"name": "Acme Builders LLC", "email": "ap@acme.example"}
    assert confirmed["data"]["erp_reference"] == payment["posting"]["erp_reference"]
    assert confirmed["data"]["payment"]["id"] == payment["id"]
    assert sorted(receiver.ids()) == [completed["id"], confirmed["id"]]

    deliveries = admin.get(f"/v1/webhook_endpoints/{endpoint['id']}/deliveries").json()["data"]
    assert [d["status"] for d in deliveries] == ["succeeded", "succeeded"]
    attempt = deliveries[0]["attempts"][0]
    assert attempt["status_code"] == 200 and attempt["response_excerpt"] == "ok" and attempt["latency_ms"] >= 0


def test_tampered_body_and_old_timestamp_are_rejected_by_the_client(admin: TestClient, receiver: Receiver,
                                                                    worker: WebhookWorker) -> None:
    endpoint = create_endpoint(admin, receiver.url)
    admin.post("/v1/payments", json=pay_body("inv_acme_1001", 2_500))
    drain(worker)
    request = receiver.requests[0]
    verifier = Webhook(endpoint["secret"])
    verifier.verify(request.body, request.headers)
    with pytest.raises(WebhookVerificationError):
        verifier.verify(request.body.replace(b"2500", b"2501"), request.headers)
    with pytest.raises(WebhookVerificationError):
        reserialised = json.dumps(json.loads(request.body), indent=2).encode()
        verifier.verify(reserialised, request.headers)
    old = {**request.headers,
           "webhook-timestamp": str(int((datetime.now(UTC) - timedelta(minutes=10)).timestamp()))}
    with pytest.raises(WebhookVerificationError):
        verifier.verify(request.body, old)
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB").verify(request.body, request.headers)


def test_rotation_signs_with_both_secrets_during_the_overlap(admin: TestClient, receiver: Receiver,
                                                             worker: WebhookWorker) -> None:
    endpoint = create_endpoint(admin, receiver.url)
    rotated = admin.post(f"/v1/webhook_endpoints/{endpoint['id']}/rotate_secret",
                         json={"overlap_seconds": 3600}).json()
    assert rotated["secret"] != endpoint["secret"] and rotated["previous_secret_expires_at"]
    admin.post(f"/v1/webhook_endpoints/{endpoint['id']}/test")
    drain(worker)
    request = receiver.requests[-1]
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    for secret in (endpoint["secret"], rotated["secret"]):
        assert Webhook(secret).verify(request.body, request.headers)["type"] == "webhook.test"

    admin.post(f"/v1/webhook_endpoints/{endpoint['id']}/rotate_secret", json={"overlap_seconds": 0})
    admin.post(f"/v1/webhook_endpoints/{endpoint['id']}/test")
    drain(worker)
    last = receiver.requests[-1]
    assert len(last.headers["webhook-signature"].split(" ")) == 1
    with pytest.raises(WebhookVerificationError):
        Webhook(rotated["secret"]).verify(last.body, last.headers)


def test_event_type_filters_and_several_endpoints(admin: TestClient, receiver: Receiver,
                                                  worker: WebhookWorker) -> None:
    create_endpoint(admin, receiver.url + "/all")
    create_endpoint(admin, receiver.url + "/postings", event_types=["posting.confirmed", "posting.failed"])
    create_endpoint(admin, receiver.url + "/off", enabled=False)
    admin.post("/v1/payments", json=pay_body("inv_acme_1001", 2_500))
    drain(worker)
    paths = sorted(r.path for r in receiver.requests)
    assert paths == ["/hooks/all", "/hooks/all", "/hooks/postings"]


def test_catalogue_events_and_redelivery(admin: TestClient, receiver: Receiver, worker: WebhookWorker) -> None:
    types = {t["name"]: t for t in admin.get("/v1/event_types").json()["data"]}
    seed = {"payment.completed", "payment.failed", "payment.refunded", "dispute.opened", "dispute.resolved",
            "posting.confirmed", "posting.failed", "reconciliation.exception", "autopay.enrolled"}
    assert seed <= set(types)
    assert types["payment.completed"]["schema"]["properties"]["posting"]
    assert "erp_reference" in types["posting.confirmed"]["schema"]["properties"]

    endpoint = create_endpoint(admin, receiver.url)
    admin.post("/v1/payments", json=pay_body("inv_acme_1001", 2_500))
    drain(worker)
    events = admin.get("/v1/events", params={"type": "payment.completed"}).json()["data"]
    assert len(events) == 1
    event = admin.get(f"/v1/events/{events[0]['id']}").json()
    assert event["deliveries"][0]["status"] == "succeeded"

    again = admin.post(f"/v1/events/{event['id']}/redeliver")
    assert again.status_code == 202 and len(again.json()["deliveries"]) == 1
    drain(worker)
    assert receiver.ids().count(event["id"]) == 2  # same webhook-id: the receiver can dedupe

    since = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    replayed = admin.post(f"/v1/webhook_endpoints/{endpoint['id']}/replay", params={"since": since}).json()
    assert replayed["replayed"] == 2
    drain(worker)
    assert len(receiver.requests) == 5


def test_private_addresses_are_refused_unless_allowed(admin: TestClient, services: object) -> None:
    for url in ("http://10.1.2.3/hook", "http://127.0.0.1:9/hook", "http://localhost/hook",
                "http://169.254.169.254/latest", "ftp://example.com/x", "http://user:pw@example.com/"):
        response = admin.post("/v1/webhook_endpoints", json={"url": url})
        assert response.status_code == 422 and response.json()["code"] == "url_not_allowed", url
    assert admin.post("/v1/webhook_endpoints", json={"url": "https://hooks.example.com/payhub"}).status_code == 201


def test_delivery_time_guard_blocks_a_private_receiver(admin: TestClient, receiver: Receiver,
                                                       worker: WebhookWorker, services: object) -> None:
    endpoint = create_endpoint(admin, receiver.url)  # allowed when created…
    worker.settings = type(worker.settings)(timeout_s=2.0, allowed_networks=())  # …but not by this worker
    admin.post(f"/v1/webhook_endpoints/{endpoint['id']}/test")
    drain(worker, rounds=1)
    assert receiver.requests == []
    attempt = admin.get(f"/v1/webhook_endpoints/{endpoint['id']}/deliveries").json()["data"][0]["attempts"][0]
    assert attempt["status_code"] is None and attempt["error"].startswith("blocked")


def test_endpoint_crud_and_validation(admin: TestClient, app: FastAPI, keys: dict[str, str]) -> None:
    bad = admin.post("/v1/webhook_endpoints", json={"url": "https://x.example/h", "event_types": ["nope"]})
    assert bad.status_code == 422 and bad.json()["code"] == "validation_error"
    bad = admin.post("/v1/webhook_endpoints", json={"url": "https://x.example/h", "retry_schedule": [-1]})
    assert bad.status_code == 422
    endpoint = create_endpoint(admin, "https://x.example/h", description="ERP sync",
                               retry_schedules={"posting.failed": [0, 1, 2]}, rate_limit_per_s=5)
    patched = admin.patch(f"/v1/webhook_endpoints/{endpoint['id']}", json={"description": "new", "enabled": False})
    assert patched.json()["description"] == "new" and patched.json()["enabled"] is False
    assert [e["id"] for e in admin.get("/v1/webhook_endpoints").json()["data"]] == [endpoint["id"]]
    with TestClient(app, headers={"Authorization": f"Bearer {keys['payments']}"}) as payments:
        assert payments.get("/v1/webhook_endpoints").status_code == 403
        assert payments.get("/v1/events").status_code == 200
    assert admin.delete(f"/v1/webhook_endpoints/{endpoint['id']}").status_code == 204
    assert admin.get(f"/v1/webhook_endpoints/{endpoint['id']}").status_code == 404
    trail = [a["action"] for a in admin.get("/v1/audit_events").json()["data"]]
    assert trail == ["webhook_endpoint.deleted", "webhook_endpoint.updated", "webhook_endpoint.created"]


def test_an_endpoint_pinned_to_a_version_gets_events_in_that_shape(admin: TestClient, receiver: Receiver,
                                                                   worker: WebhookWorker) -> None:
    pinned = create_endpoint(admin, receiver.url + "/pinned", api_version="2026-06-01",
                             event_types=["payment.completed"])
    current = create_endpoint(admin, receiver.url + "/current", event_types=["payment.completed"])
    assert pinned["api_version"] == "2026-06-01" and current["api_version"] is None  # null: always current
    by_header = admin.post("/v1/webhook_endpoints", json={"url": receiver.url + "/x", "enabled": False},
                           headers={"PayHub-Version": "2026-06-01"}).json()
    assert by_header["api_version"] == "2026-06-01"          # a pinned integration gets pinned events
    bad = admin.post("/v1/webhook_endpoints", json={"url": receiver.url, "api_version": "2020-01-01"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"].endswith("api_version")

    payment = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 2_500)).json()
    assert drain(worker) == 2
    bodies = {r.path.rsplit("/", 1)[1]: r for r in receiver.requests}
    old = Webhook(pinned["secret"]).verify(bodies["pinned"].body, bodies["pinned"].headers)  # signed as sent
    new = Webhook(current["secret"]).verify(bodies["current"].body, bodies["current"].headers)
    assert old["id"] == new["id"] and old["data"]["id"] == new["data"]["id"] == payment["id"]
    assert old["api_version"] == "2026-06-01" and new["api_version"] == "2026-11-24"
    assert "customer_details" not in old["data"] and "routing" not in old["data"]
    assert new["data"]["customer_details"]["name"] == "Acme Builders LLC"

    unpinned = admin.patch(f"/v1/webhook_endpoints/{pinned['id']}", json={"api_version": None}).json()
    assert unpinned["api_version"] is None
