"""A gateway without the settlement_reports capability (Adyen's connector): PayHub never guesses its payments
settled or not. The API says `unreported`, and the settlement sync never asks it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from payhub.api.errors import domain_problem
from payhub.domain.errors import CapabilityUnsupported, ProcessingError
from payhub.gateways.simulator import SimulatorGateway
from payhub.pipeline.settle import sync_settlements
from payhub.ports import FIND_CHARGE, SETTLEMENT_REPORTS, Settlement
from payhub.services import Services
from payhub.store.models import OutboxEvent, Payment
from tests.helpers import pay_body

UNSETTLED = {"batch": None, "settled_at": None, "gross": None, "fees": None, "net": None}


class NoSettlementReports(SimulatorGateway):
    capabilities = frozenset({FIND_CHARGE})

    def __init__(self) -> None:
        super().__init__(timeout_s=0.05)
        self.asked = 0

    def settlement(self, reference: str) -> Settlement:
        self.asked += 1
        raise CapabilityUnsupported(connector=self.name, capability=SETTLEMENT_REPORTS)


def test_settlement_is_unreported_never_pending_and_never_asked(client: TestClient, services: Services) -> None:
    gateway = NoSettlementReports()
    services.gateways = {"simulator": gateway}

    created = client.post("/v1/payments", json=pay_body("inv_acme_1002", 5_000))
    assert created.status_code == 201, created.text
    payment = created.json()
    assert payment["status"] == "captured"
    assert payment["settlement"] == {"status": "unreported", **UNSETTLED}

    assert sync_settlements(services) == []  # never asked (the sync used to fail on it)
    assert gateway.asked == 0
    for shown in (client.get(f"/v1/payments/{payment['id']}").json(),
                  client.get("/v1/payments").json()["data"][0],
                  client.get(f"/v2/payments/{payment['id']}").json()):
        assert shown["status"] == "captured"
        assert shown["settlement"] == {"status": "unreported", **UNSETTLED}
    with services.read() as s:  # and the events say the same as the API
        events = {e.type: e.payload["data"] for e in s.scalars(select(OutboxEvent).order_by(OutboxEvent.id))}
    assert events["payment.completed"]["settlement"]["status"] == "unreported"
    assert events["posting.confirmed"]["payment"]["settlement"]["status"] == "unreported"


def test_manual_capture_answers_unreported_too(client: TestClient, services: Services) -> None:
    services.gateways = {"simulator": NoSettlementReports()}
    auth = client.post("/v1/payments", json=pay_body("inv_acme_1001", 10_000, capture_method="manual")).json()
    assert auth["settlement"]["status"] == "not_applicable"
    captured = client.post(f"/v1/payments/{auth['id']}/capture", json={})
    assert captured.status_code == 200, captured.text
    assert captured.json()["settlement"]["status"] == "unreported"


def test_a_gateway_failing_to_answer_does_not_stop_the_others(client: TestClient, services: Services) -> None:
    class Failing(SimulatorGateway):
        def settlement(self, reference: str) -> Settlement:
            raise ProcessingError("the settlement API is down")

    services.gateways = {"simulator": SimulatorGateway(timeout_s=0.05), "backup": Failing(name="backup")}
    ids = sorted(client.post("/v1/payments", json=pay_body("inv_acme_1002", 5_000)).json()["id"] for _ in range(2))
    with services.transaction() as s:  # the first one the sync meets was paid through the failing gateway
        s.execute(update(Payment).where(Payment.id == ids[0]).values(gateway="backup"))
    assert sync_settlements(services) == [ids[1]]
    assert client.get(f"/v1/payments/{ids[0]}").json()["settlement"]["status"] == "pending"  # asked again later


def test_a_missing_capability_is_a_problem_with_a_stable_code() -> None:
    status, body = domain_problem(CapabilityUnsupported(connector="eu", capability=SETTLEMENT_REPORTS))
    assert status == 422
    assert (body["code"], body["connector"], body["capability"]) == ("capability_unsupported", "eu",
                                                                     "settlement_reports")
    assert body["type"] == "/problems/capability_unsupported" and "eu" in body["detail"]
