"""Fee policies through HTTP: quotes, surcharges with caps, debit and waivers, GL revenue lines, Level 2/3."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from payhub.erp.embedded import ErpCustomer
from payhub.services import Services
from tests.helpers import ach, card, counts, pay_body, usd

POLICY: dict[str, Any] = {
    "convenience_fees": [
        {"priority": 10, "name": "ACH", "methods": ["ach"], "currency": "USD", "flat": 150},
        {"priority": 20, "name": "Cards", "methods": ["card"], "percent": "2.5", "minimum": 195, "currency": "USD"}],
    "surcharge": {"percent": "3", "jurisdiction_caps": {"US-CO": "2", "US-CT": "0"}},
    "waivers": [{"segment": "nonprofit", "convenience_fee": True, "surcharge": True}],
}
DEBIT = "4000056655665556"


@pytest.fixture
def admin(app: FastAPI, keys: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(app, headers={"Authorization": f"Bearer {keys['admin']}"}) as client:
        stored = client.put("/v1/fee_policy", json=POLICY)
        assert stored.status_code == 200, stored.text
        yield client


def quote(admin: TestClient, **extra: Any) -> dict[str, Any]:
    body = {**pay_body("inv_acme_1001", 10_000), **extra}
    response = admin.post("/v1/payments/quote", json=body)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


@pytest.mark.parametrize(("extra", "fee", "surcharge"), [
    ({"payer_jurisdiction": "US-NY"}, 0, 300),                          # credit card: 3 %, no convenience fee too
    ({"payer_jurisdiction": "US-CO"}, 0, 200),                          # capped at 2 % in Colorado
    ({"payer_jurisdiction": "US-CT"}, 250, 0),                          # prohibited: the card fee applies instead
    ({}, 250, 0),                                                       # unknown jurisdiction: no surcharge
    ({"payer_jurisdiction": "US-NY", "payment_method": card(DEBIT)}, 250, 0),   # never on debit
    ({"payment_method": ach()}, 150, 0),
])
def test_quotes(admin: TestClient, services: Services, extra: dict[str, Any], fee: int, surcharge: int) -> None:
    before = counts(services)
    q = quote(admin, **extra)
    assert (q["convenience_fee"], q["surcharge"]) == (usd(fee), usd(surcharge))
    assert q["total"] == usd(10_000 + fee + surcharge) and q["explanation"] and "half-even" in q["rounding"]
    assert counts(services) == before  # a quote writes nothing


def test_surcharged_payment_posts_fee_revenue_and_pays_only_the_invoice(admin: TestClient) -> None:
    payment = admin.post("/v1/payments", json={**pay_body("inv_acme_1001", 10_000), "payer_jurisdiction": "US-NY"})
    assert payment.status_code == 201, payment.text
    body = payment.json()
    assert body["amount"] == usd(10_300) and body["fees"]["surcharge"] == usd(300)
    assert body["allocations"][0]["amount"] == usd(10_000) and body["unapplied"] == usd(0)
    assert [(e["account"], e["debit"], e["credit"]) for e in body["posting"]["entries"]] == [
        ("1150", 10_300, 0), ("4110", 0, 300), ("1200", 0, 10_000)]
    assert admin.get("/v1/invoices/inv_acme_1001").json()["balance"] == usd(132_500 - 10_000)
    # a partial refund returns the surcharge pro rata, as the capture took it: 10000 × 300/10300 = 291.26 → 291
    refund = admin.post("/v1/refunds", json={"payment": body["id"], "amount": usd(10_000)}).json()
    assert [(e["account"], e["debit"]) for e in refund["posting"]["entries"] if e["debit"]] == [
        ("4110", 291), ("1200", 9_709)]


@pytest.mark.parametrize(("rule", "fee", "invoice"), [
    (None, 122, 4_878),  # the default, proportional: 5000 × 250 / 10250 = 121.95 → 122 to the fee
    ("proportional", 122, 4_878),
    ("fees_first", 250, 4_750),
])
def test_partial_capture_splits_fee_and_invoice_as_the_entity_says(
        admin: TestClient, rule: str | None, fee: int, invoice: int) -> None:
    if rule is not None:
        changed = admin.patch("/v1/entities/ent_demo", json={"capture_fee_allocation": rule})
        assert changed.status_code == 200 and changed.json()["capture_fee_allocation"] == rule
    assert admin.get("/v1/entities/ent_demo").json()["capture_fee_allocation"] == (rule or "proportional")
    auth = admin.post("/v1/payments", json={**pay_body("inv_acme_1002", 10_000, method=card(DEBIT)),
                                            "capture_method": "manual"}).json()
    assert auth["amount"] == usd(10_250) and auth["fees"]["convenience_fee"] == usd(250)
    captured = admin.post(f"/v1/payments/{auth['id']}/capture", json={"amount": usd(5_000)}).json()
    assert [(e["account"], e["credit"]) for e in captured["posting"]["entries"] if e["credit"]] == [
        ("4100", fee), ("1200", invoice)]
    assert captured["allocations"][0]["amount_captured"] == usd(invoice)
    assert admin.get("/v1/invoices/inv_acme_1002").json()["balance"] == usd(128_000 - invoice)


def test_capture_fee_allocation_is_validated(admin: TestClient) -> None:
    refused = admin.patch("/v1/entities/ent_demo", json={"capture_fee_allocation": "fees_last"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"].endswith("capture_fee_allocation")


def test_capture_fee_allocation_is_configuration_as_code(admin: TestClient) -> None:
    document = "version: 1\nentities:\n  ent_demo:\n    capture_fee_allocation: fees_first\n"
    plan = admin.post("/v1/config/plan", json={"document": document})
    assert plan.status_code == 200 and plan.json()["counts"]["update"] == 1, plan.text
    applied = admin.post("/v1/config/apply", json={"document": document, "base_version": plan.json()["base_version"]})
    assert applied.status_code == 200, applied.text
    assert admin.get("/v1/entities/ent_demo").json()["capture_fee_allocation"] == "fees_first"
    assert "capture_fee_allocation: fees_first" in admin.get("/v1/config/export").text
    bad = admin.post("/v1/config/plan", json={"document": document.replace("fees_first", "invoice_first")})
    assert bad.status_code == 422 and "capture_fee_allocation" in bad.text


def test_waiver_by_customer_segment_from_the_erp(admin: TestClient, services: Services) -> None:
    with services.transaction() as s:
        customer = s.get(ErpCustomer, "cus_initech")
        assert customer is not None
        customer.segment = "nonprofit"
    q = admin.post("/v1/payments/quote", json={**pay_body("inv_initech_3001", 10_000),
                                               "payer_jurisdiction": "US-NY"}).json()
    assert (q["convenience_fee"], q["surcharge"]) == (usd(0), usd(0))
    assert q["surcharge_waived"] is True


def test_bad_fee_policies_are_refused_with_the_field(admin: TestClient) -> None:
    for policy, field in [({"convenience_fees": [{"priority": 1, "percent": "-1"}]}, "convenience_fees[0].percent"),
                          ({"surcharge": {"percent": "4"}}, "surcharge.percent"),
                          ({"convenience_fees": [{"priority": 1, "percent": "1"},
                                                 {"priority": 1, "percent": "2"}]}, "convenience_fees[1].priority")]:
        response = admin.put("/v1/fee_policy", json=policy)
        assert response.status_code == 422 and response.json()["code"] == "fee_policy_invalid"
        assert response.json()["errors"][0]["field"] == field
    current = admin.get("/v1/fee_policy").json()
    assert current["version"] == 1 and current["policy"]["surcharge"]["percent"] == "3"


def test_level3_data_comes_from_the_invoice_lines(admin: TestClient) -> None:
    payment = admin.post("/v1/payments", json={**pay_body("inv_acme_1001", 10_000, method=card(DEBIT)),
                                               "customer_po": "PO-7781"}).json()
    level3 = payment["level3"]
    assert level3["customer_po"] == "PO-7781" and level3["merchant_reference"] == "INV-1001"
    assert [(l["description"], l["quantity"], l["unit_cost"]["amount"]) for l in level3["line_items"]] == [
        ("Steel beams", 10, 12_500), ("Delivery", 1, 7_500)]
    assert level3["tax_amount"] == usd(0)
