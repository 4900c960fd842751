"""A payment is two write transactions (issue 10, P1): the intent (with the Idempotency-Key's reservation) and the
outcome (state, GL lines, the embedded ERP's entry, both events and the key's sealed response)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient
from sqlalchemy import event, select

from payhub.services import Services
from payhub.store.models import IdempotencyRecord, OutboxEvent
from tests.helpers import pay_body, usd


@contextmanager
def commits(services: Services) -> Iterator[list[str]]:
    """The write transactions committed while the block runs."""
    seen: list[str] = []
    engine = services.sessions.kw["bind"]

    def committed(_: object) -> None:
        seen.append("commit")

    event.listen(engine, "commit", committed)
    try:
        yield seen
    finally:
        event.remove(engine, "commit", committed)


def test_an_automatic_capture_payment_is_two_write_transactions(client: TestClient, services: Services) -> None:
    with commits(services) as seen:
        response = client.post("/v1/payments", json=pay_body("inv_acme_1001", 7_000),
                               headers={"Idempotency-Key": "two-tx-1"})
    assert response.status_code == 201, response.text
    payment = response.json()
    assert payment["status"] == "captured" and payment["posting"]["status"] == "confirmed"
    assert len(seen) == 2
    with services.read() as s:
        record = s.scalar(select(IdempotencyRecord).where(IdempotencyRecord.key == "two-tx-1"))
        types = list(s.scalars(select(OutboxEvent.type).order_by(OutboxEvent.id)))
    assert record is not None and record.status == "done" and record.resource_id == payment["id"]
    assert types == ["payment.completed", "posting.confirmed"]
    assert client.get("/v1/invoices/inv_acme_1001").json()["balance"] == usd(125_500)  # the ERP has it

    with commits(services) as seen:
        replay = client.post("/v1/payments", json=pay_body("inv_acme_1001", 7_000),
                             headers={"Idempotency-Key": "two-tx-1"})
    assert replay.headers["idempotent-replayed"] == "true" and replay.json() == payment and seen == []


def test_a_refused_payment_writes_nothing_and_keeps_its_key_free(client: TestClient, services: Services) -> None:
    with commits(services) as seen:
        refused = client.post("/v1/payments", json=pay_body("inv_acme_1001", 999_999),
                              headers={"Idempotency-Key": "two-tx-2"})
    assert refused.status_code == 422 and refused.json()["code"] == "amount_exceeds_balance"
    assert seen == []
    fixed = client.post("/v1/payments", json=pay_body("inv_acme_1001", 1_000), headers={"Idempotency-Key": "two-tx-2"})
    assert fixed.status_code == 201, fixed.text


def test_an_authorization_is_two_write_transactions_too(client: TestClient, services: Services) -> None:
    with commits(services) as seen:
        response = client.post("/v1/payments", json=pay_body("inv_acme_1001", 7_000, capture_method="manual"),
                               headers={"Idempotency-Key": "two-tx-3"})
    assert response.status_code == 201 and response.json()["status"] == "requires_capture"
    assert len(seen) == 2


def test_an_invoice_read_is_one_read_transaction(client: TestClient, services: Services) -> None:
    """The embedded ERP's invoice and PayHub's holds on it come from the same transaction (and connection)."""
    touched: list[int] = []
    engines = {services.sessions.kw["bind"], services.readers.kw["bind"]}
    counter = iter(range(1_000_000))

    def began(conn: object) -> None:
        conn.info["payhub_test_tx"] = next(counter)  # type: ignore[attr-defined]

    def executed(conn: object, _cursor: object, statement: str, *_: object) -> None:
        if "erp_invoices" in statement or "payment_allocations" in statement:
            touched.append(conn.info["payhub_test_tx"])  # type: ignore[attr-defined]

    for engine in engines:
        event.listen(engine, "begin", began)
        event.listen(engine, "before_cursor_execute", executed)
    try:
        response = client.get("/v1/invoices/inv_acme_1001")
    finally:
        for engine in engines:
            event.remove(engine, "begin", began)
            event.remove(engine, "before_cursor_execute", executed)
    assert response.status_code == 200 and response.json()["id"] == "inv_acme_1001"
    assert len(touched) >= 2 and len(set(touched)) == 1
