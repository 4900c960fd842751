"""API versioning: /v2 beside /v1, dated minor versions with PayHub-Version, deprecation headers."""

from __future__ import annotations

from fastapi.testclient import TestClient

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
