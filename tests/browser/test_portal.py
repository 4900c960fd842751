"""The customer portal in real Chromium: sign in with the link read from the SMTP sink, pay two invoices, save the
card, open the receipt and download its PDF (which has the amount and invoice numbers). Screenshots of the pages
go to build/screenshots/portal-*.png (copied by hand to docs/screenshots/)."""

from __future__ import annotations

import io
import json
import re
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader
from standardwebhooks import Webhook

from payhub.erp.embedded import create_customer, create_invoice
from tests import processes

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "screenshots"
EMAIL = "ap@portal-customer.example"
CUSTOMER, NAME = "cus_portal", "Portal Customer Ltd"  # its own: the widget tests share the server and the demo's


@pytest.fixture(scope="module")
def portal_on(payhub_server: Any) -> str:
    """The demo entity's portal enabled, a customer of its own with two invoices, invited (admin API)."""
    today = date.today()
    with payhub_server.services.transaction() as s:
        create_customer(s, payhub_server.entity_id, CUSTOMER, NAME, EMAIL)
        for invoice, number, cents in (("inv_portal_1", "INV-9001", 120_000), ("inv_portal_2", "INV-9002", 80_000)):
            create_invoice(s, company_id=payhub_server.entity_id, customer_id=CUSTOMER, invoice_id=invoice,
                           number=number, currency="USD", lines=[("Supplies", 1, cents)], terms="Net 30",
                           issued_on=today, due_on=today + timedelta(days=30))
    admin = httpx.Client(base_url=payhub_server.url, timeout=30,
                         headers={"Authorization": f"Bearer {payhub_server.admin_key}"})
    current = admin.get("/v1/portal_settings").json()
    settings = {k: v for k, v in current.items() if k != "object"}
    put = admin.put("/v1/portal_settings", json={**settings, "enabled": True, "support_email": "ar@demo.example"})
    assert put.status_code == 200, put.text
    made = admin.post("/v1/customers", headers={"Idempotency-Key": str(uuid.uuid4())},
                      json={"erp_customer": CUSTOMER, "email": EMAIL, "portal_access": True})
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


class Receiver:
    """A webhook receiver on 127.0.0.1: what the worker delivers, as (headers, body)."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        box = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                box.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, event_type: str, object_id: str, timeout_s: float = 60) -> tuple[dict[str, str], bytes]:
        """The delivery of this event about this object (others, earlier in the shared server, may come too)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for headers, body in list(self.received):
                event = json.loads(body)
                if event["type"] == event_type and event["data"]["id"] == object_id:
                    return headers, body
            time.sleep(0.05)
        raise AssertionError(f"no {event_type} webhook for {object_id} arrived")


@pytest.fixture
def webhooks(payhub_server: Any, tmp_path: Path) -> Iterator[tuple[Receiver, str]]:
    """A receiver subscribed to autopay events, and a real `payhub worker` delivering to it."""
    receiver = Receiver()
    admin = httpx.Client(base_url=payhub_server.url, timeout=30,
                         headers={"Authorization": f"Bearer {payhub_server.admin_key}"})
    endpoint = admin.post("/v1/webhook_endpoints", json={"url": receiver.url, "event_types": ["autopay.enrolled"]})
    assert endpoint.status_code == 201, endpoint.text
    env = processes.payhub_env(str(payhub_server.services.sessions.kw["bind"].url),
                               PAYHUB_WEBHOOK_ALLOWED_NETWORKS='["127.0.0.0/8"]')
    worker = processes.start(["worker"], env, tmp_path / "worker.log")
    try:
        yield receiver, endpoint.json()["secret"]
    finally:
        processes.stop([worker])
        receiver.server.shutdown()
        admin.delete(f"/v1/webhook_endpoints/{endpoint.json()['id']}")


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


def test_sign_in_by_email_pay_two_invoices_save_the_card_enrol_and_download_a_receipt(
        page: Page, payhub_server: Any, portal_on: str, webhooks: tuple[Receiver, str]) -> None:
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
    expect(page.locator(".who")).to_have_text(NAME)

    # pay two invoices, one of them in part
    page.locator("payhub-invoice-list #select-inv_portal_1").check()
    page.locator("payhub-invoice-list #select-inv_portal_2").check()
    partial = page.locator("payhub-invoice-list #amount-inv_portal_2")
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

    # enrol in autopay with it: autopay.enrolled reaches the webhook receiver, signed
    widget.locator("#autopay-method").select_option(index=0)
    widget.locator("#autopay-enrol").click()
    expect(widget.locator("[data-autopay-status]")).to_have_text("Active")
    enrollment_id = widget.locator("[data-enrollment]").get_attribute("data-enrollment")
    shoot(page, "methods")
    receiver, secret = webhooks
    assert enrollment_id
    headers, body = receiver.wait_for("autopay.enrolled", enrollment_id)
    event = Webhook(secret).verify(body, headers)
    assert event["data"]["id"] == enrollment_id and event["data"]["customer"] == CUSTOMER

    # the receipt: a printable page and a PDF
    page.get_by_role("link", name="Payments & receipts").click()
    row = page.locator("table.receipts tr", has_text=receipt)
    expect(row).to_contain_text("INV-9001, INV-9002")
    shoot(page, "history")
    row.get_by_role("link", name="View").click()
    expect(page.locator("h1")).to_have_text(f"Receipt {receipt}")
    amount = page.locator(".receipt .amount").inner_text()
    shoot(page, "receipt")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    pdf = Path(download.value.path()).read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    for expected in (amount, "INV-9001", "INV-9002", receipt):
        assert expected in text, text

    # the payment's channel is the portal's
    admin = httpx.Client(base_url=payhub_server.url, timeout=30,
                         headers={"Authorization": f"Bearer {payhub_server.admin_key}"})
    payment_id = "pay_" + receipt.removeprefix("PAY-").lower()
    assert admin.get(f"/v1/payments/{payment_id}").json()["channel"] == "portal"
