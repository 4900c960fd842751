"""Inbound notifications: verified by the connector, handled once per provider event, refused (400) and
recorded nowhere when they do not verify."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from payhub.disputes import notifications, service
from payhub.domain.disputes import DisputeNotice, DisputeStatus
from payhub.gateways.simulator import SimulatorGateway
from payhub.ports import NOTIFICATIONS, GatewayResult
from payhub.services import Services
from payhub.store.models import Dispute, GatewayNotification, OutboxEvent, Posting, SettlementBatch
from tests.disputes.conftest import NotifyingSimulator, Provider, charge_of, sign
from tests.helpers import pay_body


def counts(services: Services) -> dict[str, int]:
    with services.read() as s:
        return {model.__tablename__: s.scalar(select(func.count()).select_from(model)) or 0
                for model in (GatewayNotification, Dispute, Posting, OutboxEvent)}


def recorded(services: Services) -> list[GatewayNotification]:
    with services.read() as s:
        return list(s.scalars(select(GatewayNotification).order_by(GatewayNotification.received_at)))


def test_forged_stale_tampered_and_unreadable_notifications_are_refused(admin: TestClient, provider: Provider,
                                                                        services: Services) -> None:
    payment = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 5_000)).json()
    event = provider.dispute(charge_of(payment), "needs_response")
    before = counts(services)
    cases: list[tuple[Any, str]] = [
        (provider.send(event, secret="simsec_someone_else"), "notification_signature_invalid"),  # forged
        (provider.send(event, timestamp=int(time.time()) - 3_600), "notification_stale"),  # replayed an hour later
        (provider.send(event, body=b'{"id": "evt_sim_x", "type": "dispute.closed"}'),  # signed other bytes
         "notification_signature_invalid"),
        (provider.http.post("/v1/gateways/simulator/notifications", content=b"{}"), "notification_signature_invalid"),
    ]
    unreadable = b'{"not": "an event"}'
    cases.append((provider.http.post("/v1/gateways/simulator/notifications", content=unreadable, headers={
        "Simulator-Signature": sign(provider.secret, unreadable, int(time.time()))}), "notification_invalid"))
    for response, code in cases:
        assert response.status_code == 400, response.text
        assert response.headers["content-type"] == "application/problem+json" and response.json()["code"] == code
    assert counts(services) == before  # nothing recorded, nothing changed
    assert provider.send(event).status_code == 200  # the genuine one still goes through


def test_a_redelivered_event_changes_nothing(admin: TestClient, provider: Provider, services: Services) -> None:
    payment = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 5_000)).json()
    event = provider.dispute(charge_of(payment), "needs_response")
    assert provider.send(event).json() == {"object": "notification_receipt", "received": 1, "duplicates": 0}
    after_first = counts(services)
    assert provider.send(event).json() == {"object": "notification_receipt", "received": 1, "duplicates": 1}
    assert counts(services) == after_first
    assert len(admin.get("/v1/disputes").json()["data"]) == 1
    assert len(admin.get("/v1/events", params={"type": "dispute.opened"}).json()["data"]) == 1
    with services.read() as s:
        assert s.scalar(select(func.count()).select_from(Posting).where(Posting.kind == "chargeback")) == 1
    [row] = recorded(services)
    assert (row.outcome, row.entity_id, row.summary["dispute"]["status"]) == ("dispute", "ent_demo", "needs_response")
    assert "data" not in row.summary  # the normalized notice, not the body


def test_the_same_event_delivered_twice_at_once_is_handled_once(admin: TestClient, services: Services,
                                                                 gateway: NotifyingSimulator,
                                                                 provider: Provider) -> None:
    payment = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 5_000)).json()
    event = provider.dispute(charge_of(payment), "needs_response")  # two threads deliver it at once
    raw = json.dumps(event).encode()
    headers = {"simulator-signature": sign(provider.secret, raw, int(time.time()))}
    results: list[list[dict[str, Any]]] = []
    start = threading.Barrier(2)

    def deliver() -> None:
        start.wait()
        results.append(notifications.receive(services, "simulator", headers, raw))

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(r[0]["duplicate"] for r in results) == [False, True]
    assert len(recorded(services)) == 1 and len(admin.get("/v1/disputes").json()["data"]) == 1
    with services.read() as s:
        assert s.scalar(select(func.count()).select_from(Posting).where(Posting.kind == "chargeback")) == 1


def test_unknown_gateways_and_gateways_without_notifications_are_404(provider: Provider,
                                                                     services: Services) -> None:
    plain = SimulatorGateway(name="plain")
    plain.capabilities = SimulatorGateway.capabilities - {NOTIFICATIONS}
    services.gateways = {**services.gateways, "plain": plain}
    event = provider.event("dispute.created", {})
    for name in ("nowhere", "plain"):
        response = provider.send(event, gateway=name)
        assert response.status_code == 404 and response.json()["code"] == "gateway_not_found"
    assert recorded(services) == []


def test_notifications_about_nothing_known_are_recorded_and_acknowledged(provider: Provider,
                                                                         services: Services) -> None:
    assert provider.send(provider.dispute("sim_ch_unknown", "needs_response")).status_code == 200
    assert provider.send(provider.event("payout.paid", {"payout": "po_sim_1", "amount": 10_000,
                                                        "currency": "usd"})).status_code == 200
    assert provider.send(provider.event("charge.captured", {})).status_code == 200
    assert [(r.outcome, r.event_type) for r in recorded(services)] == [
        ("unmatched", "dispute.created"), ("payout_waiting", "payout.paid"), ("ignored", "charge.captured")]
    assert recorded(services)[1].summary["payout"] == {"payout_reference": "po_sim_1", "status": "paid",
                                                      "amount": 10_000, "currency": "USD", "arrival_at": None}


def test_a_late_authorization_resolves_a_payment_whose_outcome_was_unknown(admin: TestClient, provider: Provider,
                                                                          gateway: NotifyingSimulator,
                                                                          services: Services) -> None:
    slow = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 4_000,
                                                    method={"type": "card", "token": "tok_timeout"}))
    assert slow.status_code == 504, slow.text
    payment_id = slow.json()["payment"]
    assert admin.get(f"/v1/payments/{payment_id}").json()["status"] == "unknown"
    gateway.charges[f"{payment_id}:simulator"] = GatewayResult("sim_ch_late_1")  # the provider charged, late
    event = provider.event("authorization.succeeded", {"amount": 4_000, "currency": "usd", "payment": "sim_ch_late_1",
                                                       "merchant_reference": f"{payment_id}:simulator"})
    assert provider.send(event).status_code == 200
    payment = admin.get(f"/v1/payments/{payment_id}").json()
    assert payment["status"] == "captured" and payment["posting_status"] == "confirmed"
    [row] = recorded(services)
    assert (row.outcome, row.subject_id) == ("authorization", payment_id)
    again = provider.event("authorization.succeeded", {"amount": 4_000, "currency": "usd",
                                                       "payment": payment["gateway"]["reference"]})
    provider.send(again)  # a second word about a payment PayHub knows now: nothing to do
    assert recorded(services)[-1].outcome == "ignored"
    assert len(admin.get("/v1/events", params={"type": "payment.completed"}).json()["data"]) == 1


def test_settlement_chargeback_lines_join_the_dispute_a_notification_opened(admin: TestClient, provider: Provider,
                                                                            services: Services) -> None:
    """The settlement importer's entry point: a chargeback line names no dispute."""
    payment = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 5_000)).json()
    provider.send(provider.dispute(charge_of(payment), "needs_response"))
    line = DisputeNotice("", charge_of(payment), DisputeStatus.LOST, "Chargeback", 5_000, "USD")
    dispute = service.record_notice(services, "simulator", line, "settlement")
    assert dispute is not None and (dispute.dispute_reference, dispute.status) == ("dp_sim_1", "lost")
    assert [p.kind for p in service_postings(services, dispute.id)] == ["chargeback", "chargeback_lost"]
    other = admin.post("/v1/payments", json=pay_body("inv_acme_1002", 1_000)).json()
    fresh = service.record_notice(services, "simulator", DisputeNotice(
        "", charge_of(other), DisputeStatus.NEEDS_RESPONSE, "Chargeback", 1_000, "USD"), "settlement")
    assert fresh is not None and fresh.source == "settlement" and fresh.dispute_reference.startswith("payhub:")
    assert service.record_notice(services, "simulator", DisputeNotice(
        "", "sim_ch_nobody", DisputeStatus.LOST, "Chargeback", 1, "USD"), "settlement") is None


def service_postings(services: Services, dispute_id: str) -> list[Posting]:
    with services.read() as s:
        return list(s.scalars(select(Posting).where(Posting.source_id == dispute_id).order_by(Posting.created_at)))


def test_stale_notices_never_move_a_dispute_backwards(admin: TestClient, provider: Provider) -> None:
    payment = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 5_000)).json()
    charge = charge_of(payment)
    provider.send(provider.dispute(charge, "under_review"))
    provider.send(provider.dispute(charge, "needs_response"))  # sent earlier, arrived later
    [dispute] = admin.get("/v1/disputes").json()["data"]
    assert dispute["status"] == "under_review"
    provider.send(provider.dispute(charge, "lost"))
    provider.send(provider.dispute(charge, "won"))  # a decision stands
    provider.send(provider.dispute(charge, "under_review"))
    dispute = admin.get(f"/v1/disputes/{dispute['id']}").json()
    assert (dispute["status"], dispute["outcome"]) == ("lost", "lost")
    assert [p["kind"] for p in dispute["postings"]] == ["chargeback", "chargeback_lost"]
    types = [e["type"] for e in admin.get("/v1/events", params={"limit": 100}).json()["data"]
             if e["type"].startswith("dispute.")]
    assert sorted(types) == ["dispute.opened", "dispute.resolved"]


def test_a_payout_notice_marks_the_batch_it_pays_out(admin: TestClient, provider: Provider) -> None:
    payment = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 5_000)).json()
    report = ("batch_id,line_type,reference,merchant_reference,currency,gross,fee,net,booked_at,dispute_reference,"
              f"reason_code,description\npo_sim_7,payment,{charge_of(payment)},{payment['id']},USD,5000,175,4825,"
              f"{datetime.now(UTC).isoformat()},,,\n")
    imported = admin.post("/v1/settlements/import", data={"gateway": "simulator"},
                          files={"file": ("po.csv", report.encode(), "text/csv")})
    assert imported.status_code == 201, imported.text
    (batch,) = imported.json()["batches"]
    assert batch["payout"] == {"status": None, "at": None}
    arrival = int(time.time())
    sent = provider.send(provider.event("payout.paid", {"payout": "po_sim_7", "amount": 4_825, "currency": "usd",
                                                        "arrival_at": arrival}))
    assert sent.status_code == 200
    shown = admin.get(f"/v1/settlements/{batch['id']}").json()
    assert shown["payout"]["status"] == "paid" and shown["payout"]["at"].startswith(
        datetime.fromtimestamp(arrival, UTC).strftime("%Y-%m-%dT%H:%M:%S"))


def test_a_payout_notice_before_its_file_waits_and_the_import_applies_it(admin: TestClient, provider: Provider,
                                                                        services: Services) -> None:
    payment = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 5_000)).json()
    early = provider.send(provider.event("payout.paid", {"payout": "po_sim_8", "amount": 4_825, "currency": "usd",
                                                         "arrival_at": 1_796_000_000}))
    assert early.status_code == 200
    with services.read() as s:
        (waiting,) = s.scalars(select(GatewayNotification).where(GatewayNotification.event_type == "payout.paid"))
        assert (waiting.outcome, waiting.subject_id) == ("payout_waiting", None)
    unrelated = provider.send(provider.event("payout.failed", {"payout": "po_sim_other", "amount": 1,
                                                               "currency": "usd"}))
    assert unrelated.status_code == 200
    report = ("batch_id,line_type,reference,merchant_reference,currency,gross,fee,net,booked_at,dispute_reference,"
              f"reason_code,description\npo_sim_8,payment,{charge_of(payment)},{payment['id']},USD,5000,175,4825,"
              f"{datetime.now(UTC).isoformat()},,,\n")
    imported = admin.post("/v1/settlements/import", data={"gateway": "simulator"},
                          files={"file": ("po.csv", report.encode(), "text/csv")})
    assert imported.status_code == 201, imported.text
    (batch,) = imported.json()["batches"]
    assert batch["payout"] == {"status": "paid", "at": "2026-11-30T00:53:20Z"}  # the notice's arrival_at
    with services.read() as s:
        outcomes = {n.event_type: (n.outcome, n.subject_id, n.entity_id) for n in s.scalars(
            select(GatewayNotification).where(GatewayNotification.event_type.like("payout.%")))}
        entity = s.scalar(select(SettlementBatch.entity_id).where(SettlementBatch.id == batch["id"]))
    assert outcomes == {"payout.paid": ("payout", batch["id"], entity),
                        "payout.failed": ("payout_waiting", None, None)}  # its batch is still to come
