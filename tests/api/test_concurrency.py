"""Concurrent operations on one payment never over-capture or over-refund."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
from fastapi.testclient import TestClient

from payhub.services import Services
from tests.helpers import pay_body, usd


def _parallel(live_url: str, key: str, path: str, bodies: list[dict]) -> list[httpx.Response]:  # type: ignore[type-arg]
    def send(body: dict) -> httpx.Response:  # type: ignore[type-arg]
        with httpx.Client(base_url=live_url, timeout=60, headers={"Authorization": f"Bearer {key}"}) as http:
            return http.post(path, json=body)

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(send, bodies))


def test_concurrent_captures_never_over_capture(live_url: str, keys: dict[str, str], client: TestClient) -> None:
    payment = client.post("/v1/payments", json=pay_body("inv_acme_1001", 50_000, capture_method="manual")).json()
    responses = _parallel(live_url, keys["payments"], f"/v1/payments/{payment['id']}/capture",
                          [{"amount": usd(20_000)}] * 10)
    ok = [r for r in responses if r.status_code == 200]
    assert len(ok) == 1, [r.text for r in responses]
    assert all(r.status_code == 409 and r.json()["code"] == "payment_state_invalid"
               for r in responses if r.status_code != 200)
    final = client.get(f"/v1/payments/{payment['id']}").json()
    assert final["amount_captured"] == usd(20_000) and len(final["postings"]) == 1
    assert client.get("/v1/invoices/inv_acme_1001").json()["balance"] == usd(132_500 - 20_000)


def test_concurrent_refunds_never_exceed_captured(live_url: str, keys: dict[str, str], client: TestClient,
                                                  services: Services) -> None:
    payment = client.post("/v1/payments", json=pay_body("inv_acme_1001", 10_000)).json()
    responses = _parallel(live_url, keys["payments"], "/v1/refunds",
                          [{"payment": payment["id"], "amount": usd(3_000)}] * 12)
    ok = [r for r in responses if r.status_code == 201]
    assert len(ok) == 3, [r.status_code for r in responses]
    assert all(r.json()["code"] == "refund_exceeds_captured" for r in responses if r.status_code != 201)
    final = client.get(f"/v1/payments/{payment['id']}").json()
    assert final["amount_refunded"] == usd(9_000) and len(final["refunds"]) == 3
    assert client.get("/v1/invoices/inv_acme_1001").json()["balance"] == usd(132_500 - 10_000 + 9_000)


def test_concurrent_payments_never_overpay_an_invoice(live_url: str, keys: dict[str, str],
                                                      client: TestClient) -> None:
    responses = _parallel(live_url, keys["payments"], "/v1/payments", [pay_body("inv_acme_1002", 50_000)] * 6)
    ok = [r for r in responses if r.status_code == 201]
    assert len(ok) == 2, [r.text for r in responses]  # 128,000 payable: two of 50,000 fit, a third does not
    refused = [r.json()["code"] for r in responses if r.status_code != 201]
    assert all(code in ("amount_exceeds_balance", "invoice_not_open") for code in refused)
    assert client.get("/v1/invoices/inv_acme_1002").json()["balance"] == usd(28_000)
