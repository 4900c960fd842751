"""Posting outcomes: an ERP rejection fails the posting, never the payment; state, GL lines and the
outbox event are written in one transaction."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from payhub.demo import DEMO_ENTITY
from payhub.erp.embedded import ErpAccount
from payhub.services import Services
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


class UnreadableErp(DownErp):
    """An ERP that cannot be read either: no live invoice data."""

    def get_invoice(self, *args: object, **kwargs: object) -> object:
        from payhub.domain.errors import ErpUnavailable

        raise ErpUnavailable("ERP did not answer within 10s")


def test_a_new_payment_with_the_erp_down_is_refused_and_charges_nothing(client: TestClient,
                                                                         services: Services) -> None:
    services.erp = UnreadableErp(services.erp)  # type: ignore[assignment]
    response = client.post("/v1/payments", json=pay_body("inv_acme_1001", 3_000))
    assert response.status_code == 503 and response.json()["code"] == "erp_unavailable", response.text
    assert services.gateways["simulator"].charges == {}  # type: ignore[attr-defined]
    assert client.get("/v1/payments").json()["data"] == []


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


# --- recovery of abandoned postings (issue 9, item 3) ---
def _crash_before_posting(monkeypatch: pytest.MonkeyPatch) -> None:
    """An ERP outside PayHub's database (posted after the payment's commit, not within it), and the process
    dies after the commit, before posting: the request's posting attempt never happens."""
    from payhub.pipeline import posting as pipeline

    def died(svc: Services, posting: Posting) -> pipeline.Posted:
        with svc.read() as s:
            row = s.get(Posting, posting.id)
            assert row is not None
            return pipeline.Posted(row, repo.get_payment(s, row.entity_id, row.payment_id or ""))

    monkeypatch.setattr(pipeline, "run", died)
    monkeypatch.setattr(pipeline, "post_within", lambda *_: False)


def _recoveries(outcome: str) -> float:
    from prometheus_client import REGISTRY

    return REGISTRY.get_sample_value("payhub_recoveries_total", {"kind": "posting", "outcome": outcome}) or 0.0


def test_pending_posting_abandoned_by_a_crash_is_posted_by_the_recovery_job(
        client: TestClient, services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    from payhub.pipeline.posting import retry_due
    from tests.webhooks.conftest import FakeClock

    services.clock = clock = FakeClock()
    _crash_before_posting(monkeypatch)
    payment = client.post("/v1/payments", json=pay_body("inv_acme_1001", 3_000)).json()
    monkeypatch.undo()
    assert payment["posting"]["status"] == "pending" and payment["posting_status"] == "pending"

    assert retry_due(services) == 0  # young: the request that made it may be posting it right now
    clock.advance(services.posting_deadline.total_seconds() + 1)
    confirmed_before = _recoveries("confirmed")
    assert retry_due(services) == 1
    assert _recoveries("confirmed") == confirmed_before + 1
    shown = client.get(f"/v1/payments/{payment['id']}").json()
    assert shown["posting_status"] == "confirmed" and shown["postings"][0]["status"] == "confirmed"
    assert client.get("/v1/invoices/inv_acme_1001").json()["balance"] == usd(129_500)
    assert retry_due(services) == 0


def test_a_leased_posting_is_left_to_its_holder_until_the_lease_expires(
        client: TestClient, services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    from payhub.pipeline import posting as pipeline
    from tests.webhooks.conftest import FakeClock

    services.clock = clock = FakeClock()
    _crash_before_posting(monkeypatch)
    payment = client.post("/v1/payments", json=pay_body("inv_acme_1001", 3_000)).json()
    monkeypatch.undo()
    posting_id = payment["posting"]["id"]
    clock.advance(services.posting_deadline.total_seconds() + 1)
    with services.transaction() as s:  # another worker is posting it right now
        assert repo.lease_posting(s, posting_id, clock.now(), clock.now() + services.posting_deadline)

    assert pipeline.retry_due(services) == 0
    on_demand = client.post(f"/v1/payments/{payment['id']}/post").json()
    assert on_demand["posting"]["status"] == "pending" and on_demand["posting"]["attempts"] == 0
    assert client.get("/v1/invoices/inv_acme_1001").json()["balance"] == usd(132_500)  # not posted by us

    clock.advance(services.posting_deadline.total_seconds() + 1)  # the holder died: its lease runs out
    assert pipeline.retry_due(services) == 1
    assert client.get("/v1/invoices/inv_acme_1001").json()["balance"] == usd(129_500)


class CountingErp:
    """The embedded ERP, counting post calls per reference key."""

    def __init__(self, real: object) -> None:
        import threading

        self.real, self.name = real, "embedded"
        self.calls: dict[str, int] = {}
        self.lock = threading.Lock()

    def __getattr__(self, name: str) -> object:
        return getattr(self.real, name)

    def post(self, entity_id: str, entry: object, reference_key: str) -> object:
        with self.lock:
            self.calls[reference_key] = self.calls.get(reference_key, 0) + 1
        return self.real.post(entity_id, entry, reference_key)  # type: ignore[attr-defined]


def test_workers_side_by_side_post_each_abandoned_posting_once(
        client: TestClient, services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from payhub.pipeline.posting import retry_due
    from tests.webhooks.conftest import FakeClock

    services.clock = clock = FakeClock()
    _crash_before_posting(monkeypatch)
    ids = [client.post("/v1/payments", json=pay_body("inv_acme_1001", 1_000)).json()["posting"]["id"]
           for _ in range(6)]
    monkeypatch.undo()
    erp = CountingErp(services.erp)
    services.erp = erp  # type: ignore[assignment]
    clock.advance(services.posting_deadline.total_seconds() + 1)
    done: list[int] = []
    workers = [threading.Thread(target=lambda: done.append(retry_due(services))) for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert sum(done) == 6 and erp.calls == {i: 1 for i in ids}
    assert client.get("/v1/invoices/inv_acme_1001").json()["balance"] == usd(132_500 - 6_000)


# --- holds end exactly when the ERP has the posting (issue 9, item 15) ---
class SlowErp:
    """The embedded ERP behind a network that loses answers: `post` times out. With `books_anyway` the ERP
    books the entry before the answer is lost; `lookups_fail` makes the follow-up question time out too."""

    def __init__(self, real: object, *, books_anyway: bool, lookups_fail: bool = False) -> None:
        self.real, self.name = real, "embedded"
        self.books_anyway, self.lookups_fail, self.slow = books_anyway, lookups_fail, True

    def __getattr__(self, name: str) -> object:
        return getattr(self.real, name)

    def post(self, entity_id: str, entry: object, reference_key: str) -> object:
        from payhub.domain.errors import ErpUnavailable

        if not self.slow:
            return self.real.post(entity_id, entry, reference_key)  # type: ignore[attr-defined]
        if self.books_anyway:
            self.real.post(entity_id, entry, reference_key)  # type: ignore[attr-defined]
        raise ErpUnavailable("ERP did not answer within 10s")

    def find_posting(self, entity_id: str, entry: object, reference_key: str) -> object:
        from payhub.domain.errors import ErpUnavailable

        if self.lookups_fail:
            raise ErpUnavailable("ERP did not answer within 10s")
        return self.real.find_posting(entity_id, entry, reference_key)  # type: ignore[attr-defined]


def test_a_posting_booked_after_its_timeout_is_not_held_again(client: TestClient, services: Services) -> None:
    from payhub.pipeline.posting import retry_due
    from tests.webhooks.conftest import FakeClock

    services.clock = clock = FakeClock()
    real = services.erp
    erp = SlowErp(real, books_anyway=False)
    services.erp = erp  # type: ignore[assignment]
    payment = client.post("/v1/payments", json=pay_body("inv_acme_1001", 3_000)).json()
    posting = payment["posting"]
    assert posting["status"] == "failed" and posting["error"]["code"] == "erp_unavailable"
    assert client.get("/v1/invoices/inv_acme_1001").json()["amount_payable"] == usd(129_500)  # held, not booked

    # the slow ERP finishes the timed-out request after PayHub gave up on it
    real.post(DEMO_ENTITY, repo_entry(services, posting["id"]), posting["id"])
    invoice = client.get("/v1/invoices/inv_acme_1001").json()
    assert invoice["balance"] == usd(129_500) and invoice["amount_payable"] == usd(129_500)  # counted once
    erp.slow = False
    rest = client.post("/v1/payments", json=pay_body("inv_acme_1001", 129_500))  # all of what is payable
    assert rest.status_code == 201, rest.text
    assert client.get("/v1/invoices/inv_acme_1001").json()["amount_payable"] == usd(0)

    clock.advance(31)
    assert retry_due(services) == 1  # the retry learns the first receipt; the ERP books nothing twice
    final = client.get(f"/v1/payments/{payment['id']}").json()
    assert final["posting_status"] == "confirmed"
    invoice = client.get("/v1/invoices/inv_acme_1001").json()
    assert invoice["balance"] == usd(0) and invoice["amount_payable"] == usd(0)


def test_a_confirmation_between_the_erp_lookup_and_the_hold_count_is_not_subtracted_twice(
        client: TestClient, services: Services) -> None:
    """The interleaving behind a rare overpay on PostgreSQL: a payment asks the ERP about an unconfirmed
    posting (found booked), then the posting's own confirmation commits, then the payment sums its holds.
    The confirmed amount is in amount_posted by then and must not be taken off the holds a second time."""
    from payhub.pipeline.posting import retry_due
    from payhub.store import repo
    from tests.webhooks.conftest import FakeClock

    services.clock = clock = FakeClock()
    real = services.erp
    erp = SlowErp(real, books_anyway=True, lookups_fail=True)
    services.erp = erp  # type: ignore[assignment]
    posting = client.post("/v1/payments", json=pay_body("inv_acme_1001", 3_000)).json()["posting"]
    assert posting["status"] == "failed"
    with services.read() as s:  # the lookup's answer, taken while the posting was still unconfirmed
        erp_has = [p.id for p in repo.uncertain_postings(s, DEMO_ENTITY, ["inv_acme_1001"])]
    assert erp_has == [posting["id"]]
    erp.slow, erp.lookups_fail = False, False
    clock.advance(31)
    assert retry_due(services) == 1  # the confirmation commits in between
    authorized = client.post("/v1/payments", json=pay_body("inv_acme_1001", 5_000, capture_method="manual"))
    assert authorized.status_code == 201, authorized.text
    with services.read() as s:
        assert repo.held_amounts(s, DEMO_ENTITY, ["inv_acme_1001"], erp_has=erp_has) == {"inv_acme_1001": 5_000}


def test_an_answer_lost_after_booking_is_found_and_confirmed_at_once(client: TestClient, services: Services) -> None:
    services.erp = SlowErp(services.erp, books_anyway=True)  # type: ignore[assignment]
    posting = client.post("/v1/payments", json=pay_body("inv_acme_1001", 3_000)).json()["posting"]
    assert posting["status"] == "confirmed" and posting["erp_reference"] and posting["attempts"] == 1
    invoice = client.get("/v1/invoices/inv_acme_1001").json()
    assert invoice["balance"] == usd(129_500) and invoice["amount_payable"] == usd(129_500)


def test_an_erp_that_cannot_tell_keeps_the_hold(client: TestClient, services: Services) -> None:
    erp = SlowErp(services.erp, books_anyway=True, lookups_fail=True)
    services.erp = erp  # type: ignore[assignment]
    posting = client.post("/v1/payments", json=pay_body("inv_acme_1001", 3_000)).json()["posting"]
    assert posting["status"] == "failed" and posting["error"]["code"] == "erp_unavailable"
    # booked, but nobody can say so: PayHub offers less than is payable, never more
    assert client.get("/v1/invoices/inv_acme_1001").json()["amount_payable"] == usd(126_500)
    erp.lookups_fail = False
    assert client.get("/v1/invoices/inv_acme_1001").json()["amount_payable"] == usd(129_500)


# --- settlement never hides an unposted payment ---
def test_settlement_records_the_gateway_fact_and_keeps_the_posting_visible_and_retried(
        client: TestClient, services: Services) -> None:
    from payhub.pipeline.posting import retry_due
    from payhub.pipeline.settle import sync_settlements
    from tests.webhooks.conftest import FakeClock

    services.clock = clock = FakeClock()
    erp = DownErp(services.erp)
    services.erp = erp  # type: ignore[assignment]
    payment = client.post("/v1/payments", json=pay_body("inv_acme_1001", 3_000)).json()
    assert payment["posting_status"] == "failed"
    assert sync_settlements(services) == [payment["id"]]
    settled = client.get(f"/v1/payments/{payment['id']}").json()
    assert settled["status"] == "settled" and settled["posting_status"] == "failed"
    assert settled["postings"][0]["error_code"] == "erp_unavailable" and settled["postings"][0]["next_retry_at"]
    with services.read() as s:
        event = s.scalars(select(OutboxEvent).where(OutboxEvent.type == "payment.settled")).one()
    assert event.payload["data"]["posting_status"] == "failed"

    erp.down = False
    clock.advance(31)
    assert retry_due(services) == 1  # settled or not, the posting is retried
    assert client.get(f"/v1/payments/{payment['id']}").json()["posting_status"] == "confirmed"
