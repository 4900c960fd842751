"""API versioning: /v2 beside /v1, dated minor versions with PayHub-Version, deprecation headers."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from payhub.api.versions import CURRENT, VERSIONS, shape
from payhub.domain.events import API_VERSION
from tests.helpers import pay_body, usd


def test_v2_payments_have_allocations_as_a_list(client: TestClient) -> None:
    body = {**pay_body("inv_acme_1001", 5_000), "unapplied": usd(700)}
    created = client.post("/v2/payments", json=body)
    assert created.status_code == 201, created.text
    payment = created.json()
    assert payment["api_version"] == "v2" and "unapplied" not in payment
    assert payment["allocations"]["object"] == "list"
    assert [(a["kind"], a["amount"]["amount"]) for a in payment["allocations"]["data"]] == [
        ("invoice", 5_000), ("unapplied", 700)]
    v1 = client.get(f"/v1/payments/{payment['id']}").json()
    assert v1["unapplied"] == usd(700) and isinstance(v1["allocations"], list)  # /v1 keeps its shape
    assert client.get(f"/v2/payments/{payment['id']}").json()["allocations"]["data"][0]["invoice"] == "inv_acme_1001"
    assert client.get("/v2/payments").json()["data"][0]["id"] == payment["id"]
    spec = client.get("/openapi.json").json()["paths"]
    assert "/v1/payments" in spec and "/v2/payments" in spec


def test_dated_minor_versions(client: TestClient) -> None:
    payment = client.post("/v1/payments", json=pay_body("inv_acme_1001", 5_000)).json()
    current = client.get(f"/v1/payments/{payment['id']}")
    assert current.headers["payhub-version"] == "2026-11-24" and "deprecation" not in current.headers
    assert "customer_details" in current.json()
    pinned = client.get(f"/v1/payments/{payment['id']}", headers={"PayHub-Version": "2026-06-01"})
    assert pinned.status_code == 200 and pinned.headers["payhub-version"] == "2026-06-01"
    assert pinned.headers["deprecation"].startswith("@") and "deprecation" in pinned.headers["link"]
    assert "customer_details" not in pinned.json() and "routing" not in pinned.json()
    unknown = client.get("/v1/payments", headers={"PayHub-Version": "1999-01-01"})
    assert unknown.status_code == 400 and unknown.json()["code"] == "api_version_unknown"


PINNED = {"PayHub-Version": "2026-06-01"}
NEWER_FIELDS = {"customer_details", "fees", "level3", "routing"}


def assert_pinned(payment: dict[str, Any]) -> None:
    assert payment["object"] == "payment" and "amount" in payment
    assert not NEWER_FIELDS & set(payment), sorted(NEWER_FIELDS & set(payment))


def test_a_pin_shapes_every_response_that_carries_a_payment(client: TestClient) -> None:
    created = client.post("/v1/payments", json=pay_body("inv_acme_1001", 5_000, capture_method="manual"),
                          headers={**PINNED, "Idempotency-Key": "pin-create"})
    assert created.status_code == 201 and created.headers["payhub-version"] == "2026-06-01"
    assert_pinned(created.json())
    assert int(created.headers["content-length"]) == len(created.content)
    replayed = client.post("/v1/payments", json=pay_body("inv_acme_1001", 5_000, capture_method="manual"),
                           headers={**PINNED, "Idempotency-Key": "pin-create"})
    assert replayed.headers.get("idempotent-replayed") == "true" and replayed.json() == created.json()
    pid = created.json()["id"]
    captured = client.post(f"/v1/payments/{pid}/capture", headers=PINNED)
    assert captured.status_code == 200, captured.text
    assert_pinned(captured.json())
    other = client.post("/v1/payments", json=pay_body("inv_acme_1002", 1_000, capture_method="manual")).json()
    assert NEWER_FIELDS <= set(other)                    # unpinned: the current shape
    voided = client.post(f"/v1/payments/{other['id']}/void", headers=PINNED)
    assert voided.status_code == 200 and voided.json()["status"] == "voided"
    assert_pinned(voided.json())
    listed = client.get("/v1/payments", headers=PINNED).json()
    assert listed["object"] == "list" and len(listed["data"]) >= 2
    for payment in listed["data"]:
        assert_pinned(payment)
    assert_pinned(client.get(f"/v1/payments/{pid}", headers=PINNED).json())
    refund = client.post("/v1/refunds", json={"payment": pid, "amount": usd(1_000)}, headers=PINNED)
    assert refund.status_code == 201 and refund.json()["object"] == "refund"
    assert NEWER_FIELDS <= set(client.get(f"/v1/payments/{pid}").json())  # the pin is per request
    assert NEWER_FIELDS <= set(client.get(f"/v2/payments/{pid}", headers=PINNED).json())  # /v1's minors only


def test_a_pin_shapes_events_and_the_payments_inside_them(client: TestClient, admin: TestClient) -> None:
    pid = client.post("/v1/payments", json=pay_body("inv_acme_1001", 5_000)).json()["id"]
    client.post("/v1/refunds", json={"payment": pid, "amount": usd(500)})
    current = admin.get("/v1/events").json()["data"]
    assert {e["type"] for e in current} >= {"payment.completed", "posting.confirmed", "payment.refunded"}
    assert all(e["api_version"] == "2026-11-24" for e in current)
    completed = next(e for e in current if e["type"] == "payment.completed")
    assert NEWER_FIELDS <= set(completed["data"])

    pinned = admin.get("/v1/events", headers=PINNED).json()["data"]
    assert [e["id"] for e in pinned] == [e["id"] for e in current]
    for event in pinned:
        assert event["api_version"] == "2026-06-01"
        data = event["data"]
        assert_pinned(data if data["object"] == "payment" else data["payment"])  # refunds, postings embed it
    one = admin.get(f"/v1/events/{completed['id']}", headers=PINNED).json()
    assert one["api_version"] == "2026-06-01" and one["deliveries"] == []
    assert_pinned(one["data"])


def test_shape_is_a_no_op_for_the_current_version_and_walks_nested_objects() -> None:
    body = {"object": "list", "data": [{"object": "payment", "fees": None, "id": "pay_1"},
                                       {"object": "refund", "payment": {"object": "payment", "routing": {}}}]}
    assert shape(CURRENT, body) is body
    assert shape("2026-06-01", body) == {"object": "list", "data": [
        {"object": "payment", "id": "pay_1"}, {"object": "refund", "payment": {"object": "payment"}}]}
    assert list(VERSIONS)[-1] == CURRENT == API_VERSION   # events are stored in the current shape
