"""The pipeline refuses what the payment's gateway cannot do before anything is written or sent."""

from __future__ import annotations

from fastapi.testclient import TestClient

from payhub.gateways.simulator import SimulatorGateway
from payhub.ports import FIND_CHARGE, SETTLEMENT_REPORTS
from payhub.services import Services
from tests.helpers import pay_body, usd


class FullRefundsOnly(SimulatorGateway):
    capabilities = frozenset({SETTLEMENT_REPORTS, FIND_CHARGE})


def test_a_partial_refund_on_a_gateway_without_partial_refunds_is_refused_first(client: TestClient,
                                                                                 services: Services) -> None:
    gateway = FullRefundsOnly(timeout_s=0.05)
    services.gateways = {"simulator": gateway}
    payment = client.post("/v1/payments", json=pay_body("inv_acme_1002", 5_000)).json()
    refused = client.post("/v1/refunds", json={"payment": payment["id"], "amount": usd(1_000)},
                          headers={"Idempotency-Key": "partial-1"})
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert body["code"] == "capability_unsupported" and body["capability"] == "refund_partial"
    assert gateway.operations == {} and client.get(f"/v1/payments/{payment['id']}").json()["refunds"] == []
    full = client.post("/v1/refunds", json={"payment": payment["id"]}, headers={"Idempotency-Key": "partial-1"})
    assert full.status_code == 201, full.text  # the refused request kept nothing, not even its key
    assert full.json()["amount"] == usd(5_000) and len(gateway.operations) == 1
