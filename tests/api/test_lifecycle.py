"""The payment lifecycle through HTTP: live invoice → authorize → partial capture → refunds,
with the ERP's balances and the ledger checked at each step."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from payhub.erp.embedded import ErpJournalLine
from payhub.pipeline.settle import sync_settlements
from payhub.services import Services
from payhub.store.models import OutboxEvent
from tests.helpers import ach, card, pay_body, usd

UNSETTLED = {"batch": None, "settled_at": None, "gross": None, "fees": None, "net": None}


def invoice(client: TestClient, invoice_id: str) -> dict[str, Any]:
    response = client.get(f"/v1/invoices/{invoice_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def ledger_totals(svc: Services) -> tuple[int, int]:
    with svc.read() as s:
        row = s.execute(select(func.sum(ErpJournalLine.debit), func.sum(ErpJournalLine.credit))).one()
        return int(row[0] or 0), int(row[1] or 0)


def event_types(svc: Services) -> list[str]:
    with svc.read() as s:
        return list(s.scalars(select(OutboxEvent.type).order_by(OutboxEvent.id)))


def test_invoice_is_read_live_from_the_erp(client: TestClient) -> None:
    inv = invoice(client, "inv_acme_1001")
    assert inv["number"] == "INV-1001"
    assert inv["total"] == usd(132_500) and inv["balance"] == usd(132_500)
    assert inv["terms"] == "Net 30" and inv["due_on"] and inv["status"] == "open"
    assert [l["amount"]["amount"] for l in inv["lines"]] == [125_000, 7_500]
    listed = client.get("/v1/customers/cus_acme/invoices").json()
    assert [i["id"] for i in listed["data"]] == ["inv_acme_1001", "inv_acme_1002"]
    assert listed["has_more"] is False


def test_authorize_partial_capture_two_partial_refunds(client: TestClient, services: Services) -> None:
    auth = client.post("/v1/payments", json=pay_body("inv_acme_1001", 100_000, capture_method="manual"))
    assert auth.status_code == 201, auth.text
    payment = auth.json()
    assert payment["status"] == "requires_capture" and payment["posting"] is None
    assert payment["amount_capturable"] == usd(100_000)
    assert payment["payment_method"]["card"] == {"brand": "visa", "last4": "4242", "exp_month": 12,
                                                 "exp_year": 2031}
    held = invoice(client, "inv_acme_1001")
    assert held["balance"] == usd(132_500) and held["amount_payable"] == usd(32_500)

    captured = client.post(f"/v1/payments/{payment['id']}/capture", json={"amount": usd(60_000)})
    assert captured.status_code == 200, captured.text
    body = captured.json()
    assert body["status"] == "captured" and body["amount_captured"] == usd(60_000)
    assert body["amount_capturable"] == usd(0)  # the remainder is released
    assert body["settlement"]["status"] == "pending"
    posting = body["posting"]
    assert posting["status"] == "confirmed" and posting["erp_reference"]
    assert [(e["account"], e["debit"], e["credit"], e["invoice"]) for e in posting["entries"]] == [
        ("1150", 60_000, 0, None), ("1200", 0, 60_000, "inv_acme_1001")]
    after_capture = invoice(client, "inv_acme_1001")
    assert after_capture["balance"] == usd(72_500) and after_capture["amount_payable"] == usd(72_500)

    first = client.post("/v1/refunds", json={"payment": payment["id"], "amount": usd(10_000)})
    second = client.post("/v1/refunds", json={"payment": payment["id"], "amount": usd(15_000), "reason": "damaged"})
    assert first.status_code == second.status_code == 201, (first.text, second.text)
    assert [(e["account"], e["debit"], e["credit"]) for e in second.json()["posting"]["entries"]] == [
        ("1200", 15_000, 0), ("1150", 0, 15_000)]
    assert second.json()["posting"]["status"] == "confirmed"
    assert invoice(client, "inv_acme_1001")["balance"] == usd(97_500)

    too_much = client.post("/v1/refunds", json={"payment": payment["id"], "amount": usd(35_001)})
    assert too_much.status_code == 422 and too_much.json()["code"] == "refund_exceeds_captured"

    final = client.get(f"/v1/payments/{payment['id']}").json()
    assert final["amount_captured"] == usd(60_000) and final["amount_refunded"] == usd(25_000)
    assert [r["amount"]["amount"] for r in final["refunds"]] == [10_000, 15_000]
    assert client.get(f"/v1/refunds/{first.json()['id']}").json()["posting"]["status"] == "confirmed"

    debit, credit = ledger_totals(services)
    assert debit == credit == 60_000 + 25_000
    assert event_types(services) == ["payment.authorized", "payment.completed", "posting.confirmed",
                                     "payment.refunded", "posting.confirmed", "payment.refunded",
                                     "posting.confirmed"]


def test_pay_several_invoices_and_unapplied_cash(client: TestClient) -> None:
    body = {"allocations": [{"invoice": "inv_globex_2001"}, {"invoice": "inv_globex_2002", "amount": usd(50_000)}],
            "unapplied": usd(10_000), "payment_method": card()}
    response = client.post("/v1/payments", json=body)
    assert response.status_code == 201, response.text
    payment = response.json()
    assert payment["amount"] == usd(180_000 + 50_000 + 10_000)
    assert payment["unapplied"] == usd(10_000)
    assert [(e["account"], e["debit"], e["credit"], e["invoice"]) for e in payment["posting"]["entries"]] == [
        ("1150", 240_000, 0, None), ("1200", 0, 180_000, "inv_globex_2001"),
        ("1200", 0, 50_000, "inv_globex_2002"), ("2150", 0, 10_000, None)]
    assert invoice(client, "inv_globex_2001")["status"] == "paid"
    assert invoice(client, "inv_globex_2002")["balance"] == usd(49_990)
    open_ids = [i["id"] for i in client.get("/v1/customers/cus_globex/invoices").json()["data"]]
    assert open_ids == ["inv_globex_2002"]


def test_unapplied_only_payment_goes_to_customer_credit(client: TestClient) -> None:
    response = client.post("/v1/payments", json={"customer": "cus_initech", "unapplied": usd(5_000),
                                                 "payment_method": card()})
    assert response.status_code == 201, response.text
    entries = response.json()["posting"]["entries"]
    assert [(e["account"], e["debit"], e["credit"]) for e in entries] == [("1150", 5_000, 0), ("2150", 0, 5_000)]


def test_overpayment_is_credited_when_allowed(client: TestClient) -> None:
    refused = client.post("/v1/payments", json=pay_body("inv_initech_3001", 140_000))
    assert refused.status_code == 422 and refused.json()["code"] == "amount_exceeds_balance"
    allowed = client.post("/v1/payments", json=pay_body("inv_initech_3001", 140_000, allow_overpayment=True))
    assert allowed.status_code == 201, allowed.text
    payment = allowed.json()
    assert payment["allocations"][0]["amount"] == usd(138_975) and payment["unapplied"] == usd(1_025)
    assert invoice(client, "inv_initech_3001")["status"] == "paid"


def test_void_releases_the_hold_and_blocks_capture(client: TestClient, services: Services) -> None:
    payment = client.post("/v1/payments", json=pay_body("inv_acme_1002", capture_method="manual")).json()
    assert payment["amount"] == usd(128_000)
    assert invoice(client, "inv_acme_1002")["amount_payable"] == usd(0)
    voided = client.post(f"/v1/payments/{payment['id']}/void")
    assert voided.status_code == 200 and voided.json()["status"] == "voided"
    assert invoice(client, "inv_acme_1002")["amount_payable"] == usd(128_000)
    late = client.post(f"/v1/payments/{payment['id']}/capture")
    assert late.status_code == 409 and late.json()["code"] == "payment_state_invalid"
    assert ledger_totals(services) == (0, 0)


def test_capture_more_than_authorized_is_refused(client: TestClient) -> None:
    payment = client.post("/v1/payments", json=pay_body("inv_acme_1002", 1_000, capture_method="manual")).json()
    response = client.post(f"/v1/payments/{payment['id']}/capture", json={"amount": usd(1_001)})
    assert response.status_code == 422 and response.json()["code"] == "amount_exceeds_capturable"
    assert client.get(f"/v1/payments/{payment['id']}").json()["status"] == "requires_capture"


def test_settlement_status_follows_the_gateway(client: TestClient, services: Services) -> None:
    payment = client.post("/v1/payments", json=pay_body("inv_acme_1002", 5_000)).json()
    assert payment["settlement"] == {"status": "pending", **UNSETTLED}
    assert sync_settlements(services) == [payment["id"]]
    settled = client.get(f"/v1/payments/{payment['id']}").json()
    assert settled["status"] == "settled" and settled["settlement"]["status"] == "settled"
    assert settled["settlement"]["settled_at"]
    refund = client.post("/v1/refunds", json={"payment": payment["id"]})  # whole remaining amount
    assert refund.status_code == 201 and refund.json()["amount"] == usd(5_000)
    assert sync_settlements(services) == []


def test_ach_payment(client: TestClient) -> None:
    ok = client.post("/v1/payments", json=pay_body("inv_acme_1002", 2_000, method=ach()))
    assert ok.status_code == 201, ok.text
    assert ok.json()["payment_method"] == {"type": "ach", "ach": {"last4": "6789", "account_type": "checking"}}
    nsf = client.post("/v1/payments", json=pay_body("inv_acme_1002", 2_000, method=ach("000111111116")))
    assert nsf.status_code == 402 and nsf.json()["code"] == "insufficient_funds"


def test_history_filters_and_cursor_pagination(client: TestClient) -> None:
    ids = [client.post("/v1/payments", json=pay_body(inv, 1_000)).json()["id"]
           for inv in ("inv_acme_1001", "inv_acme_1002", "inv_globex_2001")]
    page1 = client.get("/v1/payments", params={"limit": 2}).json()
    assert [p["id"] for p in page1["data"]] == ids[::-1][:2] and page1["has_more"] is True
    page2 = client.get("/v1/payments", params={"limit": 2, "starting_after": page1["next_cursor"]}).json()
    assert [p["id"] for p in page2["data"]] == [ids[0]] and page2["has_more"] is False
    acme = client.get("/v1/payments", params={"customer": "cus_acme"}).json()["data"]
    assert {p["id"] for p in acme} == set(ids[:2])
    assert client.get("/v1/payments", params={"status": "voided"}).json()["data"] == []
    created = page1["data"][0]["created_at"]
    assert [p["id"] for p in client.get("/v1/payments", params={"created_gte": created}).json()["data"]] == [ids[2]]
    assert client.get("/v1/payments", params={"limit": 0}).status_code == 422
