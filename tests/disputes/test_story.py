"""The dispute story through HTTP: a payment, a signed notification opens the dispute (the chargeback booked in
the embedded ERP), evidence is uploaded and submitted through the connector, a notification decides it, and
the GL, the invoice's balance and the events say so."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from payhub.services import Services
from tests.disputes.conftest import NotifyingSimulator, Provider, charge_of, invoice_balance, ledger, reopen_on_loss
from tests.helpers import pay_body

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def events(admin: TestClient, type_: str) -> list[dict[str, Any]]:
    found = admin.get("/v1/events", params={"type": type_, "limit": 100}).json()["data"]
    return sorted(found, key=lambda e: e["id"])


def entries(posting: dict[str, Any]) -> list[tuple[str, int, int, str | None]]:
    return [(e["account"], e["debit"], e["credit"], e["invoice"]) for e in posting["entries"]]


def test_a_dispute_lost_after_evidence_reopens_the_invoice(admin: TestClient, provider: Provider,
                                                           gateway: NotifyingSimulator, services: Services) -> None:
    reopen_on_loss(services)
    before, _ = invoice_balance(services, "inv_acme_1001")
    payment = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 5_000)).json()
    assert invoice_balance(services, "inv_acme_1001")[0] == before - 5_000

    opened = provider.send(provider.dispute(charge_of(payment), "needs_response"))
    assert opened.status_code == 200, opened.text
    assert opened.json() == {"object": "notification_receipt", "received": 1, "duplicates": 0}
    [dispute] = admin.get("/v1/disputes", params={"payment": payment["id"]}).json()["data"]
    assert (dispute["status"], dispute["raw_status"], dispute["reason"], dispute["reason_code"]) == (
        "needs_response", "needs_response", "fraudulent", "10.4")
    assert dispute["amount"] == {"amount": 5_000, "currency": "USD"} and dispute["evidence_due_by"]
    [chargeback] = dispute["postings"]
    assert (chargeback["kind"], chargeback["status"], chargeback["source"]) == ("chargeback", "confirmed",
                                                                                 dispute["id"])
    assert entries(chargeback) == [("1250", 5_000, 0, None), ("1150", 0, 5_000, None)]
    assert ledger(services, chargeback["id"]) == [("1250", 5_000, 0, None), ("1150", 0, 5_000, None)]
    [event] = events(admin, "dispute.opened")
    assert event["data"]["id"] == dispute["id"] and event["data"]["postings"][0]["status"] == "confirmed"

    uploaded = admin.post(f"/v1/disputes/{dispute['id']}/evidence",
                          files=[("files", ("receipt.pdf", PDF, "application/pdf"))],
                          data={"purpose": "receipt", "product_description": "Three pallets of bricks",
                                "customer_email_address": "ap@acme.example"})
    assert uploaded.status_code == 200, uploaded.text
    [stored] = uploaded.json()["evidence"]["files"]
    assert (stored["purpose"], stored["filename"], stored["content_type"], stored["size"]) == (
        "receipt", "receipt.pdf", "application/pdf", len(PDF))
    assert "content" not in stored and uploaded.json()["evidence"]["fields"]["product_description"]

    submitted = admin.post(f"/v1/disputes/{dispute['id']}/submit", headers={"Idempotency-Key": "submit-1"})
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "under_review" and submitted.json()["evidence"]["submitted_at"]
    assert submitted.json()["evidence"]["files"][0]["submitted_at"]
    [(reference, evidence)] = gateway.submissions.values()
    assert reference == "dp_sim_1" and evidence.files[0].content == PDF
    assert evidence.fields == {"product_description": "Three pallets of bricks",
                               "customer_email_address": "ap@acme.example"}
    again = admin.post(f"/v1/disputes/{dispute['id']}/submit", headers={"Idempotency-Key": "submit-1"})
    assert again.headers["idempotent-replayed"] == "true" and gateway.calls == 1
    late = admin.post(f"/v1/disputes/{dispute['id']}/evidence", data={"receipt": "too late"})
    assert late.status_code == 409 and late.json()["code"] == "dispute_closed"

    lost = provider.send(provider.dispute(charge_of(payment), "lost"))
    assert lost.status_code == 200, lost.text
    decided = admin.get(f"/v1/disputes/{dispute['id']}").json()
    assert (decided["status"], decided["outcome"]) == ("lost", "lost") and decided["resolved_at"]
    chargeback, loss = decided["postings"]
    assert (loss["kind"], loss["status"]) == ("chargeback_lost", "confirmed")
    assert entries(loss) == [("1200", 5_000, 0, "inv_acme_1001"), ("1250", 0, 5_000, None)]
    assert ledger(services, loss["id"]) == entries(loss)
    assert invoice_balance(services, "inv_acme_1001") == (before, "open")  # owed again
    [shown] = admin.get(f"/v1/payments/{payment['id']}").json()["disputes"]  # the payment lists its dispute
    assert shown == {"id": dispute["id"], "status": "lost", "amount": {"amount": 5_000, "currency": "USD"},
                     "reason": "fraudulent", "outcome": "lost", "evidence_due_by": decided["evidence_due_by"],
                     "opened_at": decided["opened_at"]}  # as the dispute stands: each notice restates the due date
    assert admin.get("/v1/payments", params={"limit": "100"}).json()["data"][0]["disputes"] == [shown]
    assert admin.get("/v1/invoices/inv_acme_1001").json()["amount_payable"]["amount"] == before

    [resolved] = events(admin, "dispute.resolved")
    assert resolved["data"]["outcome"] == "lost" and resolved["data"]["id"] == dispute["id"]
    assert [p["kind"] for p in resolved["data"]["postings"]] == ["chargeback", "chargeback_lost"]
    updated = events(admin, "dispute.updated")
    assert [e["data"]["status"] for e in updated] == ["needs_response", "under_review"]  # evidence, submission
    assert len(events(admin, "dispute.opened")) == 1


def test_a_won_dispute_reverses_the_chargeback(admin: TestClient, provider: Provider, services: Services) -> None:
    payment = admin.post("/v1/payments", json=pay_body("inv_acme_1002", 3_000)).json()
    provider.send(provider.dispute(charge_of(payment), "needs_response", dispute="dp_sim_won", amount=3_000))
    provider.send(provider.dispute(charge_of(payment), "under_review", dispute="dp_sim_won", amount=3_000))
    assert provider.send(provider.dispute(charge_of(payment), "won", dispute="dp_sim_won",
                                          amount=3_000)).status_code == 200
    [dispute] = admin.get("/v1/disputes", params={"status": "won"}).json()["data"]
    assert dispute["outcome"] == "won"
    chargeback, reversal = dispute["postings"]
    assert entries(reversal) == [("1150", 3_000, 0, None), ("1250", 0, 3_000, None)]
    assert ledger(services, reversal["id"]) == entries(reversal) and reversal["status"] == "confirmed"
    [resolved] = events(admin, "dispute.resolved")
    assert resolved["data"]["outcome"] == "won"
    assert [e["data"]["status"] for e in events(admin, "dispute.updated")] == ["under_review"]


def test_a_lost_dispute_is_a_loss_unless_the_entity_reopens_invoices(admin: TestClient, provider: Provider,
                                                                      services: Services) -> None:
    before, _ = invoice_balance(services, "inv_acme_1001")
    payment = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 2_000)).json()
    provider.send(provider.dispute(charge_of(payment), "lost", amount=2_000))  # the first word is the outcome
    [dispute] = admin.get("/v1/disputes").json()["data"]
    assert [p["kind"] for p in dispute["postings"]] == ["chargeback", "chargeback_lost"]
    assert entries(dispute["postings"][1]) == [("6200", 2_000, 0, None), ("1250", 0, 2_000, None)]
    assert invoice_balance(services, "inv_acme_1001")[0] == before - 2_000  # still paid
    assert len(events(admin, "dispute.opened")) == len(events(admin, "dispute.resolved")) == 1


def test_a_partial_dispute_reopens_each_invoice_in_proportion(admin: TestClient, provider: Provider,
                                                               services: Services) -> None:
    reopen_on_loss(services)
    body = {"allocations": [{"invoice": "inv_acme_1001", "amount": {"amount": 3_000, "currency": "USD"}},
                            {"invoice": "inv_acme_1002", "amount": {"amount": 1_000, "currency": "USD"}}],
            "payment_method": pay_body("inv_acme_1001")["payment_method"]}
    payment = admin.post("/v1/payments", json=body).json()
    provider.send(provider.dispute(charge_of(payment), "lost", amount=1_001))
    [dispute] = admin.get("/v1/disputes").json()["data"]
    assert entries(dispute["postings"][1]) == [("1200", 751, 0, "inv_acme_1001"), ("1200", 250, 0, "inv_acme_1002"),
                                               ("1250", 0, 1_001, None)]


def test_an_inquiry_moves_no_money_until_it_becomes_a_chargeback(admin: TestClient, provider: Provider) -> None:
    payment = admin.post("/v1/payments", json=pay_body("inv_acme_1002", 1_500)).json()
    provider.send(provider.dispute(charge_of(payment), "warning_needs_response", amount=1_500))
    [dispute] = admin.get("/v1/disputes").json()["data"]
    assert dispute["status"] == "warning_needs_response" and dispute["postings"] == []
    provider.send(provider.dispute(charge_of(payment), "needs_response", amount=1_500))
    dispute = admin.get(f"/v1/disputes/{dispute['id']}").json()
    assert [p["kind"] for p in dispute["postings"]] == ["chargeback"]
    assert [e["data"]["status"] for e in events(admin, "dispute.updated")] == ["needs_response"]
