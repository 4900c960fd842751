"""Routing through HTTP: versioned rules, simulate, failover, no failover on declines, circuit breaker."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from payhub.demo import DEMO_ENTITY
from payhub.domain.health import GatewayHealth
from payhub.erp.embedded import create_customer, create_invoice
from payhub.gateways.simulator import SimulatorGateway
from payhub.services import Services
from tests.helpers import card, pay_body, usd
from tests.webhooks.conftest import FakeClock


@pytest.fixture
def gateways(services: Services) -> dict[str, SimulatorGateway]:
    """Three gateways: a primary that times out, a healthy secondary, one that fails fast."""
    gws = {"primary": SimulatorGateway(timeout_s=0.05, name="primary", outage="timeout"),
           "secondary": SimulatorGateway(name="secondary"),
           "flaky": SimulatorGateway(name="flaky", outage="processing_error"),
           "simulator": SimulatorGateway(name="simulator")}
    services.gateways = gws
    return gws


@pytest.fixture
def admin(app: FastAPI, keys: dict[str, str], gateways: dict[str, SimulatorGateway]) -> Iterator[TestClient]:
    with TestClient(app, headers={"Authorization": f"Bearer {keys['admin']}"}) as client:
        yield client


def put_rules(admin: TestClient, rules: list[dict], default: list[str], **extra: object) -> dict:  # type: ignore[type-arg]
    response = admin.put("/v1/routing/rules", json={"rules": rules, "default": default, **extra})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_timeout_never_fails_over_and_the_same_key_learns_the_outcome(
        admin: TestClient, gateways: dict[str, SimulatorGateway]) -> None:
    put_rules(admin, [], ["primary", "secondary"])
    key = {"Idempotency-Key": "timeout-then-retry"}
    response = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 2_000), headers=key)
    assert response.status_code == 504 and response.json()["code"] == "gateway_timeout"
    assert response.json()["payment_status"] == "unknown"
    payment = admin.get(f"/v1/payments/{response.json()['payment']}").json()
    assert payment["status"] == "unknown"  # never "failed": the primary may have charged
    assert [(a["gateway"], a["error_class"]) for a in payment["routing"]["attempts"]] == [
        ("primary", "GatewayTimeout"), ("primary", "GatewayTimeout")]  # replayed with its key, no failover
    assert gateways["secondary"].charges == {}
    # the unknown payment keeps holding the invoice
    assert admin.get("/v1/invoices/inv_acme_1001").json()["amount_payable"]["amount"] == 132_500 - 2_000
    gateways["primary"].outage = None
    retried = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 2_000), headers=key)
    assert retried.status_code == 201, retried.text
    assert retried.json()["id"] == payment["id"] and retried.json()["status"] == "captured"
    assert retried.json()["gateway"]["name"] == "primary"
    assert list(gateways["primary"].charges) == [f"{payment['id']}:primary"] and gateways["secondary"].charges == {}
    refund = admin.post("/v1/refunds", json={"payment": payment["id"], "amount": {"amount": 500, "currency": "USD"}})
    assert refund.status_code == 201


def test_hard_decline_never_fails_over(admin: TestClient, gateways: dict[str, SimulatorGateway]) -> None:
    put_rules(admin, [], ["secondary", "simulator"])
    response = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 2_000, method=card("4000000000000002")))
    assert response.status_code == 402 and response.json()["code"] == "card_declined"
    assert [a["gateway"] for a in response.json()["attempts"]] == ["secondary"]
    failed = admin.get(f"/v1/payments/{response.json()['payment']}").json()
    assert failed["status"] == "failed" and len(failed["routing"]["attempts"]) == 1
    assert gateways["simulator"].charges == {}


def test_rules_pick_gateways_and_payments_record_the_version(admin: TestClient) -> None:
    put_rules(admin, [{"id": "amex", "priority": 1, "when": {"card_brands": ["amex"]}, "gateways": ["secondary"]}],
              ["simulator"])
    v2 = put_rules(admin, [{"id": "big", "priority": 1, "when": {"amount_min": 5_000}, "gateways": ["secondary"]}],
                   ["simulator"])
    assert v2["version"] == 2
    small = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 4_999)).json()
    big = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 5_000)).json()
    assert small["gateway"]["name"] == "simulator" and small["routing"]["rule"] is None
    assert big["gateway"]["name"] == "secondary" and big["routing"] == {
        "rule_set_version": 2, "rule": "big", "reasons": ["big: matched"], "attempts": big["routing"]["attempts"]}
    versions = admin.get("/v1/routing/rules/versions").json()["data"]
    assert [v["version"] for v in versions] == [2, 1]
    assert admin.get("/v1/audit_events").json()["data"][0]["action"] == "routing_rules.updated"


def test_simulate_explains_without_moving_money(admin: TestClient, services: Services) -> None:
    put_rules(admin, [{"id": "mc", "priority": 5, "when": {"card_brands": ["mastercard"]}, "gateways": ["secondary"]},
                      {"id": "split", "priority": 9, "split": {"secondary": 70, "simulator": 30}}], ["simulator"])
    answer = admin.post("/v1/routing/simulate", json={"amount": {"amount": 1000, "currency": "USD"},
                                                      "card": {"number": "5555555555554444"}}).json()
    assert answer["rule"] == "mc" and answer["candidates"] == ["secondary", "simulator"]
    assert answer["reasons"] == ["mc: matched"] and answer["circuits"] == {"secondary": "closed", "simulator": "closed"}
    visa = admin.post("/v1/routing/simulate", json={"amount": {"amount": 1000, "currency": "USD"},
                                                    "card": {"brand": "visa"}}).json()
    assert visa["rule"] == "split" and visa["reasons"][0].startswith("mc: skipped (card brand visa")
    assert admin.get("/v1/payments").json()["data"] == []


@pytest.mark.parametrize(("body", "field"), [
    ({"default": ["ghost"]}, "default[0]"),
    ({"default": ["simulator"], "rules": [{"id": "a", "priority": 1, "gateways": ["secondary"]},
                                          {"id": "b", "priority": 1, "gateways": ["simulator"]}]}, "rules[1].priority"),
    ({"default": ["simulator"], "rules": [{"id": "a", "priority": 1, "split": {"secondary": 0}}]},
     "rules[0].split.secondary"),
])
def test_bad_rules_are_problem_json(admin: TestClient, body: dict, field: str) -> None:  # type: ignore[type-arg]
    response = admin.put("/v1/routing/rules", json=body)
    assert response.status_code == 422 and response.json()["code"] == "routing_rules_invalid"
    assert response.json()["errors"][0]["field"] == field
    assert admin.get("/v1/routing/rules").json()["version"] == 0  # nothing stored


def test_a_removed_gateway_falls_back_instead_of_failing(admin: TestClient, services: Services) -> None:
    put_rules(admin, [{"id": "all", "priority": 1, "gateways": ["secondary"]}], ["simulator"])
    services.gateways = {k: v for k, v in services.gateways.items() if k != "secondary"}  # credentials pulled
    payment = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 1_000))
    assert payment.status_code == 201 and payment.json()["gateway"]["name"] == "simulator"
    assert payment.json()["routing"]["reasons"] == [
        "all: gateway(s) secondary not configured",
        "all: matched but no usable gateway; falling back to the default route", "default route"]


def test_circuit_breaker_skips_a_failing_gateway_then_tries_it_again(
        admin: TestClient, services: Services, gateways: dict[str, SimulatorGateway]) -> None:
    clock = FakeClock()
    services.clock = clock
    services.health = GatewayHealth(threshold=3, cool_down=timedelta(seconds=60))
    put_rules(admin, [], ["flaky", "secondary"])
    for _ in range(3):
        paid = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 100)).json()
        assert paid["routing"]["attempts"][0]["result"] == "failed"
    skipped = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 100)).json()
    assert skipped["routing"]["attempts"][0] == {"gateway": "flaky", "result": "skipped", "latency_ms": 0,
                                                 "error_class": "CircuitOpen", "error_code": "circuit_open"}
    assert admin.post("/v1/routing/simulate", json={"amount": {"amount": 100, "currency": "USD"}}
                      ).json()["circuits"]["flaky"] == "open"
    clock.advance(61)
    gateways["flaky"].outage = None  # it recovered: the half-open trial succeeds and closes the circuit
    trial = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 100)).json()
    assert trial["gateway"]["name"] == "flaky"
    assert services.health.states(clock.now())["flaky"] == "closed"


def test_rules_on_erp_invoice_and_customer_metadata_route_real_payments(admin: TestClient, services: Services) -> None:
    """Metadata comes from the ERP's customer and invoices, as `/v1/routing/simulate` takes it; a rule on invoice
    metadata holds only when every invoice the payment pays says so. The payment's own metadata is not the
    customer's."""
    today = date.today()
    with services.transaction() as s:
        create_customer(s, DEMO_ENTITY, "cus_meta", "Meta Corp", metadata={"tier": "gold"})
        for invoice_id, division in (("inv_meta_eu", "eu"), ("inv_meta_eu2", "eu"), ("inv_meta_us", "us")):
            create_invoice(s, company_id=DEMO_ENTITY, customer_id="cus_meta", invoice_id=invoice_id,
                           number=invoice_id.upper(), currency="USD", lines=[("Service", 1, 50_000)], terms="Net 30",
                           issued_on=today, due_on=today + timedelta(days=30), metadata={"division": division})
    put_rules(admin, [
        {"id": "eu", "priority": 1, "when": {"invoice_metadata": {"division": "eu"}}, "gateways": ["secondary"]},
        {"id": "gold", "priority": 2, "when": {"customer_metadata": {"tier": "gold"}}, "gateways": ["simulator"]},
    ], ["simulator"])

    def routed(*invoices: str, **extra: object) -> tuple[str, str | None]:
        body = {"allocations": [{"invoice": i, "amount": usd(1_000)} for i in invoices], "payment_method": card(),
                **extra}
        response = admin.post("/v1/payments", json=body)
        assert response.status_code == 201, response.text
        return response.json()["gateway"]["name"], response.json()["routing"]["rule"]

    assert routed("inv_meta_eu") == ("secondary", "eu")
    assert routed("inv_meta_eu", "inv_meta_eu2") == ("secondary", "eu")
    assert routed("inv_meta_eu", "inv_meta_us") == ("simulator", "gold")  # not every invoice is "eu"
    assert routed("inv_meta_us") == ("simulator", "gold")
    # a customer without that metadata does not match, whatever the payment's own metadata says
    assert routed("inv_acme_1001", metadata={"tier": "gold", "division": "eu"}) == ("simulator", None)
