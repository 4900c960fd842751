"""The portal under attack, in real Chromium: a cross-site form post (CSRF) is refused and leaves the customer
signed in; a customer and an invoice named with markup show as text, and none of it runs."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from payhub.erp.embedded import create_customer, create_invoice
from tests.browser.test_portal import wait_for_link

EVIL_NAME = '<script>window.__pwned = "name"</script><img src=x onerror="window.__pwned = \'img\'">'
EVIL_NUMBER = '<svg onload="window.__pwned = \'number\'">'
EMAIL, CUSTOMER = "ap@evil-name.example", "cus_evil_name"


@pytest.fixture(scope="module")
def evil_customer(payhub_server: Any) -> str:
    """A customer whose ERP name and invoice number are markup, invited to the (enabled) portal."""
    today = date.today()
    with payhub_server.services.transaction() as s:
        create_customer(s, payhub_server.entity_id, CUSTOMER, EVIL_NAME, EMAIL)
        create_invoice(s, company_id=payhub_server.entity_id, customer_id=CUSTOMER, invoice_id="inv_evil_1",
                       number=EVIL_NUMBER, currency="USD", lines=[(EVIL_NAME, 1, 10_000)], terms="Net 30",
                       issued_on=today, due_on=today + timedelta(days=30))
    admin = httpx.Client(base_url=payhub_server.url, timeout=30,
                         headers={"Authorization": f"Bearer {payhub_server.admin_key}"})
    settings = {k: v for k, v in admin.get("/v1/portal_settings").json().items() if k != "object"}
    assert admin.put("/v1/portal_settings", json={**settings, "enabled": True}).status_code == 200
    made = admin.post("/v1/customers", headers={"Idempotency-Key": str(uuid.uuid4())},
                      json={"erp_customer": CUSTOMER, "email": EMAIL, "portal_access": True})
    assert made.status_code == 201, made.text
    return f"{payhub_server.url}/portal/{payhub_server.entity_id}"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1200, "height": 1000}, locale="en-US")
    yield context.new_page()
    context.close()


def sign_in(page: Page, payhub_server: Any, portal: str) -> None:
    before = len(payhub_server.mail.messages())
    page.goto(f"{portal}/signin")
    page.locator("#link-email").fill(EMAIL)
    page.locator("#link-form button").click()
    expect(page.locator(".notice")).to_contain_text("If this email belongs to an account")
    page.goto(wait_for_link(payhub_server, before + 1))
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Pay invoices")


def test_a_cross_site_form_post_is_refused_and_the_customer_stays_signed_in(
        page: Page, payhub_server: Any, host_server: Any, evil_customer: str) -> None:
    sign_in(page, payhub_server, evil_customer)
    attack = host_server.page(f"""<!doctype html><html><body>
<form id="f" method="post" action="{evil_customer}/signout"><input name="csrf_token" value="guessed"></form>
<script>document.getElementById("f").submit()</script></body></html>""")
    with page.expect_response(lambda r: r.url.endswith("/signout")) as answer:
        page.goto(attack)
    assert answer.value.status == 403  # refused: another site's post, whatever cookie it carried
    page.goto(evil_customer)
    expect(page.locator("h1")).to_have_text("Pay invoices")  # still signed in


def test_markup_in_a_name_and_an_invoice_number_is_shown_as_text_and_never_runs(
        page: Page, payhub_server: Any, evil_customer: str) -> None:
    sign_in(page, payhub_server, evil_customer)
    expect(page.locator(".who")).to_have_text(EVIL_NAME)  # the markup, as text
    row = page.locator("payhub-invoice-list #select-inv_evil_1")
    expect(row).to_be_attached()
    expect(page.locator("payhub-invoice-list")).to_contain_text(EVIL_NUMBER)
    page.goto(f"{evil_customer}/history")
    assert page.evaluate("window.__pwned") is None
    page.goto(evil_customer)
    assert page.evaluate("window.__pwned") is None
