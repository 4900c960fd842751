"""The customer portal in real Chromium: sign in with the link read from the SMTP sink, pay two invoices, save the
card, open the receipt and download its PDF (which has the amount and invoice numbers). Screenshots of the pages
go to build/screenshots/portal-*.png (copied by hand to docs/screenshots/)."""

from __future__ import annotations

import io
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

pytest.importorskip("playwright")
from playwright.sync_api import Browser, Page, expect  # noqa: E402
from pypdf import PdfReader  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "screenshots"
EMAIL = "ap@acme.example"


@pytest.fixture(scope="module")
def portal_on(payhub_server: Any) -> str:
    """The demo entity's portal enabled and branded, cus_acme invited (through the admin API)."""
    admin = httpx.Client(base_url=payhub_server.url, timeout=30,
                         headers={"Authorization": f"Bearer {payhub_server.admin_key}"})
    current = admin.get("/v1/portal_settings").json()
    settings = {k: v for k, v in current.items() if k != "object"}
    put = admin.put("/v1/portal_settings", json={**settings, "enabled": True, "support_email": "ar@demo.example"})
    assert put.status_code == 200, put.text
    made = admin.post("/v1/customers", headers={"Idempotency-Key": str(uuid.uuid4())},
                      json={"erp_customer": "cus_acme", "email": EMAIL, "portal_access": True})
    assert made.status_code == 201, made.text
    return f"{payhub_server.url}/portal/{payhub_server.entity_id}"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1200, "height": 1100}, locale="en-US", accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, errors


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"portal-{name}.png"), full_page=True)


def wait_for_link(payhub_server: Any, count: int) -> str:
    """The sign-in link of the `count`-th message in the sink, once it is there (the server sends in the
    background: a condition polled until a deadline, not a fixed sleep)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        messages = payhub_server.mail.messages()
        if len(messages) >= count:
            found = re.search(r"https?://\S+/login\?code=\S+", messages[count - 1].get_content())
            assert found
            return found.group(0)
        time.sleep(0.05)
    raise AssertionError("no sign-in email reached the sink")


def test_sign_in_by_email_pay_two_invoices_save_the_card_and_download_a_receipt(
        page: Page, payhub_server: Any, portal_on: str) -> None:
    before = len(payhub_server.mail.messages())
    page.goto(portal_on)
    expect(page.locator("h1")).to_have_text("Sign in")
    shoot(page, "signin")
    page.locator("#link-email").fill(EMAIL)
    page.locator("#link-form button").click()
    expect(page.locator(".notice")).to_contain_text("If this email belongs to an account")
    link = wait_for_link(payhub_server, before + 1)
    page.goto(link)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Pay invoices")
    expect(page.locator(".who")).to_have_text("Acme Builders LLC")

    # pay two invoices, one of them in part
    page.locator("payhub-invoice-list #select-inv_acme_1001").check()
    page.locator("payhub-invoice-list #select-inv_acme_1002").check()
    partial = page.locator("payhub-invoice-list #amount-inv_acme_1002")
    partial.fill("100.50")
    expect(partial).to_have_attribute("aria-invalid", "false")
    frame = page.frame_locator("payhub-payment-form iframe")
    frame.locator("#number").fill("4242424242424242")
    frame.locator("#exp").fill("12/30")
    frame.locator("#cvc").fill("123")
    page.locator("payhub-payment-form #review").click()
    expect(page.locator("payhub-payment-form [data-quote]")).to_be_visible()  # the fee shown first
    shoot(page, "pay")
    page.locator("payhub-payment-form #pay").click()
    expect(page.locator("payhub-payment-form [data-result]")).to_be_visible()
    receipt = page.locator("payhub-payment-form [data-receipt]").inner_text().strip()
    assert receipt.startswith("PAY-")

    # save the card (payment methods page)
    page.get_by_role("link", name="Payment methods").click()
    widget = page.locator("payhub-autopay-enrollment")
    cardframe = page.frame_locator("payhub-autopay-enrollment iframe")
    cardframe.locator("#number").fill("5555555555554444")
    cardframe.locator("#exp").fill("11/31")
    cardframe.locator("#cvc").fill("321")
    widget.locator("#consent").check()
    widget.locator("#save").click()
    expect(widget.locator("[data-method]")).to_have_count(1)
    expect(widget.locator("[data-method]")).to_contain_text("ending 4444")
    shoot(page, "methods")

    # the receipt: a printable page and a PDF
    page.get_by_role("link", name="Payments & receipts").click()
    row = page.locator("table.receipts tr", has_text=receipt)
    expect(row).to_contain_text("INV-1001, INV-1002")
    shoot(page, "history")
    row.get_by_role("link", name="View").click()
    expect(page.locator("h1")).to_have_text(f"Receipt {receipt}")
    amount = page.locator(".receipt .amount").inner_text()
    shoot(page, "receipt")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    pdf = Path(download.value.path()).read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    for expected in (amount, "INV-1001", "INV-1002", receipt):
        assert expected in text, text

    # the payment's channel is the portal's
    admin = httpx.Client(base_url=payhub_server.url, timeout=30,
                         headers={"Authorization": f"Bearer {payhub_server.admin_key}"})
    payment_id = "pay_" + receipt.removeprefix("PAY-").lower()
    assert admin.get(f"/v1/payments/{payment_id}").json()["channel"] == "portal"
