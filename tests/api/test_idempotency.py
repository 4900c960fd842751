"""Idempotency-Key exactly as CONVENTIONS.md says, including under concurrency."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from payhub.services import Services
from payhub.store.models import IdempotencyRecord
from tests.helpers import card, counts, pay_body, usd


def test_same_key_same_body_replays_the_first_response(client: TestClient, services: Services) -> None:
    body = pay_body("inv_acme_1001", 1_000)
    first = client.post("/v1/payments", json=body, headers={"Idempotency-Key": "k-1"})
    again = client.post("/v1/payments", json=body, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert again.json() == first.json()
    assert counts(services)[0] == 1


def test_same_key_different_body_is_refused(client: TestClient, services: Services) -> None:
    client.post("/v1/payments", json=pay_body("inv_acme_1001", 1_000), headers={"Idempotency-Key": "k-2"})
    other = client.post("/v1/payments", json=pay_body("inv_acme_1001", 2_000), headers={"Idempotency-Key": "k-2"})
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert counts(services)[0] == 1


def test_failed_validation_stores_nothing_so_the_key_can_be_reused(client: TestClient, services: Services) -> None:
    bad = client.post("/v1/payments", json=pay_body("inv_nope", 1_000), headers={"Idempotency-Key": "k-3"})
    assert bad.status_code == 404 and bad.json()["code"] == "invoice_not_found"
    too_much = client.post("/v1/payments", json=pay_body("inv_acme_1001", 10**9), headers={"Idempotency-Key": "k-3"})
    assert too_much.status_code == 422
    fixed = client.post("/v1/payments", json=pay_body("inv_acme_1001", 1_000), headers={"Idempotency-Key": "k-3"})
    assert fixed.status_code == 201 and "Idempotent-Replayed" not in fixed.headers


def test_a_recorded_decline_is_replayed_not_retried(client: TestClient, services: Services) -> None:
    body = pay_body("inv_acme_1001", 1_000, method=card("4000000000000002"))
    first = client.post("/v1/payments", json=body, headers={"Idempotency-Key": "k-4"})
    again = client.post("/v1/payments", json=body, headers={"Idempotency-Key": "k-4"})
    assert first.status_code == again.status_code == 402
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert counts(services)[0] == 1


def test_key_length_limit(client: TestClient) -> None:
    ok = client.post("/v1/payments", json=pay_body("inv_acme_1001", 1_000), headers={"Idempotency-Key": "x" * 255})
    assert ok.status_code == 201
    long = client.post("/v1/payments", json=pay_body("inv_acme_1001", 1_000), headers={"Idempotency-Key": "y" * 256})
    assert long.status_code == 422 and long.json()["code"] == "idempotency_key_invalid"


def test_capture_and_refund_are_idempotent(client: TestClient) -> None:
    payment = client.post("/v1/payments", json=pay_body("inv_acme_1001", 9_000, capture_method="manual")).json()
    for _ in range(2):
        r = client.post(f"/v1/payments/{payment['id']}/capture", json={}, headers={"Idempotency-Key": "cap"})
        assert r.status_code == 200, r.text
    refunds = [client.post("/v1/refunds", json={"payment": payment["id"], "amount": usd(1_000)},
                           headers={"Idempotency-Key": "rf"}) for _ in range(3)]
    assert {r.json()["id"] for r in refunds} == {refunds[0].json()["id"]}
    assert client.get(f"/v1/payments/{payment['id']}").json()["amount_refunded"] == usd(1_000)


def test_fifty_concurrent_requests_with_one_key_create_one_payment(
        live_url: str, keys: dict[str, str], services: Services) -> None:
    body = pay_body("inv_acme_1001", 1_234)
    headers = {"Authorization": f"Bearer {keys['payments']}", "Idempotency-Key": "same-key"}

    def send(_: int) -> httpx.Response:
        with httpx.Client(base_url=live_url, timeout=60) as http:
            return http.post("/v1/payments", json=body, headers=headers)

    with ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(send, range(50)))
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {201, 409}, statuses
    created = {r.json()["id"] for r in responses if r.status_code == 201}
    assert len(created) == 1
    assert all(r.json()["code"] == "idempotency_key_in_use" for r in responses if r.status_code == 409)
    assert counts(services)[0] == 1
    replay = httpx.post(f"{live_url}/v1/payments", json=body, headers=headers)
    assert replay.status_code == 201 and replay.json()["id"] in created


def test_keys_are_scoped_to_the_caller(client: TestClient, app: FastAPI, services: Services) -> None:
    """A customer token that sends an admin's key and body never receives the admin's stored response."""
    body = pay_body("inv_acme_1001", 1_000)
    first = client.post("/v1/payments", json=body, headers={"Idempotency-Key": "shared"})
    assert first.status_code == 201
    token = client.post("/v1/customer_tokens", json={"customer": "cus_acme"}).json()["token"]
    with TestClient(app) as payer:
        theirs = payer.post("/v1/payments", json=body,
                            headers={"Idempotency-Key": "shared", "Authorization": f"Bearer {token}"})
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs.headers
    assert theirs.json()["id"] != first.json()["id"]  # its own payment, under its own record
    assert counts(services)[0] == 2


def test_every_post_honours_the_key(admin: TestClient, services: Services) -> None:
    """Not only payments: an admin write replays its stored answer and is not done twice."""
    body = {"url": "https://hooks.example.com/payhub", "event_types": ["payment.completed"]}
    first = admin.post("/v1/webhook_endpoints", json=body, headers={"Idempotency-Key": "we-1"})
    again = admin.post("/v1/webhook_endpoints", json=body, headers={"Idempotency-Key": "we-1"})
    assert first.status_code == again.status_code == 201, first.text
    assert again.headers["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]
    assert again.json()["secret"] == first.json()["secret"]  # shown once, replayed to the same caller
    with services.read() as s:  # and stored sealed, never in clear
        stored = " ".join(body or "" for body in s.scalars(select(IdempotencyRecord.response_body)))
    assert first.json()["secret"] not in stored and "whsec_" not in stored
    assert len(admin.get("/v1/webhook_endpoints").json()["data"]) == 1
    other = admin.post("/v1/webhook_endpoints", json={**body, "event_types": ["payment.failed"]},
                       headers={"Idempotency-Key": "we-1"})
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    refused = admin.post("/v1/webhook_endpoints", json={"url": "not a url"}, headers={"Idempotency-Key": "we-2"})
    assert refused.status_code == 422
    fixed = admin.post("/v1/webhook_endpoints", json=body | {"url": "https://hooks.example.com/other"},
                       headers={"Idempotency-Key": "we-2"})
    assert fixed.status_code == 201 and "Idempotent-Replayed" not in fixed.headers
