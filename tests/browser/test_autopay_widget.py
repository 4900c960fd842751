"""`<payhub-autopay-enrollment>` enrols: pick a saved method, "5 days before the due date" and a cap per invoice,
see the enrollment (and `autopay.enrolled` in the outbox), then cancel it; all over the public API with the
customer's token, in real Chromium."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from payhub.erp.embedded import create_customer
from payhub.store.models import OutboxEvent

CUSTOMER = "cus_autopay_widget"  # its own: the widget tests share the server and expect the demo's without methods


@pytest.fixture(scope="module", autouse=True)
def customer(payhub_server: Any) -> None:
    with payhub_server.services.transaction() as s:
        create_customer(s, payhub_server.entity_id, CUSTOMER, "Autopay Widget Co", "ap@autopay-widget.example")


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    ctx = browser.new_context(viewport={"width": 1000, "height": 1200}, locale="en-US")
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    ctx.close()
    assert not errors, errors


def test_enrol_then_cancel(page: Page, payhub_server: Any, host_server: Any,
                           customer_token: Callable[..., str]) -> None:
    api = payhub_server.url
    with httpx.Client(base_url=api, headers={"Authorization": f"Bearer {payhub_server.payments_key}"},
                      timeout=30) as c:
        token = c.post("/v1/tokens", json={"card": {"number": "5555555555554444", "exp_month": 12,
                                                    "exp_year": 2031, "cvc": "123"}})
        saved = c.post(f"/v1/customers/{CUSTOMER}/payment_methods", json={
            "token": token.json()["id"], "consent": {"text": "Keep my card for autopay.", "accepted": True}})
        assert saved.status_code == 201, saved.text
        method = saved.json()["id"]
    secret = customer_token(CUSTOMER)
    html = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Autopay</title>
<script type="module" src="{api}/widgets/v1/payhub.js"></script></head><body>
<payhub-autopay-enrollment api-base="{api}" token="{secret}" merchant="Demo Supplies Co."></payhub-autopay-enrollment>
</body></html>"""
    page.goto(host_server.page(html))
    widget = page.locator("payhub-autopay-enrollment")
    expect(widget.locator("[data-autopay]")).to_contain_text("You are not enrolled in autopay")
    widget.locator("#autopay-method").select_option(method)
    widget.locator("#autopay-before").check()
    widget.locator("#autopay-days").fill("0")
    widget.locator("#autopay-enrol").click()  # refused in the widget: nothing sent
    expect(widget.locator("#autopay-days-error")).to_contain_text("1 to 60")
    widget.locator("#autopay-days").fill("5")
    widget.locator("#autopay-max").fill("500.00")
    widget.locator("#autopay-enrol").click()
    enrollment = widget.locator("[data-enrollment]")
    expect(enrollment).to_contain_text("5 day(s) before their due date")
    expect(enrollment).to_contain_text("Mastercard ending 4444")
    expect(enrollment).to_contain_text("$500.00")
    expect(widget.locator("[data-autopay-status]")).to_have_text("Active")
    enrollment_id = enrollment.get_attribute("data-enrollment")

    with httpx.Client(base_url=api, headers={"Authorization": f"Bearer {payhub_server.admin_key}"}, timeout=30) as c:
        shown = c.get(f"/v1/autopay_enrollments/{enrollment_id}").json()
        assert shown["rule"]["when"] == {"days_before_due": 5} and shown["payment_method"]["id"] == method
        assert shown["rule"]["max_per_invoice"] == {"amount": 50_000, "currency": "USD"}
        with payhub_server.services.read() as s:
            enrolled = [e.payload["data"]["id"] for e in s.scalars(
                select(OutboxEvent).where(OutboxEvent.type == "autopay.enrolled"))]
        assert enrollment_id in enrolled

        widget.locator("#autopay-cancel").click()
        expect(widget.locator("[role=status]").first).to_contain_text("Autopay is cancelled")
        expect(widget.locator("[data-autopay]")).to_contain_text("You are not enrolled in autopay")
        assert c.get(f"/v1/autopay_enrollments/{enrollment_id}").json()["status"] == "cancelled"
