"""dispute.opened and dispute.resolved reach a webhook receiver, signed so that `standardwebhooks` verifies them."""

from __future__ import annotations

from fastapi.testclient import TestClient
from standardwebhooks import Webhook

from payhub.webhooks.worker import WebhookWorker
from tests.disputes.conftest import Provider, charge_of
from tests.helpers import pay_body
from tests.webhooks.conftest import Receiver, drain


def test_dispute_events_reach_a_receiver_signed(admin: TestClient, provider: Provider, receiver: Receiver,
                                                worker: WebhookWorker) -> None:
    endpoint = admin.post("/v1/webhook_endpoints", json={
        "url": receiver.url, "event_types": ["dispute.opened", "dispute.updated", "dispute.resolved"]})
    assert endpoint.status_code == 201, endpoint.text
    payment = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 5_000)).json()
    provider.send(provider.dispute(charge_of(payment), "needs_response"))
    provider.send(provider.dispute(charge_of(payment), "lost"))

    drain(worker)
    verifier = Webhook(endpoint.json()["secret"])
    events = sorted((verifier.verify(r.body, r.headers) for r in receiver.requests), key=lambda e: e["id"])
    assert [e["type"] for e in events] == ["dispute.opened", "dispute.resolved"]
    opened, resolved = events
    assert opened["data"]["payment"] == payment["id"] and opened["data"]["status"] == "needs_response"
    assert (resolved["data"]["status"], resolved["data"]["outcome"]) == ("lost", "lost")
    assert [p["kind"] for p in resolved["data"]["postings"]] == ["chargeback", "chargeback_lost"]
    assert set(receiver.ids()) == {opened["id"], resolved["id"]}
