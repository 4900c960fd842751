"""Customer-context tokens: one customer, optionally some invoices and a maximum — a pay link."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from payhub.services import Services
from tests.helpers import counts, pay_body, usd


def token(client: TestClient, **body: Any) -> str:
    response = client.post("/v1/customer_tokens", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["token"].startswith("pht_")
    return response.json()["token"]  # type: ignore[no-any-return]


@pytest.fixture
def payer(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def as_(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_pay_link_pays_exactly_its_invoices(client: TestClient, payer: TestClient, services: Services) -> None:
    link = token(client, customer="cus_acme", invoices=["inv_acme_1002"], max_amount=usd(128_000))
    assert payer.get("/v1/invoices/inv_acme_1002", headers=as_(link)).status_code == 200
    assert payer.get("/v1/invoices/inv_acme_1001", headers=as_(link)).status_code == 404  # not in the link
    assert payer.get("/v1/invoices/inv_globex_2001", headers=as_(link)).status_code == 404  # another customer
    listed = payer.get("/v1/customers/cus_acme/invoices", headers=as_(link)).json()["data"]
    assert [i["id"] for i in listed] == ["inv_acme_1002"]
    assert payer.get("/v1/customers/cus_globex/invoices", headers=as_(link)).status_code == 404

    before = counts(services)
    for body in (pay_body("inv_acme_1001", 100), pay_body("inv_globex_2001", 100),
                 {**pay_body("inv_acme_1002", 100), "unapplied": usd(50)}):
        refused = payer.post("/v1/payments", json=body, headers=as_(link))
        assert refused.status_code in (403, 404), refused.text
    assert counts(services) == before

    paid = payer.post("/v1/payments", json=pay_body("inv_acme_1002"), headers=as_(link))
    assert paid.status_code == 201, paid.text
    assert paid.json()["channel"] == "widget" and paid.json()["amount"] == usd(128_000)
    assert payer.get(f"/v1/payments/{paid.json()['id']}", headers=as_(link)).status_code == 200


def test_max_amount_and_no_admin_or_lists(client: TestClient, payer: TestClient) -> None:
    capped = token(client, customer="cus_acme", max_amount=usd(1_000))
    over = payer.post("/v1/payments", json=pay_body("inv_acme_1001", 1_001), headers=as_(capped))
    assert over.status_code == 403 and over.json()["code"] == "customer_token_scope"
    assert payer.post("/v1/payments", json=pay_body("inv_acme_1001", 1_000), headers=as_(capped)).status_code == 201
    for method, path in (("POST", "/v1/refunds"), ("GET", "/v1/webhook_endpoints"),
                         ("POST", "/v1/customer_tokens")):
        denied = payer.request(method, path, json={}, headers=as_(capped))
        assert denied.status_code == 403 and denied.json()["code"] == "customer_token_not_allowed"
    other = client.post("/v1/payments", json=pay_body("inv_globex_2001", 100)).json()
    assert payer.get(f"/v1/payments/{other['id']}", headers=as_(capped)).status_code == 404
    # the history a widget shows: its own customer's payments only, whatever it asks for
    history = payer.get("/v1/payments", headers=as_(capped)).json()["data"]
    assert history and {p["customer"] for p in history} == {"cus_acme"}
    assert other["id"] not in {p["id"] for p in history}
    assert payer.get("/v1/payments?customer=cus_globex", headers=as_(capped)).status_code == 404


def test_tokens_expire_and_are_checked_at_creation(client: TestClient, payer: TestClient,
                                                   services: Services) -> None:
    from tests.webhooks.conftest import FakeClock

    clock = FakeClock()
    services.clock = clock
    short = token(client, customer="cus_acme", expires_in_s=60)
    clock.advance(61)
    expired = payer.get("/v1/invoices/inv_acme_1001", headers=as_(short))
    assert expired.status_code == 401 and expired.json()["code"] == "invalid_customer_token"
    wrong = client.post("/v1/customer_tokens", json={"customer": "cus_acme", "invoices": ["inv_globex_2001"]})
    assert wrong.status_code == 422 and wrong.json()["code"] == "customer_mismatch"
    assert client.post("/v1/customer_tokens", json={"customer": "cus_nobody"}).status_code == 404
