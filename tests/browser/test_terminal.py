"""The virtual terminal in real Chromium, against a real `payhub serve`: a staff member signs in, finds a customer,
keys a card payment with Level 2/3 data through the hosted fields, sees the fees before and the GL posting after,
and (role terminal_refund) refunds it; a `terminal` user sees no refund button and the API refuses their refund.
Screenshots land in build/screenshots/ (copies in docs/screenshots/)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PayHubServer, server_log

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "screenshots"
PASSWORD = "terminal password 1"


def _admin(server: PayHubServer, method: str, path: str, body: Any = None) -> dict[str, Any]:
    r = httpx.request(method, f"{server.url}{path}", json=body, timeout=30,
                      headers={"Authorization": f"Bearer {server.admin_key}"})
    assert r.status_code < 300, r.text
    return dict(r.json())


@pytest.fixture(scope="module")
def staff(payhub_server: PayHubServer) -> dict[str, dict[str, Any]]:
    return {role: _admin(payhub_server, "POST", "/v1/staff_users", {
        "email": f"{role}@terminal.example", "name": f"Pat {role.replace('_', ' ').title()}", "role": role,
        "password": PASSWORD}) for role in ("terminal", "terminal_refund")}


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    p = context.new_page()
    yield p
    context.close()


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in(page: Page, server: PayHubServer, email: str) -> None:
    page.goto(f"{server.url}/terminal")
    expect(page).to_have_url(f"{server.url}/terminal/sign_in")
    page.locator("#entity").fill(server.entity_id)
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{server.url}/terminal")
    expect(page.locator("#staff")).to_contain_text("Pat")


def find_customer(page: Page, name: str, customer: str) -> None:
    page.locator("#search").fill(name)
    page.get_by_role("button", name="Search").click()
    page.locator(f'[data-customer="{customer}"]').click()
    expect(page.locator("#customer-id")).to_have_text(customer)
    expect(page.locator("#invoices tr").first).to_be_visible()


def key_card_payment(page: Page, invoice: str, amount: str, po: str, tax: str) -> None:
    row = page.locator(f'#invoices tr[data-invoice="{invoice}"]')
    row.locator('input[type="checkbox"]').check()
    row.locator('input[type="text"]').fill(amount)
    frame = page.frame_locator("#fields")
    frame.locator("#number").fill("4242424242424242")
    frame.locator("#exp").fill("12/31")
    frame.locator("#cvc").fill("123")
    page.locator("#review").click()
    expect(page.locator("#review-step")).to_be_visible()
    expect(page.locator("#review-amount")).to_have_text(f"{amount} USD")
    expect(page.locator("#review-total")).to_contain_text("USD")
    page.locator("#po").fill(po)
    page.locator("#tax").fill(tax)


def test_keyed_card_payment_with_level3_posting_and_refund(page: Page, payhub_server: PayHubServer,
                                                         staff: dict[str, dict[str, Any]]) -> None:
    server = payhub_server
    sign_in(page, server, "terminal_refund@terminal.example")
    find_customer(page, "acme", "cus_acme")
    key_card_payment(page, "inv_acme_1001", "150.00", "PO-4711", "12.38")
    shot(page, "terminal-review")
    page.locator("#submit").click()
    expect(page.locator("#result-step")).to_be_visible(timeout=20_000)
    expect(page.locator("#result-status")).to_have_text("captured")
    expect(page.locator("#result-level3")).to_contain_text("PO PO-4711 · tax 12.38 USD")
    expect(page.locator("#result-erp-ref")).not_to_have_text("—")
    entries = page.locator("#result-entries tr")
    expect(entries.first).to_be_visible()
    assert entries.count() >= 2, server_log(server)
    expect(page.locator("#result-entries")).to_contain_text("150.00 USD")
    shot(page, "terminal-posting")

    payment_id = page.locator("#result-id").inner_text()
    payment = _admin(server, "GET", f"/v1/payments/{payment_id}")
    assert payment["channel"] == "terminal" and payment["metadata"]["staff_user"] == staff["terminal_refund"]["id"]
    assert payment["level3"]["customer_po"] == "PO-4711"
    assert payment["level3"]["tax_amount"] == {"amount": 1238, "currency": "USD"}
    assert payment["posting"]["erp_reference"] == page.locator("#result-erp-ref").inner_text()

    page.locator("#refund").click()
    expect(page.locator("#refund-result")).to_contain_text("succeeded", timeout=20_000)
    expect(page.locator("#result-posting-status")).to_contain_text("refund")
    shot(page, "terminal-refund")
    refunded = _admin(server, "GET", f"/v1/payments/{payment_id}")
    assert refunded["amount_refunded"]["amount"] == 15_000
    audit = _admin(server, "GET", "/v1/audit_events?limit=100")["data"]
    mine = {a["action"] for a in audit if a["staff_user"] == staff["terminal_refund"]["id"]}
    assert {"terminal.signed_in", "terminal.key_issued", "terminal.payment_created",
            "terminal.refund_created"} <= mine


def test_terminal_role_has_no_refund_button_and_the_api_refuses(page: Page, payhub_server: PayHubServer,
                                                                 staff: dict[str, dict[str, Any]]) -> None:
    server = payhub_server
    sign_in(page, server, "terminal@terminal.example")
    assert page.locator("#refund").count() == 0 and page.locator("#void").count() == 0
    find_customer(page, "globex", "cus_globex")
    key_card_payment(page, "inv_globex_2001", "20.00", "PO-1", "")
    page.locator("#submit").click()
    expect(page.locator("#result-status")).to_have_text("captured", timeout=20_000)
    assert page.locator("#refund").count() == 0
    shot(page, "terminal-no-refund")

    key = json.loads(page.locator("#terminal-config").text_content() or "{}")["key"]
    payment_id = page.locator("#result-id").inner_text()
    refused = httpx.post(f"{server.url}/v1/refunds", json={"payment": payment_id}, timeout=30,
                         headers={"Authorization": f"Bearer {key}"})
    assert refused.status_code == 403 and refused.json()["code"] == "staff_role_forbidden"


def test_ach_by_phone_needs_the_tel_script_read(page: Page, payhub_server: PayHubServer,
                                               staff: dict[str, dict[str, Any]]) -> None:
    server = payhub_server
    sign_in(page, server, "terminal@terminal.example")
    find_customer(page, "initech", "cus_initech")
    row = page.locator('#invoices tr[data-invoice="inv_initech_3001"]')
    row.locator('input[type="checkbox"]').check()
    row.locator('input[type="text"]').fill("30.00")
    page.locator('input[name="kind"][value="ach"]').check()
    expect(page.locator("#tel")).to_be_visible()
    frame = page.frame_locator("#fields")
    frame.locator("#holder").fill("Initech AP")
    frame.locator("#routing").fill("110000000")
    frame.locator("#account").fill("000123456789")
    page.locator("#review").click()
    expect(page.locator("#method-error")).to_contain_text("Read the authorization")
    expect(page.locator("#tel-script")).to_contain_text("authorize")
    expect(page.locator("#tel-script")).to_contain_text("30.00 USD")
    shot(page, "terminal-ach-tel")
    page.locator("#tel-read").check()
    page.locator("#review").click()
    expect(page.locator("#review-step")).to_be_visible()
    page.locator("#submit").click()
    expect(page.locator("#result-step")).to_be_visible(timeout=20_000)
    payment = _admin(server, "GET", f"/v1/payments/{page.locator('#result-id').inner_text()}")
    assert payment["payment_method"]["type"] == "ach"
    assert payment["metadata"]["tel_authorization"] == "read" and payment["metadata"]["tel_script"] == "tel-v1"
