"""The recovery worker finishes what a failure left between a gateway call and its database write.

Failures are injected at the pipeline's crash points as database errors (PAYHUB_CRASH_ACTION=db_error); the
SIGKILL variants with real processes are in tests/faults/."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from sqlalchemy import func, select

from payhub.domain.errors import GatewayTimeout
from payhub.gateways.simulator import SimulatorGateway
from payhub.pipeline import recovery
from payhub.ports import AuthorizeRequest, GatewayResult
from payhub.services import Services
from payhub.store.models import GLLineRow, OutboxEvent, PaymentOperation
from tests.helpers import pay_body
from tests.webhooks.conftest import FakeClock

AMOUNT = 10_000


@pytest.fixture
def gateway(services: Services) -> SimulatorGateway:
    sim = services.gateways["simulator"]
    assert isinstance(sim, SimulatorGateway)
    return sim


@pytest.fixture
def clock(services: Services) -> FakeClock:
    fake = FakeClock()
    services.clock = fake
    return fake


@pytest.fixture
def lenient(app: FastAPI, keys: dict[str, str]) -> Any:
    """A client that gets the 500 an injected database failure causes, instead of the exception."""
    with TestClient(app, raise_server_exceptions=False, headers={"Authorization": f"Bearer {keys['admin']}"}) as c:
        yield c


def crash_at(monkeypatch: pytest.MonkeyPatch, point: str) -> None:
    monkeypatch.setenv("PAYHUB_CRASH_AT", point)
    monkeypatch.setenv("PAYHUB_CRASH_ACTION", "db_error")


def later(services: Services, clock: FakeClock) -> None:
    """Past every lock and the recovery deadline."""
    clock.advance((services.payment_lock + services.recovery_after).total_seconds() + 1)


def balanced(services: Services) -> bool:
    with services.read() as s:
        debit, credit = s.execute(select(func.sum(GLLineRow.debit), func.sum(GLLineRow.credit))).one()
    return bool(debit == credit)


def recovered(kind: str, outcome: str) -> float:
    return REGISTRY.get_sample_value("payhub_recoveries_total", {"kind": kind, "outcome": outcome}) or 0.0


def events(services: Services, type_: str) -> int:
    with services.read() as s:
        return int(s.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.type == type_)) or 0)


@pytest.mark.parametrize("kind", ["capture", "void", "refund"])
def test_a_database_failure_after_the_gateway_call_is_recorded_by_recovery(
        kind: str, admin: TestClient, lenient: TestClient, services: Services, clock: FakeClock,
        gateway: SimulatorGateway, monkeypatch: pytest.MonkeyPatch) -> None:
    capture = "automatic" if kind == "refund" else "manual"
    payment = admin.post("/v1/payments", json=pay_body("inv_acme_1001", AMOUNT, capture_method=capture)).json()
    crash_at(monkeypatch, f"{kind}.after_gateway")
    if kind == "refund":
        failed = lenient.post("/v1/refunds", json={"payment": payment["id"], "reason": "damaged"})
    else:
        failed = lenient.post(f"/v1/payments/{payment['id']}/{kind}")
    assert failed.status_code == 500 and failed.json()["code"] == "internal_error"
    monkeypatch.delenv("PAYHUB_CRASH_AT")
    assert len(gateway.operations) == 1  # the gateway acted; PayHub has not recorded it yet
    before = admin.get(f"/v1/payments/{payment['id']}").json()
    assert before["status"] == payment["status"] and before["amount_refunded"]["amount"] == 0
    with services.read() as s:
        (op,) = s.scalars(select(PaymentOperation)).all()
        assert op.status == "pending" and op.kind == kind

    assert recovery.run_once(services)["operation:completed"] == 0  # not before the deadline
    later(services, clock)
    assert recovery.run_once(services)["operation:completed"] == 1

    after = admin.get(f"/v1/payments/{payment['id']}").json()
    expected = {"capture": "captured", "void": "voided", "refund": "captured"}[kind]
    assert after["status"] == expected
    if kind == "refund":
        assert after["amount_refunded"]["amount"] == AMOUNT
        assert events(services, "payment.refunded") == 1
    if kind != "void":
        assert after["posting"]["status"] == "confirmed"
    assert len(gateway.operations) == 1  # replayed under the same key: the gateway acted once
    assert balanced(services)
    with services.read() as s:
        assert s.get(PaymentOperation, op.id).status == "succeeded"  # type: ignore[union-attr]
    assert recovery.run_once(services)["operation:completed"] == 0  # nothing left


def test_no_second_refund_after_a_lost_refund_write(admin: TestClient, lenient: TestClient, services: Services,
                                                    gateway: SimulatorGateway,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    payment = admin.post("/v1/payments", json=pay_body("inv_acme_1001", AMOUNT)).json()
    crash_at(monkeypatch, "refund.before_commit")
    assert lenient.post("/v1/refunds", json={"payment": payment["id"]}).status_code == 500
    monkeypatch.delenv("PAYHUB_CRASH_AT")
    # The client, seeing a 500, refunds again without a key: the first refund is completed first, so the
    # second is judged against what is really left.
    again = admin.post("/v1/refunds", json={"payment": payment["id"], "amount": {"amount": AMOUNT, "currency": "USD"}})
    assert again.status_code == 422 and again.json()["code"] == "refund_exceeds_captured"
    assert len(gateway.operations) == 1
    after = admin.get(f"/v1/payments/{payment['id']}").json()
    assert after["amount_refunded"]["amount"] == AMOUNT and events(services, "payment.refunded") == 1
    assert balanced(services)


@pytest.mark.parametrize("point, outcome", [
    ("payment.after_gateway", "captured"), ("payment.before_commit", "captured"), ("payment.after_intent", "failed")])
def test_a_payment_stuck_in_processing_is_completed_or_failed(
        point: str, outcome: str, admin: TestClient, lenient: TestClient, services: Services, clock: FakeClock,
        gateway: SimulatorGateway, monkeypatch: pytest.MonkeyPatch) -> None:
    crash_at(monkeypatch, point)
    failed = lenient.post("/v1/payments", json=pay_body("inv_acme_1001", AMOUNT), headers={"Idempotency-Key": "k1"})
    assert failed.status_code == 500
    monkeypatch.delenv("PAYHUB_CRASH_AT")
    (stuck,) = admin.get("/v1/payments").json()["data"]
    assert stuck["status"] == "processing"
    assert admin.get("/v1/invoices/inv_acme_1001").json()["amount_payable"]["amount"] == 132_500 - AMOUNT

    later(services, clock)
    assert recovery.run_once(services)[f"payment:{'completed' if outcome == 'captured' else 'failed'}"] == 1
    after = admin.get(f"/v1/payments/{stuck['id']}").json()
    assert after["status"] == outcome
    if outcome == "captured":
        assert after["posting"]["status"] == "confirmed" and len(gateway.charges) == 1
        assert events(services, "payment.completed") == 1
        assert admin.get("/v1/invoices/inv_acme_1001").json()["balance"]["amount"] == 132_500 - AMOUNT
    else:
        assert gateway.charges == {} and after["failure"]["code"] == "payment_not_charged"
        assert events(services, "payment.failed") == 1
        assert admin.get("/v1/invoices/inv_acme_1001").json()["amount_payable"]["amount"] == 132_500
    # the client's retry with its key now gets the recorded outcome, never a second payment
    retried = admin.post("/v1/payments", json=pay_body("inv_acme_1001", AMOUNT), headers={"Idempotency-Key": "k1"})
    assert (retried.json().get("id") or retried.json().get("payment")) == stuck["id"]
    assert len(admin.get("/v1/payments").json()["data"]) == 1
    assert len(gateway.charges) == (1 if outcome == "captured" else 0)
    assert balanced(services)


class LostAnswers:
    """A gateway that charges but whose answers are lost (a timeout after the charge), until `answering`."""

    def __init__(self, real: SimulatorGateway) -> None:
        self.real, self.name, self.answering = real, real.name, False

    def authorize(self, request: AuthorizeRequest) -> GatewayResult:
        result = self.real.authorize(request)
        if not self.answering:
            raise GatewayTimeout("no answer")
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def test_an_unknown_outcome_is_learnt_by_recovery(admin: TestClient, services: Services, clock: FakeClock,
                                                  gateway: SimulatorGateway) -> None:
    services.gateways = {"simulator": LostAnswers(gateway)}
    lost = admin.post("/v1/payments", json=pay_body("inv_acme_1001", AMOUNT))
    assert lost.status_code == 504 and lost.json()["payment_status"] == "unknown"
    assert len(gateway.charges) == 1  # charged, though nobody heard
    later(services, clock)
    counted = recovered("payment", "completed")
    assert recovery.run_once(services)["payment:completed"] == 1
    assert recovered("payment", "completed") == counted + 1  # on /metrics
    after = admin.get(f"/v1/payments/{lost.json()['payment']}").json()
    assert after["status"] == "captured" and after["posting"]["status"] == "confirmed"
    assert len(gateway.charges) == 1 and balanced(services)


def test_a_gateway_that_cannot_tell_leaves_the_payment_unknown(admin: TestClient, services: Services,
                                                                clock: FakeClock, gateway: SimulatorGateway) -> None:
    class CannotTell(LostAnswers):
        def find_charge(self, idempotency_key: str) -> GatewayResult | None:
            from payhub.domain.errors import LookupUnsupported
            raise LookupUnsupported("no search here")

    services.gateways = {"simulator": CannotTell(gateway)}
    lost = admin.post("/v1/payments", json=pay_body("inv_acme_1001", AMOUNT))
    later(services, clock)
    assert recovery.run_once(services)["payment:unresolved"] == 1
    after = admin.get(f"/v1/payments/{lost.json()['payment']}").json()
    assert after["status"] == "unknown"  # never guessed failed: the charge exists
    assert recovery.run_once(services)["payment:unresolved"] == 0  # asked again only after another deadline
