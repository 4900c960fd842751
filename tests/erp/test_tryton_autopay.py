"""Autopay with Tryton as the ERP: the scheduler finds a customer's invoice due today in Tryton, pays it through
the one pipeline (channel autopay) and the payment's move lands in Tryton, which then shows the invoice paid."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from payhub.autopay import scheduler
from payhub.services import Services
from tests.autopay.conftest import CONSENT
from tests.erp.conftest import HAS_TRYTOND
from tests.erp.test_tryton_api import hub  # noqa: F401  (the fixture: PayHub configured for Tryton)
from tests.webhooks.conftest import FakeClock

pytestmark = pytest.mark.skipif(not HAS_TRYTOND, reason="trytond is not installed; CI installs it")


def test_the_scheduler_pays_a_tryton_invoice_on_its_due_date(hub: tuple[TestClient, Services],  # noqa: F811
                                                             tryton: dict[str, Any],
                                                             new_invoice: Callable[..., str]) -> None:
    client, svc = hub
    invoice_id = new_invoice("globex")  # 120.00, Net 30: due in 30 days
    invoice = client.get(f"/v1/invoices/{invoice_id}").json()
    customer, due = invoice["customer"], invoice["due_on"]
    token = client.post("/v1/tokens", json={"card": {"number": "4242424242424242", "exp_month": 12,
                                                     "exp_year": 2031, "cvc": "123"}}).json()
    method = client.post(f"/v1/customers/{customer}/payment_methods", json={"token": token["id"],
                                                                             "consent": CONSENT})
    assert method.status_code == 201, method.text
    enrolled = client.post("/v1/autopay_enrollments", json={
        "customer": customer, "payment_method": method.json()["id"], "rule": {"when": {"on": "due_date"}}})
    assert enrolled.status_code == 201, enrolled.text

    clock = FakeClock()
    svc.clock = clock
    clock.at = datetime.combine(date.fromisoformat(due), time(12), tzinfo=UTC) - timedelta(days=1)
    scheduler.run_once(svc)  # the day before: nothing is due
    assert client.get(f"/v1/invoices/{invoice_id}").json()["balance"]["amount"] == 12_000

    clock.at = datetime.combine(date.fromisoformat(due), time(12), tzinfo=UTC)
    scheduler.run_once(svc)
    paid = client.get(f"/v1/invoices/{invoice_id}").json()  # read back from Tryton
    assert paid["status"] == "paid" and paid["balance"]["amount"] == 0
    payments = [p for p in client.get(f"/v1/payments?customer={customer}").json()["data"]
                if any(a["invoice"] == invoice_id for a in p["allocations"])]
    assert [(p["channel"], p["status"], p["posting_status"]) for p in payments] == [
        ("autopay", "captured", "confirmed")]
    scheduler.run_once(svc)  # again the same day: nothing more
    assert len([p for p in client.get(f"/v1/payments?customer={customer}").json()["data"]
                if any(a["invoice"] == invoice_id for a in p["allocations"])]) == 1
