"""The scheduler with a fake clock: "due today" in the entity's time zone across a month end and a DST change,
with the customer in another time zone; the caps; an invoice partly paid by other means; the soft-decline retry
schedule; a hard decline pausing the enrollment until the method changes; two schedulers at once."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from payhub.autopay import scheduler
from payhub.bootstrap import build_services
from payhub.demo import DEMO_ENTITY
from payhub.erp.embedded import ErpInvoice
from payhub.gateways.simulator import SimulatorGateway
from payhub.services import Services
from payhub.settings import Settings
from payhub.store.models import Payment
from tests.autopay.conftest import add_invoice, at, enroll, events, save_method, set_timezone
from tests.webhooks.conftest import FakeClock

NY = ZoneInfo("America/New_York")


def payments(services: Services) -> list[Payment]:
    with services.read() as s:
        return list(s.scalars(select(Payment).where(Payment.channel == "autopay").order_by(Payment.created_at)))


def charges(services: Services) -> int:
    gateway = services.gateways["simulator"]
    assert isinstance(gateway, SimulatorGateway)
    return len(gateway.charges)


def test_month_end_dst_and_a_customer_elsewhere(client: TestClient, services: Services, clock: FakeClock,
                                                customer: str) -> None:
    """New York entity, Tokyo customer. 31 Jan due: not paid at 23:30 on 30 Jan in New York (already 31 Jan in
    Tokyo and UTC), paid at 00:30 on 31 Jan New York time. 1 Feb (month end): paid on 1 Feb, not on 31 Jan.
    8 Mar (DST starts at 02:00, a 23-hour day): paid once on 8 Mar, and the run an hour later pays nothing."""
    set_timezone(services, "America/New_York")
    add_invoice(services, "inv_jan31", date(2026, 1, 31), 10_000)
    add_invoice(services, "inv_feb01", date(2026, 2, 1), 20_000)
    add_invoice(services, "inv_mar08", date(2026, 3, 8), 30_000)
    enroll(client, save_method(client))

    clock.at = at(2026, 1, 30, 23, 30, NY)  # 04:30 UTC on 31 Jan; 13:30 on 31 Jan in Tokyo
    assert scheduler.run_once(services)["completed"] == 0
    clock.at = at(2026, 1, 31, 0, 30, NY)
    assert scheduler.run_once(services)["completed"] == 1
    assert [p.amount for p in payments(services)] == [10_000]
    clock.at = at(2026, 1, 31, 23, 59, NY)  # month end: February's invoice waits for February
    assert scheduler.run_once(services)["completed"] == 0
    clock.at = at(2026, 2, 1, 0, 1, NY)
    assert scheduler.run_once(services)["completed"] == 1
    clock.at = at(2026, 3, 8, 1, 30, NY)  # before the clocks jump
    assert scheduler.run_once(services)["completed"] == 1
    clock.at = at(2026, 3, 8, 3, 30, NY)  # after: the same local date, nothing more
    assert scheduler.run_once(services) == {}
    assert [p.amount for p in payments(services)] == [10_000, 20_000, 30_000]
    assert all(p.channel == "autopay" and p.status == "captured" for p in payments(services))
    assert charges(services) == 3
    assert len(events(services, "payment.completed")) == 3


def test_days_before_due_and_a_missed_day(client: TestClient, services: Services, clock: FakeClock,
                                          customer: str) -> None:
    """Paid 3 days before the due date; a worker that was down that day pays on its next run."""
    add_invoice(services, "inv_soon", date(2026, 5, 10), 5_000)
    enroll(client, save_method(client), when={"days_before_due": 3})
    clock.at = at(2026, 5, 6)
    assert scheduler.run_once(services) == {}
    clock.at = at(2026, 5, 9)  # the 7th was missed
    assert scheduler.run_once(services)["completed"] == 1
    clock.at = at(2026, 5, 10)
    assert scheduler.run_once(services) == {}


def test_filters_caps_and_remaining_balance(client: TestClient, services: Services, clock: FakeClock,
                                            customer: str) -> None:
    add_invoice(services, "inv_a", date(2026, 4, 1), 40_000)
    add_invoice(services, "inv_b", date(2026, 4, 2), 70_000)  # above max_per_invoice
    add_invoice(services, "inv_c", date(2026, 4, 3), 45_000, terms="Due on receipt")  # other terms
    add_invoice(services, "inv_d", date(2026, 4, 4), 60_000)  # over the month's cap after inv_a
    add_invoice(services, "inv_e", date(2026, 5, 1), 45_000)  # next month: fits again
    enroll(client, save_method(client), invoices={"terms": ["Net 30"]},
           max_per_invoice={"amount": 60_000, "currency": "USD"}, max_per_month={"amount": 80_000, "currency": "USD"})
    # inv_a is partly paid by other means first: autopay pays only the rest
    partial = client.post("/v1/payments", json={"allocations": [{"invoice": "inv_a", "amount": {
        "amount": 15_000, "currency": "USD"}}], "payment_method": {"type": "card", "card": {
            "number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123"}}})
    assert partial.status_code == 201, partial.text
    clock.at = at(2026, 4, 5)
    done = scheduler.run_once(services)
    assert done["completed"] == 1 and done["skipped:max_per_invoice"] == 1 and done["skipped:max_per_month"] == 1
    assert [(p.allocations[0].invoice_id, p.amount) for p in payments(services)] == [("inv_a", 25_000)]
    clock.at = at(2026, 5, 1)  # a new month: inv_d fits (the oldest first), then inv_e would not
    done = scheduler.run_once(services)
    assert done["completed"] == 1 and done["skipped:max_per_month"] == 1
    assert [(p.allocations[0].invoice_id, p.amount) for p in payments(services)] == [
        ("inv_a", 25_000), ("inv_d", 60_000)]
    with services.read() as s:
        assert s.get(ErpInvoice, "inv_a").balance == 0  # type: ignore[union-attr]


def test_soft_decline_retries_on_schedule(client: TestClient, services: Services, clock: FakeClock,
                                          customer: str) -> None:
    """Insufficient funds: retried 1, 3 and 5 days after each failure, then given up (autopay.payment_failed);
    every attempt is a payment of its own with its payment.failed event; the enrollment stays active."""
    add_invoice(services, "inv_nsf", date(2026, 6, 1), 12_000)
    created = enroll(client, save_method(client, number="4000000000009995"))
    start = at(2026, 6, 1, 9)
    runs = {}
    for day in range(0, 12):
        clock.at = start + timedelta(days=day)
        done = scheduler.run_once(services)
        if done:
            runs[day] = dict(done)
    assert runs == {0: {"soft_declined": 1}, 1: {"soft_declined": 1}, 4: {"soft_declined": 1},
                    9: {"given_up": 1}}
    attempts = scheduler.attempts(services, created["id"])
    assert [(a.attempt, a.outcome, a.failure_code) for a in attempts] == [
        (n, "failed", "insufficient_funds") for n in (1, 2, 3, 4)]
    assert len({a.payment_id for a in attempts}) == 4
    assert len(events(services, "payment.failed")) == 4
    (failed,) = events(services, "autopay.payment_failed")
    assert failed["category"] == "soft" and failed["reason"] == "insufficient_funds" and failed["attempt"] == 4
    assert client.get(f"/v1/autopay_enrollments/{created['id']}").json()["status"] == "active"


def test_retry_schedule_is_per_entity(admin: TestClient, client: TestClient, services: Services, clock: FakeClock,
                                      customer: str) -> None:
    admin.put("/v1/autopay_settings", json={"retry_days": [2]})
    add_invoice(services, "inv_nsf", date(2026, 6, 1), 12_000)
    enroll(client, save_method(client, ach_account="000111111116"))  # ACH: insufficient funds
    clock.at = at(2026, 6, 1)
    assert scheduler.run_once(services) == {"soft_declined": 1}
    clock.at = at(2026, 6, 2)
    assert scheduler.run_once(services) == {}
    clock.at = at(2026, 6, 3)
    assert scheduler.run_once(services) == {"given_up": 1}


@pytest.mark.parametrize("method", ["card", "ach"])
def test_hard_decline_pauses_until_the_method_changes(method: str, client: TestClient, services: Services,
                                                      clock: FakeClock, customer: str) -> None:
    add_invoice(services, "inv_hard", date(2026, 7, 1), 9_900)
    bad = save_method(client, number="4000000000000002") if method == "card" else save_method(
        client, ach_account="000111111113")
    created = enroll(client, bad)
    clock.at = at(2026, 7, 1)
    assert scheduler.run_once(services) == {"hard_declined": 1}
    shown = client.get(f"/v1/autopay_enrollments/{created['id']}").json()
    reason = "card_declined" if method == "card" else "bank_account_declined"
    assert shown["status"] == "paused" and shown["paused_reason"] == reason
    (failed,) = events(services, "autopay.payment_failed")
    assert failed["category"] == "hard" and failed["reason"] == reason and failed["enrollment"]["status"] == "paused"
    clock.at = at(2026, 7, 5)
    assert scheduler.run_once(services) == {}  # paused: never retried
    assert len(events(services, "payment.failed")) == 1
    resumed = client.patch(f"/v1/autopay_enrollments/{created['id']}", json={"payment_method": save_method(client)})
    assert resumed.json()["status"] == "active" and resumed.json()["paused_reason"] is None
    assert scheduler.run_once(services) == {"completed": 1}
    assert [a.outcome for a in scheduler.attempts(services, created["id"])] == ["hard_declined", "completed"]


def test_a_rerun_and_a_cancelled_enrollment_pay_nothing_more(client: TestClient, services: Services,
                                                             clock: FakeClock, customer: str) -> None:
    add_invoice(services, "inv_1", date(2026, 8, 1), 1_000)
    add_invoice(services, "inv_2", date(2026, 8, 2), 2_000)
    created = enroll(client, save_method(client))
    clock.at = at(2026, 8, 1)
    assert scheduler.run_once(services) == {"completed": 1}
    assert scheduler.run_once(services) == {}
    client.post(f"/v1/autopay_enrollments/{created['id']}/cancel")
    clock.at = at(2026, 8, 2)
    assert scheduler.run_once(services) == {}
    assert charges(services) == 1


@pytest.mark.postgres
@pytest.mark.parametrize("lease", [True, False], ids=["with leases", "attempt rows alone"])
def test_two_schedulers_at_once_charge_once(lease: bool, db_url: str, client: TestClient, services: Services,
                                            clock: FakeClock, customer: str) -> None:
    """Two schedulers (two service containers, two connection pools) on PostgreSQL start together over the same
    due invoices: each invoice is charged once. Without the enrollment lease, the attempt rows alone hold."""
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL: real concurrent transactions")
    for n in range(5):
        add_invoice(services, f"inv_twice_{n}", date(2026, 9, 1), 1_000 + n)
    enroll(client, save_method(client))
    clock.at = at(2026, 9, 1)
    other = build_services(Settings(database_url=db_url, secret_key="test-secret", lock_wait_s=20))
    other.clock, other.gateways = clock, services.gateways  # one gateway: it counts every charge
    barrier = threading.Barrier(2)
    results: list[dict[str, int]] = []

    def run(svc: Services, holder: str) -> None:
        barrier.wait()
        results.append(dict(scheduler.run_once(svc, holder, lease=lease)))

    threads = [threading.Thread(target=run, args=(svc, name)) for svc, name in ((services, "a"), (other, "b"))]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        other.close()
    assert sum(r.get("completed", 0) for r in results) == 5, results
    assert charges(services) == 5 and len(payments(services)) == 5
    assert sorted(str(p.allocations[0].invoice_id) for p in payments(services)) == [f"inv_twice_{n}" for n in range(5)]
    assert scheduler.run_once(services) == {}
    with services.read() as s:
        assert all(s.get(ErpInvoice, f"inv_twice_{n}").balance == 0 for n in range(5))  # type: ignore[union-attr]
    assert DEMO_ENTITY
