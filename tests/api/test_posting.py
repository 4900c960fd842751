"""Posting outcomes: an ERP rejection fails the posting, never the payment; state, GL lines and the
outbox event are written in one transaction."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from payhub.demo import DEMO_ENTITY
from payhub.erp.embedded import ErpAccount
from payhub.pipeline.services import Services
from payhub.store import repo
from payhub.store.models import Entity, OutboxEvent, Posting
from tests.helpers import pay_body, usd


def set_rules(services: Services, **rules: str) -> None:
    with services.transaction() as s:
        entity = s.get(Entity, DEMO_ENTITY)
        assert entity is not None
        entity.posting_rules = {**entity.posting_rules, **rules}


def test_erp_rejection_fails_the_posting_not_the_payment(client: TestClient, services: Services) -> None:
    set_rules(services, gateway_clearing="9999")  # not in the ERP's chart of accounts
    response = client.post("/v1/payments", json=pay_body("inv_acme_1001", 7_000))
    assert response.status_code == 201, response.text
    payment = response.json()
    assert payment["status"] == "captured"
    assert payment["posting"]["status"] == "failed" and payment["posting"]["error"]["code"] == "erp_rejected"
    assert "9999" in payment["posting"]["error"]["message"]
    invoice = client.get("/v1/invoices/inv_acme_1001").json()
    assert invoice["balance"] == usd(132_500) and invoice["amount_payable"] == usd(125_500)  # still held
    with services.read() as s:
        types = list(s.scalars(select(OutboxEvent.type).order_by(OutboxEvent.id)))
    assert types == ["payment.completed", "posting.failed"]

    again = client.post(f"/v1/payments/{payment['id']}/post")
    assert again.json()["posting"]["status"] == "failed" and again.json()["posting"]["attempts"] == 2

    with services.transaction() as s:  # the accountant opens the missing account in the ERP
        s.add(ErpAccount(company_id=DEMO_ENTITY, code="9999", name="Clearing (new bank)", type="asset"))
    fixed = client.post(f"/v1/payments/{payment['id']}/post").json()
    assert fixed["posting"]["status"] == "confirmed" and fixed["posting"]["attempts"] == 3
    assert fixed["posting"]["entries"][0]["account"] == "9999"  # retried exactly as recorded
    assert client.get("/v1/invoices/inv_acme_1001").json()["balance"] == usd(125_500)


def test_retrying_a_confirmed_posting_never_posts_twice(client: TestClient, services: Services) -> None:
    payment = client.post("/v1/payments", json=pay_body("inv_acme_1001", 7_000)).json()
    client.post(f"/v1/payments/{payment['id']}/post")
    services.erp.post(DEMO_ENTITY, repo_entry(services, payment["posting"]["id"]), payment["posting"]["id"])
    assert client.get("/v1/invoices/inv_acme_1001").json()["balance"] == usd(125_500)


def repo_entry(services: Services, posting_id: str):  # type: ignore[no-untyped-def]
    with services.read() as s:
        posting = s.get(Posting, posting_id)
        assert posting is not None
        return repo.entry_of(posting)


def test_state_gl_lines_and_event_commit_together(client: TestClient, services: Services, app: FastAPI,
                                                  keys: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    payment = client.post("/v1/payments", json=pay_body("inv_acme_1001", 5_000, capture_method="manual")).json()

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("outbox write failed")

    monkeypatch.setattr(repo, "add_event", broken)
    with TestClient(app, raise_server_exceptions=False,
                    headers={"Authorization": f"Bearer {keys['payments']}"}) as lenient:
        failed = lenient.post(f"/v1/payments/{payment['id']}/capture")
    assert failed.status_code == 500 and failed.json()["code"] == "internal_error"
    monkeypatch.undo()

    after = client.get(f"/v1/payments/{payment['id']}").json()
    assert after["status"] == "requires_capture" and after["amount_captured"] == usd(0)
    with services.read() as s:
        assert s.scalar(select(func.count()).select_from(Posting)) == 0
    # the lock was released and the capture can be retried (the gateway dedupes on its key)
    retried = client.post(f"/v1/payments/{payment['id']}/capture")
    assert retried.status_code == 200 and retried.json()["posting"]["status"] == "confirmed"


class DownErp:
    """The real embedded ERP behind a switch that makes it unreachable."""

    def __init__(self, real: object) -> None:
        self.real, self.down = real, True
        self.name = "embedded"

    def __getattr__(self, name: str) -> object:
        return getattr(self.real, name)

    def post(self, *args: object, **kwargs: object) -> object:
        if self.down:
            from payhub.domain.errors import ErpUnavailable

            raise ErpUnavailable("ERP did not answer within 10s")
        return self.real.post(*args, **kwargs)  # type: ignore[attr-defined]


def test_erp_down_is_retried_in_the_background_with_backoff(client: TestClient, services: Services) -> None:
    from datetime import timedelta

    from payhub.pipeline.posting import retry_due
    from tests.webhooks.conftest import FakeClock

    clock = FakeClock()
    services.clock = clock
    erp = DownErp(services.erp)
    services.erp = erp  # type: ignore[assignment]
    payment = client.post("/v1/payments", json=pay_body("inv_acme_1001", 3_000)).json()
    posting = payment["posting"]
    assert payment["status"] == "captured" and posting["status"] == "failed"
    assert posting["error"]["code"] == "erp_unavailable"
    assert posting["next_retry_at"] == (clock.at + timedelta(seconds=30)).isoformat().replace("+00:00", "Z")

    assert retry_due(services) == 0  # not yet due
    clock.advance(31)
    assert retry_due(services) == 1  # still down: the next pause is longer
    again = client.get(f"/v1/payments/{payment['id']}").json()["posting"]
    assert again["attempts"] == 2 and again["next_retry_at"] > posting["next_retry_at"]

    erp.down = False
    clock.advance(121)
    assert retry_due(services) == 1
    final = client.get(f"/v1/payments/{payment['id']}").json()["posting"]
    assert final["status"] == "confirmed" and final["next_retry_at"] is None and final["attempts"] == 3
    assert client.get("/v1/invoices/inv_acme_1001").json()["balance"] == usd(129_500)
    assert retry_due(services) == 0
    with services.read() as s:
        types = [t for t in s.scalars(select(OutboxEvent.type).order_by(OutboxEvent.id)) if t.startswith("posting")]
    assert types == ["posting.failed", "posting.failed", "posting.confirmed"]
