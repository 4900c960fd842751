"""End to end through HTTP with Tryton as the ERP: pay a live Tryton invoice, see Tryton's move in the
response and the new balance read back from Tryton; faults never lose a payment or post twice."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from payhub.api.app import create_app
from payhub.auth.keys import create_key
from payhub.bootstrap import build_services
from payhub.domain.ledger import PostingRules
from payhub.erp.tryton import TrytonErp
from payhub.pipeline.posting import retry_due
from payhub.services import Services
from payhub.settings import Settings
from payhub.store.models import Entity, OutboxEvent
from tests.erp.conftest import ENTITY, HAS_TRYTOND, posting_accounts
from tests.erp.tryton_fixture import free_port

pytestmark = pytest.mark.skipif(not HAS_TRYTOND, reason="trytond is not installed; CI installs it")


def usd(amount: int) -> dict[str, Any]:
    return {"amount": amount, "currency": "USD"}


@pytest.fixture
def hub(db_url: str, tryton: dict[str, Any]) -> Iterator[tuple[TestClient, Services]]:
    """PayHub configured for Tryton exactly as an operator would: PAYHUB_ERP=tryton and a JSON mapping."""
    mapping = {"entities": {ENTITY: {"company": tryton["company"], "payment_method": tryton["payment_method"],
                                     "accounts": posting_accounts(tryton)}}}
    settings = Settings(database_url=db_url, secret_key="test-secret", erp="tryton", tryton_url=tryton["url"],
                        tryton_database=tryton["db"], tryton_user=tryton["user"], tryton_password=tryton["password"],
                        tryton_mapping=json.dumps(mapping), tryton_timeout_s=30)
    svc = build_services(settings)
    assert isinstance(svc.erp, TrytonErp)
    now = datetime.now(UTC)
    with svc.transaction() as s:
        s.add(Entity(id=ENTITY, name="PayHub Test Co", default_currency="USD", gateway="simulator",
                     posting_rules=PostingRules().as_dict(), created_at=now))
        s.flush()
        _, secret = create_key(s, ENTITY, "admin", now)
    with TestClient(create_app(svc), headers={"Authorization": f"Bearer {secret}"}) as client:
        yield client, svc
    svc.erp.close()
    svc.close()


def pay(client: TestClient, invoice: str, amount: int, **extra: Any) -> dict[str, Any]:
    response = client.post("/v1/payments", json={"allocations": [{"invoice": invoice, "amount": usd(amount)}],
                                                  "payment_method": {"type": "card", "token": "tok_visa"}, **extra})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def moves_described(svc: Services, company: int, key: str) -> list[int]:
    erp = svc.erp
    assert isinstance(erp, TrytonErp)
    return list(erp.call("model.account.move.search", [("description", "=", key)], 0, None, None,
                         company=company))


def test_pay_a_tryton_invoice_through_the_api(hub: tuple[TestClient, Services], tryton: dict[str, Any],
                                              new_invoice: Callable[..., str]) -> None:
    client, svc = hub
    invoice_id = new_invoice("small")
    before = client.get(f"/v1/invoices/{invoice_id}").json()
    assert before["balance"] == usd(25_000) and before["status"] == "open" and before["terms"] == "Net 30"
    assert before["customer"] == f"cus_{tryton['parties']['acme']}"

    payment = pay(client, invoice_id, 10_000)
    posting = payment["posting"]
    assert payment["status"] == "captured" and posting["status"] == "confirmed" and posting["erp"] == "tryton"
    assert posting["erp_reference"].startswith("account.move:")
    assert client.get(f"/v1/invoices/{invoice_id}").json()["balance"] == usd(15_000)  # read back from Tryton

    rest = pay(client, invoice_id, 15_000)
    assert rest["posting"]["status"] == "confirmed"
    paid = client.get(f"/v1/invoices/{invoice_id}").json()
    assert paid["status"] == "paid" and paid["balance"] == usd(0)

    refund = client.post("/v1/refunds", json={"payment": payment["id"], "amount": usd(4_000)})
    assert refund.status_code == 201 and refund.json()["posting"]["status"] == "confirmed"
    reopened = client.get(f"/v1/invoices/{invoice_id}").json()
    assert reopened["status"] == "open" and reopened["balance"] == usd(4_000)


def test_tryton_down_then_back_never_loses_or_doubles_a_posting(
        hub: tuple[TestClient, Services], tryton: dict[str, Any], new_invoice: Callable[..., str]) -> None:
    client, svc = hub
    invoice_id = new_invoice("small")
    reachable = svc.erp
    assert isinstance(reachable, TrytonErp)
    payment = pay(client, invoice_id, 5_000, capture_method="manual")  # the live read happens while up
    svc.erp = TrytonErp(f"http://127.0.0.1:{free_port()}", tryton["db"], tryton["user"], tryton["password"],
                        reachable.mapping, timeout=2)
    captured = client.post(f"/v1/payments/{payment['id']}/capture").json()
    posting = captured["posting"]
    assert captured["status"] == "captured"  # the money is safe
    assert posting["status"] == "failed" and posting["error"]["code"] == "erp_unavailable"
    assert posting["next_retry_at"]
    assert retry_due(svc) == 0  # the background job waits for the backoff

    svc.erp = reachable  # Tryton is back: the on-demand retry posts it …
    retried = client.post(f"/v1/payments/{payment['id']}/post").json()["posting"]
    assert retried["status"] == "confirmed" and retried["attempts"] == 2
    assert client.get(f"/v1/invoices/{invoice_id}").json()["balance"] == usd(20_000)
    # … once: a second retry and a repeated ERP call with the same key change nothing
    client.post(f"/v1/payments/{payment['id']}/post")
    reachable.post(ENTITY, _entry_of(svc, retried["id"]), retried["id"])
    assert client.get(f"/v1/invoices/{invoice_id}").json()["balance"] == usd(20_000)
    assert len(moves_described(svc, tryton["company"], retried["id"])) == 1
    with svc.read() as s:
        types = [t for t in s.scalars(select(OutboxEvent.type).order_by(OutboxEvent.id)) if t.startswith("posting")]
    assert types == ["posting.failed", "posting.confirmed"]


def test_tryton_rejecting_the_move_fails_the_posting_cleanly(
        hub: tuple[TestClient, Services], tryton: dict[str, Any], new_invoice: Callable[..., str]) -> None:
    client, svc = hub
    invoice_id = new_invoice("small")
    payment = pay(client, invoice_id, 20_000, capture_method="manual")
    # meanwhile someone records 100.00 against the invoice directly in Tryton
    erp = svc.erp
    assert isinstance(erp, TrytonErp)
    from payhub.domain.ledger import capture_entry
    from payhub.domain.money import Money

    erp.post(ENTITY, capture_entry(PostingRules(), payment["customer"], [(invoice_id, Money(10_000, "USD"))]),
             "booked-by-hand")
    captured = client.post(f"/v1/payments/{payment['id']}/capture").json()
    assert captured["status"] == "captured"
    posting = captured["posting"]
    assert posting["status"] == "failed" and posting["error"]["code"] == "erp_rejected"
    assert posting["next_retry_at"] is None  # a rejection needs a person, not a timer
    assert client.get(f"/v1/invoices/{invoice_id}").json()["balance"] == usd(15_000)


def _entry_of(svc: Services, posting_id: str) -> Any:
    from payhub.store import repo
    from payhub.store.models import Posting

    with svc.read() as s:
        posting = s.get(Posting, posting_id)
        assert posting is not None
        return repo.entry_of(posting)


def test_an_entity_can_run_on_its_own_tryton(db_url: str, tryton: dict[str, Any],
                                              new_invoice: Callable[..., str]) -> None:
    """The server's default ERP is the embedded one; one entity is configured, through the API, to use Tryton."""
    from payhub.demo import seed

    svc = build_services(Settings(database_url=db_url, secret_key="test-secret"))
    now = datetime.now(UTC)
    with svc.transaction() as s:
        seed(s, now)
        s.flush()
        _, platform = create_key(s, None, "admin", now)
    erp = {"type": "tryton", "url": tryton["url"], "database": tryton["db"], "user": tryton["user"],
           "password": tryton["password"], "timeout_s": 30, "mapping": {"entities": {ENTITY: {
               "company": tryton["company"], "payment_method": tryton["payment_method"],
               "accounts": posting_accounts(tryton)}}}}
    try:
        with TestClient(create_app(svc), headers={"Authorization": f"Bearer {platform}",
                                                  "PayHub-Entity": "ent_demo"}) as client:
            created = client.post("/v1/entities", json={"id": ENTITY, "name": "PayHub Test Co",
                                                        "default_currency": "USD", "erp": erp})
            assert created.status_code == 201, created.text
            assert created.json()["erp"]["password_set"] is True and "password" not in created.json()["erp"]
            invoice_id = new_invoice("small")
            tryton_side = {"PayHub-Entity": ENTITY}
            assert client.get(f"/v1/invoices/{invoice_id}", headers=tryton_side).json()["balance"] == usd(25_000)
            paid = client.post("/v1/payments", headers=tryton_side, json={
                "allocations": [{"invoice": invoice_id, "amount": usd(5_000)}],
                "payment_method": {"type": "card", "token": "tok_visa"}}).json()
            assert paid["posting"]["erp"] == "tryton" and paid["posting"]["erp_reference"].startswith("account.move:")
            assert client.get(f"/v1/invoices/{invoice_id}", headers=tryton_side).json()["balance"] == usd(20_000)
            demo = client.get("/v1/invoices/inv_acme_1001").json()  # the other entity stays on the embedded ERP
            assert demo["number"] == "INV-1001"
            bad = client.patch(f"/v1/entities/{ENTITY}", headers=tryton_side,
                               json={"erp": {"type": "tryton", "url": tryton["url"], "database": "x",
                                             "mapping": {"entities": {}}}})
            assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "erp.mapping"
    finally:
        svc.close()
