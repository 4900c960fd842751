"""Autopay fixtures: a customer of the demo entity with invoices due on chosen dates, a saved method, and a fake
clock the scheduler reads ("today" in the entity's time zone)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from payhub.demo import DEMO_ENTITY
from payhub.erp.embedded import create_customer, create_invoice
from payhub.services import Services
from payhub.store.models import Entity, OutboxEvent
from tests.webhooks.conftest import FakeClock

CUSTOMER = "cus_auto"
CONSENT = {"text": "I authorise Demo Supplies to charge this card for my invoices when they fall due.",
           "accepted": True}
MANDATE = {"frequency": "per_invoice", "amount_range": {"min": {"amount": 100, "currency": "USD"},
                                                        "max": {"amount": 1_000_000, "currency": "USD"}},
           "revocation": "Cancel autopay any time in the portal or by calling 555-0100."}


@pytest.fixture
def clock(services: Services) -> FakeClock:
    fake = FakeClock()
    services.clock = fake
    return fake


@pytest.fixture
def customer(services: Services) -> str:
    """A customer of its own (in Tokyo: the entity's time zone decides, not the customer's)."""
    with services.transaction() as s:
        create_customer(s, DEMO_ENTITY, CUSTOMER, "Autopay Customer KK", "ap@auto.example",
                        metadata={"time_zone": "Asia/Tokyo"})
    return CUSTOMER


def add_invoice(services: Services, invoice_id: str, due_on: date, amount: int, terms: str = "Net 30",
                customer: str = CUSTOMER) -> None:
    with services.transaction() as s:
        create_invoice(s, company_id=DEMO_ENTITY, customer_id=customer, invoice_id=invoice_id,
                       number=invoice_id.upper().replace("INV_", "AP-"), currency="USD",
                       lines=[("Monthly service", 1, amount)], terms=terms, issued_on=date(2026, 1, 1), due_on=due_on)


def set_timezone(services: Services, tz: str) -> None:
    with services.transaction() as s:
        s.execute(update(Entity).where(Entity.id == DEMO_ENTITY).values(timezone=tz))


def save_method(c: TestClient, customer: str = CUSTOMER, number: str = "4242424242424242",
                ach_account: str | None = None) -> str:
    if ach_account is not None:
        body: dict[str, Any] = {"ach": {"routing_number": "110000000", "account_number": ach_account,
                                        "account_holder_name": "Auto KK"}}
    else:
        body = {"card": {"number": number, "exp_month": 12, "exp_year": 2031, "cvc": "123"}}
    token = c.post("/v1/tokens", json=body)
    assert token.status_code == 201, token.text
    saved = c.post(f"/v1/customers/{customer}/payment_methods",
                   json={"token": token.json()["id"], "consent": CONSENT,
                         **({"mandate": MANDATE} if ach_account else {})})
    assert saved.status_code == 201, saved.text
    return str(saved.json()["id"])


def enroll(c: TestClient, method: str, customer: str = CUSTOMER, **rule: Any) -> dict[str, Any]:
    body = {"customer": customer, "payment_method": method, "rule": {"when": {"on": "due_date"}, **rule}}
    response = c.post("/v1/autopay_enrollments", json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def events(services: Services, type_: str) -> list[dict[str, Any]]:
    with services.read() as s:
        return [e.payload["data"] for e in s.scalars(select(OutboxEvent).where(OutboxEvent.type == type_)
                                                     .order_by(OutboxEvent.created_at, OutboxEvent.id))]


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0, tz: Any = UTC) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=tz)
